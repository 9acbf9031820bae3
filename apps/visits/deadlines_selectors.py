"""Reads of the curator's deadline board, each a fixed number of queries.

Facts and timeliness only, except `next_steps_agreed`, which reads feedback
content and is called for the groups the user curates, never for the
administration (see apps.visits.access)."""

import datetime
from types import SimpleNamespace

from django.contrib.postgres.fields import ArrayField
from django.db.models import (
    BigIntegerField,
    BooleanField,
    Exists,
    ExpressionWrapper,
    F,
    Func,
    IntegerField,
    OuterRef,
    Q,
    Subquery,
    Value,
)
from django.db.models.expressions import RawSQL
from django.utils import timezone

from apps.core.dates import short_date
from apps.core.links import row_link
from apps.core.typography import quoted
from apps.mentoring.models import MentorGroup
from apps.staff.models import StaffMember

from .models import Feedback, LessonVisit, VisitObserver

# What the board calls recent: debriefs and next steps of the last two months.
RECENT_DAYS = 60
UPCOMING_DAYS = 14
_DEBRIEFED = (LessonVisit.Status.DEBRIEFED, LessonVisit.Status.DEBRIEFED_LATE)


def _board_candidates(*, school, now):
    """The school's visits any list of the board may show (its network pairs' visits planned at
    the partner school included): open ones and recent debriefed ones, as a queryset of ids.

    `for_school`'s OR spans the visit and its pair, so PostgreSQL can use no per-school index and
    reads every visit. Here each side is an index scan, UNIONed."""
    open_ = Q(status__in=LessonVisit.DEBRIEF_OPEN_STATUSES)
    recent = Q(status__in=_DEBRIEFED, starts_at__gte=now - datetime.timedelta(days=RECENT_DAYS))
    # The school's own open and recent visits each through its own index (an OR would read all the school's).
    own = LessonVisit.objects.filter(school=school).order_by().values_list("pk", flat=True)
    partner = LessonVisit.objects.filter(open_ | recent, group__partner_school=school).order_by()
    return own.filter(open_).union(own.filter(recent), partner.values_list("pk", flat=True), all=True)


def board_visit_ids(*, school, now):
    """The ids of `_board_candidates`, read once for the page's three lists: as a subquery of
    each, the union ran three times a page (3–4 ms each at the benchmark's scale)."""
    return list(_board_candidates(school=school, now=now))


def _of_school(visits, *, school, now, ids):
    """`visits` among the board's candidates: `ids` read by `board_visit_ids`, or, inside a
    query of its own (the navbar's to-do count), the candidates as an array subquery evaluated
    once (`id = ANY(ARRAY(…))`: an `IN (…)` semi-join would be planned after joining every visit)."""
    if ids is None:
        sql, params = _board_candidates(school=school, now=now).query.sql_with_params()
        array = RawSQL(f"ARRAY({sql})", params)  # nosec B611 B608 - Django's own SQL of a queryset, values as params
    else:
        array = Value(ids, output_field=ArrayField(BigIntegerField()))
    return visits.filter(_EqualsAny(F("pk"), array))


class _EqualsAny(Func):
    """`value = ANY(array)`, a condition."""

    arg_joiner = " = ANY("
    template = "%(expressions)s)"
    output_field = BooleanField()


# The columns a line of the board shows (`visits_lines_prepare`): fewer columns to select,
# compile and load, the board's main cost once its SQL is fast.
NAME_FIELDS = ("last_name", "first_name", "patronymic")
LINE_FIELDS = (
    *("school", "kind", "status", "grade", "topic", "starts_at", "ends_at", "debrief_due_at"),
    *("observed", *(f"observed__{name}" for name in NAME_FIELDS), "subject", "subject__name", "group", "group__kind"),
)


def _with_line(visits):
    """What a line of the board shows but its observers: the observed teacher, the subject, the group."""
    return visits.select_related("observed", "subject", "group").only(*LINE_FIELDS)


_short_name = StaffMember.short_name.fget
_detail_link = row_link("visits:detail")


def visits_lines_prepare(visits):
    """What a line of the board shows, ready for the template: its link, its title,
    its details and its observers (one query for all the lists). Dates are in the
    current time zone, the school's."""
    observers = {}
    rows = (
        VisitObserver.objects.filter(visit__in=[visit.pk for visit in visits])
        .order_by("pk")
        .values_list("visit", *(f"staff__{name}" for name in NAME_FIELDS))
    )
    for visit_id, last_name, first_name, patronymic in rows:
        person = SimpleNamespace(last_name=last_name, first_name=first_name, patronymic=patronymic)
        observers.setdefault(visit_id, []).append(_short_name(person))
    kinds = dict(LessonVisit.Kind.choices)
    for visit in visits:
        subject = f", {visit.subject.name}" if visit.subject_id else ""
        group = f" · {visit.group}" if visit.group_id else ""
        when = f"{short_date(visit.starts_at, 'D d.m H:i')}–{timezone.localtime(visit.ends_at):%H:%M}"
        visit.url = _detail_link(pk=visit.pk)
        visit.title = f"{visit.observed.short_name}, {visit.grade}{subject}"
        visit.details = f"{quoted(visit.topic)} · {kinds[visit.kind]} · {when}{group}"
        names = observers.get(visit.pk, ())
        visit.observer_names = ", ".join(names)
        # Counted from the rows read here: no count subquery for the awaiting list's feedback line.
        visit.observer_count = len(names)
    return visits


