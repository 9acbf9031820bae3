"""Reads of the methodical associations, each a fixed number of queries whatever the data."""

import datetime

from django.db.models import Count, Exists, F, IntegerField, OuterRef, Q, Subquery, TimeField, Value
from django.db.models.functions import Coalesce

from apps.community.models import Material, Question
from apps.core.dates import academic_year_of, school_today
from apps.core.prepared import Param, ParamList, prepared_query
from apps.core.tenancy import Circle
from apps.staff.models import StaffMember, SubjectAssociation

from .models import Decision, Meeting, MeetingAttendance, NetworkAssociation, NetworkAssociationMember, YearPlan


def _count(queryset):
    """A correlated COUNT(*) of `queryset` (already filtered on OuterRef)."""
    return Coalesce(
        Subquery(queryset.order_by().values(one=Value(1)).values("one").annotate(n=Count("*")).values("n")[:1]),
        0,
        output_field=IntegerField(),
    )


def associations_of_school(*, school, year):
    """The school's associations with counts: active members, this year's meetings
    (held and planned) and open decisions. One query."""
    plan = YearPlan.objects.filter(association=OuterRef("pk"), year=year)
    meetings = Meeting.objects.filter(plan__association=OuterRef("pk"), plan__year=year)
    return list(
        SubjectAssociation.objects.for_school(school)
        .annotate(
            members_count=_count(StaffMember.objects.filter(association=OuterRef("pk"), is_active=True)),
            held_count=_count(meetings.filter(status=Meeting.Status.HELD)),
            planned_count=_count(meetings.filter(status=Meeting.Status.PLANNED)),
            open_decisions=_count(
                Decision.objects.filter(meeting__plan__association=OuterRef("pk"), done_on__isnull=True)
            ),
            theme=Subquery(plan.values("theme")[:1]),
        )
        .order_by("name", "pk")
    )


def associations_headed_by(staff):
    """The ids of the school associations whose plan for this academic year (the
    card's school's today) names `staff` as head «руководитель». One query."""
    year = academic_year_of(school_today(staff.school))
    return set(
        YearPlan.objects.filter(head=staff, year=year, association__isnull=False).values_list(
            "association_id", flat=True
        )
    )


# The workspace shows the association's newest materials and questions.
PANEL_SIZE = 10


def association_shared(*, association, viewer):
    """The association's newest materials and questions the viewer may see: shared
    with the association itself, or shared by its members with their school or the
    network. Read through the circle rule, so nobody outside the association sees
    what is shared with it alone. Two queries."""
    from_association = Q(circle=Circle.ASSOCIATION, association=association) | Q(
        circle__in=(Circle.SCHOOL, Circle.NETWORK), author__association=association
    )
    materials = list(
        Material.objects.visible_to(viewer)
        .filter(from_association)
        .select_related("author")
        .order_by("-published_at", "-pk")[:PANEL_SIZE]
    )
    questions = list(
        Question.objects.visible_to(viewer)
        .filter(from_association)
        .select_related("author")
        .annotate(answers_count=Count("answers"))
        .order_by("-published_at", "-pk")[:PANEL_SIZE]
    )
    return {"shared_materials": materials, "shared_questions": questions}


def association_networks(*, association):
    """The network associations the association belongs to, with their lead."""
    return list(
        NetworkAssociation.objects.filter(members__association=association)
        .select_related("lead_association__school")
        .order_by("name", "pk")
    )


def workspace(*, association, year):
    """The workspace page: members, this year's plan (with its head) and its meetings
    with their counts of decisions, and the network associations. Four queries."""
    members = list(
        StaffMember.objects.filter(association=association, is_active=True).order_by(
            "last_name", "first_name", "patronymic", "pk"
        )
    )
    plan = YearPlan.objects.filter(association=association, year=year).select_related("head").first()
    meetings = []
    if plan is not None:
        meetings = list(
            plan.meetings.annotate(
                decisions_count=Count("decisions"),
                open_decisions=Count("decisions", filter=Q(decisions__done_on__isnull=True)),
            ).order_by("number")
        )
    return {
        "members": members,
        "plan": plan,
        "meetings": meetings,
        "networks": association_networks(association=association),
    }


def meeting_for_page(*, school, pk):
    """A meeting of the school with its plan, association and head; None if not found."""
    return (
        Meeting.objects.for_school(school)
        .select_related("plan__association", "plan__head", "plan__network_association", "minutes_by")
        .filter(pk=pk)
        .first()
    )


def meeting_detail(*, meeting):
    """The attendance list and the decisions of a meeting. Two queries."""
    attendance = list(
        MeetingAttendance.objects.filter(meeting=meeting)
        .select_related("staff")
        .order_by("staff__last_name", "staff__first_name", "pk")
    )
    decisions = list(Decision.objects.filter(meeting=meeting).select_related("responsible").order_by("due_on", "pk"))
    return {"attendance": attendance, "decisions": decisions}


def network_association_detail(*, network_association):
    """The member associations with their schools, and their active members counted. One query."""
    return list(
        NetworkAssociationMember.objects.filter(network_association=network_association)
        .select_related("association__school")
        .annotate(members_count=_count(StaffMember.objects.filter(association=OuterRef("association"), is_active=True)))
        .order_by("association__school__name", "association__name", "pk")
    )


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
        Decision.objects.filter(
            school=school,
            responsible__user=user,
            responsible__is_active=True,
            done_on__isnull=True,
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
        Decision.objects.filter(due_on__gte=since, done_on__isnull=True)
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
        Decision.objects.filter(due_on=on, done_on__isnull=True, responsible__is_active=True)
        .select_related("school", "responsible__user", "meeting__plan__association")
        .order_by("pk")
    )
