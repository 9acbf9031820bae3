"""Reads of problem-theme days, scoped to a school, in a fixed number of queries;
the stage checks ("what is still missing") and clash detection work on the
rows already loaded."""

import datetime
import functools
from dataclasses import dataclass

from django.contrib.postgres.expressions import ArraySubquery
from django.db import connections
from django.db.models import Count, OuterRef, Prefetch, Q
from django.utils.text import capfirst
from django.utils.timezone import get_current_timezone, localtime
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from apps.core.choices import translated_labels
from apps.core.dates import school_today
from apps.core.json_rows import JSONRow, row_columns, row_objects, set_prefetched
from apps.core.links import row_link
from apps.core.prepared import Param, ParamList, prepared_query
from apps.core.typography import quoted
from apps.partners.models import PartnerOrganisation
from apps.staff.models import StaffMember, Subject

from .models import DayActivity, DayStageChange, PreparationRole, ProblemDay, ThemeIdea

# A day's organisers, ideas and preparation roles come as array columns of the
# day's query, read back into model objects as if prefetched (`day.ideas.all()`
# reads no more; the planner's in-place forms edit these objects): a prefetch
# would build, compile and run a query of its own. The subquery expressions are
# built once per process (each query resolves its own copy of them).
_STAFF_FIELDS = ("id", "school_id", "last_name", "first_name", "patronymic", "user_id", "is_active")


# annotation: (relation on the day, model, its columns, the ordering, its own foreign key to the day or None)
_DAY_ARRAYS = {
    "organiser_rows": ("organisers", StaffMember, _STAFF_FIELDS, ("last_name", "first_name", "pk"), None),
    "idea_rows": ("ideas", ThemeIdea, None, ("-is_chosen", "-votes", "pk"), "day"),
    "role_rows": ("roles", PreparationRole, None, ("kind", "when", "pk"), "day"),
}


@functools.cache
def _day_array_names(annotation):
    _relation, model, only, _order, _own = _DAY_ARRAYS[annotation]
    return row_columns(model, only)


@functools.cache
def _organiser_rows():
    return ArraySubquery(
        StaffMember.objects.filter(organised_problem_days=OuterRef("pk"))
        .order_by(*_DAY_ARRAYS["organiser_rows"][3])
        .values(row=JSONRow(**{name: name for name in _STAFF_FIELDS}))
    )


@functools.cache
def _idea_rows():
    return ArraySubquery(
        ThemeIdea.objects.filter(day=OuterRef("pk"))
        .order_by(*_DAY_ARRAYS["idea_rows"][3])
        .values(row=JSONRow(**{name: name for name in _day_array_names("idea_rows")}))
    )


@functools.cache
def _role_rows():
    """Each role with its teacher's columns (`staff__last_name`...): the row shows the name."""
    staff = {f"staff__{name}": f"staff__{name}" for name in _STAFF_FIELDS}
    return ArraySubquery(
        PreparationRole.objects.filter(day=OuterRef("pk"))
        .order_by(*_DAY_ARRAYS["role_rows"][3])
        .values(row=JSONRow(**{name: name for name in _day_array_names("role_rows")}, **staff))
    )


class DayQuerySet(type(ProblemDay.objects.all())):
    """Days that come with the relations read as array columns (see `_DAY_ARRAYS`)."""

    def _fetch_all(self):
        fresh = self._result_cache is None
        super()._fetch_all()
        if fresh and self._result_cache and isinstance(self._result_cache[0], ProblemDay):
            for day in self._result_cache:
                for annotation, (relation, model, _only, _order, own) in _DAY_ARRAYS.items():
                    rows = day.__dict__.get(annotation)
                    if rows is not None:
                        _attach_rows(day, relation, model, own, _day_array_names(annotation), rows, self.db)


def _attach_rows(day, relation, model, own, names, rows, using):
    objects = row_objects(model, rows, names=names, using=using)
    staff_names = _day_array_names("organiser_rows")
    for item, row in zip(objects, rows, strict=True):
        if own is not None:
            item._state.fields_cache[own] = day
        if model is PreparationRole:
            (item._state.fields_cache["staff"],) = row_objects(
                StaffMember, [row], names=staff_names, prefix="staff__", using=using
            )
    set_prefetched(day, relation, model, objects, using=using)


