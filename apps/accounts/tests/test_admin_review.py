"""What a superuser does in the Django admin, second round: rows about people who work
in no school stay out of the superuser's own school, the admin shows no two-factor key,
every device edit is audited, and a device deleted there ends the sessions it verified."""

import pytest
from django.urls import reverse
from django_otp.plugins.otp_static.models import StaticDevice

from apps.accounts.tests.factories import MembershipFactory, SchoolNetworkFactory, TOTPDeviceFactory, UserFactory
from apps.accounts.twofactor import totp_secret, twofactor_recovery_codes_regenerate
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
