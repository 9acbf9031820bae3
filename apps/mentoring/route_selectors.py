"""Reads of individual development routes (маршруты индивидуального развития),
scoped to a school, with their related rows loaded in a fixed number of queries.

A step is *open* while it is planned or in progress; an open step whose due
date has passed is *overdue*, and shows on the mentor's and the curator's boards.
"""

import datetime
import functools
import operator

from django.db.models import BooleanField, Count, ExpressionWrapper, Min, Prefetch, Q, Value, Window

from apps.core.dates import add_years, school_today
from apps.core.paging import prepared_page
from apps.core.prepared import Param, ParamList, prepared_query
from apps.staff.models import EARLY_CAREER_YEARS, StaffMember

from .models import DevelopmentRoute, GroupEvent, RouteStep
from .selectors import prefetched

OPEN_STEP_STATUSES = (RouteStep.Status.PLANNED, RouteStep.Status.IN_PROGRESS)
# A person's name fields, enough for full_name and short_name.
NAME_FIELDS = ("last_name", "first_name", "patronymic")
# A step's evidence can be a lesson the teacher visited or was visited at.
EVIDENCE_EVENT_KINDS = (GroupEvent.Kind.LESSON_VISIT, GroupEvent.Kind.REVERSE_VISIT)


def route_list(*, school, on: datetime.date, user=None, overdue_only=False, query="", words=None, user_id=None):
    """The school's routes with their progress counted in SQL (one query a page).

    With `user` (or `user_id`), only the routes where that person is the teacher or the
    mentor. `words`: the words of `query`, given as such (a prepared query's markers).
    """
    routes = (
        DevelopmentRoute.objects.for_school(school)
        .select_related("teacher", "mentor")
        .annotate(
            step_count=Count("steps", filter=~Q(steps__status=RouteStep.Status.CANCELLED)),
            done_count=Count("steps", filter=Q(steps__status=RouteStep.Status.DONE)),
            overdue_count=Count("steps", filter=Q(steps__status__in=OPEN_STEP_STATUSES, steps__due_on__lt=on)),
            next_due_on=Min("steps__due_on", filter=Q(steps__status__in=OPEN_STEP_STATUSES)),
        )
        .order_by("teacher__last_name", "teacher__first_name", "-starts_on", "pk")
        # Only what the list shows: fewer columns to compile, group and read.
        .only("starts_on", *(f"{who}__{name}" for who in ("teacher", "mentor") for name in NAME_FIELDS))
    )
    if user is not None:
        user_id = user.pk
    if user_id is not None:
        routes = routes.filter(Q(teacher__user_id=user_id) | Q(mentor__user_id=user_id))
    if overdue_only:
        routes = routes.filter(overdue_count__gt=0)
    for word in query.split() if words is None else words:
        routes = routes.filter(
            Q(teacher__last_name__icontains=word)
            | Q(teacher__first_name__icontains=word)
            | Q(mentor__last_name__icontains=word)
        )
    return routes


def route_list_page(*, school, on: datetime.date, number, per_page, user=None, overdue_only=False, query=""):
    """A page of `route_list` and its total, from one prepared query."""
    words = query.split()
    values = {"school_id": school.pk, "on": on, **{f"word{index}": word for index, word in enumerate(words)}}
    if user is not None:
        values["user_id"] = user.pk
    shape = {"own": user is not None, "overdue_only": overdue_only, "words": len(words)}
    return prepared_page(_route_rows, number=number, per_page=per_page, shape=shape, **values)


@prepared_query
def _route_rows(*, own, overdue_only, words):
    routes = route_list(
        school=Param("school_id"),
        on=Param("on"),
        user_id=Param("user_id") if own else None,
        overdue_only=overdue_only,
        words=[Param(f"word{index}") for index in range(words)],
    )
    return routes.annotate(total_count=Window(Count("*")))


def route_detail(*, school, on: datetime.date):
    """Routes with their steps (responsible, evidence visit, `is_overdue` on `on`);
    the view picks one by id. Two queries whatever the number of steps."""
    return _routes_with_people(school=school).prefetch_related(Prefetch("steps", queryset=_route_steps(on=on)))


def _routes_with_people(*, school):
    return DevelopmentRoute.objects.for_school(school).select_related("teacher", "mentor")


def _route_steps(*, on):
    return (
        RouteStep.objects.select_related("responsible", "evidence_event")
        .annotate(
            is_overdue=ExpressionWrapper(Q(status__in=OPEN_STEP_STATUSES, due_on__lt=on), output_field=BooleanField())
        )
        .order_by("due_on", "pk")
    )


def route_detail_get(*, school, pk, on: datetime.date):
    """The route `pk` of the school as `route_detail` reads it (its steps in
    `route.steps.all()`), or None."""
    route = _route_row.first(school_id=school.pk, pk=pk)
    if route is not None:
        prefetched(route, "steps", _route_step_rows.rows(route_id=route.pk, on=on))
    return route


@prepared_query
def _route_row():
    return _routes_with_people(school=Param("school_id")).filter(pk=Param("pk"))


@prepared_query
def _route_step_rows():
    return _route_steps(on=Param("on")).filter(route_id=Param("route_id"))


