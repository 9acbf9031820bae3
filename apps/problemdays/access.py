"""Who may change a problem-theme day. Tenancy (another school → 404) is done by
the scoped querysets. Every member of the school sees the days; the day's
organisers (any teacher can be one: the day belongs to the whole staff), deputy heads and administrators
change them."""

from django.core.exceptions import PermissionDenied


def is_manager(request):
    return request.membership.can("problemdays.manage")


def is_organiser(day, user):
    return any(p.user_id == user.pk and p.is_active for p in day.organisers.all())


def day_can_edit(request, day):
    return is_manager(request) or is_organiser(day, request.user)


def require(allowed):
    if not allowed:
        raise PermissionDenied
