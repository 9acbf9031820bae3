"""Reads of the curator's deadline board, each a fixed number of queries.

Facts and timeliness only, except `next_steps_agreed`, which reads feedback
content and is called for the groups the user curates, never for the
administration (see apps.visits.access)."""

import datetime
from types import SimpleNamespace

from django.contrib.postgres.fields import ArrayField
from django.db import connection
from django.db.models import (
    BigIntegerField,
    BooleanField,
    Count,
    Exists,
    ExpressionWrapper,
    F,
    Func,
    OuterRef,
    Q,
    Value,
    Window,
)
from django.db.models.expressions import RawSQL
from django.utils import timezone

from apps.core.choices import translated_labels
from apps.core.dates import short_dates
from apps.core.links import row_link
from apps.core.paging import prepared_page
from apps.core.prepared import Param, ParamList, prepared_query
from apps.core.typography import quoted
from apps.mentoring.models import MentorGroup, group_name
from apps.staff.models import short_name

from .models import Feedback, LessonVisit

# What the board calls recent: debriefs and next steps of the last two months.
RECENT_DAYS = 60
UPCOMING_DAYS = 14
UPCOMING_LIMIT = 20
MISSING_REVERSE_LIMIT = 50
NEXT_STEPS_LIMIT = 50
_DEBRIEFED = LessonVisit.DEBRIEFED_STATUSES


# The board's candidate visits (its network pairs' visits planned at the partner school included):
# open ones and recent debriefed ones. `for_school`'s OR spans the visit and its pair, so PostgreSQL
# could use no per-school index and read every visit: here each side is an index scan, UNIONed (the
# school's open and recent visits each through its own index; an OR would read all the school's).
# Written out: read on every board and in every navbar's to-do count, its queryset took more Python
# to build and compile than PostgreSQL took to run it.
_CANDIDATES_SQL = """
SELECT id FROM visits_lessonvisit WHERE school_id = %s AND status IN %s
UNION ALL SELECT id FROM visits_lessonvisit WHERE school_id = %s AND status IN %s AND starts_at >= %s
UNION ALL SELECT v.id FROM visits_lessonvisit v JOIN mentoring_mentorgroup g ON g.id = v.group_id
 WHERE g.partner_school_id = %s AND (v.status IN %s OR (v.status IN %s AND v.starts_at >= %s))"""


def _board_candidates(*, school, now):
    """The SQL of the board's candidate visits' ids, and its parameters."""
    since = recent_since(now)
    open_, done = tuple(LessonVisit.DEBRIEF_OPEN_STATUSES), _DEBRIEFED
    return _CANDIDATES_SQL, [school.pk, open_, school.pk, done, since, school.pk, open_, done, since]


def board_visit_ids(*, school, now):
    """The ids of `_board_candidates`, read once for the page's three lists: as a subquery of
    each, the union ran three times a page (3–4 ms each at the benchmark's scale)."""
    with connection.cursor() as cursor:
        cursor.execute(*_board_candidates(school=school, now=now))
        return [row[0] for row in cursor.fetchall()]


def _of_school(visits, *, school, now, ids):
    """`visits` among the board's candidates: `ids` read by `board_visit_ids` (a list, or a
    prepared query's `ParamList`), or, inside a query of its own (the navbar's to-do count), the
    candidates as an array subquery evaluated once (`id = ANY(ARRAY(…))`: an `IN (…)` semi-join
    would be planned after joining every visit)."""
    if ids is None:
        sql, params = _board_candidates(school=school, now=now)
        array = RawSQL(f"ARRAY({sql})", params)  # nosec B611 B608 - a constant SQL text, values as params
    elif isinstance(ids, ParamList):
        array = ids
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
# The same columns as the board reads them: plain rows (`values_list(named=True)`), no model
# objects to build for a line (three of them with its teacher, subject and group).
LINE_COLUMNS = (
    *("pk", "kind", "grade", "topic", "starts_at", "ends_at", "debrief_due_at"),
    *(f"observed__{name}" for name in NAME_FIELDS),
    *("subject__name", "group_id", "group__kind"),
)


