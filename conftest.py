"""Shared fixtures: schools and the personas every view is tried with.

Personas: teacher, curator, deputy head, administrator of `school`, and an
outsider who administers `other_school` and nothing in `school`.
"""

import pytest
from django.test import Client

from apps.accounts.models import Role
from apps.accounts.tests.factories import MembershipFactory, SchoolFactory, UserFactory


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def school(db):
    return SchoolFactory(short_name="Берёзовская СОШ", time_zone="Europe/Samara")


@pytest.fixture
def other_school(db):
    return SchoolFactory(short_name="Чужая СОШ")


def _member(school, *roles, **user_fields):
    return MembershipFactory(school=school, roles=list(roles), user=UserFactory(**user_fields)).user


@pytest.fixture
def teacher(school):
    return _member(school, Role.TEACHER)


@pytest.fixture
def curator(school):
    return _member(school, Role.CURATOR)


@pytest.fixture
def deputy_head(school):
    return _member(school, Role.DEPUTY_HEAD)


@pytest.fixture
def administrator(school):
    return _member(school, Role.ADMINISTRATOR)


@pytest.fixture
def outsider(other_school):
    """Holds every role, but in another school."""
    return _member(other_school, *Role.values)


PERSONAS = {
    Role.TEACHER: "teacher",
    Role.CURATOR: "curator",
    Role.DEPUTY_HEAD: "deputy_head",
    Role.ADMINISTRATOR: "administrator",
}


def client_for(user):
    client = Client()
    if user is not None:
        client.force_login(user)
    return client
