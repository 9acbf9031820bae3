"""A person's private calendar feed (iCalendar, RFC 5545) to subscribe to from a phone.

The address carries a secret token (CalendarFeed): whoever has it reads the
calendar without signing in, so resetting the address revokes the old token. The
feed holds, from 90 days ago on, what every app registers in
apps.core.calendars.CALENDAR_SOURCES: pair and triad events, development route
steps (all-day, on the due date), lesson visits not already on a group's
schedule, problem-theme day duties. Cancelled items are left out rather than
sent as cancelled, which phone calendars show as if they were on. Times are in
UTC; texts are Russian; a fixed number of queries. See docs/features/mentoring.md.
"""

import datetime

from django.conf import settings
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from icalendar import Calendar, Event

from apps.audit.services import audit_export
from apps.core.calendars import CALENDAR_SOURCES
from apps.mentoring.models import CalendarFeed, new_feed_token

HISTORY_DAYS = 90


def calendar_feed_get_or_create(*, user) -> CalendarFeed:
    """The person's feed, made with a fresh token on first use."""
    feed, created = CalendarFeed.objects.get_or_create(user=user)
    if created:
        _audit_feed_issued()
    return feed


@transaction.atomic
def calendar_feed_reset(*, user) -> CalendarFeed:
    """Revoke the person's calendar address: the old token stops working at once."""
    feed = CalendarFeed.objects.select_for_update().filter(user=user).first()
    if feed is None:
        feed = CalendarFeed.objects.create(user=user)
    else:
        feed.token = new_feed_token()
        feed.save(update_fields=["token", "created_at"])
    _audit_feed_issued()
    return feed


def _audit_feed_issued():
    # The address is what lets the schedule out of the app: its issue is the
    # export worth a trail row, not each poll of a phone's calendar.
    audit_export(what=_("Calendar feed address issued (iCal)"))


def calendar_feed_by_token(*, token):
    """The feed of an active user with this token, or None."""
    # A person who no longer belongs to any school has no feed, whatever the token.
    return (
        CalendarFeed.objects.select_related("user")
        .filter(token=token, user__is_active=True, user__memberships__isnull=False)
        .distinct()
        .first()
    )


def _utc(moment):
    """A moment in UTC; a date (an all-day item) stays a date."""
    return moment.astimezone(datetime.UTC) if isinstance(moment, datetime.datetime) else moment


def _component(entry, stamp):
    component = Event()
    component.add("uid", entry.uid)
    component.add("dtstamp", stamp)
    component.add("dtstart", _utc(entry.start))
    component.add("dtend", _utc(entry.end))
    component.add("summary", entry.summary)
    if entry.location:
        component.add("location", entry.location)
    if entry.description:
        component.add("description", entry.description)
    if entry.confirmed:
        component.add("status", "CONFIRMED")
    if entry.transparent:
        component.add("transp", "TRANSPARENT")
    return component


def calendar_build(*, user, now: datetime.datetime | None = None) -> bytes:
    """The user's calendar as iCalendar bytes."""
    now = now or timezone.now()
    since = now - datetime.timedelta(days=HISTORY_DAYS)
    stamp = now.astimezone(datetime.UTC).replace(microsecond=0)
    with translation.override(settings.LANGUAGE_CODE):
        calendar = Calendar()
        calendar.add("prodid", "-//collabschool//mentoring calendar//RU")
        calendar.add("version", "2.0")
        calendar.add("calscale", "GREGORIAN")
        calendar.add("method", "PUBLISH")
        calendar.add("x-wr-calname", _("Collaboration: %(name)s") % {"name": user.get_full_name() or user.email})
        calendar.add("x-wr-caldesc", _("Visits, meetings and development route steps from collabschool."))
        # Ask subscribed clients to refresh hourly (RFC 7986 and its older Microsoft spelling).
        calendar.add("refresh-interval", datetime.timedelta(hours=1), parameters={"VALUE": "DURATION"})
        calendar.add("x-published-ttl", "PT1H")
        for source in CALENDAR_SOURCES:
            if source.feed_items is not None:
                for entry in source.feed_items(user=user, since=since):
                    calendar.add_component(_component(entry, stamp))
        return calendar.to_ical()
