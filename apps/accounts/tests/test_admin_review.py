"""What a superuser does in the Django admin, second round: rows about people who work
in no school stay out of the superuser's own school, the admin shows no two-factor key,
every device edit is audited, and a device deleted there ends the sessions it verified."""

import datetime
import time

import pytest
import time_machine
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_static.models import StaticDevice

from apps.accounts.tests.factories import (
    MembershipFactory,
    SchoolNetworkFactory,
    TOTPDeviceFactory,
    UserFactory,
    totp_code,
)
from apps.accounts.twofactor import (
    totp_secret,
    twofactor_changed_stamp,
    twofactor_recovery_codes_admin_changed,
    twofactor_recovery_codes_regenerate,
    twofactor_recovery_codes_snapshot,
)
from apps.audit.models import AuditEvent
from conftest import client_for

PASSWORD = "correct-horse-42"


@pytest.fixture
def root(school):
    """A superuser who also works in a school: the admin's requests are served in it."""
    root = UserFactory(is_staff=True, is_superuser=True, email="root@school.test")
    MembershipFactory(user=root, school=school)
    return root


@pytest.fixture
def admin_client(root):
    return client_for(root)


NO_MEMBERSHIPS = {
    "memberships-TOTAL_FORMS": "0",
    "memberships-INITIAL_FORMS": "0",
    "memberships-MIN_NUM_FORMS": "0",
    "memberships-MAX_NUM_FORMS": "1000",
}


def rows_about(user, action=None):
    rows = AuditEvent.objects.filter(target_id=str(user.pk), target_type="accounts.user")
    if action:
        rows = rows.filter(action=action)
    return list(rows.order_by("pk"))


# --- 1. No school is not the superuser's school ---------------------------------------


