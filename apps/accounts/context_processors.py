from apps.core.prepared import Param, prepared_query

from .capabilities import Can
from .models import SchoolNetwork


def current_school(request):
    membership = getattr(request, "membership", None)
    return {
        "current_school": getattr(request, "school", None),
        "current_membership": membership,
        "user_memberships": getattr(request, "memberships", []),
        # What the user may do here, asked as `can.staff_edit` (apps/accounts/capabilities.py).
        "can": Can(membership),
        # Called (one query) only by the templates that show it.
        "coordinated_networks": lambda: _coordinated_networks(request),
    }


def _coordinated_networks(request):
    if not request.user.is_authenticated:
        return []
    if getattr(request, "coordinated_networks", None) is None:
        request.coordinated_networks = _networks_of_coordinator.rows(user_id=request.user.pk)
    return request.coordinated_networks


@prepared_query
def _networks_of_coordinator():
    """The networks whose dashboards the user coordinates (the navbar's and the dashboards' links)."""
    return SchoolNetwork.objects.filter(coordinators=Param("user_id")).order_by("name")
