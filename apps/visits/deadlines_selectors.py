"""Reads of the curator's deadline board, each a fixed number of queries.

Facts and timeliness only, except `next_steps_agreed`, which reads feedback
content and is called for the groups the user curates, never for the
administration (see apps.visits.access)."""

import datetime
from types import SimpleNamespace

from django.db import connection
from django.db.models import (
    BigIntegerField,
    BooleanField,
    Case,
    Count,
    Exists,
    ExpressionWrapper,
    F,
    Func,
    OuterRef,
    Q,
    Value,
    When,
    Window,
)
from django.db.models.expressions import RawSQL
from django.db.models.functions import RowNumber
from django.utils import timezone

from apps.core.choices import translated_labels
from apps.core.dates import short_dates
from apps.core.links import row_link
from apps.core.paging import prepared_page_among
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


def _of_school(visits, *, school, now, candidates):
    """`visits` among the board's candidates: `candidates` read by `board_visit_ids` (a prepared
    query's `ParamList`), or, inside a query of its own (the navbar's to-do count), the candidates
    of `school` at `now` as an array subquery evaluated once (`id = ANY(ARRAY(…))`: an `IN (…)`
    semi-join would be planned after joining every visit)."""
    if candidates is None:
        sql, params = _board_candidates(school=school, now=now)
        candidates = RawSQL(f"ARRAY({sql})", params)  # nosec B611 B608 - a constant SQL text, values as params
    return visits.filter(_EqualsAny(F("pk"), candidates))


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
# observer gives one row of NULLs), for the lines shown only. Written out: a queryset cost more to
# build than to run.
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
    detail = _detail_link.pattern()
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
                    url=detail.format(pk=row.pk),
                    title=f"{observed}, {row.grade}{subject}",
                    details=f"{quoted(row.topic)} · {kinds[row.kind]} · {when(row.starts_at)}–{ends:%H:%M}{group}",
                    observer_names=", ".join(names),
                    # Counted from the rows read here: no count subquery for the awaiting list's feedback line.
                    observer_count=len(names),
                    feedback_submitted=submitted.get(row.pk, 0),
                    debrief_due_at=row.debrief_due_at,
                    is_late=getattr(row, "which", None) == AWAITING and row.overdue_now,
                )
            )
        prepared.append(lines)
    return prepared


def _scope(visits, *, user_id, see_all):
    """All visits of the school for the administration, else those of the user's
    groups and those the user planned (facts and timeliness only)."""
    return visits if see_all else visits.filter(Q(group__curator__user_id=user_id) | Q(created_by_id=user_id))


def _lines(*, school, user_id, see_all, now, candidates=None):
    visits = _with_line(_of_school(LessonVisit.objects.all(), school=school, now=now, candidates=candidates))
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
    return _awaiting(_lines(school=school, user_id=user.pk, see_all=see_all, now=now), now=now)


def _awaiting(lines, *, now):
    return (
        lines.filter(_awaiting_condition(now))
        .annotate(overdue_now=_overdue_now(now))
        .order_by("-overdue_now", "debrief_due_at", "pk")
    )


def _awaiting_condition(now):
    """The lesson has ended, its debrief is still awaited (overdue ones included)."""
    return Q(status__in=LessonVisit.DEBRIEF_OPEN_STATUSES, ends_at__lte=now)


def _overdue_now(now):
    return ExpressionWrapper(LessonVisit.overdue_condition(now), output_field=BooleanField())


def _upcoming(lines, *, now, until):
    return lines.filter(_upcoming_condition(now, until)).order_by("starts_at", "pk")


def _upcoming_condition(now, until):
    """Planned, the lesson not over yet, starting before `until`."""
    return Q(status=LessonVisit.Status.PLANNED, ends_at__gt=now, starts_at__lt=until)


def visits_missing_reverse(*, school, user, see_all, now, limit=MISSING_REVERSE_LIMIT):
    """Duty 3 of the curator: after a debriefed pair visit, the observed teacher
    visits back. Lists recent debriefed pair visits of active groups that no
    reverse visit answers: neither a visit pointing at it (`answers_visit`) nor a
    later reverse visit of the same group, cancelled ones not counting."""
    lines = _lines(school=school, user_id=user.pk, see_all=see_all, now=now)
    return _missing_reverse(lines, since=recent_since(now))[:limit]


