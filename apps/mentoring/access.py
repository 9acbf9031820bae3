"""Who may see and change a mentor group, a development route, and their parts.

Tenancy (another school → 404) is done by the scoped querysets; these checks
answer 403 within a school: administrators and deputy heads see every group of
the school, a curator the groups they curate, a teacher the groups they are in.
"""

from django.core.exceptions import PermissionDenied

from .route_selectors import answers_for_a_step
from .selectors import curates_teacher


def is_manager(request):
    return request.membership.can("mentoring.manage")


def _is_curator(group, user):
    return group.curator.user_id == user.pk


def _is_member(group, user):
    """By the members' rows a page read (`selectors.group_member_rows`), or else
    by `group.members`."""
    rows = getattr(group, "member_rows", None)
    if rows is not None:
        return any(member.user_id == user.pk for member in rows)
    return any(member.staff.user_id == user.pk for member in group.members.all())


def group_can_view(request, group):
    return is_manager(request) or _is_curator(group, request.user) or _is_member(group, request.user)


def group_can_manage(request, group):
    """Change the group, its status and its schedule: the school's administrators
    and deputy heads (of the group's own school), and its curator."""
    own_school = group.school_id == request.school.pk
    return (own_school and is_manager(request)) or _is_curator(group, request.user)


def group_can_report(request, group):
    """Add a network pair's quarterly result: who manages it, and its members."""
    return group_can_manage(request, group) or _is_member(group, request.user)


def require(allowed):
    if not allowed:
        raise PermissionDenied


def _curates_teacher(request, teacher):
    """Is the user the curator of an open group the teacher is in?"""
    return request.membership.can("mentoring.curate") and curates_teacher(
        school=request.school, user=request.user, teacher=teacher
    )


def route_can_view(request, route):
    """Managers, the route's teacher and mentor, whoever answers for one of its
    steps, and the curator of the teacher's pair or triad."""
    return (
        is_manager(request)
        or route.teacher.user_id == request.user.pk
        or route.mentor.user_id == request.user.pk
        or answers_for_a_step(route=route, user=request.user)
        or _curates_teacher(request, route.teacher)
    )


def route_can_manage(request, route):
    """Managers, the mentor, and the curator of the teacher's pair or triad."""
    return is_manager(request) or route.mentor.user_id == request.user.pk or _curates_teacher(request, route.teacher)
