"""Who may see and change a task team and its parts.

Tenancy (another school → 404) is done by the scoped querysets; these checks
answer 403 within a school. Teams are not confidential: every member of the
school sees them. Administrators and deputy heads of the team's own school and
the team's lead manage it; its members also keep meeting notes.
"""

from django.core.exceptions import PermissionDenied


def is_manager(request):
    return request.membership.can("teams.manage")


def _active_members(team):
    members = getattr(team, "active_members", None)
    if members is None:
        members = [m for m in team.members.select_related("staff") if m.left_on is None]
    return members


def is_lead(team, user):
    return any(m.role == m.Role.LEAD and m.staff.user_id == user.pk for m in _active_members(team))


def is_member(team, user):
    return any(m.staff.user_id == user.pk for m in _active_members(team))


def team_can_manage(request, team):
    """Change the team, its members, status, milestones and outcome."""
    own_school = team.school_id == request.school.pk
    return (own_school and is_manager(request)) or is_lead(team, request.user)


def team_can_take_notes(request, team):
    """Record a meeting: who manages the team, and its members."""
    return team_can_manage(request, team) or is_member(team, request.user)


def team_can_reform(request, team):
    """Form a new team from this one: the administration of the team's school."""
    return team.school_id == request.school.pk and is_manager(request)


def require(allowed):
    if not allowed:
        raise PermissionDenied
