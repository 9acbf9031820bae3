"""Reads of network events, each a fixed number of queries whatever the data."""

import datetime

from django.contrib.postgres.expressions import ArraySubquery
from django.db.models import Count, Exists, OuterRef, Q, Subquery, Window
from django.http import Http404
from django.utils import timezone

from apps.community.models import Material
from apps.core.json_rows import JSONRow, row_columns, row_objects, set_prefetched
from apps.core.paging import prepared_page
from apps.core.prepared import Param, ParamList, prepared_query
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
        .annotate(lead_rows=ArraySubquery(_lead_rows()))
    )
    return _with_counts(events, staff_id=viewer.staff_id)


# The leads come as an array column of the event's query, not by a prefetch: a query and its compile fewer.
LEAD_COLUMNS = row_columns(StaffMember)


def _lead_rows():
    return (
        Event.leads.through.objects.filter(event_id=OuterRef("pk"))
        .order_by("staffmember__last_name", "staffmember__first_name", "staffmember__patronymic", "staffmember_id")
        .values(row=JSONRow(**{name: f"staffmember__{name}" for name in LEAD_COLUMNS}))
    )


def event_detail(*, viewer, pk):
    """The event as its page shows it: organiser school, association, creator,
    leads, the counts and the viewer's own registration. One prepared query
    (the leads an array column of it); 404 outside the viewer's circles, through the same
    rule as `get_visible_or_404`."""
    # A key no bigint holds is no event (and never reaches the database).
    found = _event_detail.rows(shape=viewer.shape(), pk=pk, **viewer.values()) if 0 < int(pk) < 2**63 else []
    if not found:
        raise Http404(str(Event._meta.verbose_name))
    event = found[0]
    set_prefetched(event, "leads", StaffMember, row_objects(StaffMember, event.lead_rows, names=LEAD_COLUMNS))
    return event


@prepared_query
def _event_attendees():
    return (
        Registration.objects.filter(event_id=Param("event_id"))
        .exclude(status=Registration.Status.CANCELLED)
        .select_related("staff", "school")
        .order_by("status", "created_at", "pk")
    )


def event_attendees(event):
    """Who registered or waits, in the order they came: the registered first. One
    prepared query (the event's page, its attendance and invitations are opened often)."""
    return _event_attendees.rows(event_id=event.pk)


@prepared_query
def _event_invitations():
    return Invitation.objects.filter(event_id=Param("event_id")).select_related("school", "association", "staff")


def event_invitations(event):
    return _event_invitations.rows(event_id=event.pk)


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


@prepared_query
def _calendar_page_events(*, networked):
    staff_ids = ParamList("staff_ids")
    registered = Registration.objects.filter(event=OuterRef("pk"), staff_id__any=staff_ids, status=REGISTERED)
    led = Event.leads.through.objects.filter(event_id=OuterRef("pk"), staffmember_id__any=staff_ids)
    return (
        Event.objects.visible_to(Viewer.params(networked=networked))
        .filter(ends_at__gt=Param("start"), starts_at__lt=Param("end"))
        .exclude(status=Event.Status.CANCELLED)
        .filter(Q(created_by_id__any=staff_ids) | Exists(led) | Exists(registered))
        .select_related("school")
        .order_by("starts_at", "pk")
    )


def calendar_page_events(*, viewer, staff_ids, start, end):
    """`calendar_events` of a calendar page (a list of cards, both ends given) that
    `viewer` may see: the administration or a curator opening a teacher's calendar
    sees none of the events outside their own circles (another school's, or one the
    teacher alone was invited to). Read by a prepared query: the page runs one source
    after another, and building each source's queryset cost more than its rows."""
    values = viewer.values()
    if values["staff_id"] is None:
        values["staff_id"] = 0  # nobody's card: no event is one's own (no card has id 0)
    return _calendar_page_events.rows(shape=viewer.shape(), staff_ids=list(staff_ids), start=start, end=end, **values)


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
    invited = Invitation.objects.reaching(
        school_id=school.pk, staff=card_ids, associations=cards.values("association_id")
    ).filter(event=OuterRef("pk"))
    answered = Registration.objects.filter(event=OuterRef("pk"), staff__in=card_ids)
    invitations = Event.objects.filter(Exists(invited), status=Event.Status.PLANNED, starts_at__gte=now).exclude(
        Exists(answered)
    )
    return soon, unmarked, invitations


# Materials of an event ---------------------------------------------------------------

# The attach page lists at most this many of the organiser's visible materials.
ATTACH_CHOICES = 50


@prepared_query
def _event_materials(*, networked):
    return (
        Material.objects.visible_to(Viewer.params(networked=networked))
        .filter(Exists(EventMaterial.objects.filter(event_id=Param("event_id"), material=OuterRef("pk"))))
        .select_related("author", "school")
        .order_by("title", "pk")
    )


def event_materials(*, event, viewer):
    """The materials attached to the event that the viewer may see, read through the
    circle rule: an association-only material is shown only to that association.
    One prepared query."""
    return _event_materials.rows(shape=viewer.shape(), event_id=event.pk, **viewer.values())


@prepared_query
def _attach_choices(*, networked, text):
    materials = (
        Material.objects.visible_to(Viewer.params(networked=networked))
        .exclude(circle=Circle.DRAFT)
        .exclude(Exists(EventMaterial.objects.filter(event_id=Param("event_id"), material=OuterRef("pk"))))
    )
    if text:
        materials = materials.filter(Q(title__icontains=Param("text")) | Q(topic__icontains=Param("text")))
    # Plain values: the page draws its fifty rows in Python (apps/network_events/markup.py).
    return materials.values(
        "pk",
        "title",
        "kind",
        "circle",
        "author__last_name",
        "author__first_name",
        "author__patronymic",
        "school__short_name",
    ).order_by("-published_at", "-pk")


def attach_choices(*, event, viewer, text=""):
    """Shared materials the viewer (the organiser) may see and has not attached yet,
    newest first, optionally filtered by words of the title or topic, as plain rows
    (pk, title, kind, circle, the author's name parts, the school's short name).
    One prepared query."""
    values = {**viewer.values(), "event_id": event.pk}
    if text:
        values["text"] = text
    shape = {**viewer.shape(), "text": bool(text)}
    return _attach_choices.rows(shape=shape, limit=ATTACH_CHOICES, **values)
