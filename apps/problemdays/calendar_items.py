"""Problem-theme day duties on the calendars (apps.core.calendars): the
activities a person is responsible for."""

from django.utils.translation import gettext as _

from apps.core.calendars import CalendarSource, FeedEntry, feed_uid
from apps.core.typography import quoted

from .selectors import duties_for_calendar, duties_for_user


def duty_page_items(*, school, start, end, staff_ids=None, group=None):
    """A person's duties; a pair's schedule holds none."""
    if staff_ids is None:
        return []
    return duties_for_calendar(school=school, staff_ids=staff_ids, start=start, end=end)


def duty_feed_items(*, user, since):
    for activity in duties_for_user(user=user, since=since.date()):
        yield FeedEntry(
            uid=feed_uid("problem-day-activity", activity.pk),
            start=activity.starts_at,
            end=activity.ends_at,
            summary=_("Problem-theme day %(theme)s: %(title)s")
            % {"theme": quoted(activity.day), "title": activity.title},
            location=activity.place,
        )


DUTIES = CalendarSource(
    page_items=duty_page_items, template="problemdays/_calendar_duty.html", feed_items=duty_feed_items
)
