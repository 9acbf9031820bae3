"""Problem-theme day duties on the calendars (apps.core.calendars): the
activities a person is responsible for."""

from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext as _

from apps.core.calendars import CalendarSource, FeedEntry, feed_uid
from apps.core.links import row_link
from apps.core.typography import quoted

from .selectors import duties_for_calendar, duties_for_user


def duty_page_items(*, school, viewer=None, start, end, staff_ids=None, group=None):
    """A person's duties; a pair's schedule holds none."""
    if staff_ids is None:
        return []
    return duties_for_calendar(school=school, staff_ids=staff_ids, start=start, end=end)


def duty_item_html(activity, *, compact):
    """A duty on the calendar page; the month grid leaves out its end and place."""
    starts = f"{timezone.localtime(activity.starts_at):%H:%M}"
    ends = "" if compact else f"–{timezone.localtime(activity.ends_at):%H:%M}"
    details = ""
    if not compact:
        place = format_html(" · {}", activity.place) if activity.place else ""
        details = format_html('<span class="text-body-secondary">· {}{}</span>', _("problem-theme day"), place)
    return format_html(
        '<div class="small my-1 p-1 rounded border bg-warning-subtle">\n  <strong>{}</strong>{}\n'
        '  <a href="{}">{}</a>\n  {}\n</div>\n',
        starts,
        ends,
        row_link("problemdays:day_detail")(pk=activity.day_id),
        activity.title,
        details,
    )


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


DUTIES = CalendarSource(page_items=duty_page_items, item_html=duty_item_html, feed_items=duty_feed_items)
