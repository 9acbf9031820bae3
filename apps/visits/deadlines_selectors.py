"""Reads of the curator's deadline board, each a fixed number of queries.

Facts and timeliness only, except `next_steps_agreed`, which reads feedback
content and is called for the groups the user curates, never for the
administration (see apps.visits.access)."""

import datetime

from django.db.models import BooleanField, Exists, ExpressionWrapper, F, OuterRef, Prefetch, Q

from apps.mentoring.models import MentorGroup

from .models import Feedback, LessonVisit, VisitObserver
from .selectors import visit_queryset

# What the board calls recent: debriefs and next steps of the last two months.
RECENT_DAYS = 60
UPCOMING_DAYS = 14


def _scope(visits, *, user, see_all):
    """All visits of the school for the administration, else those of the user's
    groups and those the user planned (facts and timeliness only)."""
    return visits if see_all else visits.filter(Q(group__curator__user=user) | Q(created_by=user))


def visits_awaiting_debrief(*, school, user, see_all, now):
    """Visits whose lesson has ended and whose debrief is still awaited or overdue:
    overdue ones first (flagged by the sweep or past their deadline already), then
    by deadline."""
    visits = visit_queryset(school=school).awaiting_debrief(now)
    return (
        _scope(visits, user=user, see_all=see_all)
        .annotate(overdue_now=ExpressionWrapper(LessonVisit.overdue_condition(now), output_field=BooleanField()))
        .order_by("-overdue_now", "debrief_due_at", "pk")
    )


def visits_upcoming(*, school, user, see_all, now, limit=20):
    visits = visit_queryset(school=school).filter(
        status=LessonVisit.Status.PLANNED,
        ends_at__gt=now,
        starts_at__lt=now + datetime.timedelta(days=UPCOMING_DAYS),
    )
    return _scope(visits, user=user, see_all=see_all).order_by("starts_at", "pk")[:limit]


def visits_missing_reverse(*, school, user, see_all, now, limit=50):
    """Duty 3 of the curator: after a debriefed pair visit, the observed teacher
    visits back. Lists recent debriefed pair visits of active groups that no
    reverse visit answers: neither a visit pointing at it (`answers_visit`) nor a
    later reverse visit of the same group, cancelled ones not counting."""
    answered = LessonVisit.objects.filter(answers_visit=OuterRef("pk")).exclude(status=LessonVisit.Status.CANCELLED)
    reverse_later = LessonVisit.objects.filter(
        group=OuterRef("group"), kind=LessonVisit.Kind.REVERSE_VISIT, starts_at__gt=OuterRef("starts_at")
    ).exclude(status=LessonVisit.Status.CANCELLED)
    visits = (
        LessonVisit.objects.for_school(school)
        .filter(
            kind=LessonVisit.Kind.PAIR_VISIT,
            status__in=(LessonVisit.Status.DEBRIEFED, LessonVisit.Status.DEBRIEFED_LATE),
            group__status=MentorGroup.Status.ACTIVE,
            starts_at__gte=now - datetime.timedelta(days=RECENT_DAYS),
        )
        .exclude(Exists(answered))
        .exclude(Exists(reverse_later))
        .select_related("observed", "group", "group__curator", "subject")
        .prefetch_related(
            Prefetch("observer_links", queryset=VisitObserver.objects.select_related("staff").order_by("pk"))
        )
    )
    return _scope(visits, user=user, see_all=see_all).order_by("-starts_at", "pk")[:limit]


def next_steps_agreed(*, school, curator_user, now, limit=50):
    """Submitted next steps of recent visits of the groups `curator_user` curates.

    This is feedback content: only the group's curator may see it, so the scope
    is the curated groups whatever other roles the user holds. The rest of the
    feedback text is never loaded."""
    return (
        Feedback.objects.for_school(school)
        .filter(
            visit__group__curator__user=curator_user,
            submitted_at__isnull=False,
            visit__starts_at__gte=now - datetime.timedelta(days=RECENT_DAYS),
        )
        .exclude(next_step="")
        .exclude(visit__status=LessonVisit.Status.CANCELLED)
        .defer("facts", "toward_goal", "reconsider", "questions")
        .select_related("observer", "visit", "visit__observed", "visit__group")
        .order_by(F("follow_up_on").asc(nulls_last=True), "-visit__starts_at", "pk")[:limit]
    )
