from .models import Role


def current_school(request):
    membership = getattr(request, "membership", None)
    roles = set(membership.roles) if membership else set()
    return {
        "current_school": getattr(request, "school", None),
        "current_membership": membership,
        "user_memberships": getattr(request, "memberships", []),
        "is_administrator": Role.ADMINISTRATOR in roles,
        "is_deputy_head": Role.DEPUTY_HEAD in roles,
        "is_curator": Role.CURATOR in roles,
        "is_teacher": Role.TEACHER in roles,
        # Called (one query) only by the templates that show it.
        "coordinated_networks": lambda: _coordinated_networks(request),
    }


def _coordinated_networks(request):
    if not request.user.is_authenticated:
        return []
    if getattr(request, "coordinated_networks", None) is None:
        request.coordinated_networks = list(request.user.coordinated_networks.order_by("name"))
    return request.coordinated_networks
