"""Mentoring on the calendars (apps.core.calendars): the schedule of work of pairs
and triads, and development route steps (all-day, on their due date)."""

import datetime

from django.db.models import Exists, OuterRef, Prefetch, Q
from django.utils import timezone
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.text import capfirst
from django.utils.translation import gettext as _

from apps.core.calendars import CalendarSource, FeedEntry, feed_uid
from apps.core.choices import translated_labels
from apps.core.links import row_link
from apps.staff.models import StaffMember
from apps.staff.selectors import own_card_q, own_cards

from .models import GroupEvent, GroupEventParticipant, MentorGroup, RouteStep
from .route_selectors import OPEN_STEP_STATUSES
from .selectors import calendar_event_rows


def group_event_page_items(*, school, viewer=None, start, end, staff_ids=None, group=None):
    events = calendar_event_rows(school=school, start=start, end=end, staff_ids=staff_ids, group=group)
    link = row_link("mentoring:group_detail")
    for event in events:
        event.group_url = link(pk=event.group_id)
    return events


def group_event_item_html(event, *, compact):
    """An event on the calendar page; the month grid shows its start and title only.
    Written out with escape(): format_html per item and a label looked up per row
    cost the page more than its query."""
    cancelled = event.status == GroupEvent.Status.CANCELLED
    if cancelled:
        look = "text-decoration-line-through text-body-secondary"
    elif event.is_double_booked:
        look = "border-danger bg-danger-subtle"
    else:
        look = "bg-body-tertiary"
    starts = f"{timezone.localtime(event.starts_at):%H:%M}"
    badge = ""
    if event.is_double_booked and not cancelled:
        badge = f'<span class="badge text-bg-danger">{escape(_("double booking"))}</span>'
    title = escape(event.title)
    if compact:
        html = (
            f'<div class="small my-1 p-1 rounded border {look}">\n  <strong>{starts}</strong> {title}\n'
            f"  \n  {badge}\n</div>\n"
        )
    else:
        ends = f"{timezone.localtime(event.ends_at):%H:%M}"
        kind = escape(translated_labels(GroupEvent.Kind)[event.kind])
        group = escape(f"{translated_labels(MentorGroup.Kind)[event.group.kind]} №{event.group_id}")
        html = (
            f'<div class="small my-1 p-1 rounded border {look}">\n  <strong>{starts}</strong>–{ends} {title}\n'
            f'  <span class="text-body-secondary">· {kind} · <a href="{escape(event.group_url)}">{group}</a></span>\n'
            f"  {badge}\n</div>\n"
        )
    return mark_safe(html)  # nosec B308 B703 - every value in it is escaped or our own markup


def feed_events(*, user, since: datetime.datetime):
    """The user's schedule through their own cards (`GroupEventQuerySet.of_people`,
    the calendar page's and the board's rule), from `since` on, not cancelled;
    `takes_part` says whether they attend it."""
    cards = own_cards(user).values("pk")
    takes_part = GroupEventParticipant.objects.filter(staff_id__in=cards, event=OuterRef("pk"))
    return (
        GroupEvent.objects.of_people(cards)
        .filter(ends_at__gte=since)
        .exclude(status=GroupEvent.Status.CANCELLED)
        .annotate(takes_part=Exists(takes_part))
        .select_related("group", "group__school")
        .prefetch_related(
            Prefetch("participants", queryset=StaffMember.objects.order_by("last_name", "first_name", "pk"))
        )
        .order_by("starts_at", "pk")
    )


def group_event_feed_items(*, user, since):
    for event in feed_events(user=user, since=since):
        lines = [
            _("Participants: %(names)s")
            % {"names": ", ".join(person.short_name for person in event.participants.all())}
        ]
        if event.notes:
            lines.append(event.notes)
        # An event of one's group one does not attend (a curator's pair visit) is
        # shown, but leaves the time free.
        yield FeedEntry(
            uid=feed_uid("event", event.pk),
            start=event.starts_at,
            end=event.ends_at,
            summary=f"{capfirst(event.get_kind_display())}: {event.title}",
            location=event.place or event.group.school.short_name,
            description="\n\n".join(lines),
            confirmed=event.takes_part,
            transparent=not event.takes_part,
        )


def feed_steps(*, user, since: datetime.date):
    """Route steps where the user is the route's teacher or the responsible mentor:
    due from `since` on, or still open; not cancelled."""
    return (
        RouteStep.objects.filter(own_card_q("route__teacher", user) | own_card_q("responsible", user))
        .distinct()
        .filter(Q(due_on__gte=since) | Q(status__in=OPEN_STEP_STATUSES))
        .exclude(status=RouteStep.Status.CANCELLED)
        .select_related("route", "route__teacher", "route__school", "responsible")
        .order_by("due_on", "pk")
    )


def route_step_feed_items(*, user, since):
    for step in feed_steps(user=user, since=since.date()):
        route = step.route
        if route.teacher.user_id == user.pk:
            summary = _("Development route: %(step)s") % {"step": step.title}
        else:
            summary = _("Development route of %(teacher)s: %(step)s") % {
                "teacher": route.teacher.short_name,
                "step": step.title,
            }
        if step.status == RouteStep.Status.DONE:
            summary = _("%(summary)s (done)") % {"summary": summary}
        yield FeedEntry(
            uid=feed_uid("route-step", step.pk),
            start=step.due_on,
            end=step.due_on + datetime.timedelta(days=1),
            summary=summary,
            location=route.school.short_name,
            description=_("Status: %(status)s · responsible mentor: %(mentor)s")
            % {"status": step.get_status_display(), "mentor": step.responsible.short_name},
            transparent=True,
        )


GROUP_EVENTS = CalendarSource(
    page_items=group_event_page_items, item_html=group_event_item_html, feed_items=group_event_feed_items
)
ROUTE_STEPS = CalendarSource(feed_items=route_step_feed_items)
