"""Sessions: a new id at sign-in, other sessions ended by a password change, and an end
after SESSION_IDLE_TIMEOUT without requests or SESSION_ABSOLUTE_TIMEOUT after sign-in."""

import contextlib
import datetime
import socket

import pytest
import time_machine
from django.conf import settings
from django.contrib import messages
from django.contrib.sessions.models import Session
from django.core.cache import caches
from django.test import Client
from django.urls import reverse
from django.utils import translation

from apps.accounts.personal_data import _sessions_delete
from apps.core.sessions import SessionStore
from conftest import client_for

PASSWORD = "correct-horse-42"
START = datetime.datetime(2026, 10, 5, 8, 0, tzinfo=datetime.UTC)


def at(hours, minutes=0):
    return time_machine.travel(START + datetime.timedelta(hours=hours, minutes=minutes), tick=False)


def signed_out(response):
    return response.status_code == 302 and response["Location"].startswith(reverse("login"))


def ru(text):
    with translation.override("ru"):
        return translation.gettext(text)


def test_session_id_rotates_at_sign_in(teacher):
    client = Client()
    session = client.session  # an anonymous session, as a planted cookie would be
    session["planted"] = True
    session.save()
    before = client.cookies[settings.SESSION_COOKIE_NAME].value

    assert client.post(reverse("login"), {"username": teacher.email, "password": PASSWORD}).status_code == 302
    after = client.cookies[settings.SESSION_COOKIE_NAME].value
    assert after != before
    assert not SessionStore().exists(before)
    assert client.get(reverse("home")).status_code == 200


def test_changing_the_password_ends_the_other_sessions_only(teacher):
    here, elsewhere = client_for(teacher), client_for(teacher)
    assert elsewhere.get(reverse("home")).status_code == 200
    response = here.post(
        reverse("password_change"),
        {"old_password": PASSWORD, "new_password1": "Nov-pass-2026!", "new_password2": "Nov-pass-2026!"},
    )
    assert response["Location"] == reverse("password_change_done")
    assert here.get(reverse("home")).status_code == 200
    assert signed_out(elsewhere.get(reverse("home")))


def test_administrator_keeps_the_second_factor_after_changing_the_password(administrator):
    client = client_for(administrator)
    client.post(
        reverse("password_change"),
        {"old_password": PASSWORD, "new_password1": "Nov-pass-2026!", "new_password2": "Nov-pass-2026!"},
    )
    assert client.get(reverse("staff:list")).status_code == 200


def test_idle_session_ends_after_the_idle_timeout(teacher, settings):
    assert settings.SESSION_IDLE_TIMEOUT == 3 * 3600
    with at(0):
        client = client_for(teacher)
    # Each request pushes the idle limit on: 2 h 50 min apart.
    with at(2, 50):
        assert client.get(reverse("home")).status_code == 200
    with at(5, 40):
        assert client.get(reverse("home")).status_code == 200
    with at(8, 41):
        response = client.get(reverse("staff:list"))
    assert signed_out(response)
    assert response["Location"] == f"{reverse('login')}?next=/staff/"
    with at(8, 42):
        page = client.get(response["Location"])
    shown = [(m.level, m.message) for m in page.context["messages"]]
    assert shown == [(messages.INFO, ru("You were away for too long, so you were signed out. Sign in again."))]
    with at(8, 43):
        assert signed_out(client.get(reverse("home")))


def test_session_ends_after_the_absolute_timeout_however_busy(teacher):
    with at(0):
        client = client_for(teacher)
    for hour in range(1, 13):
        with at(hour):
            assert client.get(reverse("home")).status_code == 200, hour
    with at(12, 1):
        response = client.post(reverse("school_switch"), {"school": 1})
    assert response.status_code == 302 and response["Location"] == reverse("login")
    with at(12, 2):
        page = client.get(reverse("login"))
    assert [m.message for m in page.context["messages"]] == [
        ru("Your session has lasted its longest allowed time. Sign in again.")
    ]


def test_timeouts_are_settings(teacher, settings):
    settings.SESSION_IDLE_TIMEOUT = 10 * 60
    settings.SESSION_ABSOLUTE_TIMEOUT = 30 * 60
    with at(0):
        client = client_for(teacher)
    with at(0, 9):
        assert client.get(reverse("home")).status_code == 200
    with at(0, 20):
        assert signed_out(client.get(reverse("home")))

    with at(1):
        client = client_for(teacher)
    for minutes in (8, 16, 24):
        with at(1, minutes):
            assert client.get(reverse("home")).status_code == 200
    with at(1, 32):
        assert signed_out(client.get(reverse("home")))


