"""Access and roles changed by a superuser in the Django admin are written to the audit
trail like changes made in the app, and a duty to use two-factor sign-in given there
takes effect in the person's open sessions."""

import pytest
from django.test import Client
from django.urls import reverse
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from apps.accounts.models import Membership, Role
from apps.accounts.tests.factories import (
    MembershipFactory,
    SchoolFactory,
    SchoolNetworkFactory,
    TOTPDeviceFactory,
    UserFactory,
)
from apps.accounts.twofactor import twofactor_mandatory
from apps.audit.models import AuditEvent
from conftest import client_for

PASSWORD = "correct-horse-42"


@pytest.fixture
def root(db):
    return UserFactory(is_staff=True, is_superuser=True, email="root@school.test")


@pytest.fixture
def admin_client(root):
    return client_for(root)


def events(action, user):
    return list(AuditEvent.objects.filter(action=action, target_id=str(user.pk)).order_by("pk"))


def user_form(user, memberships=(), **fields):
    """The POST of the admin's change page of `user`, with its membership inline."""
    data = {
        "email": user.email,
        "last_name": user.last_name,
        "first_name": user.first_name,
        "patronymic": user.patronymic,
        "date_joined_0": "2026-01-05",
        "date_joined_1": "10:00:00",
        "memberships-TOTAL_FORMS": str(len(memberships)),
        "memberships-INITIAL_FORMS": str(sum(1 for m in memberships if m.get("id"))),
        "memberships-MIN_NUM_FORMS": "0",
        "memberships-MAX_NUM_FORMS": "1000",
    }
    for flag in ("is_active", "is_staff", "is_superuser"):
        if fields.pop(flag, getattr(user, flag)):
            data[flag] = "on"
    data.update(fields)
    for i, membership in enumerate(memberships):
        for key, value in membership.items():
            data[f"memberships-{i}-{key}"] = value
    return data


def post_user(client, user, **kwargs):
    response = client.post(reverse("admin:accounts_user_change", args=[user.pk]), user_form(user, **kwargs))
    assert response.status_code == 302, response.context and [
        response.context["adminform"].form.errors,
        [formset.formset.errors for formset in response.context["inline_admin_formsets"]],
    ]
    return response


# --- Memberships and roles -----------------------------------------------------------


def test_roles_added_and_removed_on_the_user_page_are_in_the_school_trail(admin_client, root, school, teacher):
    membership = Membership.objects.get(user=teacher)
    row = {"id": str(membership.pk), "user": str(teacher.pk), "school": str(school.pk)}
    post_user(admin_client, teacher, memberships=[{**row, "roles": "teacher,administrator"}])
    post_user(admin_client, teacher, memberships=[{**row, "roles": "administrator"}])
    changed = events(AuditEvent.Action.ROLES_CHANGED, teacher)
    teacher_label, admin_label = str(Role.TEACHER.label), str(Role.ADMINISTRATOR.label)
    assert [event.changes for event in changed] == [
        {"roles": [teacher_label, f"{teacher_label}, {admin_label}"]},
        {"roles": [f"{teacher_label}, {admin_label}", admin_label]},
    ]
    assert {(event.school, event.actor) for event in changed} == {(school, root)}


def test_access_granted_and_removed_on_the_user_page_is_in_the_school_trail(
    admin_client, school, other_school, teacher
):
    membership = Membership.objects.get(user=teacher)
    kept = {"id": str(membership.pk), "user": str(teacher.pk), "school": str(school.pk), "roles": "teacher"}
    post_user(admin_client, teacher, memberships=[kept, {"school": str(other_school.pk), "roles": "curator"}])
    created = events(AuditEvent.Action.MEMBERSHIP_CREATED, teacher)
    assert [(event.school, event.changes["roles"][0]) for event in created] == [(other_school, None)]

    added = Membership.objects.get(user=teacher, school=other_school)
    removing = {"id": str(added.pk), "user": str(teacher.pk), "school": str(other_school.pk), "roles": "curator"}
    post_user(admin_client, teacher, memberships=[kept, {**removing, "DELETE": "on"}])
    assert not Membership.objects.filter(pk=added.pk).exists()
    deleted = events(AuditEvent.Action.MEMBERSHIP_DELETED, teacher)
    assert [(event.school, event.changes["roles"][1]) for event in deleted] == [(other_school, None)]
    assert not events(AuditEvent.Action.ROLES_CHANGED, teacher)  # the untouched row writes nothing