# The people, partners and subjects of the activities read in one query (three
# prefetches build and compile three querysets). Each relation's columns in one
# layout: id, school, up to three name parts, then the person's user and status.
_LINKED = {
    "responsible": (StaffMember, ("last_name", "first_name", "patronymic", "user_id", "is_active")),
    "partners": (PartnerOrganisation, ("name",)),
    "subjects": (Subject, ("name",)),
}
_LINKED_TYPES = ("text", "text", "text", "bigint", "boolean")


@functools.cache
def _linked_sql():
    parts = []
    for relation, (model, columns) in _LINKED.items():
        field = DayActivity._meta.get_field(relation)
        own, other = field.m2m_column_name(), field.m2m_reverse_name()
        selected = [
            f"{'o.' + columns[i] if i < len(columns) else 'NULL'}::{kind}" for i, kind in enumerate(_LINKED_TYPES)
        ]
        # Only the models' own table and column names are spliced in; the ids are parameters.
        parts.append(
            f"SELECT '{relation}', t.{own}, o.id, o.school_id, {', '.join(selected)}"  # nosec B608
            f" FROM {field.remote_field.through._meta.db_table} t JOIN {model._meta.db_table} o ON o.id = t.{other}"
            " WHERE t." + own + " = ANY(%s)"
        )
    # As each is shown: people by last and first name, partners and subjects by name.
    return " UNION ALL ".join(parts) + " ORDER BY 1, 2, 5, 6, 3"


class ActivityQuerySet(type(DayActivity.objects.all())):
    """Activities that come with their responsible people, partners and subjects
    (as if prefetched: `activity.responsible.all()` reads no more)."""

    def _fetch_all(self):
        fresh = self._result_cache is None
        super()._fetch_all()
        if fresh and self._result_cache and isinstance(self._result_cache[0], DayActivity):
            _attach_linked(self._result_cache, using=self.db)


def _attach_linked(activities, *, using):
    found = {(relation, a.pk): [] for a in activities for relation in _LINKED}
    fields = {
        relation: [f.attname for f in model._meta.concrete_fields if f.attname in {"id", "school_id", *columns}]
        for relation, (model, columns) in _LINKED.items()
    }
    with connections[using].cursor() as cursor:
        cursor.execute(_linked_sql(), [[a.pk for a in activities]] * len(_LINKED))
        for relation, activity_id, pk, school_id, *values in cursor.fetchall():
            model, columns = _LINKED[relation]
            row = {"id": pk, "school_id": school_id, **dict(zip(columns, values, strict=False))}
            names = fields[relation]
            found[(relation, activity_id)].append(model.from_db(using, names, [row[name] for name in names]))
    for activity in activities:
        for relation, (model, _columns) in _LINKED.items():
            set_prefetched(activity, relation, model, found[(relation, activity.pk)], using=using)


def activity_queryset():
    return ActivityQuerySet(DayActivity).order_by("starts_at", "place", "pk")


def day_queryset(*, school):
    """Days of the school with their organisers and reflection."""
    return (
        DayQuerySet(ProblemDay)
        .for_school(school)
        .select_related("school", "copied_from", "reflection")
        .annotate(organiser_rows=_organiser_rows())
    )


@prepared_query
def _day_list_rows():
    return (
        day_queryset(school=Param("school_id"))
        .annotate(activity_count=Count("activities", distinct=True))
        .order_by("-date", "-pk")
    )


def day_list(*, school):
    """The school's history of days, newest first, with the number of activities
    and each day's link."""
    days = _day_list_rows.rows(school_id=school.pk)
    detail = row_link("problemdays:day_detail")
    for day in days:
        day.url = detail(pk=day.pk)
        # Each row's labels, ready: the list is the school's whole history.
        day.date_label = f"{day.date:%d.%m.%Y}"
        day.activities_label = ngettext("%(count)s activity", "%(count)s activities", day.activity_count) % {
            "count": day.activity_count
        }
        day.organiser_names = ", ".join(person.full_name for person in day.organisers.all())
    return days


def planner_queryset(*, school):
    """The planner: ideas, roles, activities with their people, partners and
    subjects, and the stage changes that confirmed clashes."""
    return _planner_days(school=school).prefetch_related(Prefetch("activities", queryset=activity_queryset()))