def route_step_queryset(*, school):
    """Steps of the school with their route's people, for the step views (the
    route's school is the caller's own: it does not need a join)."""
    return RouteStep.objects.for_school(school).select_related(
        "route", "route__teacher", "route__mentor", "responsible"
    )


def route_step_get(*, school, pk):
    """The step `pk` of the school as `route_step_queryset` reads it, or None."""
    return _route_step_row.first(school_id=school.pk, pk=pk)


@prepared_query
def _route_step_row():
    return route_step_queryset(school=Param("school_id")).filter(pk=Param("pk"))


def answers_for_a_step(*, route, user):
    """Whether the user is the responsible mentor of one of the route's steps."""
    return bool(_answers_for_a_step.rows(route_id=route.pk, user_id=user.pk))


@prepared_query
def _answers_for_a_step():
    return (
        RouteStep.objects.filter(route_id=Param("route_id"), responsible__user_id=Param("user_id"))
        .order_by()
        .values(a=Value(1))[:1]
    )


def route_steps_overdue(*, school, on: datetime.date, responsible=None, teachers=None):
    """Open steps of the school due before `on`, oldest first, for the boards.

    `responsible`: a StaffMember (the mentor's board). `teachers`: StaffMembers or
    their ids, a list or a queryset (the curator's board: the teachers of their groups).
    Served by the partial index `route_step_open_due`.
    """
    steps = (
        RouteStep.objects.for_school(school)
        .filter(status__in=OPEN_STEP_STATUSES, due_on__lt=on)
        .select_related("route", "route__teacher", "responsible")
        .order_by("due_on", "pk")
    )
    if responsible is not None:
        steps = steps.filter(responsible=responsible)
    if teachers is not None:
        steps = steps.filter(route__teacher__in=teachers)
    return steps


# Only what the board's lines show, as plain named rows: the step, its due date, its route's
# teacher's name (no step, route and teacher objects).
BOARD_STEP_COLUMNS = (
    *("pk", "title", "due_on", "responsible_id", "route_id", "route__teacher_id"),
    *("route__teacher__last_name", "route__teacher__first_name", "route__teacher__patronymic"),
)


def route_steps_overdue_on_board(*, school, on: datetime.date, me=None, curated_teachers=None):
    """The board's three lists of overdue steps (`route_steps_overdue`) in one
    query, as named rows (`BOARD_STEP_COLUMNS`): of the teachers of the curator's groups (`curated_teachers`, ids), the
    steps `me` answers for as a mentor, and the steps of `me`'s own route."""
    if curated_teachers is None and me is None:
        return [], [], []
    values = {"school_id": school.pk, "on": on}
    if curated_teachers is not None:
        values["teacher_ids"] = list(curated_teachers)
    if me is not None:
        values["me_id"] = me.pk
    steps = _overdue_on_board.rows(shape={"curated": curated_teachers is not None, "mine": me is not None}, **values)
    curated = set(curated_teachers or ())
    return (
        [step for step in steps if step.route__teacher_id in curated],
        [step for step in steps if me is not None and step.responsible_id == me.pk],
        [step for step in steps if me is not None and step.route__teacher_id == me.pk],
    )


@prepared_query
def _overdue_on_board(*, curated, mine):
    wanted = []
    if curated:
        wanted.append(Q(route__teacher__pk__any=ParamList("teacher_ids")))
    if mine:
        me = Param("me_id")
        wanted += [Q(responsible_id=me), Q(route__teacher_id=me)]
    return (
        route_steps_overdue(school=Param("school_id"), on=Param("on"))
        .filter(functools.reduce(operator.or_, wanted))
        .select_related(None)
        .values_list(*BOARD_STEP_COLUMNS, named=True)
    )


def route_own_latest(*, school, teacher):
    """The id of the latest route (by start) where `teacher` is the teacher, or None."""
    found = _own_latest.rows(school_id=school.pk, teacher_id=teacher.pk)
    return found[0] if found else None


@prepared_query
def _own_latest():
    return (
        DevelopmentRoute.objects.for_school(Param("school_id"))
        .filter(teacher_id=Param("teacher_id"))
        .order_by("-starts_on")
        .values_list("pk", flat=True)[:1]
    )


def route_teacher_choices(*, school, on=None):
    """Who can get a route: early-career teachers (under three years) working here now
    (`is_early_career` of staff_with_derived, without the categories it also computes)."""
    since = add_years(on or school_today(school), -EARLY_CAREER_YEARS)
    return (
        StaffMember.objects.for_school(school)
        .filter(is_active=True, teaching_since__gt=since)
        .order_by("last_name", "first_name", "patronymic", "pk")
    )


def route_staff_choices(*, school):
    """Mentors and responsible people: anyone working at the school now."""
    return (
        StaffMember.objects.for_school(school)
        .filter(is_active=True)
        .order_by("last_name", "first_name", "patronymic", "pk")
    )


def route_evidence_events(*, teacher):
    """Lesson visits and reverse visits of the groups `teacher` is a member of (in
    any school of a network pair), newest first; cancelled ones are not evidence."""
    return (
        GroupEvent.objects.filter(kind__in=EVIDENCE_EVENT_KINDS, group__members__staff=teacher)
        .exclude(status=GroupEvent.Status.CANCELLED)
        .order_by("-starts_at", "pk")
    )