def _with_line(visits):
    """What a line of the board shows but its observers: the observed teacher, the subject, the group."""
    return visits.select_related("observed", "subject", "group").only(*LINE_FIELDS)


_detail_link = row_link("visits:detail")

# Per line: its submitted feedback and its observers in the order they were added (a line with no
# observer gives one row of NULLs). Written out: a queryset cost more to build than to run.
_LINE_PEOPLE_SQL = """SELECT v.id, o.id, s.last_name, s.first_name, s.patronymic,
 (SELECT count(*) FROM visits_feedback f WHERE f.visit_id = v.id AND f.submitted_at IS NOT NULL)
 FROM unnest(%s::bigint[]) AS v(id) LEFT JOIN visits_visitobserver o ON o.visit_id = v.id
 LEFT JOIN staff_staffmember s ON s.id = o.staff_id ORDER BY o.id"""


class BoardLine(SimpleNamespace):
    """A line of the board (a visit), ready for its markup: `pk`, `url`, `title`, `details`,
    `observer_names`, `observer_count`, `feedback_submitted`, `debrief_due_at`, `is_late` (an
    awaiting visit past its deadline)."""


def visits_lines_prepare(*lists):
    """The lines of the board's lists of visit rows (`LINE_COLUMNS`), ready for the template:
    its link, its title, its details, its observers and its submitted feedback count (one
    query for all the lists). Dates are in the current time zone, the school's. Returns the
    lists of lines, in the order given."""
    ids = list(dict.fromkeys(row.pk for rows in lists for row in rows))
    observers, submitted = {}, {}
    people = ()
    if ids:
        with connection.cursor() as cursor:
            cursor.execute(_LINE_PEOPLE_SQL, [ids])
            people = cursor.fetchall()
    for visit_id, observer_id, last_name, first_name, patronymic, feedback_count in people:
        submitted[visit_id] = feedback_count
        if observer_id is not None:
            observers.setdefault(visit_id, []).append(short_name(last_name, first_name, patronymic))
    kinds, group_kinds = translated_labels(LessonVisit.Kind), translated_labels(MentorGroup.Kind)
    when = short_dates("D d.m H:i")
    zone = timezone.get_current_timezone()
    prepared = []
    for rows in lists:
        lines = []
        for row in rows:
            subject = f", {row.subject__name}" if row.subject__name is not None else ""
            group = f" · {group_name(row.group__kind, row.group_id, kinds=group_kinds)}" if row.group_id else ""
            ends = row.ends_at.astimezone(zone)
            names = observers.get(row.pk, ())
            observed = short_name(row.observed__last_name, row.observed__first_name, row.observed__patronymic)
            lines.append(
                BoardLine(
                    pk=row.pk,
                    url=_detail_link(pk=row.pk),
                    title=f"{observed}, {row.grade}{subject}",
                    details=f"{quoted(row.topic)} · {kinds[row.kind]} · {when(row.starts_at)}–{ends:%H:%M}{group}",
                    observer_names=", ".join(names),
                    # Counted from the rows read here: no count subquery for the awaiting list's feedback line.
                    observer_count=len(names),
                    feedback_submitted=submitted.get(row.pk, 0),
                    debrief_due_at=row.debrief_due_at,
                    is_late=getattr(row, "overdue_now", False),
                )
            )
        prepared.append(lines)
    return prepared


def _scope(visits, *, user_id, see_all):
    """All visits of the school for the administration, else those of the user's
    groups and those the user planned (facts and timeliness only)."""
    return visits if see_all else visits.filter(Q(group__curator__user_id=user_id) | Q(created_by_id=user_id))


