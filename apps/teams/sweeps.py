"""Reminders of teams' overdue milestones and passed deadlines.

Beat-driven and idempotent: the dates live in the database, and every reminder
is exactly-once through the notifications' unique (user, kind, key).
"""

import datetime

from django.db.models import CharField, Exists, OuterRef, Prefetch, Value
from django.db.models.functions import Cast, Concat
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from apps.core.dates import school_today
from apps.core.typography import quoted
from apps.notifications.models import Notification
from apps.notifications.services import notification_send

from .models import TeamMember
from .selectors import milestones_overdue, teams_past_deadline

# Russia's zones run up to UTC+12: every school's "today" is at most this far ahead.
AHEAD = datetime.timedelta(hours=14)


def _active_members():
    return Prefetch(
        "members",
        queryset=TeamMember.objects.filter(left_on__isnull=True).select_related("staff__user", "staff__school"),
        to_attr="active_members",
    )


def _remind(team, *, kind, key, title):
    sent = 0
    for member in team.active_members:
        user = member.staff.user
        if user is None or not user.is_active:
            continue
        if notification_send(
            user=user,
            school=member.staff.school,
            kind=kind,
            key=key,
            title=title,
            url=reverse("teams:team_detail", args=[team.pk]),
        ):
            sent += 1
    return sent


def teams_deadline_sweep(*, now=None, batch=500):
    """Remind each active member once of an overdue milestone and of a team still
    at work after its deadline; "overdue" is by the school's own date."""
    now = now or timezone.now()
    horizon = (now + AHEAD).date()
    sent = 0
    with translation.override("ru"):
        reminded = Notification.objects.filter(
            kind=Notification.Kind.MILESTONE_OVERDUE, key=Concat(Value("milestone:"), Cast(OuterRef("pk"), CharField()))
        )
        for milestone in milestones_overdue(on=horizon).exclude(Exists(reminded))[:batch]:
            team = milestone.team
            if milestone.due_on >= school_today(team.school):
                continue
            team = type(team).objects.prefetch_related(_active_members()).get(pk=team.pk)
            sent += _remind(
                team,
                kind=Notification.Kind.MILESTONE_OVERDUE,
                key=f"milestone:{milestone.pk}",
                title=_("Milestone overdue: %(milestone)s (%(team)s)")
                % {"milestone": quoted(milestone.title), "team": team.title},
            )
        passed = Notification.objects.filter(
            kind=Notification.Kind.TEAM_DEADLINE_PASSED, key=Concat(Value("team:"), Cast(OuterRef("pk"), CharField()))
        )
        for team in teams_past_deadline(on=horizon).exclude(Exists(passed)).prefetch_related(_active_members())[:batch]:
            if team.deadline >= school_today(team.school):
                continue
            sent += _remind(
                team,
                kind=Notification.Kind.TEAM_DEADLINE_PASSED,
                key=f"team:{team.pk}",
                title=_("The team's deadline has passed: %(team)s") % {"team": team.title},
            )
    return sent
