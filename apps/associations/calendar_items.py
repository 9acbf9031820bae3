"""The associations on the calendars (apps.core.calendars): the meetings of one's
association (for its members and head), and the due dates of one's decisions
(all-day, in the feed, leaving the time free)."""

import datetime
import zoneinfo

from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext as _

from apps.core.calendars import CalendarSource, FeedEntry, feed_uid
from apps.core.links import row_link

from .selectors import feed_rows_for_user, meetings_for_people

# A meeting without a start time is shown at this hour; in the feed it lasts this long.
DEFAULT_START = datetime.time(15, 0)
MEETING_LENGTH = datetime.timedelta(hours=1, minutes=30)


def _starts_at(meeting, tzinfo):
    return datetime.datetime.combine(meeting.planned_on, meeting.starts_at or DEFAULT_START, tzinfo=tzinfo)


def meeting_page_items(*, school, viewer=None, start, end, staff_ids=None, group=None):
    """A person's association meetings; a pair's schedule holds none."""
    if staff_ids is None:
        return []
    zone = timezone.get_current_timezone()
    meetings = list(
        meetings_for_people(
            school=school,
            staff_ids=staff_ids,
            start=timezone.localtime(start, zone).date(),
            end=timezone.localtime(end, zone).date(),
        )
    )
    for meeting in meetings:
        meeting.starts_at_moment = _starts_at(meeting, school.tzinfo)
    return [_Item(meeting) for meeting in meetings]


class _Item:
    """A meeting as the calendar page sorts it: by `starts_at`, a moment."""

    def __init__(self, meeting):
        self.meeting = meeting
        self.starts_at = meeting.starts_at_moment


def meeting_item_html(item, *, compact):
    meeting = item.meeting
    time = f"{meeting.starts_at:%H:%M} " if meeting.starts_at else ""
    details = ""
    if not compact:
        details = format_html('<span class="text-body-secondary">· {}</span>', meeting.plan.association)
    return format_html(
        '<div class="small my-1 p-1 rounded border bg-info-subtle">\n  <strong>{}</strong>'
        '<a href="{}">{}</a>\n  {}\n</div>\n',
        time,
        row_link("associations:meeting_detail")(pk=meeting.pk),
        _("Meeting of the association No. %(number)s") % {"number": meeting.number},
        details,
    )


def feed_items(*, user, since):
    """The meetings of one's association and one's decisions' due dates: one query."""
    for kind, pk, day, time, association, number, text, place, link, zone in feed_rows_for_user(
        user=user, since=since.date()
    ):
        if kind == "meeting":
            starts = datetime.datetime.combine(day, time or DEFAULT_START, tzinfo=zoneinfo.ZoneInfo(zone))
            yield FeedEntry(
                uid=feed_uid("association-meeting", pk),
                start=starts,
                end=starts + MEETING_LENGTH,
                summary=_("%(association)s: meeting No. %(number)s") % {"association": association, "number": number},
                location=place or link,
                description=text,
                confirmed=True,
            )
        else:
            yield FeedEntry(
                uid=feed_uid("association-decision", pk),
                start=day,
                end=day + datetime.timedelta(days=1),
                summary=_("Due: a decision of %(association)s") % {"association": association},
                description=text,
                transparent=True,
            )


ASSOCIATIONS = CalendarSource(page_items=meeting_page_items, item_html=meeting_item_html, feed_items=feed_items)
