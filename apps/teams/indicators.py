"""Indicators of collective work kept by the teams app (apps.core.indicators):
the teams a teacher worked in, and the outcomes the teams delivered."""

from django.db.models import F, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from apps.core.indicator_rules import LocalDate, one
from apps.core.indicators import Evidence, Indicator
from apps.core.tenure import present_during, present_on
from apps.core.typography import quoted

from .models import TaskTeam, TeamMember, TeamStatusChange


def _of_school(school_id):
    """A team of the school, or one the school is a partner in."""
    return Q(team__school_id=school_id) | Q(team__partner_school_id=school_id)


def _once_per_team(rows):
    """One row per person and team, the earliest: a person who left and came back
    was in the team once."""
    seen = {}
    for row in rows:
        seen.setdefault((row["staff_id"], row["team_id"]), row)
    return list(seen.values())


def team_membership(*, school_id, start, end):
    """Teams that really worked (apps.teams' rule) in which the school's people were
    members during the period: one per team."""
    rows = (
        TeamMember.objects.filter(
            _of_school(school_id),
            present_during(start, end, since="joined_on"),
            Q(team__closed_on__isnull=True) | Q(team__closed_on__gte=start),
            team__in=TaskTeam.objects.worked().values("pk"),
            staff__school_id=school_id,
        )
        .values("staff_id", "team_id", "joined_on", title=F("team__title"))
        .order_by("joined_on", "pk")
    )
    return [
        Evidence(
            staff_id=row["staff_id"],
            units=one(),
            label=_("Member of the team %(title)s") % {"title": quoted(row["title"])},
            on=max(row["joined_on"], start),
            url=reverse("teams:team_detail", args=[row["team_id"]]),
        )
        for row in _once_per_team(rows)
    ]


def team_outcomes(*, school_id, start, end):
    """Outcomes delivered: a team's task solved with its outcome recorded, for each of
    the school's people who were in the team on the day it was solved."""
    solved_on = (
        TeamStatusChange.objects.filter(team=OuterRef("team"), to_status=TaskTeam.Status.SOLVED)
        .order_by("-changed_at", "-pk")
        .values(on=LocalDate(F("changed_at"), F("team__school__time_zone")))[:1]
    )
    rows = (
        TeamMember.objects.filter(
            _of_school(school_id),
            team__status__in=(TaskTeam.Status.SOLVED, TaskTeam.Status.DISSOLVED),
            team__outcome__isnull=False,
            staff__school_id=school_id,
        )
        .annotate(
            on=Coalesce(
                Subquery(solved_on),
                F("team__closed_on"),
                LocalDate(F("team__outcome__recorded_at"), F("staff__school__time_zone")),
            )
        )
        .filter(
            present_on(F("on"), since="joined_on"),
            on__range=(start, end),
        )
        .values("staff_id", "team_id", "on", title=F("team__outcome__title"), team_title=F("team__title"))
        .order_by("on", "team_id", "pk")
    )
    return [
        Evidence(
            staff_id=row["staff_id"],
            units=one(),
            label=_("Outcome %(title)s of the team %(team)s")
            % {"title": quoted(row["title"]), "team": quoted(row["team_title"])},
            on=row["on"],
            url=reverse("teams:team_detail", args=[row["team_id"]]),
        )
        for row in _once_per_team(rows)
    ]


_MEMBER_READS = frozenset(
    {
        "teams.TeamMember.team",
        "teams.TeamMember.staff",
        "teams.TeamMember.joined_on",
        "teams.TeamMember.left_on",
        "teams.TaskTeam.school",
        "teams.TaskTeam.partner_school",
        "teams.TaskTeam.status",
        "teams.TaskTeam.closed_on",
        "teams.TaskTeam.title",
        "teams.TeamStatusChange.team",
        "teams.TeamStatusChange.to_status",
        "staff.StaffMember.school",
    }
)

INDICATORS = (
    Indicator(
        key="teams.membership",
        label=gettext_lazy("Task teams and project groups worked in"),
        unit=gettext_lazy("teams"),
        reads=_MEMBER_READS,
        compute=team_membership,
        order=30,
    ),
    Indicator(
        key="teams.outcomes",
        label=gettext_lazy("Team outcomes delivered"),
        unit=gettext_lazy("outcomes"),
        reads=_MEMBER_READS
        | {
            "teams.TeamStatusChange.changed_at",
            "teams.TeamOutcome.team",
            "teams.TeamOutcome.title",
            "teams.TeamOutcome.recorded_at",
            "accounts.School.time_zone",
        },
        compute=team_outcomes,
        order=31,
    ),
)
