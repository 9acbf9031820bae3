import datetime
import threading
import time

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.utils import timezone

from apps.accounts.tests.factories import SchoolFactory
from apps.core.tenancy import Viewer
from apps.network_events import services
from apps.network_events.models import Event, Invitation, Registration
from apps.notifications.models import Notification
from apps.staff.tests.factories import SubjectAssociationFactory

from .conftest import person
from .factories import in_days

WAIT = 30  # seconds: generous on a busy machine, reached only when something hangs
REGISTERED, WAITLISTED, CANCELLED = (
    Registration.Status.REGISTERED,
    Registration.Status.WAITLISTED,
    Registration.Status.CANCELLED,
)


def _viewer(staff):
    return Viewer.of_staff(staff)


def _create(school, organiser, **fields):
    values = {
        "kind": Event.Kind.MASTER_CLASS,
        "title": "Мастер-класс «Формирующее оценивание»",
        "description": "",
        "starts_at": in_days(5, 14, school=school),
        "ends_at": in_days(5, 16, school=school),
        "place": "Кабинет 12",
        "online_link": "",
        "capacity": None,
        "circle": "network",
    }
    values.update(fields)
    return services.event_create(school=school, created_by=organiser, **values)


def test_an_event_needs_a_place_or_a_link_and_ends_after_it_starts(main_school):
    organiser = person(main_school)
    with pytest.raises(ValidationError) as error:
        _create(main_school, organiser, place="", online_link="")
    assert "place" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        _create(main_school, organiser, ends_at=in_days(5, 13, school=main_school))
    assert "ends_at" in error.value.message_dict


def test_a_school_outside_a_network_holds_school_events_only(db):
    lone = SchoolFactory(network=None)
    with pytest.raises(ValidationError) as error:
        _create(lone, person(lone), circle="network")
    assert "circle" in error.value.message_dict
    assert _create(lone, person(lone), circle="school").circle == "school"


def test_circles_school_network_and_invitations(main_school, partner_school):
    organiser = person(main_school)
    colleague, partner, outsider = person(main_school), person(partner_school), person(SchoolFactory())
    school_event = _create(main_school, organiser, circle="school")
    network_event = _create(main_school, organiser, circle="network")

    def sees(staff):
        return set(Event.objects.visible_to(_viewer(staff)).values_list("pk", flat=True))

    assert sees(colleague) == {school_event.pk, network_event.pk}
    assert sees(partner) == {network_event.pk}
    assert sees(outsider) == set()
    services.invitation_add(event=school_event, staff=partner)
    assert sees(partner) == {school_event.pk, network_event.pk}
    other = person(partner_school)
    assert sees(other) == {network_event.pk}
    services.invitation_add(event=school_event, association=other.association)
    assert school_event.pk in sees(other)


def test_a_lead_from_a_partner_school_sees_the_school_event_they_lead(main_school, partner_school):
    organiser, lead, other = person(main_school), person(partner_school), person(partner_school)
    event = _create(main_school, organiser, circle="school", leads=[lead])

    def sees(staff):
        return set(Event.objects.visible_to(_viewer(staff)).values_list("pk", flat=True))

    assert sees(lead) == {event.pk}
    assert sees(other) == set()


def test_an_invitation_outside_the_network_is_refused_and_the_invited_are_told_once(main_school, partner_school):
    organiser = person(main_school)
    event = _create(main_school, organiser, circle="school")
    stranger = SchoolFactory()
    with pytest.raises(ValidationError):
        services.invitation_add(event=event, school=stranger)
    with pytest.raises(ValidationError):
        services.invitation_add(event=event, association=SubjectAssociationFactory(school=stranger))
    people = [person(partner_school), person(partner_school)]
    services.invitation_add(event=event, school=partner_school)
    services.invitation_add(event=event, staff=people[0])
    told = Notification.objects.filter(kind=Notification.Kind.EVENT_INVITATION)
    assert sorted(told.values_list("user_id", flat=True)) == sorted(p.user_id for p in people)
    assert Invitation.objects.filter(event=event).count() == 2
    with pytest.raises(ValidationError):
        services.invitation_add(event=event, school=partner_school)


def test_the_waiting_list_fills_in_order_and_a_cancel_promotes_the_first(main_school, partner_school):
    event = _create(main_school, person(main_school), capacity=2)
    a, b, c, d = (person(main_school), person(partner_school), person(partner_school), person(main_school))
    statuses = [services.registration_create(event=event, staff=p).status for p in (a, b, c, d)]
    assert statuses == [REGISTERED, REGISTERED, WAITLISTED, WAITLISTED]
    # Registering again keeps one's turn.
    assert services.registration_create(event=event, staff=c).status == WAITLISTED
    services.registration_cancel(event=event, staff=a)
    assert Registration.objects.get(staff=c).status == REGISTERED
    assert Registration.objects.get(staff=d).status == WAITLISTED
    freed = Notification.objects.get(kind=Notification.Kind.EVENT_PLACE_FREED)
    assert freed.user_id == c.user_id
    # A waitlisted person leaving promotes nobody.
    services.registration_cancel(event=event, staff=d)
    assert Notification.objects.filter(kind=Notification.Kind.EVENT_PLACE_FREED).count() == 1
    # A raised capacity lets the waiting list in.
    services.registration_create(event=event, staff=d)
    assert Registration.objects.get(staff=d).status == WAITLISTED
    services.event_update(event=event, capacity=3)
    assert Registration.objects.get(staff=d).status == REGISTERED
    with pytest.raises(ValidationError) as error:
        services.event_update(event=event, capacity=1)
    assert "capacity" in error.value.message_dict


