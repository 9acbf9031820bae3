"""Who organises a network event: the holders of `network_events.organise` in the
organiser school, the person who created it, its leads «ведущие», and the head
of the organising association. Tenancy and circles (404) come first, from the
selectors; these checks answer 403."""

from django.core.exceptions import PermissionDenied

from apps.staff.association_heads import associations_headed


def headed(request):
    """The associations of the current school that the person heads (cached on the request)."""
    found = getattr(request, "_headed_associations", None)
    if found is None:
        found = associations_headed(getattr(request, "staff", None))
        request._headed_associations = found
    return found


def can_create(request):
    return request.membership.can("network_events.organise") or bool(headed(request))


def can_organise(request, event):
    if event.school_id == request.school.pk and request.membership.can("network_events.organise"):
        return True
    staff = getattr(request, "staff", None)
    if staff is None:
        return False
    if event.created_by_id == staff.pk or any(lead.pk == staff.pk for lead in event.leads.all()):
        return True
    return event.association_id is not None and event.association_id in headed(request)


def require(allowed):
    if not allowed:
        raise PermissionDenied
