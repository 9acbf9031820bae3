"""Reads of the methodical associations, each a fixed number of queries whatever the data."""

import datetime

from django.db.models import Count, Exists, F, IntegerField, OuterRef, Q, Subquery, TimeField, Value
from django.db.models.functions import Coalesce

from apps.community.models import Material, Question
from apps.core.dates import academic_year_of, school_today
from apps.core.prepared import Param, ParamList, prepared_query
from apps.core.tenancy import Circle, Viewer
from apps.staff.models import StaffMember, SubjectAssociation

from .models import (
    Decision,
    Meeting,
    MeetingAttendance,
    NetworkAssociation,
    NetworkAssociationMember,
    YearPlan,
    members_q,
)


def _count(queryset):
    """A correlated COUNT(*) of `queryset` (already filtered on OuterRef)."""
    return Coalesce(
        Subquery(queryset.order_by().values(one=Value(1)).values("one").annotate(n=Count("*")).values("n")[:1]),
        0,
        output_field=IntegerField(),
    )


@prepared_query
def _associations_of_school():
    plan = YearPlan.objects.filter(association=OuterRef("pk"), year=Param("year"))
    meetings = Meeting.objects.filter(plan__association=OuterRef("pk"), plan__year=Param("year"))
    return (
        SubjectAssociation.objects.filter(school_id=Param("school_id"))
        .annotate(
            members_count=_count(StaffMember.objects.filter(members_q(OuterRef("pk")))),
            held_count=_count(meetings.filter(status=Meeting.Status.HELD)),
            planned_count=_count(meetings.filter(status=Meeting.Status.PLANNED)),
            open_decisions=_count(Decision.objects.open().filter(meeting__plan__association=OuterRef("pk"))),
            theme=Subquery(plan.values("theme")[:1]),
        )
        .order_by("name", "pk")
    )


def associations_of_school(*, school, year):
    """The school's associations with counts: active members, this year's meetings
    (held and planned) and open decisions. One query."""
    return _associations_of_school.rows(school_id=school.pk, year=year)


@prepared_query
def _school_networks(*, member_only):
    rows = NetworkAssociation.objects.seen_in_school(Param("school_id"))
    if member_only:
        rows = rows.filter(members__association_id=Param("association_id"))
    return rows.select_related("lead_association__school").order_by("name", "pk")


def school_networks(*, school, association_id=None, member_only=False):
    """The network associations seen in the school; `member_only`: only those the
    association `association_id` is a member of (none without an association)."""
    if not member_only:
        return _school_networks.rows(shape={"member_only": False}, school_id=school.pk)
    if not association_id:
        return []
    return _school_networks.rows(shape={"member_only": True}, school_id=school.pk, association_id=association_id)


def associations_headed_by(staff):
    """The ids of the school associations whose plan for this academic year (the
    card's school's today) names `staff` as head «руководитель». One query."""
    year = academic_year_of(school_today(staff.school))
    return set(_associations_headed.rows(staff_id=staff.pk, year=year))


@prepared_query
def _associations_headed():
    # Asked on every page of the network events by whoever is not their organiser.
    plans = YearPlan.objects.filter(head_id=Param("staff_id"), year=Param("year"), association__isnull=False)
    return plans.order_by().values_list("association_id", flat=True)


# The workspace shows the association's newest materials and questions.
PANEL_SIZE = 10


def _from_association():
    return Q(circle=Circle.ASSOCIATION, association_id=Param("association_id")) | Q(
        circle__in=(Circle.SCHOOL, Circle.NETWORK), author__association_id=Param("association_id")
    )


# The panel's rows as plain columns: what its lines show, without a model instance each.
_AUTHOR = ("author__last_name", "author__first_name", "author__patronymic")


@prepared_query
def _shared_materials(*, networked):
    return (
        Material.objects.visible_to(Viewer.params(networked=networked))
        .filter(_from_association())
        .order_by("-published_at", "-pk")
        .values_list("pk", "title", "kind", "circle", *_AUTHOR)
    )


@prepared_query
def _shared_questions(*, networked):
    return (
        Question.objects.visible_to(Viewer.params(networked=networked))
        .filter(_from_association())
        .annotate(answers_count=Count("answers"))
        .order_by("-published_at", "-pk")
        .values_list("pk", "title", *_AUTHOR, "answers_count")
    )


def association_shared(*, association, viewer):
    """The association's newest materials and questions the viewer may see: shared
    with the association itself, or shared by its members with their school or the
    network. Read through the circle rule, so nobody outside the association sees
    what is shared with it alone. Two queries; rows of plain columns
    (`markup.panel_materials`, `markup.panel_questions`)."""
    values = {**viewer.values(), "association_id": association.pk}
    shape = viewer.shape()
    return {
        "shared_materials": _shared_materials.rows(shape=shape, limit=PANEL_SIZE, **values),
        "shared_questions": _shared_questions.rows(shape=shape, limit=PANEL_SIZE, **values),
    }