def _planner_days(*, school):
    """`planner_queryset` without its activities."""
    return day_queryset(school=school).annotate(
        idea_rows=_idea_rows(),
        role_rows=_role_rows(),
        # The stage moves that confirmed clashes (latest first), with who made them, as an
        # array column of the day's query: a prefetch would cost a query of its own.
        clash_rows=ArraySubquery(
            DayStageChange.objects.filter(day=OuterRef("pk"))
            .exclude(confirmed_clashes="")
            .order_by("-changed_at", "-pk")
            .values(
                row=JSONRow(
                    changed_at="changed_at",
                    to_status="to_status",
                    confirmed_clashes="confirmed_clashes",
                    by_email="changed_by__email",
                    by_last_name="changed_by__last_name",
                    by_first_name="changed_by__first_name",
                    by_patronymic="changed_by__patronymic",
                )
            )
        ),
    )


def clash_confirmations(day):
    """The confirmations of clashes of a day read by `planner_queryset`, as the
    stage panel shows them: who, when (in the current time zone), the stage quoted,
    the clashes one a line."""
    statuses = dict(ProblemDay.Status.choices)
    confirmations = []
    for row in day.clash_rows:
        if row["by_email"] is None:
            who = "—"
        else:
            names = (row["by_last_name"], row["by_first_name"], row["by_patronymic"])
            who = " ".join(part for part in names if part) or row["by_email"] or "—"
        confirmations.append(
            {
                "who": who,
                "when": f"{localtime(datetime.datetime.fromisoformat(row['changed_at'])):%d.%m.%Y %H:%M}",
                "stage": quoted(statuses.get(row["to_status"], row["to_status"])),
                "clash_list": [line for line in row["confirmed_clashes"].splitlines() if line],
            }
        )
    return confirmations


def planner_labels(*, roles, ideas, activities):
    """What each row of the planner shows, worked out once here rather than by
    template filters per row: labels, times in the school's zone, names joined."""
    # Each choice's label translated once (a model's get_FOO_display hashes every label per call).
    role_kinds, proposed_by = translated_labels(PreparationRole.Kind), translated_labels(ThemeIdea.ProposedBy)
    activity_kinds = translated_labels(DayActivity.Kind)
    zone = get_current_timezone()
    for role in roles:
        role.kind_label = capfirst(role_kinds.get(role.kind, role.kind))
        # As the |date filter showed it: in the current time zone.
        role.when_text = f"{role.when.astimezone(zone):%d.%m.%Y %H:%M}" if role.when else ""
    for idea in ideas:
        idea.votes_text = ngettext("%(count)s vote", "%(count)s votes", idea.votes) % {"count": idea.votes}
        idea.proposed_label = capfirst(proposed_by.get(idea.proposed_by_kind, idea.proposed_by_kind))
    for activity in activities:
        activity.time_text = f"{activity.starts_at.astimezone(zone):%H:%M}–{activity.ends_at.astimezone(zone):%H:%M}"
        activity.kind_label = activity_kinds.get(activity.kind, activity.kind)
        activity.people_text = ", ".join(person.full_name for person in activity.responsible.all())
        activity.partners_text = ", ".join(partner.name for partner in activity.partners.all())
        activity.subjects_text = ", ".join(subject.name for subject in activity.subjects.all())


def _plan_days(*, school, roles=False):
    """The days of the activity plan alone (the timetable; with `roles`, the printout),
    their activities read apart (`day_for_page`)."""
    days = day_queryset(school=school)
    return days.annotate(role_rows=_role_rows()) if roles else days


# The day as each of its pages reads it: {page: (the day's rows, with its activities)}.
_DAY_PAGES = {
    # Its forms: the day with its organisers and reflection.
    "day": (day_queryset, False),
    # The planner (see `planner_queryset`).
    "planner": (_planner_days, True),
    # The timetable and the printout.
    "plan": (_plan_days, True),
    "print": (functools.partial(_plan_days, roles=True), True),
}


@prepared_query
def _day_of_page(*, page):
    return _DAY_PAGES[page][0](school=Param("school_id")).filter(pk=Param("pk")).order_by()


@prepared_query
def _day_activities():
    return activity_queryset().filter(day_id=Param("day_id"))


