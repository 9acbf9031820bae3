"""Reads of the programmes of help, each in a fixed number of queries."""

import datetime

from django.db.models import Count, DateField, DateTimeField, F, Func, Min, Prefetch, Q
from django.db.models.functions import Cast

from apps.community.models import Material
from apps.core.dates import academic_year_of
from apps.core.prepared import Param, ParamList, prepared_query
from apps.core.tenancy import Viewer

from .models import Difficulty, HelpForm, HelpMilestone, Programme, Responsible


def review_due_from(year):
    """From which day the review of the academic year `year` is due: 1 June, when the
    year's lessons end."""
    return datetime.date(year + 1, 6, 1)


def _with_milestone_counts(programmes, *, today):
    # HelpMilestone.is_overdue's rule, as counts over a programme's milestones.
    return programmes.annotate(
        milestones_total=Count("milestones", distinct=True),
        milestones_done=Count("milestones", filter=Q(milestones__done_on__isnull=False), distinct=True),
        milestones_overdue=Count(
            "milestones", filter=Q(milestones__done_on__isnull=True, milestones__due_on__lt=today), distinct=True
        ),
        next_due_on=Min(
            "milestones__due_on", filter=Q(milestones__done_on__isnull=True, milestones__due_on__gte=today)
        ),
    )


@prepared_query
def _school_programmes():
    programmes = Programme.objects.for_school(Param("school_id")).select_related("leader_school", "supported_school")
    return _with_milestone_counts(programmes, today=Param("today")).order_by("-year", "leader_school__short_name", "pk")


def programmes_of_school(*, school, today):
    """The programmes the school leads or receives, newest year first, with their
    milestones counted: one query."""
    return _school_programmes.rows(school_id=school.pk, today=today)


def programme_detail(*, school, pk):
    """Programme `pk` of `school` with its difficulties, forms of help, responsible
    people and milestones (five queries whatever their number), or None."""
    return (
        Programme.objects.for_school(school)
        .select_related("leader_school", "supported_school", "network")
        .prefetch_related(
            Prefetch("difficulties", queryset=Difficulty.objects.select_related("tag").order_by("pk")),
            Prefetch(
                "help_forms",
                queryset=HelpForm.objects.select_related("difficulty", "group", "team").order_by("pk"),
            ),
            Prefetch(
                "responsibles",
                queryset=Responsible.objects.select_related("staff", "staff__school").order_by(
                    "side", "staff__last_name", "pk"
                ),
            ),
            Prefetch(
                "milestones",
                queryset=HelpMilestone.objects.select_related("responsible", "responsible__school").order_by(
                    "due_on", "pk"
                ),
            ),
        )
        .filter(pk=pk)
        .first()
    )


@prepared_query
def _programme_row():
    return (
        Programme.objects.for_school(Param("school_id"))
        .select_related("leader_school", "supported_school", "network")
        .filter(pk=Param("pk"))
    )


@prepared_query
def _difficulty_rows():
    return Difficulty.objects.filter(programme_id=Param("programme_id")).select_related("tag").order_by("pk")


@prepared_query
def _help_form_rows():
    return (
        HelpForm.objects.filter(programme_id=Param("programme_id"))
        .select_related("difficulty", "group", "team")
        .order_by("pk")
    )


@prepared_query
def _responsible_rows():
    return (
        Responsible.objects.filter(programme_id=Param("programme_id"))
        .select_related("staff", "staff__school")
        .order_by("side", "staff__last_name", "pk")
    )


@prepared_query
def _milestone_rows():
    return (
        HelpMilestone.objects.filter(programme_id=Param("programme_id"))
        .select_related("responsible", "responsible__school")
        .order_by("due_on", "pk")
    )


PART_ROWS = {
    "difficulties": _difficulty_rows,
    "help_forms": _help_form_rows,
    "responsibles": _responsible_rows,
    "milestones": _milestone_rows,
}


def programme_page(*, school, pk, parts=tuple(PART_ROWS)):
    """Programme `pk` of `school` with only the `parts` its page shows, as
    `programme_detail` orders them (one prepared query per part), or None: a page
    that shows the milestones alone reads neither the difficulties nor the people."""
    programme = _programme_row.first(school_id=school.pk, pk=pk)
    if programme is None:
        return None
    for part in parts:
        rows = PART_ROWS[part].rows(programme_id=programme.pk)
        field = Programme._meta.get_field(part).field
        for row in rows:
            field.set_cached_value(row, programme)
        setattr(programme, f"{part}_rows", rows)
    return programme


