"""Lesson visits in «Мои дела» (apps.core.todos): feedback to give, a
self-reflection to add, visits to attend; for a curator, the overdue debriefs and
reverse visits of their groups; for the administration, how many debriefs are
overdue (a count, never what a debrief says: the trust rule)."""

import datetime

from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext as _

from apps.core.todos import TodoItem, TodoSource, one_row
from apps.core.typography import quoted
from apps.staff.selectors import own_card_subquery

from .deadlines_selectors import visits_missing_reverse
from .models import LessonVisit
from .selectors import visits_awaiting_my_feedback

# Visits to attend show from a week ahead.
ATTEND_DAYS = 7


def _feedback_due(scope):
    return visits_awaiting_my_feedback(
        school=scope.school, staff=own_card_subquery(school=scope.school, user=scope.user)
    )


def _reflection_due(scope):
    """The observed teacher's own look at the lesson, while its debrief is still to be held."""
    return (
        LessonVisit.objects.for_school(scope.school)
        .awaiting_debrief(scope.now)
        .filter(observed=own_card_subquery(school=scope.school, user=scope.user), self_reflection__isnull=True)
    )


def _to_attend(scope):
    card = own_card_subquery(school=scope.school, user=scope.user)
    return (
        LessonVisit.objects.for_school(scope.school)
        .filter(
            status=LessonVisit.Status.PLANNED,
            ends_at__gt=scope.now,
            starts_at__lt=scope.now + datetime.timedelta(days=ATTEND_DAYS),
        )
        .filter(Q(observed=card) | Q(observer_links__staff=card))
        .distinct()
    )


def _curated_overdue(scope):
    return LessonVisit.objects.for_school(scope.school).overdue(scope.now).filter(group__curator__user=scope.user)


def _reverse_due(scope):
    return visits_missing_reverse(school=scope.school, user=scope.user, see_all=False, now=scope.now)


def _school_overdue(scope):
    return LessonVisit.objects.for_school(scope.school).overdue(scope.now)


def rows(scope):
    parts = [_feedback_due(scope), _reflection_due(scope), _to_attend(scope), _curated_overdue(scope)]
    parts.append(_reverse_due(scope))
    if scope.can("visits.oversee"):
        parts.append(one_row(_school_overdue(scope)))
    return parts


def _lesson(visit):
    return _("%(topic)s, %(grade)s") % {"topic": quoted(visit.topic), "grade": visit.grade}


def items(scope):
    found = []
    for visit in _feedback_due(scope):
        found.append(
            TodoItem(
                kind="feedback",
                title=_("Give feedback on %(observed)s's lesson") % {"observed": visit.observed.short_name},
                detail=_lesson(visit),
                url=reverse("visits:feedback", args=[visit.pk]),
                due=visit.debrief_due_at,
            )
        )
    for visit in _reflection_due(scope).order_by("debrief_due_at", "pk"):
        found.append(
            TodoItem(
                kind="reflection",
                title=_("Add your self-reflection on the lesson"),
                detail=_lesson(visit),
                url=reverse("visits:reflection", args=[visit.pk]),
                due=visit.debrief_due_at,
            )
        )
    for visit in _to_attend(scope).select_related("observed").order_by("starts_at", "pk"):
        found.append(
            TodoItem(
                kind="visit",
                title=_("Lesson visit: %(observed)s") % {"observed": visit.observed.short_name},
                detail=_lesson(visit),
                url=reverse("visits:detail", args=[visit.pk]),
                due=visit.starts_at,
            )
        )
    for visit in _curated_overdue(scope).select_related("observed", "group").order_by("debrief_due_at", "pk"):
        found.append(
            TodoItem(
                kind="curated_overdue",
                title=_("Debrief overdue in %(group)s") % {"group": visit.group},
                detail=_("%(observed)s, %(lesson)s")
                % {"observed": visit.observed.short_name, "lesson": _lesson(visit)},
                url=reverse("visits:detail", args=[visit.pk]),
                due=visit.debrief_due_at,
            )
        )
    for visit in _reverse_due(scope):
        found.append(
            TodoItem(
                kind="reverse_visit",
                title=_("Plan the reverse visit in %(group)s") % {"group": visit.group},
                detail=_("%(observed)s visits back after %(lesson)s")
                % {"observed": visit.observed.short_name, "lesson": _lesson(visit)},
                url=f"{reverse('visits:create')}?answers={visit.pk}",
            )
        )
    if scope.can("visits.oversee"):
        overdue = _school_overdue(scope).count()
        if overdue:
            found.append(
                TodoItem(
                    kind="school_overdue",
                    title=_("Debriefs overdue in the school"),
                    url=reverse("visits:deadlines"),
                    count=overdue,
                    for_administration=True,
                )
            )
    return found


SOURCE = TodoSource(rows=rows, items=items)
