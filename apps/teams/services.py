"""Writes of task teams: forming, members, the lifecycle with its history,
milestones, meetings, the outcome, dissolution and re-forming."""

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from apps.audit.models import AuditEvent
from apps.audit.services import audit_record_many
from apps.core.dates import school_today
from apps.core.forms import check_dates
from apps.core.typography import quoted
from apps.core.validation import text_lengths_check

from .models import Milestone, TaskTeam, TeamMeeting, TeamMember, TeamOutcome, TeamStatusChange
from .selectors import team_load_warnings


@dataclass
class MemberSpec:
    staff: object
    role: str = TeamMember.Role.MEMBER


# How far from the school's today a team's dates may lie (the forms offer the same window).
DEADLINE_YEARS = MILESTONE_YEARS = {"back": 1, "ahead": 5}
MEETING_YEARS = {"back": 2, "ahead": 1}


def _check_partner(school, partner_school):
    if partner_school is None:
        return
    if partner_school.pk == school.pk:
        raise ValidationError({"partner_school": _("A partner school is another school of the network.")})
    if school.network_id is None or partner_school.network_id != school.network_id:
        raise ValidationError({"partner_school": _("The partner school must belong to the same network of schools.")})


def _check_person(team_school, partner_school, staff):
    allowed = {team_school.pk} | ({partner_school.pk} if partner_school else set())
    if staff.school_id not in allowed:
        return _("%(name)s works in a school outside this team.") % {"name": staff}
    if not staff.is_active:
        return _("%(name)s no longer works at the school.") % {"name": staff}
    return None


def _check_members(*, school, partner_school, members):
    staff_ids = [m.staff.pk for m in members]
    if len(set(staff_ids)) != len(staff_ids):
        twice = next(m.staff for m in members if staff_ids.count(m.staff.pk) > 1)
        raise ValidationError({"members": _("%(name)s is added twice.") % {"name": twice}})
    if not any(m.role == TeamMember.Role.LEAD for m in members):
        raise ValidationError({"lead": _("A team needs a lead.")})
    for member in members:
        problem = _check_person(school, partner_school, member.staff)
        if problem:
            raise ValidationError({"members": problem})


def _check_deadline(school, deadline):
    if deadline < school_today(school):
        raise ValidationError({"deadline": _("The deadline is already in the past.")})
    _check_dates(school, {"deadline": deadline}, DEADLINE_YEARS)


def _check_dates(school, dates, years):
    errors = check_dates(school, dates, **years)
    if errors:
        raise ValidationError(errors)


def _audit_members(team, members, *, joined):
    """One trail row per person who joined (or left) `team`, in their own school."""
    place = [(f"{team.title}: {TeamMember.Role(member.role).label}") for member in members]
    audit_record_many(
        action=AuditEvent.Action.TEAM_MEMBERSHIP_CHANGED,
        targets=[member.staff for member in members],
        changes=[{"task_team": [None, label] if joined else [label, None]} for label in place],
    )


def _record_change(team, from_status, to_status, *, reason="", changed_by=None):
    change = TeamStatusChange(
        team=team, from_status=from_status, to_status=to_status, reason=reason, changed_by=changed_by
    )
    text_lengths_check(change)
    change.save()
    return change


@transaction.atomic
def team_create(
    *,
    school,
    kind,
    title,
    task,
    expected_result,
    deadline,
    members,
    why_these_people="",
    partner_school=None,
    predecessor=None,
    created_by=None,
):
    """Form a team around a task. Returns (team, load warnings).

    The deadline is not in the past, nobody is added twice, there is a lead, and
    everyone works in the team's school or its partner school. A double load is
    a warning, never a block.
    """
    _check_partner(school, partner_school)
    _check_deadline(school, deadline)
    _check_members(school=school, partner_school=partner_school, members=members)
    team = TaskTeam(
        school=school,
        partner_school=partner_school,
        kind=kind,
        title=title,
        task=task,
        expected_result=expected_result,
        why_these_people=why_these_people,
        deadline=deadline,
        predecessor=predecessor,
    )
    team.full_clean()
    team.save()
    today = school_today(school)
    TeamMember.objects.bulk_create(TeamMember(team=team, staff=m.staff, role=m.role, joined_on=today) for m in members)
    _audit_members(team, members, joined=True)
    reason = _("Re-formed from %(title)s.") % {"title": quoted(predecessor.title)} if predecessor else _("Team formed.")
    _record_change(team, "", team.status, reason=reason, changed_by=created_by)
    return team, team_load_warnings(school=school, staff=[m.staff for m in members])