def _lines(*, school, user_id, see_all, now, ids):
    visits = _with_line(_of_school(LessonVisit.objects.all(), school=school, now=now, ids=ids))
    return _scope(visits, user_id=user_id, see_all=see_all)


def recent_since(now):
    """Where the board's «recent» begins."""
    return now - datetime.timedelta(days=RECENT_DAYS)


def upcoming_until(now):
    """Where the board's «upcoming» ends."""
    return now + datetime.timedelta(days=UPCOMING_DAYS)


def visits_awaiting_debrief(*, school, user, see_all, now):
    """Visits whose lesson has ended and whose debrief is still awaited or overdue:
    overdue ones first (flagged by the sweep or past their deadline already), then
    by deadline (their feedback counts come with `visits_lines_prepare`)."""
    return _awaiting(_lines(school=school, user_id=user.pk, see_all=see_all, now=now, ids=None), now=now)


def _awaiting(lines, *, now):
    return (
        lines.filter(status__in=LessonVisit.DEBRIEF_OPEN_STATUSES, ends_at__lte=now)
        .annotate(overdue_now=ExpressionWrapper(LessonVisit.overdue_condition(now), output_field=BooleanField()))
        .order_by("-overdue_now", "debrief_due_at", "pk")
    )


def _upcoming(lines, *, now, until):
    planned = lines.filter(status=LessonVisit.Status.PLANNED, ends_at__gt=now, starts_at__lt=until)
    return planned.order_by("starts_at", "pk")


def visits_missing_reverse(*, school, user, see_all, now, limit=MISSING_REVERSE_LIMIT):
    """Duty 3 of the curator: after a debriefed pair visit, the observed teacher
    visits back. Lists recent debriefed pair visits of active groups that no
    reverse visit answers: neither a visit pointing at it (`answers_visit`) nor a
    later reverse visit of the same group, cancelled ones not counting."""
    lines = _lines(school=school, user_id=user.pk, see_all=see_all, now=now, ids=None)
    return _missing_reverse(lines, since=recent_since(now))[:limit]


def _missing_reverse(lines, *, since):
    answered = LessonVisit.objects.filter(answers_visit=OuterRef("pk")).exclude(status=LessonVisit.Status.CANCELLED)
    reverse_later = LessonVisit.objects.filter(
        group=OuterRef("group"), kind=LessonVisit.Kind.REVERSE_VISIT, starts_at__gt=OuterRef("starts_at")
    ).exclude(status=LessonVisit.Status.CANCELLED)
    visits = (
        lines.exclude(Exists(answered))
        .exclude(Exists(reverse_later))
        .filter(
            kind=LessonVisit.Kind.PAIR_VISIT,
            status__in=_DEBRIEFED,
            group__status=MentorGroup.Status.ACTIVE,
            starts_at__gte=since,
        )
    )
    return visits.order_by("-starts_at", "pk")


def board_lists(*, school, user, see_all, now, page, per_page):
    """The board's three lists, each a prepared query (apps.core.prepared) over the candidates
    read once (`board_visit_ids`): the page `page` of the awaiting visits (with their total),
    the upcoming ones, the missing reverse visits. Each list's own queryset build and compile
    was most of the board's Python work."""
    values = {"ids": board_visit_ids(school=school, now=now)}
    if not see_all:
        values["user_id"] = user.pk
    shape = {"see_all": see_all}
    awaiting = prepared_page(_awaiting_prepared, number=page, per_page=per_page, shape=shape, now=now, **values)
    upcoming = _upcoming_prepared.rows(shape=shape, now=now, until=upcoming_until(now), **values)
    missing = _missing_reverse_prepared.rows(shape=shape, since=recent_since(now), **values)
    return awaiting, upcoming, missing


def _board_lines(see_all):
    user_id = None if see_all else Param("user_id")
    return _lines(school=None, user_id=user_id, see_all=see_all, now=None, ids=ParamList("ids"))


