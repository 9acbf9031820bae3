"""Network events on the calendars (apps.core.calendars): the events a person
leads, organised or holds a place at (not a turn on the waiting list)."""

from django.utils import timezone
from django.utils.html import format_html

from apps.core.calendars import CalendarSource, FeedEntry, feed_uid
from apps.core.links import row_link
from apps.staff.models import StaffMember

from .selectors import calendar_events, calendar_page_events


def page_items(*, school, viewer, start, end, staff_ids=None, group=None):
    """A person's events that the viewer may see; a pair's schedule holds none."""
    if not staff_ids:
        return []
    return calendar_page_events(viewer=viewer, staff_ids=staff_ids, start=start, end=end)


def item_html(event, *, compact):
    starts = f"{timezone.localtime(event.starts_at):%H:%M}"
    ends = "" if compact else f"–{timezone.localtime(event.ends_at):%H:%M}"
    details = ""
    if not compact:
        where = event.place or event.online_link
        place = format_html(" · {}", where) if where else ""
        details = format_html('<span class="text-body-secondary">· {}{}</span>', event.get_kind_display(), place)
    return format_html(
        '<div class="small my-1 p-1 rounded border bg-info-subtle">\n  <strong>{}</strong>{}\n'
        '  <a href="{}">{}</a>\n  {}\n</div>\n',
        starts,
        ends,
        row_link("network_events:detail")(pk=event.pk),
        event.title,
        details,
    )


def feed_items(*, user, since):
    # One query: the person's cards in the schools they still work in, as a subquery.
    cards = StaffMember.objects.filter(user=user, is_active=True).values("pk")
    for event in calendar_events(staff_ids=cards, start=since):
        yield FeedEntry(
            uid=feed_uid("network-event", event.pk),
            start=event.starts_at,
            end=event.ends_at,
            summary=f"{event.get_kind_display()}: {event.title}",
            location=event.place or event.online_link,
            description=event.online_link if event.place and event.online_link else "",
            confirmed=True,
        )


EVENTS = CalendarSource(page_items=page_items, item_html=item_html, feed_items=feed_items)