def _require_open(team):
    if not team.is_open:
        raise ValidationError(_("The team is closed: it cannot be changed."))


@transaction.atomic
def team_update(*, team, kind, title, task, expected_result, deadline, why_these_people=""):
    """Change a team's task and deadline (its members change one by one)."""
    _require_open(team)
    # The stored deadline, not the instance's: a bound ModelForm has already
    # copied the new value onto `team`.
    stored_deadline = TaskTeam.objects.values_list("deadline", flat=True).get(pk=team.pk)
    if deadline != stored_deadline:
        _check_deadline(team.school, deadline)
        if team.milestones.filter(due_on__gt=deadline).exists():
            raise ValidationError({"deadline": _("A milestone is due after this deadline: move it first.")})
    team.kind, team.title, team.task = kind, title, task
    team.expected_result, team.deadline, team.why_these_people = expected_result, deadline, why_these_people
    team.full_clean()
    team.save()
    return team


@transaction.atomic
def team_member_add(*, team, staff, role=TeamMember.Role.MEMBER):
    """Add a person to an open team. Returns (member, load warnings)."""
    _require_open(team)
    problem = _check_person(team.school, team.partner_school, staff)
    if problem:
        raise ValidationError({"staff": problem})
    if team.members.filter(staff=staff, left_on__isnull=True).exists():
        raise ValidationError({"staff": _("%(name)s is already in the team.") % {"name": staff}})
    member = TeamMember(team=team, staff=staff, role=role, joined_on=school_today(team.school))
    member.full_clean(validate_constraints=False)
    member.save()
    _audit_members(team, [member], joined=True)
    return member, team_load_warnings(school=team.school, staff=[staff])


@transaction.atomic
def team_member_remove(*, member):
    """A person leaves the team: the row stays with `left_on`, so history shows
    them. The last lead of an open team cannot leave."""
    if member.left_on is not None:
        return member
    team = member.team
    if (
        team.is_open
        and member.role == TeamMember.Role.LEAD
        and not team.members.filter(role=TeamMember.Role.LEAD, left_on__isnull=True).exclude(pk=member.pk).exists()
    ):
        raise ValidationError(_("The team's only lead cannot leave: name another lead first."))
    member.left_on = max(school_today(team.school), member.joined_on)
    member.save(update_fields=["left_on"])
    _audit_members(team, [member], joined=False)
    return member


def _close(team, to_status, *, reason="", changed_by=None):
    """Move a team to dissolved or abandoned: members are freed (their load drops)."""
    today = school_today(team.school)
    freed = list(team.members.filter(left_on__isnull=True).select_related("staff"))
    for member in freed:
        member.left_on = max(today, member.joined_on)
        member.save(update_fields=["left_on"])
    _audit_members(team, freed, joined=False)
    change = _record_change(team, team.status, to_status, reason=reason, changed_by=changed_by)
    team.status, team.closed_on = to_status, today
    if to_status == TaskTeam.Status.ABANDONED:
        team.abandon_reason = reason
    team.full_clean()
    team.save(update_fields=["status", "closed_on", "abandon_reason"])
    return change


@transaction.atomic
def team_status_change(*, team, to_status, reason="", changed_by=None):
    """Move a team along forming → working → solved → dissolved (or abandoned,
    with a reason), keeping who did it, when and why.

    Marking the task solved with an outcome already recorded dissolves the team
    at once; without one, the team waits in "solved" for its outcome.
    """
    caller_team, team = team, TaskTeam.objects.select_for_update().get(pk=team.pk)
    try:
        return _status_change(team, to_status, reason=reason, changed_by=changed_by)
    finally:
        # The caller's instance shows the status it ended in.
        caller_team.refresh_from_db(fields=["status", "closed_on", "abandon_reason"])


def _status_change(team, to_status, *, reason, changed_by):
    if to_status not in TaskTeam.TRANSITIONS[team.status]:
        raise ValidationError(
            {
                "to_status": _("A team that is %(current)s cannot become %(new)s.")
                % {"current": team.get_status_display(), "new": TaskTeam.Status(to_status).label}
            }
        )
    reason = reason.strip()
    if to_status == TaskTeam.Status.ABANDONED:
        if not reason:
            raise ValidationError({"reason": _("Say why the team stops: the reason stays in its history.")})
        return _close(team, to_status, reason=reason, changed_by=changed_by)
    if to_status == TaskTeam.Status.DISSOLVED:
        return team_dissolve(team=team, changed_by=changed_by, reason=reason)
    change = _record_change(team, team.status, to_status, reason=reason, changed_by=changed_by)
    team.status = to_status
    team.save(update_fields=["status"])
    if to_status == TaskTeam.Status.SOLVED and TeamOutcome.objects.filter(team=team).exists():
        return team_dissolve(team=team, changed_by=changed_by)
    return change


