import datetime
import zoneinfo

import pytest

from apps.network_events import sweeps
from apps.network_events.models import Registration
from apps.network_events.sweeps import network_events_eve_sweep
from apps.notifications.models import Notification

from .conftest import person
from .factories import EventFactory, RegistrationFactory

UTC = datetime.UTC
SAMARA, VLADIVOSTOK = zoneinfo.ZoneInfo("Europe/Samara"), zoneinfo.ZoneInfo("Asia/Vladivostok")
# 23:30 of 10 March in Samara (UTC+4); already 05:30 of 11 March in Vladivostok (UTC+10).
NOW = datetime.datetime(2026, 3, 10, 19, 30, tzinfo=UTC)


def _reminded(event=None):
    found = Notification.objects.filter(kind=Notification.Kind.EVENT_REMINDER)
    if event is not None:
        found = found.filter(key__startswith=f"event:{event.pk}:")
    return sorted(found.values_list("user_id", flat=True))


def _event(school, starts_at):
    return EventFactory(
        school=school, circle="network", starts_at=starts_at, ends_at=starts_at + datetime.timedelta(hours=1)
    )


@pytest.fixture
def events(main_school, partner_school):
    assert main_school.time_zone == "Europe/Samara" and partner_school.time_zone == "Asia/Vladivostok"
    # Tomorrow in Samara, the organiser's zone (but today in Vladivostok).
    samara_event = _event(main_school, datetime.datetime(2026, 3, 11, 10, 0, tzinfo=SAMARA))
    # Tomorrow in Vladivostok, the organiser's zone (but the day after tomorrow in Samara).
    vladivostok_event = _event(partner_school, datetime.datetime(2026, 3, 12, 9, 0, tzinfo=VLADIVOSTOK))
    # The day after tomorrow in Samara: not yet.
    later = _event(main_school, datetime.datetime(2026, 3, 12, 10, 0, tzinfo=SAMARA))
    return samara_event, vladivostok_event, later


def test_the_eve_is_the_organisers_and_each_registered_person_hears_once(events, main_school, partner_school):
    samara_event, vladivostok_event, later = events
    from_vladivostok, from_samara = person(partner_school), person(main_school)
    RegistrationFactory(event=samara_event, staff=from_vladivostok)
    RegistrationFactory(event=vladivostok_event, staff=from_samara)
    RegistrationFactory(event=later, staff=from_samara)

    assert network_events_eve_sweep(now=NOW) == 2
    assert network_events_eve_sweep(now=NOW) == 0
    assert network_events_eve_sweep(now=NOW + datetime.timedelta(minutes=20)) == 0
    assert _reminded(samara_event) == [from_vladivostok.user_id]
    assert _reminded(vladivostok_event) == [from_samara.user_id]
    assert _reminded(later) == []
    # Past midnight in Samara the later event's eve has come; the others are not repeated.
    assert network_events_eve_sweep(now=NOW + datetime.timedelta(minutes=50)) == 1
    assert _reminded(later) == [from_samara.user_id]
    reminder = Notification.objects.get(key__startswith=f"event:{samara_event.pk}:")
    assert reminder.title.startswith("Завтра, 10:00")  # the organiser's clock


def test_waitlisted_and_cancelled_people_are_not_reminded(events, main_school):
    samara_event = events[0]
    registered, waiting, gone = person(main_school), person(main_school), person(main_school)
    RegistrationFactory(event=samara_event, staff=registered)
    RegistrationFactory(event=samara_event, staff=waiting, status=Registration.Status.WAITLISTED)
    RegistrationFactory(event=samara_event, staff=gone, status=Registration.Status.CANCELLED)
    network_events_eve_sweep(now=NOW)
    assert _reminded() == [registered.user_id]


def test_a_cancelled_event_is_not_reminded(events, main_school):
    samara_event = events[0]
    RegistrationFactory(event=samara_event, staff=person(main_school))
    samara_event.status = samara_event.Status.CANCELLED
    samara_event.save()
    assert network_events_eve_sweep(now=NOW) == 0


def test_an_event_moved_to_another_day_is_reminded_on_its_new_eve(events, main_school):
    samara_event = events[0]
    registered = person(main_school)
    RegistrationFactory(event=samara_event, staff=registered)
    assert network_events_eve_sweep(now=NOW) == 1
    # Moved by a day after the reminder: the new eve tells the person again.
    samara_event.starts_at += datetime.timedelta(days=1)
    samara_event.ends_at += datetime.timedelta(days=1)
    samara_event.save()
    assert network_events_eve_sweep(now=NOW) == 0
    assert network_events_eve_sweep(now=NOW + datetime.timedelta(days=1)) == 1
    assert _reminded(samara_event) == [registered.user_id] * 2


def test_whoever_was_reminded_is_not_tried_again_the_next_hour(events, main_school, monkeypatch):
    samara_event = events[0]
    for _ in range(3):
        RegistrationFactory(event=samara_event, staff=person(main_school))
    assert network_events_eve_sweep(now=NOW) == 3
    tried = []
    monkeypatch.setattr(sweeps, "notification_send", lambda **kwargs: tried.append(kwargs) or True)
    assert network_events_eve_sweep(now=NOW + datetime.timedelta(minutes=20)) == 0
    assert tried == []
