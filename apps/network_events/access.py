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


def is_school_organiser(request, event=None):
    """Holds `network_events.organise` in the current school (and `event`, if given, is
    that school's): organises for the whole school, any of its associations."""
    in_school = event is None or event.school_id == request.school.pk
    return in_school and request.membership.can("network_events.organise")


def can_create(request):
    return is_school_organiser(request) or bool(headed(request))


def can_organise(request, event):
    if is_school_organiser(request, event):
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
