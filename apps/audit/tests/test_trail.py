"""The trail itself: what a row holds, and that the database keeps it append-only."""

import datetime

import pytest
from django.db import IntegrityError, connection, transaction
from django.urls import reverse
from django.utils import translation

from apps.accounts.tests.factories import SchoolFactory, UserFactory
from apps.audit.models import ERASED_LABEL, AuditEvent
from apps.audit.services import audit_diff, audit_events_anonymise, audit_record
from apps.core.request_context import RequestContext, request_context_reset, request_context_set
from apps.staff.tests.factories import StaffMemberFactory
from conftest import client_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def in_request(administrator, school):
    token = request_context_set(
        RequestContext(request_id="req-12345678", user_id=administrator.pk, school_id=school.pk, ip_address="10.1.2.3")
    )
    yield
    request_context_reset(token)


@pytest.fixture
def event(school, administrator):
    staff = StaffMemberFactory(school=school, last_name="Петрова")
    return audit_record(
        action=AuditEvent.Action.STAFF_UPDATED,
        school=school,
        actor=administrator,
        target=staff,
        changes={"last_name": ["Сидорова", "Петрова"]},
    )


def test_record_takes_actor_school_request_and_address_from_the_request(in_request, administrator, school):
    staff = StaffMemberFactory(school=school)
    event = audit_record(action=AuditEvent.Action.STAFF_CREATED, target=staff)
    event.refresh_from_db()
    assert event.actor == administrator
    assert administrator.email in event.actor_label
    assert event.school == school
    assert (event.request_id, event.ip_address) == ("req-12345678", "10.1.2.3")
    assert (event.target_type, event.target_id, event.target_label) == ("staff.staffmember", str(staff.pk), str(staff))
    assert event.at is not None


def test_record_outside_a_request_is_the_systems():
    event = audit_record(action=AuditEvent.Action.EXPORT_MADE, target_label="report")
    assert (event.actor, event.actor_label, event.school, event.request_id, event.ip_address) == (
        None,
        "",
        None,
        "",
        None,
    )
    with translation.override("en"):
        assert str(event.actor_display) == "system"


def test_record_refuses_an_unknown_action():
    with pytest.raises(ValueError):
        audit_record(action="made_up")


def test_diff_keeps_only_changed_fields_as_strings():
    before = {"hired_on": datetime.date(2020, 9, 1), "position": "учитель", "subjects": ["химия", "физика"]}
    after = {"hired_on": datetime.date(2021, 9, 1), "position": "учитель", "subjects": ["физика", "химия"]}
    assert audit_diff(before=before, after=after) == {"hired_on": ["2020-09-01", "2021-09-01"]}
    assert audit_diff(before={"is_active": True}, after={"is_active": False}) == {"is_active": ["true", "false"]}
    assert audit_diff(before={"left_on": None}, after={"left_on": datetime.date(2024, 5, 31)}) == {
        "left_on": [None, "2024-05-31"]
    }


@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE audit_auditevent SET target_label = 'forged'",
        "UPDATE audit_auditevent SET actor_label = %(erased)s",
        "DELETE FROM audit_auditevent",
    ],
)
def test_database_refuses_to_edit_or_delete_a_row(event, statement):
    with pytest.raises(IntegrityError, match="append-only"), connection.cursor() as cursor:
        cursor.execute(statement, {"erased": ERASED_LABEL})


def test_database_refuses_truncate(school):
    with connection.cursor() as cursor:
        # The test database turns this trigger off for Django's flush (conftest.py);
        # the test's transaction rolls this back.
        cursor.execute("ALTER TABLE audit_auditevent ENABLE TRIGGER audit_event_no_truncate")
        event = audit_record(action=AuditEvent.Action.EXPORT_MADE, school=school)
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # no deferred key checks pending
        with pytest.raises(IntegrityError, match="append-only"), transaction.atomic():
            cursor.execute("TRUNCATE audit_auditevent")
    assert AuditEvent.objects.filter(pk=event.pk).exists()


def test_orm_delete_is_refused(event):
    with pytest.raises(IntegrityError):
        AuditEvent.objects.filter(pk=event.pk).delete()


def test_anonymise_switch_lets_through_only_the_erasure_marker(event):
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL collabschool.audit_anonymise = 'on'")
        for forged in (
            "SET target_label = 'forged'",
            "SET action = 'sign_out'",
            "SET at = now() - interval '1 day'",
            "SET changes = '{}'::jsonb",
            'SET changes = \'{"last_name": "[erased]", "email": "[erased]"}\'::jsonb',
            "SET actor_id = actor_id + 1",
        ):
            with pytest.raises(IntegrityError), transaction.atomic():
                cursor.execute(f"UPDATE audit_auditevent {forged} WHERE id = %s", [event.pk])  # nosec B608 - fixed test statements
        with pytest.raises(IntegrityError), transaction.atomic():
            cursor.execute("DELETE FROM audit_auditevent WHERE id = %s", [event.pk])


def test_anonymise_blanks_the_person_and_leaves_the_switch_off(event, administrator, school):
    other = audit_record(action=AuditEvent.Action.EXPORT_MADE, school=school, target_label="Реестр")
    staff_id = int(event.target_id)
    from apps.staff.models import StaffMember

    with transaction.atomic():
        touched = audit_events_anonymise(user=administrator, staff=StaffMember.objects.get(pk=staff_id))
        # Off again for the rest of the transaction.
        with pytest.raises(IntegrityError), transaction.atomic():
            AuditEvent.objects.filter(pk=event.pk).update(target_label="Петрова")
    assert touched == 1
    event.refresh_from_db()
    assert (event.actor, event.actor_label, event.target_label) == (None, ERASED_LABEL, ERASED_LABEL)
    assert event.changes == {"last_name": ERASED_LABEL}
    assert event.action == AuditEvent.Action.STAFF_UPDATED
    other.refresh_from_db()
    assert other.target_label == "Реестр"


def test_anonymise_of_an_actor_keeps_the_diff_of_someone_else(school):
    actor = UserFactory()
    victim = StaffMemberFactory(school=school)
    event = audit_record(
        action=AuditEvent.Action.STAFF_UPDATED, actor=actor, school=school, target=victim, changes={"x": ["1", "2"]}
    )
    audit_events_anonymise(user=actor)
    event.refresh_from_db()
    assert (event.actor_label, event.target_label, event.changes) == (ERASED_LABEL, str(victim), {"x": ["1", "2"]})


def test_deleting_a_school_in_the_trail_is_refused():
    from django.db.models import ProtectedError

    school = SchoolFactory()
    audit_record(action=AuditEvent.Action.EXPORT_MADE, school=school)
    with pytest.raises(ProtectedError):
        school.delete()


def test_django_admin_shows_the_trail_read_only(event):
    superuser = UserFactory(is_staff=True, is_superuser=True)
    client = client_for(superuser)
    assert client.get(reverse("admin:audit_auditevent_changelist")).status_code == 200
    assert client.get(reverse("admin:audit_auditevent_add")).status_code == 403
    assert client.post(reverse("admin:audit_auditevent_delete", args=[event.pk]), {"post": "yes"}).status_code == 403
    change = client.post(reverse("admin:audit_auditevent_change", args=[event.pk]), {"target_label": "forged"})
    assert change.status_code in (200, 403)
    event.refresh_from_db()
    assert event.target_label != "forged"
