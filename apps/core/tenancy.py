"""School tenancy, enforced in one place.

Every view of a school's data is wrapped in `school_view`, which decides who may
enter (anonymous → login page, no membership or missing capability → 403), and every
object it touches is looked up through `SchoolScopedQuerySet.for_school`, so an
object of a school the user is not working in answers 404 and leaks nothing.
Pages of a network of schools are wrapped in `network_view` instead: only the
network's coordinators enter, and see aggregates of its schools.
"""

from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.db import models
from django.http import Http404


class SchoolScopedQuerySet(models.QuerySet):
    """A queryset that knows the path from its model to the owning school.

    Models that belong to a school directly keep the default `school`; child
    records (a staff member's category history, say) name the path through
    their parent in `school_path`.
    """

    school_path = "school"

    def for_school(self, school):
        if school is None:
            return self.none()
        return self.filter(**{self.school_path: school})


def scoped_queryset(school_path):
    """A SchoolScopedQuerySet subclass whose school is reached through `school_path`."""
    return type("SchoolScopedQuerySet", (SchoolScopedQuerySet,), {"school_path": school_path})


class NetworkScopedQuerySet(SchoolScopedQuerySet):
    """Rows shared by two schools of a network (a network pair, a team with a
    partner school, and their parts): they belong to the owning school and to
    the partner school, reached through `school_path` and `partner_path`."""

    partner_path = "partner_school"

    def for_school(self, school):
        if school is None:
            return self.none()
        return self.filter(models.Q(**{self.school_path: school}) | models.Q(**{self.partner_path: school}))


def network_scoped_queryset(school_path, partner_path):
    """A NetworkScopedQuerySet subclass reaching the two schools through these paths."""
    return type(
        "NetworkScopedQuerySet",
        (NetworkScopedQuerySet,),
        {"school_path": school_path, "partner_path": partner_path},
    )


def get_for_school_or_404(queryset, *, school, **lookup):
    """Fetch one object of `school`; any other school's object is simply not found."""
    try:
        return queryset.for_school(school).get(**lookup)
    except (queryset.model.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404(str(queryset.model._meta.verbose_name)) from exc


def school_view(capability=None):
    """Let a view run only for a member of the current school who holds `capability`.

    With no capability given, any member of the school may enter. The membership is
    asked `membership.can(capability)`; the table of who holds what is
    apps/accounts/capabilities.py. The capability is kept on the view
    (`school_capability`) so that the URL walk in the tests can read it.
    """
    if callable(capability):
        raise TypeError('write @school_view() or @school_view("app.capability")')

    def decorator(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            membership = getattr(request, "membership", None)
            if membership is None:
                raise PermissionDenied("not a member of any school")
            if capability is not None and not membership.can(capability):
                raise PermissionDenied(f"{capability} required")
            return view(request, *args, **kwargs)

        wrapper.school_capability = capability
        return wrapper

    return decorator


def network_view(view):
    """Let a view of a network of schools run only for its coordinators.

    The view takes `network_id` from the URL. Anonymous → login page; a user who
    coordinates no network → 403; a network the user does not coordinate → 404,
    like another school's object. The network is set as `request.network`.
    """

    @wraps(view)
    def wrapper(request, *args, network_id, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        networks = list(request.user.coordinated_networks.order_by("name"))
        # The menu lists them too (apps.accounts.context_processors): one query for both.
        request.coordinated_networks = networks
        network = next((n for n in networks if n.pk == network_id), None)
        if network is None:
            if not networks:
                raise PermissionDenied("network coordinator role required")
            raise Http404("network")
        request.network = network
        return view(request, *args, **kwargs)

    wrapper.network_view = True
    return wrapper
