"""What mentoring holds about a person (see apps/core/personal_data.py).

The export lists the pairs and triads the person is in or curates, their schedule
of work and the development routes (a mentor sees only the steps they answer for);
colleagues appear by role only. Erasure deletes the phone-calendar address of an
account that is erased; pairs, events and routes keep pointing at the anonymised
card, and who changed a status, planned an event or uploaded a result stays as the
(anonymised) account.
"""

from django.db.models import Prefetch, Q
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from apps.core.personal_data import PersonalDataSource, Section

from .models import (
    CalendarFeed,
    DevelopmentRoute,
    GroupEvent,
    GroupEventParticipant,
    MentorGroup,
    MentorGroupMember,
    MentorGroupStatusChange,
    NetworkPairResult,
    RouteStep,
)


def collect(*, staff, local_time):
    groups = Section(
        "groups",
        _("Pairs and triads"),
        [
            ("group", _("group number")),
            ("kind", _("kind")),
            ("role", _("role")),
            ("status", _("status")),
            ("starts_on", _("starts on")),
            ("planned_end_on", _("planned end")),
            ("task", _("task")),
            ("network_pair", _("network pair")),
        ],
    )
    member_of = MentorGroupMember.objects.filter(staff=staff).select_related("group").order_by("group__starts_on")
    curated = MentorGroup.objects.filter(curator=staff).order_by("starts_on", "pk")
    rows = [(m.group, m.get_role_display()) for m in member_of] + [(g, _("curator")) for g in curated]
    for group, role in rows:
        groups.rows.append(
            {
                "group": group.pk,
                "kind": group.get_kind_display(),
                "role": str(role),
                "status": group.get_status_display(),
                "starts_on": group.starts_on,
                "planned_end_on": group.planned_end_on,
                "task": group.task,
                "network_pair": group.is_network,
            }
        )
    events = Section(
        "group_events",
        _("Schedule of work"),
        [
            ("group", _("group number")),
            ("kind", _("kind")),
            ("title", _("topic")),
            ("starts_at", _("starts at")),
            ("ends_at", _("ends at")),
            ("place", _("place")),
            ("status", _("status")),
        ],
        [
            {
                "group": p.event.group_id,
                "kind": p.event.get_kind_display(),
                "title": p.event.title,
                "starts_at": local_time(p.event.starts_at),
                "ends_at": local_time(p.event.ends_at),
                "place": p.event.place,
                "status": p.event.get_status_display(),
            }
            for p in GroupEventParticipant.objects.filter(staff=staff)
            .select_related("event")
            .order_by("event__starts_at", "pk")
        ],
    )
    routes = Section(
        "routes",
        _("Development routes"),
        [
            ("route", _("route number")),
            ("role", _("role")),
            ("starts_on", _("starts on")),
            ("goals", _("goals")),
            ("step", _("step")),
            ("due_on", _("due on")),
            ("step_status", _("status")),
            ("completed_on", _("completed on")),
        ],
    )
    own_routes = (
        DevelopmentRoute.objects.filter(Q(teacher=staff) | Q(mentor=staff))
        .prefetch_related(Prefetch("steps", queryset=RouteStep.objects.order_by("due_on", "pk")))
        .order_by("starts_on", "pk")
    )
    for route in own_routes:
        is_teacher = route.teacher_id == staff.pk
        base = {
            "route": route.pk,
            "role": _("teacher") if is_teacher else _("mentor"),
            "starts_on": route.starts_on,
            "goals": route.goals,
        }
        steps = [s for s in route.steps.all() if is_teacher or s.responsible_id == staff.pk]
        for step in steps or [None]:
            routes.rows.append(
                {
                    **base,
                    "step": step.title if step else "",
                    "due_on": step.due_on if step else None,
                    "step_status": step.get_status_display() if step else "",
                    "completed_on": step.completed_on if step else None,
                }
            )
    return [groups, events, routes]


def erase(*, erasure):
    if erasure.account_erased:
        erasure.deleted("calendar_feed", CalendarFeed.objects.filter(user=erasure.user).delete()[0])


SOURCE = PersonalDataSource(
    app_label="mentoring",
    order=30,
    person_models=(
        MentorGroup,
        MentorGroupMember,
        MentorGroupStatusChange,
        GroupEvent,
        GroupEventParticipant,
        NetworkPairResult,
        DevelopmentRoute,
        RouteStep,
        CalendarFeed,
    ),
    collect=collect,
    erase=erase,
    categories={"calendar_feed": gettext_lazy("calendar feed")},
)