@transaction.atomic
def team_dissolve(*, team, changed_by=None, reason=""):
    """A solved team with a recorded outcome is dissolved and its members freed."""
    caller_team, team = team, TaskTeam.objects.select_for_update().get(pk=team.pk)
    if team.status != TaskTeam.Status.SOLVED:
        raise ValidationError({"to_status": _("Only a team whose task is solved is dissolved.")})
    if not TeamOutcome.objects.filter(team=team).exists():
        raise ValidationError({"to_status": _("Record the team's outcome first: it is dissolved after that.")})
    change = _close(team, TaskTeam.Status.DISSOLVED, reason=reason or _("Outcome recorded."), changed_by=changed_by)
    caller_team.refresh_from_db(fields=["status", "closed_on"])
    return change


def milestone_create(*, team, title, due_on):
    """A milestone of an open team, due no later than the team's deadline."""
    _require_open(team)
    if due_on > team.deadline:
        raise ValidationError({"due_on": _("The milestone is after the team's deadline.")})
    _check_dates(team.school, {"due_on": due_on}, MILESTONE_YEARS)
    milestone = Milestone(team=team, title=title, due_on=due_on)
    milestone.full_clean()
    milestone.save()
    return milestone


def milestone_mark_done(*, milestone, done_on=None):
    _require_open(milestone.team)
    if milestone.is_done:
        return milestone
    milestone.is_done = True
    milestone.done_on = done_on or school_today(milestone.team.school)
    milestone.full_clean()
    milestone.save(update_fields=["is_done", "done_on"])
    return milestone


def meeting_create(*, team, held_on, agenda, minutes="", recorded_by=None):
    _require_open(team)
    _check_dates(team.school, {"held_on": held_on}, MEETING_YEARS)
    meeting = TeamMeeting(team=team, held_on=held_on, agenda=agenda, minutes=minutes, recorded_by=recorded_by)
    meeting.full_clean()
    meeting.save()
    return meeting


@transaction.atomic
def outcome_record(*, team, kind, title, description="", link="", file=None, recorded_by=None):
    """Record (or correct) what the team produced. A team whose task is marked
    solved is dissolved right after: its members are freed."""
    if team.status in TaskTeam.CLOSED_STATUSES and not hasattr(team, "outcome"):
        raise ValidationError(_("The team is closed."))
    outcome = TeamOutcome.objects.filter(team=team).first() or TeamOutcome(team=team)
    outcome.kind, outcome.title, outcome.description = kind, title, description
    outcome.link, outcome.recorded_by = link or "", recorded_by
    if file:
        outcome.file = file
        outcome.file_size = file.size
    outcome.full_clean()
    outcome.save()
    team.refresh_from_db(fields=["status", "closed_on"])
    if team.status == TaskTeam.Status.SOLVED:
        team_dissolve(team=team, changed_by=recorded_by)
    return outcome


@transaction.atomic
def team_reform(
    *,
    team,
    title,
    task,
    member_ids,
    deadline,
    lead_id,
    expected_result="",
    kind=None,
    why_these_people="",
    created_by=None,
):
    """Form a new team from chosen members of `team` with a new task; the new
    team keeps the link to its predecessor. Returns (new team, load warnings)."""
    people = {m.staff_id: m.staff for m in team.members.select_related("staff")}
    chosen = [pk for pk in dict.fromkeys(member_ids) if pk in people]
    if lead_id not in chosen:
        raise ValidationError({"lead": _("The lead is one of the chosen members.")})
    members = [
        MemberSpec(staff=people[pk], role=TeamMember.Role.LEAD if pk == lead_id else TeamMember.Role.MEMBER)
        for pk in chosen
    ]
    return team_create(
        school=team.school,
        partner_school=team.partner_school,
        kind=kind or team.kind,
        title=title,
        task=task,
        expected_result=expected_result,
        deadline=deadline,
        members=members,
        why_these_people=why_these_people,
        predecessor=team,
        created_by=created_by,
    )