def _missing_reverse(lines, *, since):
    return lines.filter(_missing_reverse_condition(since)).order_by("-starts_at", "pk")


def _missing_reverse_condition(since):
    answered = LessonVisit.objects.filter(answers_visit=OuterRef("pk")).exclude(status=LessonVisit.Status.CANCELLED)
    reverse_later = LessonVisit.objects.filter(
        group=OuterRef("group"), kind=LessonVisit.Kind.REVERSE_VISIT, starts_at__gt=OuterRef("starts_at")
    ).exclude(status=LessonVisit.Status.CANCELLED)
    return (
        ~Exists(answered)
        & ~Exists(reverse_later)
        & Q(
            kind=LessonVisit.Kind.PAIR_VISIT,
            status__in=_DEBRIEFED,
            group__status=MentorGroup.Status.ACTIVE,
            starts_at__gte=since,
        )
    )


# The board's awaiting and upcoming lists in one query, by `which`.
AWAITING, UPCOMING = 0, 1


def board_visit_ids(*, school, now):
    """The ids of `_board_candidates`, read once for the page's lists: as a subquery of each,
    the union ran once per list (3–4 ms each at the benchmark's scale)."""
    with connection.cursor() as cursor:
        cursor.execute(*_board_candidates(school=school, now=now))
        return [row[0] for row in cursor.fetchall()]


def board_lists(*, school, user, see_all, now, page, per_page):
    """The board's three lists, prepared queries (apps.core.prepared) over the candidates read
    once (`board_visit_ids`): the page `page` of the awaiting visits (a `Page`, with their total)
    and the upcoming ones from one query (a row number per list), the missing reverse visits
    from another (in one query with the others, its NOT EXISTS took PostgreSQL milliseconds to
    plan). Each list's own query build and compile were most of the board's Python work."""
    values = {"ids": board_visit_ids(school=school, now=now)}
    if not see_all:
        values["user_id"] = user.pk
    shape = {"see_all": see_all}
    open_values = {**values, "now": now, "until": upcoming_until(now)}
    awaiting, rows = prepared_page_among(
        _open_prepared, number=page, per_page=per_page, paged=_is_awaiting, shape=shape, **open_values
    )
    upcoming = [row for row in rows if row.which == UPCOMING]
    missing = _missing_reverse_prepared.rows(shape=shape, since=recent_since(now), **values)
    return awaiting, upcoming, missing


def _is_awaiting(row):
    return row.which == AWAITING


def _board_lines(see_all):
    user_id = None if see_all else Param("user_id")
    return _lines(school=None, user_id=user_id, see_all=see_all, now=None, candidates=ParamList("ids"))


def _number(name):
    return Param(name, output_field=BigIntegerField())


@prepared_query
def _open_prepared(*, see_all):
    now = Param("now")
    awaiting = _awaiting_condition(now)
    in_awaiting = Q(which=AWAITING)
    # Each list in its order: the awaiting ones overdue first, then by deadline; the upcoming by start.
    order = [
        Case(When(in_awaiting, then=F("overdue_now"))).desc(),
        Case(When(in_awaiting, then=F("debrief_due_at")), default=F("starts_at")).asc(),
        F("pk").asc(),
    ]
    rows = (
        _board_lines(see_all)
        .filter(awaiting | _upcoming_condition(now, Param("until")))
        .annotate(which=Case(When(awaiting, then=Value(AWAITING)), default=Value(UPCOMING)))
        .annotate(overdue_now=_overdue_now(now))
        .annotate(
            position=Window(RowNumber(), partition_by=[F("which")], order_by=order),
            total_count=Window(Count("*"), partition_by=[F("which")]),
        )
        .filter(
            Q(which=AWAITING) & (Q(position__gt=_number("start"), position__lte=_number("end")) | Q(position=1))
            | Q(which=UPCOMING, position__lte=UPCOMING_LIMIT)
        )
        .order_by("which", "position")
    )
    return rows.values_list(*LINE_COLUMNS, "which", "position", "overdue_now", "total_count", named=True)


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