@prepared_query
def _awaiting_prepared(*, see_all):
    rows = _awaiting(_board_lines(see_all), now=Param("now")).annotate(total_count=Window(Count("*")))
    return rows.values_list(*LINE_COLUMNS, "overdue_now", "total_count", named=True)


@prepared_query
def _upcoming_prepared(*, see_all):
    rows = _upcoming(_board_lines(see_all), now=Param("now"), until=Param("until"))
    return rows.values_list(*LINE_COLUMNS, named=True)[:UPCOMING_LIMIT]


@prepared_query
def _missing_reverse_prepared(*, see_all):
    rows = _missing_reverse(_board_lines(see_all), since=Param("since"))
    return rows.values_list(*LINE_COLUMNS, named=True)[:MISSING_REVERSE_LIMIT]


def next_steps_agreed(*, school, curator_user, now):
    """Submitted next steps of recent visits of the groups `curator_user` curates, a list.

    This is feedback content: only the group's curator may see it, so the scope
    is the curated groups whatever other roles the user holds. The rest of the
    feedback text is never loaded."""
    return _next_steps_prepared.rows(school_id=school.pk, user_id=curator_user.pk, since=recent_since(now))


def _next_steps(*, school, curator_user_id, since):
    return (
        Feedback.objects.for_school(school)
        .filter(
            visit__group__curator__user_id=curator_user_id,
            submitted_at__isnull=False,
            visit__starts_at__gte=since,
        )
        .exclude(next_step="")
        .exclude(visit__status=LessonVisit.Status.CANCELLED)
        .select_related("observer", "visit", "visit__observed", "visit__group")
        .only(*NEXT_STEP_FIELDS)
        .order_by(F("follow_up_on").asc(nulls_last=True), "-visit__starts_at", "pk")
    )


@prepared_query
def _next_steps_prepared():
    rows = _next_steps(school=Param("school_id"), curator_user_id=Param("user_id"), since=Param("since"))
    return rows.values_list(*NEXT_STEP_COLUMNS, named=True)[:NEXT_STEPS_LIMIT]


# What a next step's line shows: the rest of the feedback text is never loaded.
NEXT_STEP_FIELDS = (
    *("next_step", "follow_up_on", "observer", *(f"observer__{name}" for name in NAME_FIELDS), "visit"),
    *("visit__grade", "visit__starts_at", "visit__observed", "visit__group", "visit__group__kind"),
    *(f"visit__observed__{name}" for name in NAME_FIELDS),
)


# The same as plain rows (`values_list(named=True)`): no feedback, visit, teacher and group objects.
NEXT_STEP_COLUMNS = (
    *("visit_id", "next_step", "follow_up_on", *(f"observer__{name}" for name in NAME_FIELDS)),
    *("visit__grade", "visit__starts_at", *(f"visit__observed__{name}" for name in NAME_FIELDS)),
    *("visit__group", "visit__group__kind"),
)


def next_steps_prepare(rows):
    """The line of each next step (a row of `NEXT_STEP_COLUMNS`), ready for the template (dates
    in the school's zone): `visit_id`, `title`, `next_step`, `observer_name`, `follow_up_text`."""
    day = short_dates("d.m")
    group_kinds = translated_labels(MentorGroup.Kind)
    lines = []
    for row in rows:
        group = (
            f" · {group_name(row.visit__group__kind, row.visit__group, kinds=group_kinds)}" if row.visit__group else ""
        )
        observed = short_name(
            row.visit__observed__last_name, row.visit__observed__first_name, row.visit__observed__patronymic
        )
        lines.append(
            SimpleNamespace(
                visit_id=row.visit_id,
                title=f"{observed}, {row.visit__grade} · {day(row.visit__starts_at)}{group}",
                next_step=row.next_step,
                observer_name=short_name(row.observer__last_name, row.observer__first_name, row.observer__patronymic),
                follow_up_text=f"{row.follow_up_on:%d.%m.%Y}" if row.follow_up_on else "",
            )
        )
    return lines