def test_membership_admin_adds_moves_and_deletes_with_a_row_each(admin_client, school, other_school):
    person = UserFactory()
    admin_client.post(
        reverse("admin:accounts_membership_add"),
        {"user": str(person.pk), "school": str(school.pk), "roles": "teacher"},
    )
    membership = Membership.objects.get(user=person)
    admin_client.post(
        reverse("admin:accounts_membership_change", args=[membership.pk]),
        {"user": str(person.pk), "school": str(other_school.pk), "roles": "teacher"},
    )
    admin_client.post(reverse("admin:accounts_membership_delete", args=[membership.pk]), {"post": "yes"})
    assert not Membership.objects.filter(user=person).exists()
    trail = [(e.action, e.school) for e in AuditEvent.objects.filter(target_id=str(person.pk)).order_by("pk")]
    assert trail == [
        (AuditEvent.Action.MEMBERSHIP_CREATED, school),
        (AuditEvent.Action.MEMBERSHIP_DELETED, school),  # moved: out of one school…
        (AuditEvent.Action.MEMBERSHIP_CREATED, other_school),  # …into the other
        (AuditEvent.Action.MEMBERSHIP_DELETED, other_school),
    ]


def test_memberships_deleted_in_bulk_each_write_a_row(admin_client, school):
    memberships = MembershipFactory.create_batch(2, school=school)
    admin_client.post(
        reverse("admin:accounts_membership_changelist"),
        {"action": "delete_selected", "_selected_action": [str(m.pk) for m in memberships], "post": "yes"},
    )
    assert not Membership.objects.filter(pk__in=[m.pk for m in memberships]).exists()
    deleted = AuditEvent.objects.filter(action=AuditEvent.Action.MEMBERSHIP_DELETED, school=school)
    assert sorted(event.target_id for event in deleted) == sorted(str(m.user_id) for m in memberships)


def test_deleting_an_account_ends_its_access_in_the_trail(admin_client, school, teacher):
    admin_client.post(reverse("admin:accounts_user_delete", args=[teacher.pk]), {"post": "yes"})
    assert not type(teacher).objects.filter(pk=teacher.pk).exists()
    [deleted] = AuditEvent.objects.filter(action=AuditEvent.Action.MEMBERSHIP_DELETED)
    assert (deleted.school, deleted.target_id) == (school, str(teacher.pk))


# --- The account itself --------------------------------------------------------------


def test_e_mail_and_flags_changed_in_the_admin_are_in_each_school_of_the_person(
    admin_client, root, school, other_school, teacher
):
    MembershipFactory(user=teacher, school=other_school)
    old_email = teacher.email
    post_user(
        admin_client,
        teacher,
        email="New.Address@School.test",
        is_active=False,
        is_superuser=True,
        memberships=[],
        **{"memberships-INITIAL_FORMS": "0"},
    )
    teacher.refresh_from_db()
    assert teacher.email == "new.address@school.test"  # sign-in looks it up lower-cased
    rows = events(AuditEvent.Action.ACCOUNT_CHANGED, teacher)
    assert {row.school for row in rows} == {school, other_school}
    assert {row.actor for row in rows} == {root}
    assert rows[0].changes == {
        "email": [old_email, "new.address@school.test"],
        "is_active": ["true", "false"],
        "is_superuser": ["false", "true"],
    }


def test_an_unchanged_save_writes_no_row(admin_client, teacher):
    post_user(admin_client, teacher, memberships=[], **{"memberships-INITIAL_FORMS": "0"})
    assert not events(AuditEvent.Action.ACCOUNT_CHANGED, teacher)


def test_a_password_set_in_the_admin_is_in_the_trail_without_the_password(admin_client, school, teacher):
    response = admin_client.post(
        reverse("admin:auth_user_password_change", args=[teacher.pk]),
        {"password1": "New-pass-for-her-77", "password2": "New-pass-for-her-77", "usable_password": "true"},
    )
    assert response.status_code == 302
    [row] = events(AuditEvent.Action.PASSWORD_CHANGED, teacher)
    assert row.school == school and row.changes == {"usable": [None, "true"], "by": "admin"}
    assert "New-pass" not in str(row.changes)


# --- Network coordinators ------------------------------------------------------------


def network_form(network, coordinators):
    return {
        "name": network.name,
        "kind": network.kind,
        "description": "",
        "coordinators": [str(u.pk) for u in coordinators],
    }


def test_a_coordinator_named_in_the_admin_is_audited_and_asked_for_a_code_at_once(admin_client, school, teacher):
    network = SchoolNetworkFactory()
    school.network = network
    school.save()
    session = Client()
    session.post(reverse("login"), {"username": teacher.email, "password": PASSWORD})
    assert session.get(reverse("home")).status_code == 200  # a teacher owes no code

    url = reverse("admin:accounts_schoolnetwork_change", args=[network.pk])
    assert admin_client.post(url, network_form(network, [teacher])).status_code == 302
    assert list(network.coordinators.all()) == [teacher]
    assert session.get(reverse("home"))["Location"].startswith(reverse("two_factor_setup"))

    admin_client.post(url, network_form(network, []))
    assert not network.coordinators.exists()
    rows = events(AuditEvent.Action.ROLES_CHANGED, teacher)
    assert [(row.school, row.changes) for row in rows] == [
        (school, {"network_coordinator": [None, network.name]}),
        (school, {"network_coordinator": [network.name, None]}),
    ]


