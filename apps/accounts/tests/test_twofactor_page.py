"""The pages of a sign-in not yet finished: after the password, before the code, a
session is shown the code form (or the authenticator's set-up), the language switch
and signing out; nothing of the menu, the schools, the person or their notifications."""

import pytest
from django.test import Client
from django.urls import reverse

from apps.accounts.models import Role
from apps.accounts.tests.factories import MembershipFactory, SchoolFactory, TOTPDeviceFactory, UserFactory
from apps.notifications.models import Notification
from conftest import client_for

pytestmark = pytest.mark.django_db

# What the navigation shows a signed-in member: the menu, the school switcher, the
# bell with the unread count, the person's own menu.
NAVIGATION_MARKS = [
    'id="mainNav"',
    'data-testid="nav-mentoring"',
    'data-testid="school-menu"',
    'data-testid="notifications-bell"',
    'data-testid="unread-count"',
    'data-testid="nav-two-factor"',
]


@pytest.fixture
def administrator_of_two_schools(school):
    """An administrator here and a teacher at a second school, with unread notifications."""
    user = UserFactory(first_name="Зинаида", patronymic="Аркадьевна", last_name="Проверкина")
    MembershipFactory(user=user, school=school, roles=[Role.ADMINISTRATOR])
    MembershipFactory(user=user, school=SchoolFactory(short_name="Лицей на Береговой"), roles=[Role.TEACHER])
    for n in range(3):
        Notification.objects.create(
            user=user, school=school, kind=Notification.Kind.VISIT_PLANNED, key=f"k{n}", title="Посещение урока"
        )
    return user


def _password_only(user):
    client = Client()
    client.force_login(user)
    return client


def _assert_nothing_of_the_school_or_person(html, user, school):
    for mark in NAVIGATION_MARKS:
        assert mark not in html, mark
    assert user.get_short_name() not in html
    assert user.last_name not in html
    assert school.short_name not in html and school.name not in html
    assert "Лицей на Береговой" not in html


def _assert_language_switch_and_sign_out(html):
    assert f'action="{reverse("set_language")}"' in html
    assert 'name="language" value="ru"' in html and 'name="language" value="en"' in html
    assert f'action="{reverse("logout")}"' in html


def test_code_page_shows_the_form_language_and_sign_out_only(administrator_of_two_schools, school):
    user = administrator_of_two_schools
    TOTPDeviceFactory(user=user)
    client = _password_only(user)
    # What the page leaves out is what the same person sees once the code is typed.
    full = client_for(user).get(reverse("two_factor")).content.decode()
    assert all(mark in full for mark in NAVIGATION_MARKS) and user.get_short_name() in full

    response = client.get(reverse("two_factor_verify"))

    assert response.status_code == 200
    html = response.content.decode()
    assert 'data-testid="two-factor-verify"' in html and 'name="code"' in html
    _assert_language_switch_and_sign_out(html)
    _assert_nothing_of_the_school_or_person(html, user, school)
    assert "Администратор" not in html  # the role beside the school's name in the switcher


def test_code_page_after_a_wrong_code_still_shows_nothing_else(administrator_of_two_schools, school):
    user = administrator_of_two_schools
    TOTPDeviceFactory(user=user)
    response = _password_only(user).post(reverse("two_factor_verify"), {"code": "000000", "next": "/"})
    assert response.status_code == 200
    html = response.content.decode()
    assert 'name="code"' in html
    _assert_language_switch_and_sign_out(html)
    _assert_nothing_of_the_school_or_person(html, user, school)


def test_set_up_on_the_way_in_shows_nothing_of_the_school_or_person(administrator_of_two_schools, school):
    """An administrator without an authenticator is sent to set one up after the password."""
    user = administrator_of_two_schools
    response = _password_only(user).get(reverse("two_factor_setup"))
    assert response.status_code == 200
    html = response.content.decode()
    assert 'data-testid="totp-qr"' in html and 'name="code"' in html
    _assert_language_switch_and_sign_out(html)
    _assert_nothing_of_the_school_or_person(html, user, school)


def test_set_up_chosen_by_a_signed_in_teacher_keeps_the_navigation(teacher, school):
    html = client_for(teacher).get(reverse("two_factor_setup")).content.decode()
    assert 'id="mainNav"' in html and 'data-testid="school-menu"' in html
    assert teacher.get_short_name() in html and school.name in html