def day_for_page(*, school, pk, page="day"):
    """Day `pk` of `school` as the `page` of `_DAY_PAGES` reads it, or None: what
    `day_queryset` or `planner_queryset` give, from prepared queries (the
    activities, with their people, partners and subjects, as if prefetched)."""
    with_activities = _DAY_PAGES[page][1]
    day = _day_of_page.first(shape={"page": page}, school_id=school.pk, pk=pk)
    if day is not None and with_activities:
        activities = _day_activities.rows(day_id=day.pk)
        for activity in activities:
            # As a prefetch leaves them: each activity knows its day.
            activity._state.fields_cache["day"] = day
        set_prefetched(day, "activities", DayActivity, activities, using=day._state.db)
    return day


@prepared_query
def _idea_titles():
    return ThemeIdea.objects.filter(day_id=Param("day_id")).values_list("title", flat=True)


def idea_titles(day):
    """The titles of a day's theme ideas (in their order), for the day's form."""
    return _idea_titles.rows(day_id=day.pk)


def _overlap(a, b):
    return a.starts_at < b.ends_at and b.starts_at < a.ends_at


def _place_key(place):
    return " ".join(place.lower().split())


def clashes_between(activity, others, *, people=None):
    """Warnings for `activity` against `others`: a teacher or a place in two
    activities at once. Uses the activities' prefetched responsible people (or
    `people`: {activity pk: [person]}, read from them once for a whole day)."""

    def responsible(one):
        return people[one.pk] if people is not None else one.responsible.all()

    warnings = []
    mine = {p.pk: p for p in responsible(activity)}
    for other in others:
        if other.pk == activity.pk or not _overlap(activity, other):
            continue
        for person in responsible(other):
            if person.pk in mine:
                warnings.append(
                    _("%(name)s is also responsible for %(other)s at the same time.")
                    % {"name": person.full_name, "other": quoted(other.title)}
                )
        if activity.place and _place_key(activity.place) == _place_key(other.place):
            warnings.append(
                _("%(place)s is also taken by %(other)s at the same time.")
                % {"place": activity.place, "other": quoted(other.title)}
            )
    return warnings


def day_clashes(activities):
    """{activity pk: [warnings]} for the activities of one day (already loaded)."""
    activities = list(activities)
    people = {a.pk: list(a.responsible.all()) for a in activities}
    return {a.pk: found for a in activities if (found := clashes_between(a, activities, people=people))}


@dataclass
class Check:
    message: str
    blocking: bool = False
    # A clash in the plan: the day may become ready with it, once someone confirms it.
    clash: bool = False


def stage_checks(day, *, today=None, clashes=None):
    """What is still missing before each stage: {status: [Check]}. Works on a
    day loaded by planner_queryset (no queries but the reflection's); `clashes`:
    its activities' `day_clashes`, if already worked out."""
    Status = ProblemDay.Status
    ideas, roles, activities = list(day.ideas.all()), list(day.roles.all()), list(day.activities.all())
    kinds = {r.kind for r in roles}
    checks = {status: [] for status in Status.values}
    for kind in PreparationRole.Kind:
        if kind.value not in kinds:
            checks[Status.THEME_SELECTION].append(Check(_("Nobody is assigned to: %(role)s.") % {"role": kind.label}))
    if not ideas:
        checks[Status.PLANNING].append(Check(_("No theme ideas are recorded yet.")))
    if not any(i.is_chosen for i in ideas):
        checks[Status.PLANNING].append(Check(_("The children have not chosen a theme yet."), blocking=True))
    if not day.problem_question:
        checks[Status.PLANNING].append(Check(_("The problem question of the day is not written yet.")))
    if not activities:
        checks[Status.READY].append(Check(_("The plan has no activities yet."), blocking=True))
    for activity in activities:
        if not activity.responsible.all():
            checks[Status.READY].append(
                Check(_("%(title)s has no responsible teacher.") % {"title": quoted(activity.title)}, blocking=True)
            )
    for pk, warnings in (day_clashes(activities) if clashes is None else clashes).items():
        title = next(a.title for a in activities if a.pk == pk)
        for warning in warnings:
            checks[Status.READY].append(Check(f"{quoted(title)}: {warning}", clash=True))
    today = today or school_today(day.school)
    if day.date > today:
        checks[Status.HELD].append(Check(_("The day's date has not come yet.")))
    if not hasattr(day, "reflection"):
        checks[Status.REFLECTED].append(Check(_("The reflection is not written yet.")))
    return checks


