"""The signed-in person kept beside the session (apps/accounts/snapshots.py): read from
Redis while true, never once an account, a membership, a school or a network changed,
never for another person, and never for a session that has ended."""

import time

import pytest
from django.conf import settings
from django.core.cache import caches
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from apps.accounts.models import Membership, Role, School, User
from apps.accounts.tests.factories import MembershipFactory, SchoolFactory, SchoolNetworkFactory
from apps.accounts.tests.test_sessions import closed_port
from apps.core import forget
from apps.core.sessions import SessionStore
from conftest import client_for

pytestmark = pytest.mark.usefixtures("signed_in_person_kept")


def user_reads(captured):
    """The queries that read the signed-in person (the user joined with memberships)."""
    return [q["sql"] for q in captured if "FROM accounts_user u LEFT JOIN accounts_membership" in q["sql"]]


def page(client):
    response = client.get(reverse("home"))
    return response, response.wsgi_request


def signed_out(response):
    return response.status_code == 302 and response["Location"].startswith(reverse("login"))


def snapshot_key(client):
    return SessionStore.snapshot_key(client.cookies[settings.SESSION_COOKIE_NAME].value)


def test_a_signed_in_request_reads_the_person_from_postgresql_once_then_from_the_snapshot(teacher):
    client = client_for(teacher)
    with CaptureQueriesContext(connection) as first:
        page(client)
    with CaptureQueriesContext(connection) as second:
        response, request = page(client)
    assert len(user_reads(first)) == 1
    assert user_reads(second) == []
    assert response.status_code == 200
    assert request.user == teacher and request.membership.roles == [Role.TEACHER]
    assert len(second) == len(first) - 1


def test_a_deactivated_account_is_signed_out_at_the_next_request(teacher):
    client = client_for(teacher)
    page(client)
    page(client)  # from the snapshot
    teacher.is_active = False
    teacher.save()
    assert signed_out(client.get(reverse("home")))


def test_a_removed_membership_counts_at_the_next_request(teacher, school):
    other = SchoolFactory()
    MembershipFactory(user=teacher, school=other, roles=[Role.TEACHER])
    client = client_for(teacher)
    _, request = page(client)
    assert {m.school_id for m in request.memberships} == {school.pk, other.pk}
    Membership.objects.get(user=teacher, school=other).delete()
    _, request = page(client)
    assert [m.school_id for m in request.memberships] == [school.pk]


def test_a_role_given_in_bulk_counts_at_the_next_request(teacher, school):
    client = client_for(teacher)
    _, request = page(client)
    assert not request.membership.can("staff.edit")
    # A queryset update sends no signal: the bulk write itself makes snapshots stale.
    Membership.objects.filter(user=teacher, school=school).update(roles=[Role.TEACHER, Role.ADMINISTRATOR])
    _, request = page(client)
    assert request.membership.roles == [Role.TEACHER, Role.ADMINISTRATOR]


def test_a_schools_new_time_zone_counts_at_the_next_request(teacher, school):
    client = client_for(teacher)
    page(client)
    school.time_zone = "Asia/Yekaterinburg"
    school.save()
    _, request = page(client)
    assert request.school.time_zone == "Asia/Yekaterinburg"
    School.objects.filter(pk=school.pk).update(time_zone="Asia/Novosibirsk")
    _, request = page(client)
    assert request.school.time_zone == "Asia/Novosibirsk"


def test_a_school_joining_a_network_counts_at_the_next_request(teacher, school):
    client = client_for(teacher)
    page(client)
    network = SchoolNetworkFactory()
    school.network = network
    school.save()
    _, request = page(client)
    assert request.school.network == network
    network.name = "Сеть «Новая»"
    network.save()
    _, request = page(client)
    assert request.school.network.name == "Сеть «Новая»"


def test_a_new_password_ends_the_other_sessions_kept_in_snapshots(teacher):
    leaving, staying = client_for(teacher), client_for(teacher)
    page(leaving)
    page(leaving)  # from the snapshot, with the old password's hash
    teacher.set_password("Another-pass-2026")
    teacher.save()
    assert signed_out(leaving.get(reverse("home")))
    assert signed_out(staying.get(reverse("home")))


def test_a_snapshot_serves_only_the_person_its_session_belongs_to(teacher, curator):
    client = client_for(teacher)
    page(client)
    cache = caches[settings.SESSION_CACHE_ALIAS]
    _, versions, _ = cache.get(snapshot_key(client))
    # Someone else's person under this session's key, even with today's versions...
    cache.set(snapshot_key(client), (curator.pk, versions, User.objects.get(pk=curator.pk)), 30)
    _, request = page(client)
    # ...is not taken: the session names its own user.
    assert request.user == teacher


def test_a_snapshot_is_forgotten_with_its_session(teacher):
    client = client_for(teacher)
    page(client)
    key = snapshot_key(client)
    assert caches[settings.SESSION_CACHE_ALIAS].get(key) is not None
    client.post(reverse("logout"))
    assert caches[settings.SESSION_CACHE_ALIAS].get(key) is None


@pytest.fixture
def redis_refusing(settings):
    """The cache on a port where nothing listens, for the `with` block."""
    up = settings.CACHES

    class Down:
        def __enter__(self):
            settings.CACHES = {
                "default": {
                    **up["default"],
                    "LOCATION": f"redis://127.0.0.1:{closed_port()}/1",
                    "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
                }
            }

        def __exit__(self, *exc):
            settings.CACHES = up

    return Down()


def test_a_session_ended_while_redis_was_down_is_refused_by_this_process_at_once(teacher, redis_refusing):
    client = client_for(teacher)
    page(client)
    page(client)  # a snapshot in Redis
    cookie = client.cookies[settings.SESSION_COOKIE_NAME].value
    with redis_refusing:
        client.post(reverse("logout"))
    assert forget._owed  # this process owes Redis the session's keys
    stolen = Client()
    stolen.cookies[settings.SESSION_COOKIE_NAME] = cookie
    assert signed_out(stolen.get(reverse("home")))
    assert not forget._owed
    assert caches[settings.SESSION_CACHE_ALIAS].get(SessionStore.snapshot_key(cookie)) is None


def test_another_process_refuses_it_once_the_snapshot_expires(teacher, settings, redis_refusing):
    settings.SIGNED_IN_SNAPSHOT_SECONDS = 1
    client = client_for(teacher)
    page(client)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME].value
    with redis_refusing:
        client.post(reverse("logout"))
    forget._owed.clear()  # another process: it never saw the failed delete
    stolen = Client()
    stolen.cookies[settings.SESSION_COOKIE_NAME] = cookie
    deadline = time.monotonic() + 10
    while not signed_out(stolen.get(reverse("home"))):
        assert time.monotonic() < deadline, "the ended session still signs in after its snapshot's lifetime"
        time.sleep(0.2)
