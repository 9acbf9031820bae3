"""Lesson visits on the calendars (apps.core.calendars): those not already there
through a pair's schedule (a curator's visit, a pedagogical tour...)."""

from django.db.models import Exists, OuterRef, Prefetch
from django.utils import timezone
from django.utils.html import format_html
from django.utils.text import capfirst
from django.utils.translation import gettext as _

from apps.core.calendars import CalendarSource, FeedEntry, feed_uid
from apps.core.links import row_link
from apps.staff.selectors import own_card_q

from .models import LessonVisit, VisitObserver
from .selectors import visits_for_calendar


def visit_page_items(*, school, viewer=None, start, end, staff_ids=None, group=None):
    """A person's visits; a pair's schedule shows its visits through their events."""
    if staff_ids is None:
        return []
    return visits_for_calendar(school=school, staff_ids=staff_ids, start=start, end=end)


def visit_item_html(visit, *, compact):
    """A visit on the calendar page; the month grid leaves out its end and topic."""
    starts = f"{timezone.localtime(visit.starts_at):%H:%M}"
    ends = "" if compact else f"–{timezone.localtime(visit.ends_at):%H:%M}"
    topic = "" if compact else format_html('<span class="text-body-secondary">· {}</span>', visit.topic)
    return format_html(
        '<div class="small my-1 p-1 rounded border bg-info-subtle">\n  <strong>{}</strong>{}\n'
        '  <a href="{}">{}: {}, {}</a>\n  {}\n</div>\n',
        starts,
        ends,
        row_link("visits:detail")(pk=visit.pk),
        capfirst(visit.get_kind_display()),
        visit.observed.short_name,
        visit.grade,
        topic,
    )


def feed_visits(*, user, since):
    """Lesson visits the user observes or is observed at, not already in the feed
    through their group's schedule (no GroupEvent), from `since` on, not cancelled."""
    observes = VisitObserver.objects.filter(own_card_q("staff", user), visit=OuterRef("pk"))
    return (
        LessonVisit.objects.filter(
            own_card_q("observed", user) | Exists(observes), event__isnull=True, ends_at__gte=since
        )
        .distinct()
        .exclude(status=LessonVisit.Status.CANCELLED)
        .select_related("school", "observed", "subject")
        .prefetch_related(
            Prefetch("observer_links", queryset=VisitObserver.objects.select_related("staff").order_by("pk"))
        )
        .order_by("starts_at", "pk")
    )


def visit_feed_items(*, user, since):
    for visit in feed_visits(user=user, since=since):
        observers = ", ".join(link.staff.short_name for link in visit.observer_links.all())
        topic = f"{visit.subject.name}: {visit.topic}" if visit.subject_id else visit.topic
        lines = [
            _("Lesson: %(topic)s") % {"topic": topic},
            _("Observed aspect: %(aspect)s") % {"aspect": visit.observed_aspect},
            _("Observers: %(names)s") % {"names": observers},
        ]
        yield FeedEntry(
            uid=feed_uid("visit", visit.pk),
            start=visit.starts_at,
            end=visit.ends_at,
            summary=_("%(kind)s: %(grade)s, %(teacher)s")
            % {
                "kind": capfirst(visit.get_kind_display()),
                "grade": visit.grade,
                "teacher": visit.observed.short_name,
            },
            location=visit.school.short_name,
            description="\n\n".join(lines),
            confirmed=True,
        )


LESSON_VISITS = CalendarSource(page_items=visit_page_items, item_html=visit_item_html, feed_items=visit_feed_items)
