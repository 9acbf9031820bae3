"""The signed-in request floor: what every page pays before its own work (session,
user, school, two-factor, audit context, logs), pinned in queries. Its time budget is
checked by `make bench` (bench_run), not here: a timing on a busy machine is noise."""

import pytest
from django.contrib.auth import BACKEND_SESSION_KEY
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from apps.accounts.models import Membership, Role
from apps.accounts.tests.factories import MembershipFactory, SchoolFactory, SchoolNetworkFactory
from apps.benchmark import timing
from conftest import client_for

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.urls(timing.URLCONF),
    pytest.mark.usefixtures("signed_in_person_kept"),
]


def bare_url():
    return reverse(timing.BARE_URL_NAME)


def test_a_signed_in_bare_request_costs_no_query_once_its_person_is_kept(administrator):
    """The first request reads the user with all their memberships (school and network)
    in one query and keeps them beside the session; the next ones read both from the
    cache: no query at all, so not even the connection's health check."""
    client = client_for(administrator)
    with CaptureQueriesContext(connection) as first:
        assert client.get(bare_url()).status_code == 200  # the session reaches the cache
    assert len(first) == 1, [query["sql"] for query in first]
    assert "accounts_membership" in first[0]["sql"]

    with CaptureQueriesContext(connection) as queries:
        response = client.get(bare_url())
    assert response.status_code == 200
    assert response.wsgi_request.user == administrator
    assert len(queries) == 0, [query["sql"] for query in queries]


def test_the_one_query_gives_every_school_and_keeps_the_current_one(administrator, school):
    network = SchoolNetworkFactory()
    second = SchoolFactory(short_name="ААА школа", network=network)  # sorts before the first school
    MembershipFactory(user=administrator, school=second, roles=[Role.TEACHER])
    client = client_for(administrator)
    session = client.session
    session["current_school_id"] = school.pk
    session.save()

    with override_settings(ROOT_URLCONF="collabschool.urls"):
        response = client.get(reverse("home"), follow=True)
    request = response.wsgi_request
    assert [m.school for m in request.memberships] == [second, school]
    assert request.membership.school == school
    with CaptureQueriesContext(connection) as queries:
        assert request.memberships[0].school.network == network
        assert request.memberships[0].user == administrator
    assert not queries


def test_a_membership_removed_counts_on_the_next_request(teacher, school):
    """What is kept of the user and their schools between requests is dropped by the change."""
    client = client_for(teacher)
    assert client.get(bare_url()).wsgi_request.school == school
    Membership.objects.filter(user=teacher).delete()
    assert client.get(bare_url()).wsgi_request.school is None


def test_a_deactivated_account_is_signed_out_on_the_next_request(teacher):
    client = client_for(teacher)
    assert client.get(bare_url()).wsgi_request.user == teacher
    teacher.is_active = False
    teacher.save(update_fields=["is_active"])
    assert not client.get(bare_url()).wsgi_request.user.is_authenticated


def test_a_session_of_djangos_own_backend_stays_signed_in(teacher):
    """Sessions signed in before the project's backend are carried over, not ended."""
    client = client_for(teacher)
    session = client.session
    session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    session.save()
    request = client.get(bare_url()).wsgi_request
    assert request.user == teacher
    assert client.session[BACKEND_SESSION_KEY] == "apps.accounts.backends.ModelBackend"
