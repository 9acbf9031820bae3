"""What each app puts on the calendars, registered here and read by apps.calendar.

The calendar app sits above every domain app, but it does not list them: each app
that has dated work registers a CalendarSource from its AppConfig.ready(), so a
new app appears on the calendar page and in the .ics feed by registering one.
"""

import dataclasses
import datetime
from collections.abc import Callable, Iterable

from apps.core.registry import Registry

# The domain part of every item's UID in the .ics feed.
UID_DOMAIN = "collabschool"


@dataclasses.dataclass(frozen=True)
class FeedEntry:
    """One VEVENT of a person's .ics feed. `start`/`end` are aware datetimes, or
    dates for an all-day item (`end` the day after, as RFC 5545 wants)."""

    uid: str
    start: datetime.datetime | datetime.date
    end: datetime.datetime | datetime.date
    summary: str
    location: str = ""
    description: str = ""
    # CONFIRMED: a meeting to attend. A due date is a reminder, not time taken: transparent.
    confirmed: bool = False
    transparent: bool = False


@dataclasses.dataclass(frozen=True)
class CalendarSource:
    """`page_items(school=, viewer=, start=, end=, staff_ids=, group=)`: objects with
    `starts_at` between the moments `start` and `end`, for these people (a
    person's calendar) or this pair or triad (its schedule; `staff_ids` None),
    and only what `viewer` (apps.core.tenancy.Viewer, who opens the page) may see
    in `school`: another person's calendar shows no item outside the viewer's circles,
    drawn by `item_html(event, compact=)` (its markup, escaped and ready: the
    page draws every item without a template render each; `compact` in the
    month grid), or else by `template` (the object is `event` in it).

    `feed_items(user=, since=)`: the user's FeedEntry items from the moment
    `since` on, not cancelled, through their registry cards in the schools they
    still work in (texts in the active language)."""

    page_items: Callable[..., Iterable] | None = None
    template: str = ""
    feed_items: Callable[..., Iterable[FeedEntry]] | None = None
    item_html: Callable[..., str] | None = None


CALENDAR_SOURCES = Registry("calendar sources")


def feed_uid(kind, pk):
    return f"{kind}-{pk}@{UID_DOMAIN}"