def still_missing(day, *, today=None, checks=None):
    """The checks of the stages after the current one, in order: [(status label, [Check])]
    (from `checks`, the day's `stage_checks`, if already worked out)."""
    checks = checks if checks is not None else stage_checks(day, today=today)
    after = ProblemDay.ORDER[day.stage_index + 1 :]
    return [(ProblemDay.Status(s).label, checks[s]) for s in after if checks[s]]


@dataclass
class Timetable:
    places: list
    rows: list  # [(start, end, {place: [activity]})]
    clashes: dict


def timetable(day):
    """The day by time and place: one row per distinct start-end slot, one
    column per place. Works on a day loaded by planner_queryset."""
    activities = list(day.activities.all())
    places = sorted({a.place or "—" for a in activities})
    slots = {}
    for activity in activities:
        cells = slots.setdefault((activity.starts_at, activity.ends_at), {p: [] for p in places})
        cells[activity.place or "—"].append(activity)
    rows = [(start, end, [cells[p] for p in places]) for (start, end), cells in sorted(slots.items())]
    return Timetable(places=places, rows=rows, clashes=day_clashes(activities))


def my_duty_querysets(*, school, user, today):
    """Querysets of the upcoming activities the user is responsible for and of
    their preparation roles (not yet run)."""
    # Only the activity and its day are shown: no people, partners or subjects.
    activities = (
        DayActivity.objects.filter(day__school=school, day__date__gte=today, responsible__user=user)
        .select_related("day")
        .distinct()
        .order_by("starts_at", "place", "pk")
    )
    roles = (
        PreparationRole.objects.for_school(school)
        .filter(staff__user=user)
        .filter(Q(day__date__gte=today) | Q(when__date__gte=today))
        .select_related("day", "staff")
        .order_by("when", "day__date", "pk")
    )
    return activities, roles


def my_duties(*, school, user, today=None):
    """Upcoming activities the user is responsible for, and their preparation
    roles: (activities, roles), each in a fixed number of queries."""
    activities, roles = my_duty_querysets(school=school, user=user, today=today or school_today(school))
    return list(activities), list(roles)


def duties_on(*, on):
    """Activities of days held on `on` (any school) with their responsible people
    and their users, for the day-before reminder and the calendar feed."""
    return (
        DayActivity.objects.filter(day__date=on)
        .exclude(day__status__in=(ProblemDay.Status.PREPARATION, ProblemDay.Status.THEME_SELECTION))
        .select_related("day", "day__school")
        .prefetch_related(
            Prefetch("responsible", queryset=StaffMember.objects.filter(user__isnull=False).select_related("user"))
        )
        .order_by("day__school_id", "starts_at", "pk")
    )


def duties_for_user(*, user, since=None):
    """All activities a user is responsible for (any of their schools), from
    `since` on: for the .ics feed."""
    # A day back, so no school's "today" (UTC+2 … UTC+12) is cut off.
    since = since or datetime.date.today() - datetime.timedelta(days=1)
    return (
        DayActivity.objects.filter(responsible__user=user, day__date__gte=since)
        .select_related("day", "day__school")
        .distinct()
        .order_by("starts_at", "pk")
    )


def duties_for_calendar(*, school, staff_ids, start, end):
    """Activities of the school's problem-theme days between `start` and `end`
    that these people are responsible for (for the in-app calendar): a list, read
    by a prepared query (the calendar page asks every source in turn)."""
    return _duties_for_calendar.rows(school_id=school.pk, staff_ids=list(staff_ids), start=start, end=end)


@prepared_query
def _duties_for_calendar():
    return (
        DayActivity.objects.filter(
            day__school_id=Param("school_id"),
            responsible__id__any=ParamList("staff_ids"),
            starts_at__lt=Param("end"),
            ends_at__gt=Param("start"),
        )
        # The calendar links the day by its id and shows only these.
        .only("day_id", "title", "starts_at", "ends_at", "place")
        .distinct()
        .order_by("starts_at", "pk")
    )