def test_an_account_created_in_the_admin_is_in_no_schools_trail(admin_client, school):
    response = admin_client.post(
        reverse("admin:accounts_user_add"),
        {
            "email": "new.person@school.test",
            "password1": "Some-pass-for-77",
            "password2": "Some-pass-for-77",
            "usable_password": "true",
            **NO_MEMBERSHIPS,
        },
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    person = type(school.memberships.first().user).objects.get(email="new.person@school.test")
    rows = rows_about(person, AuditEvent.Action.ACCOUNT_CHANGED)
    assert rows and {row.school_id for row in rows} == {None}
    assert not AuditEvent.objects.filter(school=school, target_id=str(person.pk)).exists()


def test_a_coordinator_of_a_network_without_schools_is_in_no_schools_trail(admin_client, school):
    network = SchoolNetworkFactory()
    person = UserFactory()
    url = reverse("admin:accounts_schoolnetwork_change", args=[network.pk])
    data = {"name": network.name, "kind": network.kind, "description": "", "coordinators": [str(person.pk)]}
    assert admin_client.post(url, data).status_code == 302
    [row] = rows_about(person, AuditEvent.Action.ROLES_CHANGED)
    assert row.school_id is None


# --- 2. The admin shows no key or recovery code ----------------------------------------


def test_the_admin_shows_no_authenticator_key_nor_its_qr_code(admin_client, teacher):
    device = TOTPDeviceFactory(user=teacher)
    secret = totp_secret(device)
    page = admin_client.get(reverse("admin:otp_totp_totpdevice_change", args=[device.pk]))
    assert page.status_code == 200
    html = page.content.decode()
    assert device.key not in html and secret not in html and secret.lower() not in html
    for view in ("admin:otp_totp_totpdevice_config", "admin:otp_totp_totpdevice_qrcode"):
        response = admin_client.get(reverse(view, args=[device.pk]))
        assert response.status_code == 403
        assert device.key not in response.content.decode() and secret not in response.content.decode()
    listing = admin_client.get(reverse("admin:otp_totp_totpdevice_changelist")).content.decode()
    assert reverse("admin:otp_totp_totpdevice_config", args=[device.pk]) not in listing


def test_the_admin_shows_no_recovery_code(admin_client, teacher):
    codes = twofactor_recovery_codes_regenerate(user=teacher)
    device = StaticDevice.objects.get(user=teacher)
    html = admin_client.get(reverse("admin:otp_static_staticdevice_change", args=[device.pk])).content.decode()
    assert not any(code in html for code in codes)


# --- 3. A device deleted in the admin ends the sessions it passed ----------------------


def signed_in_with_code(user, device):
    client = Client()
    client.post(reverse("login"), {"username": user.email, "password": PASSWORD})
    client.post(reverse("two_factor_verify"), {"code": totp_code(device)})
    assert DEVICE_ID_SESSION_KEY in client.session
    return client


def test_an_authenticator_deleted_in_the_admin_ends_the_sessions_it_passed(admin_client, administrator):
    device = TOTPDeviceFactory(user=administrator)
    session = signed_in_with_code(administrator, device)
    assert session.get(reverse("home")).status_code == 200
    admin_client.post(reverse("admin:otp_totp_totpdevice_delete", args=[device.pk]), {"post": "yes"})
    assert session.get(reverse("home"))["Location"].startswith(reverse("two_factor_setup"))
    assert DEVICE_ID_SESSION_KEY not in session.session


def test_a_teacher_whose_only_authenticator_was_deleted_is_let_in_without_it(admin_client, teacher):
    device = TOTPDeviceFactory(user=teacher)
    session = signed_in_with_code(teacher, device)
    admin_client.post(reverse("admin:otp_totp_totpdevice_delete", args=[device.pk]), {"post": "yes"})
    assert session.get(reverse("home")).status_code == 200  # she need not use it
    assert DEVICE_ID_SESSION_KEY not in session.session


def test_a_verified_session_checks_its_device_once_after_a_change_and_never_otherwise(administrator):
    device = TOTPDeviceFactory(user=administrator)
    earlier = signed_in_with_code(administrator, device)
    earlier.get(reverse("home"))
    with CaptureQueriesContext(connection) as before_the_change:
        earlier.get(reverse("home"))
    time.sleep(0.01)
    twofactor_changed_stamp(user=administrator)  # say, named a coordinator elsewhere
    with CaptureQueriesContext(connection) as checking:
        assert earlier.get(reverse("home")).status_code == 200  # the device is still there
    with CaptureQueriesContext(connection) as after:
        earlier.get(reverse("home"))
    device_reads = [q for q in checking.captured_queries if '"otp_totp_totpdevice"' in q["sql"]]
    assert len(device_reads) == 1  # and the session is saved with the time of the check
    assert len(after) == len(before_the_change)


# --- 6. A decision made while the change was not yet committed ------------------------


def test_a_session_deciding_before_the_change_commits_decides_again(teacher, django_capture_on_commit_callbacks):
    start = datetime.datetime.now(tz=datetime.UTC)
    # The change's transaction stamps…
    with django_capture_on_commit_callbacks() as callbacks, time_machine.travel(start, tick=False):
        twofactor_changed_stamp(user=teacher)
    session = Client()
    with time_machine.travel(start + datetime.timedelta(seconds=1), tick=False):
        # …another request signs in before it commits, and sees no authenticator yet…
        session.post(reverse("login"), {"username": teacher.email, "password": PASSWORD})
    TOTPDeviceFactory(user=teacher)
    with time_machine.travel(start + datetime.timedelta(seconds=2), tick=False):
        for callback in callbacks:  # …then it commits.
            callback()
    with time_machine.travel(start + datetime.timedelta(seconds=3), tick=False):
        assert session.get(reverse("home"))["Location"].startswith(reverse("two_factor_verify"))


# --- 4. Every field of a device edited in the admin is in the trail -------------------


def totp_change_form(device, **fields):
    data = {
        "user": str(device.user_id),
        "name": device.name,
        "confirmed": "on",
        "step": str(device.step),
        "t0": str(device.t0),
        "digits": str(device.digits),
        "tolerance": str(device.tolerance),
        "drift": str(device.drift),
        "throttling_failure_count": str(device.throttling_failure_count),
    }
    data.update(fields)
    return data


def test_clearing_the_lockout_and_other_settings_of_an_authenticator_are_in_the_trail(admin_client, root, teacher):
    device = TOTPDeviceFactory(user=teacher, throttling_failure_count=4)
    key = device.key
    url = reverse("admin:otp_totp_totpdevice_change", args=[device.pk])
    response = admin_client.post(
        url, totp_change_form(device, throttling_failure_count="0", tolerance="3", digits="8", drift="2")
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    [row] = rows_about(teacher, AuditEvent.Action.TWO_FACTOR_CHANGED)
    assert row.actor == root
    assert row.changes == {
        "throttling_failure_count": ["4", "0"],
        "tolerance": ["1", "3"],
        "digits": ["6", "8"],
        "drift": ["0", "2"],
        "by": "admin",
    }
    device.refresh_from_db()
    assert device.key == key and key not in str(row.changes)


def test_recovery_codes_replaced_by_as_many_are_in_the_trail_without_a_code(root, teacher):
    codes = twofactor_recovery_codes_regenerate(user=teacher)
    device = StaticDevice.objects.get(user=teacher)
    before = twofactor_recovery_codes_snapshot(device=device)
    device.token_set.filter(token=codes[0]).update(token="zzzz9999")
    twofactor_recovery_codes_admin_changed(device=device, before=before)
    [row] = rows_about(teacher, AuditEvent.Action.TWO_FACTOR_CHANGED)
    assert row.changes == {"recovery_codes": ["10", "10"], "recovery_codes_changed": "true", "by": "admin"}
    assert not any(code in str(row.changes) for code in [*codes, "zzzz9999"])
    twofactor_recovery_codes_admin_changed(device=device, before=twofactor_recovery_codes_snapshot(device=device))
    assert len(rows_about(teacher, AuditEvent.Action.TWO_FACTOR_CHANGED)) == 1  # untouched: no row


def test_recovery_codes_given_with_a_new_device_in_the_admin_are_counted(admin_client, teacher):
    response = admin_client.post(
        reverse("admin:otp_static_staticdevice_add"),
        {
            "user": str(teacher.pk),
            "name": "recovery codes",
            "confirmed": "on",
            "token_set-TOTAL_FORMS": "2",
            "token_set-INITIAL_FORMS": "0",
            "token_set-MIN_NUM_FORMS": "0",
            "token_set-MAX_NUM_FORMS": "1000",
            "token_set-0-token": "abcd1234",
            "token_set-1-token": "efgh5678",
        },
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    rows = rows_about(teacher, AuditEvent.Action.TWO_FACTOR_CHANGED)
    assert {"recovery_codes": ["0", "2"], "recovery_codes_changed": "true", "by": "admin"} in [r.changes for r in rows]
    assert not any("abcd1234" in str(r.changes) for r in rows)


# --- 5. A password and its audit rows are saved together -------------------------------


def test_a_password_set_in_the_admin_is_not_kept_without_its_audit_row(admin_client, teacher, monkeypatch):
    def refuse(**kwargs):
        raise RuntimeError("the trail could not be written")

    monkeypatch.setattr("apps.accounts.services.audit_record_for_person", refuse)
    with pytest.raises(RuntimeError):
        admin_client.post(
            reverse("admin:auth_user_password_change", args=[teacher.pk]),
            {"password1": "New-pass-for-her-77", "password2": "New-pass-for-her-77", "usable_password": "true"},
        )
    teacher.refresh_from_db()
    assert teacher.check_password(PASSWORD)


# --- 7. An e-mail differing only in case is a form error --------------------------------


def test_an_account_added_with_an_e_mail_taken_in_another_case_is_a_form_error(admin_client, teacher):
    response = admin_client.post(
        reverse("admin:accounts_user_add"),
        {
            "email": teacher.email.upper(),
            "password1": "Some-pass-for-77",
            "password2": "Some-pass-for-77",
            "usable_password": "true",
            **NO_MEMBERSHIPS,
        },
    )
    assert response.status_code == 200
    assert response.context["adminform"].form.errors["email"]
    assert type(teacher).objects.filter(email__iexact=teacher.email).count() == 1


def test_an_e_mail_changed_to_another_accounts_in_another_case_is_a_form_error(admin_client, teacher, school):
    other = UserFactory(email="Other.Person@School.test".lower())
    data = {
        "email": "Other.Person@School.test",
        "last_name": teacher.last_name,
        "first_name": teacher.first_name,
        "patronymic": teacher.patronymic,
        "is_active": "on",
        "date_joined_0": "2026-01-05",
        "date_joined_1": "10:00:00",
        **NO_MEMBERSHIPS,
    }
    url = reverse("admin:accounts_user_change", args=[teacher.pk])
    response = admin_client.post(url, data)
    assert response.status_code == 200
    assert response.context["adminform"].form.errors["email"]
    # Her own address in another case is no clash: it is kept lower-cased.
    response = admin_client.post(url, {**data, "email": teacher.email.upper()})
    assert response.status_code == 302
    teacher.refresh_from_db()
    assert teacher.email == teacher.email.lower() and other.email != teacher.email


# --- 8. Moving a school between networks is in its trail --------------------------------


def school_form(school, network):
    return {
        "name": school.name,
        "short_name": school.short_name,
        "municipality": school.municipality,
        "region": school.region,
        "time_zone": school.time_zone,
        "max_active_groups_per_teacher": str(school.max_active_groups_per_teacher),
        "debrief_hours": str(school.debrief_hours),
        "network": str(network.pk) if network else "",
    }


def test_moving_a_school_between_networks_is_in_its_trail(admin_client, root, school):
    first, second = SchoolNetworkFactory(), SchoolNetworkFactory()
    url = reverse("admin:accounts_school_change", args=[school.pk])
    for network in (first, second, None, None):
        response = admin_client.post(url, school_form(school, network))
        assert response.status_code == 302, response.context["adminform"].form.errors
    rows = AuditEvent.objects.filter(target_type="accounts.school", target_id=str(school.pk)).order_by("pk")
    assert [(row.school, row.actor, row.changes) for row in rows] == [
        (school, root, {"network": [None, first.name]}),
        (school, root, {"network": [first.name, second.name]}),
        (school, root, {"network": [second.name, None]}),
    ]