def test_registration_is_refused_outside_the_circle_and_after_the_start(main_school, partner_school):
    school_event = _create(main_school, person(main_school), circle="school")
    with pytest.raises(ValidationError):
        services.registration_create(event=school_event, staff=person(partner_school))
    with pytest.raises(ValidationError):
        services.registration_create(
            event=school_event, staff=person(main_school), now=school_event.starts_at + datetime.timedelta(minutes=1)
        )


def test_cancelling_the_event_tells_the_registered_and_the_waiting(main_school):
    event = _create(main_school, person(main_school), capacity=1)
    a, b = person(main_school), person(main_school)
    services.registration_create(event=event, staff=a)
    services.registration_create(event=event, staff=b)
    services.event_cancel(event=event)
    told = Notification.objects.filter(kind=Notification.Kind.EVENT_CANCELLED)
    assert sorted(told.values_list("user_id", flat=True)) == sorted([a.user_id, b.user_id])
    with pytest.raises(ValidationError):
        services.registration_create(event=event, staff=person(main_school))


def test_attendance_is_marked_for_the_registered_once_the_event_started(main_school):
    event = _create(main_school, person(main_school))
    a = person(main_school)
    registration = services.registration_create(event=event, staff=a)
    with pytest.raises(ValidationError):
        services.attendance_mark(event=event, attended={registration.pk: True})
    after = event.ends_at + datetime.timedelta(hours=1)
    services.attendance_mark(event=event, attended={registration.pk: True}, now=after)
    event.refresh_from_db()
    registration.refresh_from_db()
    assert event.status == Event.Status.HELD and registration.attended is True
    with pytest.raises(ValidationError):
        services.attendance_mark(event=event, attended={registration.pk + 1000: True}, now=after)


def _sessions_waiting_on_a_lock():
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'"
        )
        return cursor.fetchone()[0]


def _wait_until(condition, what):
    deadline = time.monotonic() + WAIT
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"waited in vain: {what}")
        time.sleep(0.05)


@pytest.mark.django_db(transaction=True)
def test_two_people_taking_the_last_place_at_once_get_one_place_and_one_turn(main_school, monkeypatch):
    """The first registration counts the places and is held there; the second
    must wait for the event's lock, then count again and join the waiting list."""
    event = _create(main_school, person(main_school), capacity=2)
    services.registration_create(event=event, staff=person(main_school))
    first, second = person(main_school), person(main_school)
    counted, release = threading.Event(), threading.Event()
    real_count = services._registered_count
    gate = [True]

    def count_then_hold(event):
        found = real_count(event)
        if gate and gate.pop():  # the first registration: it has counted one free place
            counted.set()
            assert release.wait(WAIT)
        return found

    monkeypatch.setattr(services, "_registered_count", count_then_hold)
    outcome, failures = {}, []

    def register(staff):
        try:
            outcome[staff.pk] = services.registration_create(event=event, staff=staff).status
        except Exception as error:  # reported by the main thread
            failures.append(error)
        finally:
            connection.close()

    one = threading.Thread(target=register, args=(first,))
    one.start()
    assert counted.wait(WAIT)
    two = threading.Thread(target=register, args=(second,))
    two.start()
    _wait_until(lambda: not two.is_alive() or _sessions_waiting_on_a_lock(), "the second waits or is done")
    release.set()
    one.join(WAIT)
    two.join(WAIT)

    assert failures == []
    assert outcome == {first.pk: REGISTERED, second.pk: WAITLISTED}
    assert Registration.objects.filter(event=event, status=REGISTERED).count() == 2


def test_erasure_deletes_future_registrations_and_promotes_without_notice(main_school):
    future = _create(main_school, person(main_school), capacity=1)
    past = _create(main_school, person(main_school))
    leaving, waiting = person(main_school), person(main_school)
    services.registration_create(event=future, staff=leaving)
    services.registration_create(event=future, staff=waiting)
    services.registration_create(event=past, staff=leaving)
    Event.objects.filter(pk=past.pk).update(
        starts_at=past.starts_at - datetime.timedelta(days=30), ends_at=past.ends_at - datetime.timedelta(days=30)
    )
    removed = services.registrations_erase(staff=leaving, now=timezone.now())
    assert removed == 1
    assert Registration.objects.get(event=future, staff=waiting).status == REGISTERED
    assert Registration.objects.filter(event=past, staff=leaving).exists()
    assert not Notification.objects.filter(kind=Notification.Kind.EVENT_PLACE_FREED).exists()


def test_viewer_from_card(main_school):
    staff = person(main_school)
    assert _viewer(staff) == Viewer(
        school_id=main_school.pk,
        network_id=main_school.network_id,
        staff_id=staff.pk,
        association_ids=(staff.association_id,),
    )
