"""What reaches the calendars is what the apps register: a new app with dated work
joins the page and the .ics feed by registering a source, without editing calendar."""

import datetime

from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar

from apps.calendar.ical import calendar_feed_get_or_create
from apps.core.calendars import CALENDAR_SOURCES, CalendarSource, FeedEntry, feed_uid
from apps.staff.tests.factories import StaffMemberFactory
from conftest import client_for


def test_every_app_with_dated_work_registers_its_source():
    assert {name for name, _source in CALENDAR_SOURCES.items()} >= {
        "group_events",
        "route_steps",
        "lesson_visits",
        "problem_day_duties",
    }


class _Olympiad:
    def __init__(self, starts_at):
        self.starts_at, self.ends_at, self.title = starts_at, starts_at + datetime.timedelta(hours=2), "Олимпиада"


def test_a_registered_source_reaches_the_page_and_the_feed(school, teacher, settings, tmp_path):
    StaffMemberFactory(school=school, user=teacher)
    (tmp_path / "olympiad.html").write_text("<div data-testid='olympiad'>{{ event.title }}</div>")
    settings.TEMPLATES = [{**settings.TEMPLATES[0], "DIRS": [*settings.TEMPLATES[0]["DIRS"], str(tmp_path)]}]
    # Ten in the morning of the school's today (after 20:00 UTC, UTC's today is its yesterday).
    starts_at = timezone.localtime(timezone.now(), school.tzinfo).replace(hour=10, minute=0, second=0, microsecond=0)
    source = CalendarSource(
        page_items=lambda **_kwargs: [_Olympiad(starts_at)],
        template="olympiad.html",
        feed_items=lambda *, user, since: [
            FeedEntry(
                uid=feed_uid("olympiad", 1),
                start=starts_at,
                end=starts_at + datetime.timedelta(hours=2),
                summary="Олимпиада",
            )
        ],
    )
    CALENDAR_SOURCES.register("olympiads", source)
    try:
        page = client_for(teacher).get(reverse("mentoring:my_calendar"))
        token = calendar_feed_get_or_create(user=teacher).token
        feed = client_for(None).get(reverse("mentoring:ical", kwargs={"token": token}))
    finally:
        CALENDAR_SOURCES._entries.pop("olympiads")
    assert "data-testid='olympiad'>Олимпиада" in page.content.decode()
    uids = {str(component["uid"]) for component in Calendar.from_ical(feed.content).walk("VEVENT")}
    assert "olympiad-1@collabschool" in uids
