"""Redis (where sessions are read) frozen: pages, sign-in and sign-out answer from
PostgreSQL, and a session ended meanwhile stays ended when Redis thaws with the old
session still in it."""

import pytest
from django.conf import settings
from django.contrib.sessions.models import Session
from django.core.cache import caches
from django.test import Client
from django.urls import reverse

from apps.core.sessions import SessionStore
from apps.staff.tests.factories import StaffMemberFactory
from apps.visits.tests.factories import LessonVisitFactory
from conftest import client_for

pytestmark = [pytest.mark.faults, pytest.mark.django_db]

PASSWORD = "correct-horse-42"


def signed_out(response):
    return response.status_code == 302 and response["Location"].startswith(reverse("login"))


@pytest.fixture
def sessions_in(settings, redis_server):
    """The cache, and so the sessions, on the test's own Redis (as in production)."""
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": redis_server.url.rsplit("/", 1)[0] + "/1",
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
        }
    }
    # The to-dos are cached there too: frozen, they are counted in the database.
    settings.PERSON_CACHE_SECONDS = 60
    return redis_server


def test_redis_frozen_the_to_dos_are_counted_in_the_database(school, teacher, sessions_in):
    me = StaffMemberFactory(school=school, user=teacher)
    LessonVisitFactory(school=school, observers=[me])
    client = client_for(teacher)
    assert [item.kind for item in client.get(reverse("home")).context["todos"]] == ["feedback"]
    LessonVisitFactory(school=school, observers=[me])
    sessions_in.freeze()
    try:
        response = client.get(reverse("home"))
        assert [item.kind for item in response.context["todos"]] == ["feedback", "feedback"]
        assert 'data-testid="todos-badge">2<' in response.content.decode()
    finally:
        sessions_in.thaw()


def test_redis_frozen_pages_sign_in_and_sign_out_answer_and_the_ended_session_stays_ended(teacher, sessions_in):
    leaving, staying = client_for(teacher), client_for(teacher)
    for client in (leaving, staying):
        assert client.get(reverse("home")).status_code == 200  # the sessions are in Redis now
    cookie = leaving.cookies[settings.SESSION_COOKIE_NAME].value

    sessions_in.freeze()
    try:
        assert staying.get(reverse("home")).status_code == 200
        arriving = Client()
        response = arriving.post(reverse("login"), {"username": teacher.email, "password": PASSWORD})
        assert response.status_code == 302 and not signed_out(response)
        assert arriving.get(reverse("home")).status_code == 200

        response = leaving.post(reverse("logout"))
        assert response.status_code == 302
        assert not leaving.cookies[settings.SESSION_COOKIE_NAME].value
        assert not Session.objects.filter(session_key=cookie).exists()
    finally:
        sessions_in.thaw()

    assert caches["default"].get(SessionStore.cache_keys([cookie])[0]) is not None  # still there
    stolen = Client()
    stolen.cookies[settings.SESSION_COOKIE_NAME] = cookie
    assert signed_out(stolen.get(reverse("home")))
    assert staying.get(reverse("home")).status_code == 200
    assert arriving.get(reverse("home")).status_code == 200