def test_a_session_from_before_the_timeouts_starts_counting_now(teacher):
    with at(0):
        client = client_for(teacher)
        session = client.session
        del session["signed_in_at"], session["seen_at"]
        session.save()
    with at(20):
        assert client.get(reverse("home")).status_code == 200
    # A page every two hours, so that only the 12-hour limit, counted from 20:00, can end it.
    for hour in range(22, 32, 2):
        with at(hour):
            assert client.get(reverse("home")).status_code == 200, hour
    with at(31, 59):
        assert client.get(reverse("home")).status_code == 200
    with at(32, 1):
        response = client.get(reverse("home"))
    assert signed_out(response)
    with at(32, 2):
        page = client.get(response["Location"])
    assert [m.message for m in page.context["messages"]] == [
        ru("Your session has lasted its longest allowed time. Sign in again.")
    ]


def test_a_page_does_not_save_the_session_every_time(teacher):
    with at(0):
        client = client_for(teacher)
        client.get(reverse("home"))
        seen = client.session["seen_at"]
    with at(0, 0.5):
        client.get(reverse("home"))
        assert client.session["seen_at"] == seen
    with at(0, 2):
        client.get(reverse("home"))
        assert client.session["seen_at"] == seen + 120


def test_sessions_ended_by_erasure_are_gone_from_the_session_cache(teacher, django_capture_on_commit_callbacks):
    """Sessions are read from the cache: ending them in the database alone would leave
    them signed in."""
    client = client_for(teacher)
    assert client.get(reverse("home")).status_code == 200  # the session is in the cache now
    with django_capture_on_commit_callbacks(execute=True):
        assert _sessions_delete(teacher) == 1
    assert signed_out(client.get(reverse("home")))


def closed_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]  # nothing listens there once the probe closes


@pytest.fixture
def redis_down(settings):
    """Switch the cache (where sessions are read) to a Redis that refuses connections,
    and back: `with redis_down():` ... (the real one keeps what it held)."""
    up = settings.CACHES

    @contextlib.contextmanager
    def down():
        settings.CACHES = {
            "default": {
                **up["default"],
                "LOCATION": f"redis://127.0.0.1:{closed_port()}/1",
                "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
            }
        }
        try:
            yield
        finally:
            settings.CACHES = up

    return down


def test_signing_out_with_redis_down_ends_the_session_for_good(teacher, redis_down):
    client = client_for(teacher)
    assert client.get(reverse("home")).status_code == 200  # the session is in the cache now
    cookie = client.cookies[settings.SESSION_COOKIE_NAME].value

    with redis_down():
        response = client.post(reverse("logout"))
        assert response.status_code == 302
        assert not client.cookies[settings.SESSION_COOKIE_NAME].value
        assert not Session.objects.filter(session_key=cookie).exists()

    # Redis is back with the old session still in it: the old cookie signs nobody in.
    assert caches["default"].get(SessionStore.cache_keys([cookie])[0]) is not None
    stolen = Client()
    stolen.cookies[settings.SESSION_COOKIE_NAME] = cookie
    assert signed_out(stolen.get(reverse("home")))


def test_pages_and_sign_in_with_redis_down_are_served_from_the_database(teacher, redis_down):
    signed_in = client_for(teacher)
    assert signed_in.get(reverse("home")).status_code == 200
    with redis_down():
        assert signed_in.get(reverse("home")).status_code == 200
        client = Client()
        response = client.post(reverse("login"), {"username": teacher.email, "password": PASSWORD})
        assert response.status_code == 302
        assert not signed_out(response)
        assert client.get(reverse("home")).status_code == 200
        response = client.post(
            reverse("password_change"),
            {"old_password": PASSWORD, "new_password1": "Nov-pass-2026!", "new_password2": "Nov-pass-2026!"},
        )
        assert response["Location"] == reverse("password_change_done")
        assert client.get(reverse("home")).status_code == 200
    # The session changed while the cache was down: back up, it is still the one in use.
    assert client.get(reverse("home")).status_code == 200
    assert signed_out(signed_in.get(reverse("home")))  # ended by the password change
