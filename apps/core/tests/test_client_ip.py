"""The client's address behind AXES_PROXY_COUNT proxies, as the audit trail and the
login throttle both read it."""

import pytest
from axes.models import AccessAttempt
from django.test import RequestFactory
from django.urls import reverse

from apps.audit.models import AuditEvent
from apps.core.request_context import client_ip

PASSWORD = "correct-horse-42"  # the factories' password


def request(forwarded=None, remote="10.0.0.2"):
    meta = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        meta["HTTP_X_FORWARDED_FOR"] = forwarded
    return RequestFactory().get("/", **meta)


@pytest.mark.parametrize(
    ("count", "forwarded", "expected"),
    [
        (0, None, "10.0.0.2"),
        (0, "203.0.113.9", "10.0.0.2"),  # no proxy: the header is the client's own word
        (1, "203.0.113.9", "203.0.113.9"),
        (1, "6.6.6.6, 203.0.113.9", "203.0.113.9"),  # a forged entry stands to the left
        (2, "6.6.6.6, 203.0.113.9, 192.0.2.7", "203.0.113.9"),
        (1, "2001:db8::1", "2001:db8::1"),
        (1, None, "10.0.0.2"),  # reached gunicorn past the proxy
        (2, "203.0.113.9", "10.0.0.2"),  # fewer hops than proxies
        (1, "not-an-address", "10.0.0.2"),
        (1, "203.0.113.9, ", "10.0.0.2"),
    ],
)
def test_client_address(settings, count, forwarded, expected):
    settings.PROXY_COUNT = count
    assert client_ip(request(forwarded)) == expected


@pytest.mark.django_db
def test_behind_the_proxy_the_audit_trail_and_the_throttle_see_the_client(client, teacher, settings):
    settings.PROXY_COUNT = 1
    forged = {"REMOTE_ADDR": "10.0.0.2", "HTTP_X_FORWARDED_FOR": "6.6.6.6, 203.0.113.9"}
    client.post(reverse("login"), {"username": teacher.email, "password": "wrong-123"}, **forged)
    assert AuditEvent.objects.get(action=AuditEvent.Action.SIGN_IN_FAILED).ip_address == "203.0.113.9"
    assert AccessAttempt.objects.get().ip_address == "203.0.113.9"
    client.post(reverse("login"), {"username": teacher.email, "password": PASSWORD}, **forged)
    assert AuditEvent.objects.get(action=AuditEvent.Action.SIGN_IN_SUCCEEDED).ip_address == "203.0.113.9"