@prepared_query
def _association_networks():
    return (
        NetworkAssociation.objects.filter(members__association_id=Param("association_id"))
        .select_related("lead_association__school")
        .order_by("name", "pk")
    )


def association_networks(*, association):
    """The network associations the association belongs to, with their lead."""
    return _association_networks.rows(association_id=association.pk)


@prepared_query
def _members():
    return (
        StaffMember.objects.filter(members_q(Param("association_id")))
        .order_by("last_name", "first_name", "patronymic", "pk")
        .values_list("pk", "last_name", "first_name", "patronymic")
    )


@prepared_query
def _plan():
    return (
        YearPlan.objects.filter(association_id=Param("association_id"), year=Param("year"))
        .select_related("head")
        .order_by("pk")
    )


@prepared_query
def _plan_meetings():
    return (
        Meeting.objects.filter(plan_id=Param("plan_id"))
        .annotate(
            decisions_count=Count("decisions"),
            open_decisions=Count("decisions", filter=Q(decisions__done_on__isnull=True)),
        )
        .order_by("number")
    )


def year_plan(*, association, year):
    """The association's plan for the year with its head, or None."""
    return _plan.first(association_id=association.pk, year=year)


def workspace(*, association, year):
    """The workspace page: members (plain rows: pk and the name's parts), this year's
    plan (with its head) and its meetings with their counts of decisions, and the
    network associations. Four queries."""
    plan = _plan.first(association_id=association.pk, year=year)
    return {
        "members": _members.rows(association_id=association.pk),
        "plan": plan,
        "meetings": _plan_meetings.rows(plan_id=plan.pk) if plan is not None else [],
        "networks": association_networks(association=association),
    }


@prepared_query
def _meeting_for_page():
    return Meeting.objects.filter(school_id=Param("school_id"), pk=Param("pk")).select_related(
        "plan__association", "plan__head", "minutes_by"
    )


def meeting_for_page(*, school, pk):
    """A meeting of the school with its plan, association and head; None if not found."""
    return _meeting_for_page.first(school_id=school.pk, pk=pk)


@prepared_query
def _attendance():
    return (
        MeetingAttendance.objects.filter(meeting_id=Param("meeting_id"))
        .select_related("staff")
        .order_by("staff__last_name", "staff__first_name", "pk")
    )


@prepared_query
def _decisions():
    return (
        Decision.objects.filter(meeting_id=Param("meeting_id")).select_related("responsible").order_by("due_on", "pk")
    )


def meeting_attendance(*, meeting):
    """The meeting's attendance rows with their staff cards, in the list's order."""
    return _attendance.rows(meeting_id=meeting.pk)


def meeting_detail(*, meeting):
    """The attendance list and the decisions of a meeting. Two queries."""
    return {
        "attendance": _attendance.rows(meeting_id=meeting.pk),
        "decisions": _decisions.rows(meeting_id=meeting.pk),
    }


@prepared_query
def _network_association_for_page():
    return (
        NetworkAssociation.objects.seen_in_school(Param("school_id"))
        .filter(pk=Param("pk"))
        .select_related("lead_association", "network")
        .order_by()
    )


def network_association_for_page(*, school, pk):
    """The network association seen in the school (its own, or one its associations are
    members of) with its lead and network; None if not found."""
    return _network_association_for_page.first(school_id=school.pk, pk=pk)


@prepared_query
def _network_association_detail():
    return (
        NetworkAssociationMember.objects.filter(network_association_id=Param("network_association_id"))
        .select_related("association__school")
        .annotate(members_count=_count(StaffMember.objects.filter(members_q(OuterRef("association")))))
        .order_by("association__school__name", "association__name", "pk")
    )


def network_association_detail(*, network_association):
    """The member associations with their schools, and their active members counted. One query."""
    return _network_association_detail.rows(network_association_id=network_association.pk)


@prepared_query
def _member_cards():
    return StaffMember.objects.filter(members_q(Param("association_id"))).order_by(
        "last_name", "first_name", "patronymic", "pk"
    )


def member_cards(*, association):
    """The association's members as cards, by name. One query."""
    return _member_cards.rows(association_id=association.pk)


def attendance_people(*, meeting, listed):
    """Who a meeting's attendance list shows: the association's members, then anyone
    already listed (`listed`: the meeting's attendance rows) who is no longer one. Cards;
    one query."""
    people = member_cards(association=meeting.plan.association)
    known = {person.pk for person in people}
    return people + [row.staff for row in listed if row.staff_id not in known]