def test_administrator_role_granted_in_the_admin_asks_for_a_code_at_once(admin_client, school, teacher):
    session = Client()
    session.post(reverse("login"), {"username": teacher.email, "password": PASSWORD})
    assert session.get(reverse("home")).status_code == 200
    membership = Membership.objects.get(user=teacher)
    row = {"id": str(membership.pk), "user": str(teacher.pk), "school": str(school.pk), "roles": "administrator"}
    post_user(admin_client, teacher, memberships=[row])
    assert session.get(reverse("home"))["Location"].startswith(reverse("two_factor_setup"))


# --- Superusers ----------------------------------------------------------------------


def test_superusers_must_use_two_factor_sign_in(db):
    root = UserFactory(is_staff=True, is_superuser=True)
    assert twofactor_mandatory(user=root)
    assert twofactor_mandatory(user=UserFactory(is_staff=True))
    assert not twofactor_mandatory(user=UserFactory())
    client = Client()
    client.post(reverse("login"), {"username": root.email, "password": PASSWORD})
    admin_page = client.get(reverse("admin:index"))
    assert admin_page.status_code == 302 and admin_page["Location"].startswith(reverse("two_factor_setup"))


def test_admin_login_page_also_leads_a_superuser_to_the_second_factor(db):
    root = UserFactory(is_staff=True, is_superuser=True)
    client = Client()
    client.post(reverse("admin:login"), {"username": root.email, "password": PASSWORD, "next": "/admin/"})
    assert client.get(reverse("admin:index"))["Location"].startswith(reverse("two_factor_setup"))


def test_made_a_superuser_during_a_session_asks_for_a_code_at_once(admin_client, teacher):
    session = Client()
    session.post(reverse("login"), {"username": teacher.email, "password": PASSWORD})
    assert session.get(reverse("home")).status_code == 200
    post_user(
        admin_client, teacher, is_staff=True, is_superuser=True, memberships=[], **{"memberships-INITIAL_FORMS": "0"}
    )
    assert session.get(reverse("home"))["Location"].startswith(reverse("two_factor_setup"))


# --- Two-factor devices --------------------------------------------------------------


def test_a_superuser_deleting_someones_authenticator_is_in_their_trail(admin_client, root, school, administrator):
    device = TOTPDeviceFactory(user=administrator)
    response = admin_client.post(reverse("admin:otp_totp_totpdevice_delete", args=[device.pk]), {"post": "yes"})
    assert response.status_code == 302 and not TOTPDevice.objects.filter(pk=device.pk).exists()
    [row] = events(AuditEvent.Action.TWO_FACTOR_CHANGED, administrator)
    assert (row.school, row.actor, row.changes) == (school, root, {"two_factor": ["true", "false"], "by": "admin"})
    administrator.refresh_from_db()
    assert administrator.twofactor_changed_at is not None


def test_a_superuser_deleting_recovery_codes_in_bulk_is_in_the_trail(admin_client, school, administrator):
    device = StaticDevice.objects.create(user=administrator, name="recovery codes")
    StaticToken.objects.create(device=device, token="abcd1234")
    admin_client.post(
        reverse("admin:otp_static_staticdevice_changelist"),
        {"action": "delete_selected", "_selected_action": [str(device.pk)], "post": "yes"},
    )
    assert not StaticDevice.objects.filter(pk=device.pk).exists()
    [row] = events(AuditEvent.Action.TWO_FACTOR_CHANGED, administrator)
    assert row.changes == {"recovery_codes": ["1", "0"], "by": "admin"}


def test_a_superuser_replacing_an_authenticator_key_is_in_the_trail_without_the_key(admin_client, teacher):
    device = TOTPDeviceFactory(user=teacher)
    new_key = "ab" * 20
    response = admin_client.post(
        reverse("admin:otp_totp_totpdevice_add"),
        {
            "user": str(teacher.pk),
            "name": "second",
            "confirmed": "on",
            "key": new_key,
            "step": "30",
            "t0": "0",
            "digits": "6",
            "tolerance": "1",
            "drift": "0",
            "throttling_failure_count": "0",
        },
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    [row] = events(AuditEvent.Action.TWO_FACTOR_CHANGED, teacher)
    assert row.changes == {"two_factor": ["false", "true"], "by": "admin"}
    assert new_key not in str(row.changes) and device.key not in str(row.changes)


# --- Two-factor rows go to every school of the person ---------------------------------


def test_turning_two_factor_on_is_written_to_each_school_of_the_person(school, teacher):
    from apps.accounts.tests.factories import totp_code_for_secret

    second = SchoolFactory()
    MembershipFactory(user=teacher, school=second, roles=[Role.CURATOR])
    client = client_for(teacher)
    setup = client.get(reverse("two_factor_setup"))
    client.post(reverse("two_factor_setup"), {"code": totp_code_for_secret(setup.context["secret"])})
    rows = events(AuditEvent.Action.TWO_FACTOR_CHANGED, teacher)
    assert sorted(row.school_id for row in rows) == sorted([school.pk, second.pk])
