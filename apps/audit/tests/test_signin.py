"""Sign-in success and failure, sign-out and password changes, in each school's trail."""

import pytest
from django.contrib.auth.tokens import default_token_generator
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from apps.accounts.models import Role
from apps.accounts.tests.factories import MembershipFactory
from apps.audit.models import AuditEvent
from conftest import client_for

pytestmark = pytest.mark.django_db
Action = AuditEvent.Action
PASSWORD = "correct-horse-42"  # the factories' password


def sign_in(client, email, password):
    return client.post(reverse("login"), {"username": email, "password": password}, REMOTE_ADDR="198.51.100.4")


def test_sign_in_is_recorded_in_the_persons_school(client, teacher, school):
    assert sign_in(client, teacher.email.upper(), PASSWORD).status_code == 302
    event = AuditEvent.objects.get(action=Action.SIGN_IN_SUCCEEDED)
    assert (event.school, event.actor, event.target_id) == (school, teacher, str(teacher.pk))
    assert teacher.email in event.actor_label
    assert event.ip_address == "198.51.100.4"
    assert len(event.request_id) >= 8


def test_sign_in_of_a_person_of_two_schools_is_in_both_trails(client, teacher, school, other_school):
    MembershipFactory(user=teacher, school=other_school, roles=[Role.TEACHER])
    sign_in(client, teacher.email, PASSWORD)
    rows = AuditEvent.objects.filter(action=Action.SIGN_IN_SUCCEEDED)
    assert {e.school for e in rows} == {school, other_school}


def test_failed_sign_in_keeps_the_email_and_never_the_password(client, teacher, school):
    response = sign_in(client, teacher.email, "Wrong-Secret-123")
    assert response.status_code == 200
    event = AuditEvent.objects.get(action=Action.SIGN_IN_FAILED)
    assert (event.school, event.actor, event.actor_label) == (school, None, "")
    assert (event.target_type, event.target_id, event.target_label) == ("accounts.user", str(teacher.pk), teacher.email)
    assert event.ip_address == "198.51.100.4"
    assert "Wrong-Secret-123" not in str(list(AuditEvent.objects.values()))


def test_failed_sign_in_of_an_unknown_email_has_no_school(client, school):
    sign_in(client, "Nobody@Example.test", "whatever-123")
    event = AuditEvent.objects.get(action=Action.SIGN_IN_FAILED)
    assert (event.school, event.target_type, event.target_label) == (None, "", "nobody@example.test")


def test_sign_out_is_recorded(client, teacher, school):
    sign_in(client, teacher.email, PASSWORD)
    client.post(reverse("logout"))
    event = AuditEvent.objects.get(action=Action.SIGN_OUT)
    assert (event.school, event.actor) == (school, teacher)


def test_sign_out_without_a_session_writes_nothing(client):
    client.post(reverse("logout"))
    assert not AuditEvent.objects.exists()


def test_password_change_is_recorded_without_the_password(teacher, school):
    client = client_for(teacher)
    new = "Nov-pass-2026!"
    response = client.post(
        reverse("password_change"), {"old_password": PASSWORD, "new_password1": new, "new_password2": new}
    )
    assert response.status_code == 302
    event = AuditEvent.objects.get(action=Action.PASSWORD_CHANGED)
    assert (event.school, event.actor, event.target_id) == (school, teacher, str(teacher.pk))
    rows = str(list(AuditEvent.objects.values()))
    assert new not in rows and PASSWORD not in rows


def test_a_rejected_password_change_writes_nothing(teacher):
    client = client_for(teacher)
    response = client.post(
        reverse("password_change"), {"old_password": "not-it-123", "new_password1": "x", "new_password2": "y"}
    )
    assert response.status_code == 200
    assert not AuditEvent.objects.filter(action=Action.PASSWORD_CHANGED).exists()


def test_password_set_from_the_reset_link_is_recorded(client, teacher, school):
    uid = urlsafe_base64_encode(force_bytes(teacher.pk))
    response = client.get(reverse("password_reset_confirm", args=[uid, default_token_generator.make_token(teacher)]))
    assert response.status_code == 302  # Django moves the token out of the address first
    new = "Nov-pass-2026!"
    response = client.post(response["Location"], {"new_password1": new, "new_password2": new})
    assert response.status_code == 302
    event = AuditEvent.objects.get(action=Action.PASSWORD_CHANGED)
    assert (event.school, event.actor, event.target_id) == (school, teacher, str(teacher.pk))
    teacher.refresh_from_db()
    assert teacher.check_password(new)