def network_candidates(*, network_association):
    """Associations of the network's schools not yet in the network association."""
    return (
        SubjectAssociation.objects.filter(school__network_id=network_association.network_id)
        .exclude(network_memberships__network_association=network_association)
        .select_related("school")
        .order_by("school__name", "name")
    )


# «Мои дела», the calendars and the sweep ---------------------------------------------

# One's open decisions show from a week before their due date.
DECISION_DAYS_AHEAD = 7


def my_open_decisions(*, school, user, today):
    """The user's open decisions in the school due within a week, or overdue."""
    return (
        Decision.objects.open()
        .filter(
            school=school,
            responsible__user=user,
            responsible__is_active=True,
            due_on__lte=today + datetime.timedelta(days=DECISION_DAYS_AHEAD),
        )
        .select_related("meeting__plan__association")
        .order_by("due_on", "pk")
    )


def my_meetings_without_minutes(*, school, user):
    """Held meetings whose minutes are still to write, of the plans the user heads."""
    return (
        Meeting.objects.filter(
            school=school,
            plan__head__user=user,
            plan__head__is_active=True,
            status=Meeting.Status.HELD,
            minutes="",
        )
        .select_related("plan__association")
        .order_by("held_on", "pk")
    )


@prepared_query
def _meetings_for_people():
    staff_ids = ParamList("staff_ids")
    return (
        Meeting.objects.filter(
            school_id=Param("school_id"), planned_on__gte=Param("start"), planned_on__lte=Param("end")
        )
        .exclude(status=Meeting.Status.CANCELLED)
        .filter(Q(plan__association__members__id__any=staff_ids) | Q(plan__head_id__any=staff_ids))
        .distinct()
        .select_related("plan__association")
        .order_by("planned_on", "starts_at", "pk")
    )


def meetings_for_people(*, school, staff_ids, start, end):
    """Planned and held meetings between the days `start` and `end` of the associations
    these people belong to or head: a list, read by a prepared query (the calendar
    page asks every source in turn)."""
    return _meetings_for_people.rows(school_id=school.pk, staff_ids=list(staff_ids), start=start, end=end)


def _own_card(user, prefix):
    """The user's active card at `prefix` (a StaffMember), at a school they still work in."""
    return Exists(
        StaffMember.objects.filter(pk=OuterRef(prefix), user=user, is_active=True, school__memberships__user=user)
    )


def feed_rows_for_user(*, user, since):
    """The user's feed rows from the day `since` on, in ONE query: the meetings of the
    associations their active cards belong to or head (not cancelled), and the open
    decisions they answer for. Each row: kind ("meeting" or "decision"), pk, day,
    time, association, number, text, place, link, zone (the school's time zone)."""
    member = Exists(
        StaffMember.objects.filter(
            association=OuterRef("plan__association"),
            user=user,
            is_active=True,
            school__memberships__user=user,
        )
    )
    # Every column an annotation, named and ordered alike on both sides of the UNION.
    columns = ("kind", "row_pk", "day", "time", "association", "row_number", "row_text", "row_place", "link", "zone")
    meetings = (
        Meeting.objects.filter(planned_on__gte=since)
        .exclude(status=Meeting.Status.CANCELLED)
        .filter(member | _own_card(user, "plan__head"))
        .annotate(
            kind=Value("meeting"),
            row_pk=F("pk"),
            day=F("planned_on"),
            time=F("starts_at"),
            association=F("plan__association__name"),
            row_number=F("number"),
            row_text=F("agenda"),
            row_place=F("place"),
            link=F("online_link"),
            zone=F("school__time_zone"),
        )
        .values_list(*columns)
    )
    decisions = (
        Decision.objects.open()
        .filter(due_on__gte=since)
        .filter(_own_card(user, "responsible"))
        .annotate(
            kind=Value("decision"),
            row_pk=F("pk"),
            day=F("due_on"),
            time=Value(None, output_field=TimeField()),
            association=F("meeting__plan__association__name"),
            row_number=F("meeting__number"),
            row_text=F("text"),
            row_place=Value(""),
            link=Value(""),
            zone=F("school__time_zone"),
        )
        .values_list(*columns)
    )
    return meetings.union(decisions, all=True)


def decisions_due_on(*, on):
    """Open decisions due on the day `on`, with what the reminder needs."""
    return (
        Decision.objects.open()
        .filter(due_on=on, responsible__is_active=True)
        .select_related("school", "responsible__user", "meeting__plan__association")
        .order_by("pk")
    )
