"""Who may see and change the partnership registry.

Tenancy (another school → 404) is done by the scoped querysets; these checks
answer 403 within a school. Every member of the school sees the registry, the
partner pages with their contact people, and the agreements; administrators and
deputy heads manage it. A teacher logs and corrects the joint activities they
are responsible for.
"""

from django.core.exceptions import PermissionDenied


def is_manager(request):
    return request.membership.can("partners.manage")


def activity_can_edit(request, activity):
    return is_manager(request) or activity.responsible.user_id == request.user.pk


def require(allowed):
    if not allowed:
        raise PermissionDenied