def _leader_school_today():
    """The leader school's today at the moment `now`, in SQL: a network's schools may
    lie in different zones, and a programme's dates are its leader school's."""
    local = Func(
        F("leader_school__time_zone"),
        Param("now", output_field=DateTimeField()),
        function="timezone",
        output_field=DateTimeField(),
    )
    return Cast(local, DateField())


@prepared_query
def _network_programmes(*, by_year):
    programmes = Programme.objects.filter(network_id=Param("network_id")).select_related(
        "leader_school", "supported_school"
    )
    if by_year:
        programmes = programmes.filter(year=Param("year"))
    return _with_milestone_counts(programmes, today=_leader_school_today()).order_by(
        "-year", "leader_school__short_name", "supported_school__short_name", "pk"
    )


def network_programmes(*, network, now, year=None):
    """Every programme of the network with its status and milestones done, overdue
    and next by its leader school's date at the moment `now` (counts only, no names
    of people): one query."""
    values = {"network_id": network.pk, "now": now}
    if year is not None:
        values["year"] = year
    return _network_programmes.rows(shape={"by_year": year is not None}, **values)


def milestones_open_for(*, user, school, until):
    """The open milestones `user` answers for in `school` due by `until` (overdue included)."""
    return (
        HelpMilestone.objects.open()
        .filter(due_on__lte=until, responsible__user=user, responsible__school=school)
        .select_related("programme")
        .order_by("due_on", "pk")
    )


def reviews_due(*, school, today):
    """Agreed programmes of the school whose year's review is due (or late)."""
    this_year = academic_year_of(today)
    last_due = this_year if review_due_from(this_year) <= today else this_year - 1
    return (
        Programme.objects.for_school(school)
        .filter(status=Programme.Status.AGREED, year__lte=last_due)
        .select_related("leader_school", "supported_school")
        .order_by("year", "pk")
    )


def milestones_for_feed(*, user, since):
    """Milestones `user` answers for through a card of a school they still work in:
    due from `since` on, or still open; the programme agreed or reviewed."""
    return (
        HelpMilestone.objects.shown()
        .filter(responsible__user=user, responsible__is_active=True)
        .filter(Q(due_on__gte=since) | Q(done_on__isnull=True))
        .select_related("programme", "programme__supported_school", "programme__leader_school")
        .order_by("due_on", "pk")
    )


@prepared_query
def _milestones_on_calendar():
    return (
        HelpMilestone.objects.for_school(Param("school_id"))
        .shown()
        .filter(responsible_id__any=ParamList("staff_ids"), due_on__gte=Param("first"), due_on__lte=Param("last"))
        .select_related("programme")
        .order_by("due_on", "pk")
    )


def milestones_on_calendar(*, school, staff_ids, first, last):
    """Milestones of agreed or reviewed programmes of `school` (one of its two sides)
    these cards answer for, due from `first` to `last` (both included): a partner
    school's curator opening a teacher's calendar sees none of a programme between two
    other schools. A list, one prepared query (the calendar page asks every source in turn)."""
    return _milestones_on_calendar.rows(school_id=school.pk, staff_ids=list(staff_ids), first=first, last=last)


@prepared_query
def _linked_materials(*, networked):
    return (
        HelpForm.materials.through.objects.filter(
            helpform__programme_id=Param("programme_id"),
            material__in=Material.objects.visible_to(Viewer.params(networked=networked)),
        )
        .select_related("material__author", "material__school")
        .order_by("material__title", "pk")
    )


def help_form_materials(*, programme, viewer):
    """The materials linked to the programme's shared materials forms that the viewer
    may see, by form: {help_form_id: [material, ...]}. Read through the circle rule,
    so an association-only material stays with its association. One query."""
    links = _linked_materials.rows(shape=viewer.shape(), programme_id=programme.pk, **viewer.values())
    found = {}
    for link in links:
        found.setdefault(link.helpform_id, []).append(link.material)
    return found
