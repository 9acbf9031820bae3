"""Who may see and change an association's workspace.

Tenancy (another school → 404) is done by the scoped querysets; these checks answer
403 within a school. The list and the plan are open to every member of the school.
The minutes, attendance and decisions are the association's own: its members, this
year's head and who holds `associations.manage` in the school see them.
"""

from django.core.exceptions import PermissionDenied


def is_manager(request, school_id):
    return school_id == request.school.pk and request.membership.can("associations.manage")


def is_head(plan, request):
    return plan is not None and plan.head_id is not None and plan.head.user_id == request.user.pk


def is_member(association_id, request):
    staff = getattr(request, "staff", None)
    return staff is not None and association_id is not None and staff.association_id == association_id


def plan_can_manage(request, association, plan):
    """Edit the plan, plan and hold meetings, write minutes and decisions."""
    return is_manager(request, association.school_id) or is_head(plan, request)


def plan_can_see_minutes(request, association, plan):
    return plan_can_manage(request, association, plan) or is_member(association.pk, request)


def decision_can_mark_done(request, decision, plan):
    responsible = decision.responsible
    return responsible.user_id == request.user.pk or is_manager(request, decision.school_id) or is_head(plan, request)


def network_can_see(request, member_association_ids):
    """A network association's page: who manages associations in a member school, and
    the members of its member associations."""
    staff = getattr(request, "staff", None)
    in_member = staff is not None and staff.association_id in member_association_ids
    return in_member or request.membership.can("associations.manage")


def network_can_manage(request, network_association):
    return is_manager(request, network_association.school_id)


def require(allowed):
    if not allowed:
        raise PermissionDenied
