"""Milestones of the programmes of help on the person's calendar page and in their
feed (apps.core.calendars): all-day reminders for whoever answers for them."""

import datetime

from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext as _

from apps.core.calendars import CalendarSource, FeedEntry, feed_uid
from apps.core.links import row_link

from .selectors import milestones_for_feed, milestones_on_calendar


def milestone_page_items(*, school, viewer=None, start, end, staff_ids=None, group=None):
    """The milestones these people answer for in programmes of `school` (whose members
    all see them), due within the page's days; a pair's schedule holds none. Each
    stands at the start of its day (an all-day item)."""
    if staff_ids is None:
        return []
    zone = timezone.get_current_timezone()
    found = list(milestones_on_calendar(school=school, staff_ids=staff_ids, first=start.date(), last=end.date()))
    for milestone in found:
        milestone.starts_at = datetime.datetime.combine(milestone.due_on, datetime.time.min, tzinfo=zone)
    return found


def milestone_item_html(milestone, *, compact):
    """A milestone on the calendar page; the month grid leaves out the programme."""
    details = (
        "" if compact else format_html(' <span class="text-body-secondary">· {}</span>', milestone.programme.title)
    )
    done = format_html(" ✓") if milestone.done_on else ""
    return format_html(
        '<div class="small my-1 p-1 rounded border bg-success-subtle">\n  <strong>{}</strong>{}\n'
        '  <a href="{}">{}</a>{}\n</div>\n',
        _("milestone"),
        done,
        row_link("help_programmes:detail")(pk=milestone.programme_id),
        milestone.title,
        details,
    )


def milestone_feed_items(*, user, since):
    for milestone in milestones_for_feed(user=user, since=since.date()):
        summary = _("Programme of help: %(milestone)s") % {"milestone": milestone.title}
        if milestone.done_on is not None:
            summary = _("%(summary)s (done)") % {"summary": summary}
        programme = milestone.programme
        yield FeedEntry(
            uid=feed_uid("help-milestone", milestone.pk),
            start=milestone.due_on,
            end=milestone.due_on + datetime.timedelta(days=1),
            summary=summary,
            location=f"{programme.leader_school.short_name} → {programme.supported_school.short_name}",
            description=programme.title,
            transparent=True,
        )


MILESTONES = CalendarSource(
    page_items=milestone_page_items, item_html=milestone_item_html, feed_items=milestone_feed_items
)
