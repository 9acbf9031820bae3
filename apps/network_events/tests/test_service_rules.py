"""Network events' services refuse what their forms refuse: the window of dates
around the organiser school's today."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from apps.core.dates import add_years, school_today
from apps.network_events import services
from apps.network_events.forms import EventForm, InviteForm

from .conftest import person
from .factories import EventFactory


@pytest.fixture(autouse=True)
def _english_messages(settings):
    settings.LANGUAGE_CODE = "en"


def _refusal(call, field):
    with pytest.raises(ValidationError) as refused:
        call()
    return refused.value.message_dict[field]


def _fields(school, day):
    starts_at = datetime.datetime.combine(day, datetime.time(15), tzinfo=school.tzinfo)
    return {
        "kind": "seminar",
        "title": "Семинар «Смысловое чтение»",
        "description": "",
        "starts_at": starts_at,
        "ends_at": starts_at + datetime.timedelta(hours=1),
        "place": "Актовый зал",
        "online_link": "",
        "capacity": None,
        "circle": "school",
        "association": None,
    }


def _form(school, day):
    data = {"kind": "seminar", "title": "Семинар", "date": day.isoformat(), "starts": "15:00", "ends": "16:00"}
    return EventForm({**data, "place": "Актовый зал", "circle": "school"}, school=school)


def test_an_event_two_years_ago_is_refused(main_school):
    organiser = person(main_school)
    long_ago = add_years(school_today(main_school), -2)
    service = _refusal(
        lambda: services.event_create(school=main_school, created_by=organiser, **_fields(main_school, long_ago)),
        "date",
    )
    assert _form(main_school, long_ago).errors["date"] == service


def test_an_event_moved_three_years_ahead_is_refused(main_school):
    event = EventFactory(school=main_school)
    later = add_years(school_today(main_school), 3)
    fields = _fields(main_school, later)
    service = _refusal(
        lambda: services.event_update(event=event, starts_at=fields["starts_at"], ends_at=fields["ends_at"]), "date"
    )
    assert _form(main_school, later).errors["date"] == service
    event.refresh_from_db()
    assert event.starts_at.date() < later


def test_a_person_who_left_is_not_invited(main_school, partner_school):
    event = EventFactory(school=main_school)
    gone = person(partner_school, is_active=False, left_on=add_years(school_today(partner_school), -1))
    assert not InviteForm({"staff": gone.pk}, event=event).is_valid()
    assert _refusal(lambda: services.invitation_add(event=event, staff=gone), "staff")
    assert not event.invitations.exists()
