"""Who may change a programme of help.

Tenancy (a school that is neither side → 404) is done by the scoped querysets.
Every member of both schools sees the programme (read-only); the administration
of either side (`help_programmes.manage`) changes it; whoever answers for a
milestone marks it done.
"""

from django.core.exceptions import PermissionDenied


def can_manage(request):
    return request.membership.can("help_programmes.manage")


def own_side(request, programme):
    """The side of the programme the request's school is on."""
    return "leader" if programme.leader_school_id == request.school.pk else "supported"


def can_mark_done(request, milestone):
    responsible = milestone.responsible
    return can_manage(request) or (responsible is not None and responsible.user_id == request.user.pk)


def require(allowed):
    if not allowed:
        raise PermissionDenied
