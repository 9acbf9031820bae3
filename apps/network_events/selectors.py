"""Reads of network events, each a fixed number of queries whatever the data."""

import datetime

from django.db.models import Count, Exists, OuterRef, Q, Subquery, Window
from django.http import Http404
from django.utils import timezone

from apps.community.models import Material
from apps.core.paging import prepared_page
from apps.core.prepared import Param, prepared_query
from apps.core.tenancy import Circle, Viewer
from apps.staff.models import StaffMember

from .models import Event, EventMaterial, Invitation, Registration

REGISTERED = Registration.Status.REGISTERED
WAITLISTED = Registration.Status.WAITLISTED


def _with_counts(events, *, staff_id):
    events = events.annotate(
        registered_count=Count("registrations", filter=Q(registrations__status=REGISTERED)),
        waitlisted_count=Count("registrations", filter=Q(registrations__status=WAITLISTED)),
    )
    if staff_id is not None:
        mine = Registration.objects.filter(event=OuterRef("pk"), staff_id=staff_id).values("status")[:1]
        events = events.annotate(my_status=Subquery(mine))
    return events


@prepared_query
def _events_page(*, networked, kind, past):
    viewer = Viewer.params(networked=networked)
    events = Event.objects.visible_to(viewer).select_related("school")
    if kind:
        events = events.filter(kind=Param("kind"))
    if past:
        events = events.filter(ends_at__lt=Param("now")).order_by("-starts_at", "-pk")
    else:
        events = events.filter(ends_at__gte=Param("now")).order_by("starts_at", "pk")
    return _with_counts(events, staff_id=viewer.staff_id).annotate(total_count=Window(Count("*")))


def events_page(*, viewer, when, kind="", number=1, per_page=25, now=None):
    """A page of the events the viewer may see: upcoming (soonest first) or past
    (latest first), of one kind or all. One prepared query."""
    values = {**viewer.values(), "now": now or timezone.now()}
    if kind:
        values["kind"] = kind
    shape = {**viewer.shape(), "kind": bool(kind), "past": when == "past"}
    return prepared_page(_events_page, number=number, per_page=per_page, shape=shape, **values)


@prepared_query
def _event_detail(*, networked):
    viewer = Viewer.params(networked=networked)
    events = (
        Event.objects.visible_to(viewer)
        .filter(pk=Param("pk"))
        .select_related("school", "association", "created_by")
        .prefetch_related("leads")
    )
    return _with_counts(events, staff_id=viewer.staff_id)


def event_detail(*, viewer, pk):
    """The event as its page shows it: organiser school, association, creator,
    leads, the counts and the viewer's own registration. Two queries (one
    prepared, and the leads); 404 outside the viewer's circles, through the same
    rule as `get_visible_or_404`."""
    # A key no bigint holds is no event (and never reaches the database).
    found = _event_detail.rows(shape=viewer.shape(), pk=pk, **viewer.values()) if 0 < int(pk) < 2**63 else []
    if not found:
        raise Http404(str(Event._meta.verbose_name))
    return found[0]


def event_attendees(event):
    """Who registered or waits, in the order they came: the registered first. One query."""
    return list(
        event.registrations.exclude(status=Registration.Status.CANCELLED)
        .select_related("staff", "school")
        .order_by("status", "created_at", "pk")
    )


def event_invitations(event):
    return list(event.invitations.select_related("school", "association", "staff"))


def events_organised_q(staff_id):
    """Events the card organises: created or leads."""
    return Q(created_by_id=staff_id) | Q(leads__id=staff_id)


def calendar_events(*, staff_ids, start, end=None):
    """Events (not cancelled) between `start` and `end` that these people lead,
    created or are registered for (a place, not a turn on the waiting list)."""
    registered = Registration.objects.filter(event=OuterRef("pk"), staff_id__in=staff_ids, status=REGISTERED)
    led = Event.leads.through.objects.filter(event_id=OuterRef("pk"), staffmember_id__in=staff_ids)
    events = Event.objects.filter(ends_at__gt=start)
    if end is not None:
        events = events.filter(starts_at__lt=end)
    return (
        events.exclude(status=Event.Status.CANCELLED)
        .filter(Q(created_by_id__in=staff_ids) | Exists(led) | Exists(registered))
        .select_related("school")
        .order_by("starts_at", "pk")
    )


def todo_querysets(*, school, user, now):
    """What a person has to do about events in `school`: the events they are
    registered for within a week; events they organise that have passed with
    attendance unmarked; invitations to open events not yet answered."""
    cards = StaffMember.objects.filter(user=user, school=school, is_active=True)
    card_ids = cards.values("pk")
    soon = Registration.objects.filter(
        staff__in=card_ids,
        status=REGISTERED,
        event__status=Event.Status.PLANNED,
        event__starts_at__gte=now,
        event__starts_at__lt=now + datetime.timedelta(days=7),
    ).select_related("event")
    led = Event.leads.through.objects.filter(event_id=OuterRef("pk"), staffmember_id__in=card_ids)
    unmarked = Event.objects.filter(
        Q(created_by_id__in=card_ids) | Exists(led),
        status=Event.Status.PLANNED,
        ends_at__lt=now,
        starts_at__gte=now - datetime.timedelta(days=30),
    )
    invited = Invitation.objects.filter(
        Q(staff__in=card_ids) | Q(school=school) | Q(association__members__in=card_ids), event=OuterRef("pk")
    )
    answered = Registration.objects.filter(event=OuterRef("pk"), staff__in=card_ids)
    invitations = Event.objects.filter(Exists(invited), status=Event.Status.PLANNED, starts_at__gte=now).exclude(
        Exists(answered)
    )
    return soon, unmarked, invitations


# Materials of an event ---------------------------------------------------------------

# The attach page lists at most this many of the organiser's visible materials.
ATTACH_CHOICES = 50


def event_materials(*, event, viewer):
    """The materials attached to the event that the viewer may see, read through the
    circle rule: an association-only material is shown only to that association.
    One query."""
    return list(
        Material.objects.visible_to(viewer)
        .filter(Exists(EventMaterial.objects.filter(event=event, material=OuterRef("pk"))))
        .select_related("author", "school")
        .order_by("title", "pk")
    )


def attach_choices(*, event, viewer, text=""):
    """Shared materials the viewer (the organiser) may see and has not attached yet,
    newest first, optionally filtered by words of the title or topic. One query."""
    materials = (
        Material.objects.visible_to(viewer)
        .exclude(circle=Circle.DRAFT)
        .exclude(Exists(EventMaterial.objects.filter(event=event, material=OuterRef("pk"))))
    )
    if text:
        materials = materials.filter(Q(title__icontains=text) | Q(topic__icontains=text))
    return list(materials.select_related("author", "school").order_by("-published_at", "-pk")[:ATTACH_CHOICES])
