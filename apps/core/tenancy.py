"""School tenancy, enforced in one place.

Every view of a school's data is wrapped in `school_view`, which decides who may
enter (anonymous → login page, no membership or missing capability → 403), and every
object it touches is looked up through `SchoolScopedQuerySet.for_school`, so an
object of a school the user is not working in answers 404 and leaks nothing.
Pages of a network of schools are wrapped in `network_view` instead: only the
network's coordinators enter, and see aggregates of its schools.

What a school shares with others (materials, questions) is seen by circles,
not only by school: `CircleScopedQuerySet.visible_to(viewer)` and
`get_visible_or_404` are the one place that rule is written.
"""

from dataclasses import dataclass
from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.contrib.postgres.expressions import ArraySubquery
from django.core.exceptions import PermissionDenied
from django.db import models
from django.http import Http404
from django.utils.translation import gettext_lazy as _

from .prepared import Param, ParamList


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
    if isinstance(queryset, CircleScopedQuerySet):
        # A colleague of the same school must not open a draft or a material kept
        # within another association: shared rows are looked up by circle.
        raise TypeError("a circle-scoped queryset is looked up with get_visible_or_404")
    try:
        return queryset.for_school(school).get(**lookup)
    except (queryset.model.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404(str(queryset.model._meta.verbose_name)) from exc


class Circle(models.TextChoices):
    """Who sees what a person shares: only the author, their methodical
    association, their school, or every school of the school's network."""

    DRAFT = "draft", _("draft (only me)")
    ASSOCIATION = "association", _("my methodical association")
    SCHOOL = "school", _("my school")
    NETWORK = "network", _("network of schools")


@dataclass(frozen=True)
class Viewer:
    """Who looks, in the current school: the school, its network (None outside a
    network), the person's card (None without one) and their associations.

    Each field may be a value, or a `Param`/`ParamList` marker of a prepared
    query (`Viewer.params()`), so that prepared lists compile the same predicate.
    """

    school_id: object
    network_id: object = None
    staff_id: object = None
    association_ids: object = ()

    @classmethod
    def params(cls, *, networked=True):
        """The markers of a prepared query; `networked` is its shape key."""
        return cls(
            school_id=Param("school_id"),
            network_id=Param("network_id") if networked else None,
            staff_id=Param("staff_id"),
            association_ids=ParamList("association_ids"),
        )

    @classmethod
    def of_staff(cls, staff, *, school=None):
        """Who looks with the staff card `staff` (None: a member without a card) in
        `school` (by default the card's)."""
        school = school if school is not None else staff.school
        association_id = getattr(staff, "association_id", None)
        return cls(
            school_id=school.pk,
            network_id=school.network_id,
            staff_id=staff.pk if staff is not None else None,
            association_ids=(association_id,) if association_id is not None else (),
        )

    def shape(self):
        return {"networked": self.network_id is not None}

    def values(self):
        """The run-time values for a query built from `Viewer.params(**self.shape())`.
        Without a card the staff id is 0, which no card has: nothing is one's own."""
        values = {
            "school_id": self.school_id,
            "staff_id": self.staff_id if self.staff_id is not None else 0,
            "association_ids": list(self.association_ids),
        }
        if self.network_id is not None:
            values["network_id"] = self.network_id
        return values


def request_viewer(request):
    """The viewer of this request, read from `request.school` and `request.staff`
    (the staff card is set by the staff app's middleware; core only reads it)."""
    viewer = getattr(request, "_circle_viewer", None)
    if viewer is None:
        school = getattr(request, "school", None)
        staff = getattr(request, "staff", None)
        viewer = Viewer(school_id=None) if school is None else Viewer.of_staff(staff, school=school)
        request._circle_viewer = viewer
    return viewer


def _is_marker(value):
    return isinstance(value, Param)


class CircleScopedQuerySet(SchoolScopedQuerySet):
    """Shared rows seen by circle. `circle_prefix` is the path to the row that
    carries the circle ("material__" for a material's comments and versions).

    `for_school` stays "rows owned by the school" (the name sweep, the
    administration's counts); what a person may see is `visible_to(viewer)`.
    """

    circle_prefix = ""

    def _school_model(self):
        model = self.model
        for part in self.circle_prefix.split("__")[:-1]:
            model = model._meta.get_field(part).related_model
        return model._meta.get_field("school").related_model

    def visible_q(self, viewer):
        """One OR of index-friendly branches: one's own (drafts included), the
        association circle, the school (school and network circles), and the
        network circle in the schools that are in the viewer's network now."""
        p = self.circle_prefix
        branches = []
        if viewer.staff_id is not None:
            branches.append(models.Q(**{f"{p}author_id": viewer.staff_id}))
        if _is_marker(viewer.association_ids):
            branches.append(
                models.Q(**{f"{p}circle": Circle.ASSOCIATION, f"{p}association_id__any": viewer.association_ids})
            )
        elif viewer.association_ids:
            branches.append(
                models.Q(**{f"{p}circle": Circle.ASSOCIATION, f"{p}association_id__in": tuple(viewer.association_ids)})
            )
        if viewer.school_id is not None:
            branches.append(
                models.Q(**{f"{p}circle__in": (Circle.SCHOOL, Circle.NETWORK), f"{p}school_id": viewer.school_id})
            )
        if viewer.network_id is not None:
            branches.append(
                models.Q(
                    **{
                        f"{p}circle": Circle.NETWORK,
                        f"{p}school_id__any": network_schools(viewer, self._school_model()),
                    }
                )
            )
        if not branches:
            return models.Q(pk__in=[])
        q = branches[0]
        for branch in branches[1:]:
            q |= branch
        return q

    def visible_to(self, viewer):
        return self.filter(self.visible_q(viewer))


def network_schools(viewer, school_model):
    """The schools of the viewer's network, as an array computed once.

    The school's current network is read, never a copy on the row: a school that leaves
    the network stops seeing and being seen at once. `= ANY(ARRAY(SELECT …))`, not
    `IN (SELECT …)`: the array is computed once, so a branch on it is an index condition
    on (school, …) instead of a filter over the whole network circle of every network."""
    return ArraySubquery(school_model._default_manager.filter(network_id=viewer.network_id).order_by().values("pk"))


def seen_schools_q(viewer, *, school_model, field="school_id"):
    """Rows (by their `field`) of the schools whose shared rows the viewer may see: the
    schools of their network, or their own school outside a network. For what is named
    per school (subjects, problem tags) and matched by name across those schools."""
    if viewer.network_id is not None:
        return models.Q(**{f"{field}__any": network_schools(viewer, school_model)})
    return models.Q(**{field: viewer.school_id})


def circle_scoped_queryset(prefix, school_path="school"):
    """A CircleScopedQuerySet subclass whose circle is on the row at `prefix`
    ("" for the shared row itself); `school_path` leads to the row's owner, as in
    `scoped_queryset` (a comment is owned by its writer's school)."""
    return type(
        "CircleScopedQuerySet",
        (CircleScopedQuerySet,),
        {"circle_prefix": prefix, "school_path": school_path},
    )


def get_visible_or_404(queryset, *, viewer, **lookup):
    """Fetch one object the viewer may see; outside their circles it is not found,
    the same as another school's object."""
    if not isinstance(queryset, CircleScopedQuerySet):
        raise TypeError("get_visible_or_404 needs a circle-scoped queryset")
    try:
        return queryset.visible_to(viewer).get(**lookup)
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