def _count(rows):
    """How many `rows` (correlated to the outer visit), as a subquery: no GROUP BY over the joins."""
    return Subquery(rows.order_by().values(n=Func(F("pk"), function="COUNT")), output_field=IntegerField())


def _scope(visits, *, user, see_all):
    """All visits of the school for the administration, else those of the user's
    groups and those the user planned (facts and timeliness only)."""
    return visits if see_all else visits.filter(Q(group__curator__user=user) | Q(created_by=user))


def visits_awaiting_debrief(*, school, user, see_all, now, ids=None):
    """Visits whose lesson has ended and whose debrief is still awaited or overdue:
    overdue ones first (flagged by the sweep or past their deadline already), then
    by deadline."""
    visits = _with_line(_of_school(LessonVisit.objects.awaiting_debrief(now), school=school, now=now, ids=ids))
    submitted = Feedback.objects.filter(visit=OuterRef("pk"), submitted_at__isnull=False)
    return (
        _scope(visits, user=user, see_all=see_all)
        .annotate(
            overdue_now=ExpressionWrapper(LessonVisit.overdue_condition(now), output_field=BooleanField()),
            feedback_submitted=_count(submitted),
        )
        .order_by("-overdue_now", "debrief_due_at", "pk")
    )


def visits_upcoming(*, school, user, see_all, now, ids=None, limit=20):
    planned = LessonVisit.objects.filter(
        status=LessonVisit.Status.PLANNED,
        ends_at__gt=now,
        starts_at__lt=now + datetime.timedelta(days=UPCOMING_DAYS),
    )
    visits = _with_line(_of_school(planned, school=school, now=now, ids=ids))
    return _scope(visits, user=user, see_all=see_all).order_by("starts_at", "pk")[:limit]


def visits_missing_reverse(*, school, user, see_all, now, ids=None, limit=50):
    """Duty 3 of the curator: after a debriefed pair visit, the observed teacher
    visits back. Lists recent debriefed pair visits of active groups that no
    reverse visit answers: neither a visit pointing at it (`answers_visit`) nor a
    later reverse visit of the same group, cancelled ones not counting."""
    answered = LessonVisit.objects.filter(answers_visit=OuterRef("pk")).exclude(status=LessonVisit.Status.CANCELLED)
    reverse_later = LessonVisit.objects.filter(
        group=OuterRef("group"), kind=LessonVisit.Kind.REVERSE_VISIT, starts_at__gt=OuterRef("starts_at")
    ).exclude(status=LessonVisit.Status.CANCELLED)
    debriefed = LessonVisit.objects.filter(
        kind=LessonVisit.Kind.PAIR_VISIT,
        status__in=_DEBRIEFED,
        group__status=MentorGroup.Status.ACTIVE,
        starts_at__gte=now - datetime.timedelta(days=RECENT_DAYS),
    )
    visits = _of_school(debriefed, school=school, now=now, ids=ids)
    visits = visits.exclude(Exists(answered)).exclude(Exists(reverse_later))
    visits = _with_line(visits)
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
        .select_related("observer", "visit", "visit__observed", "visit__group")
        .only(*NEXT_STEP_FIELDS)
        .order_by(F("follow_up_on").asc(nulls_last=True), "-visit__starts_at", "pk")[:limit]
    )


# What a next step's line shows: the rest of the feedback text is never loaded.
NEXT_STEP_FIELDS = (
    *("next_step", "follow_up_on", "observer", *(f"observer__{name}" for name in NAME_FIELDS), "visit"),
    *("visit__grade", "visit__starts_at", "visit__observed", "visit__group", "visit__group__kind"),
    *(f"visit__observed__{name}" for name in NAME_FIELDS),
)


def next_steps_prepare(feedback_list):
    """The line of each next step, ready for the template (dates in the school's zone)."""
    for feedback in feedback_list:
        visit = feedback.visit
        group = f" · {visit.group}" if visit.group_id else ""
        feedback.title = f"{visit.observed.short_name}, {visit.grade} · {short_date(visit.starts_at, 'd.m')}{group}"
        feedback.follow_up_text = f"{feedback.follow_up_on:%d.%m.%Y}" if feedback.follow_up_on else ""
    return feedback_list
