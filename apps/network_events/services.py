"""Writes of network events: the event, invitations, registrations with a waiting
list, attendance. Registration counts places: it locks the event row
(select_for_update), so two people taking the last place at once get one place
and one turn on the waiting list."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from apps.community.models import Material
from apps.core.forms import check_dates
from apps.core.tenancy import Circle, Viewer
from apps.core.typography import quoted
from apps.core.validation import full_clean_on_fields, text_lengths_check
from apps.notifications.models import Notification
from apps.notifications.services import notification_send
from apps.staff.models import StaffMember

from .models import VIOLATION_FIELDS, Event, EventMaterial, Invitation, Registration

# How far from the organiser school's today an event may be planned (the form offers the same window).
EVENT_YEARS = {"back": 1, "ahead": 2}

EDITABLE = (
    "kind",
    "title",
    "description",
    "starts_at",
    "ends_at",
    "place",
    "online_link",
    "capacity",
    "circle",
    "association",
)


def _full_clean(instance):
    """full_clean, with each violated constraint's error shown on its field."""
    full_clean_on_fields(instance, VIOLATION_FIELDS)


def _url(event):
    return reverse("network_events:detail", args=[event.pk])


def _local(event):
    return timezone.localtime(event.starts_at, event.school.tzinfo)


def _when(event):
    return _local(event).strftime("%d.%m.%Y %H:%M")


def _tell(people, *, event, kind, key, title, body=""):
    """Notify each active person with an account once about (kind, key)."""
    sent = 0
    with translation.override("ru"):
        for person in people:
            user = person.user
            if user is None or not user.is_active:
                continue
            if notification_send(
                user=user, school=event.school, kind=kind, key=key, title=str(title), body=body, url=_url(event)
            ):
                sent += 1
    return sent


def _registered_or_waiting(event):
    """The people who hold a place or a turn on the waiting list: told of a change or a cancellation."""
    return StaffMember.objects.filter(
        network_event_registrations__event=event,
        network_event_registrations__status__in=(Registration.Status.REGISTERED, Registration.Status.WAITLISTED),
    ).select_related("user")


def _check(event):
    if event.circle == Circle.NETWORK and event.school.network_id is None:
        raise ValidationError({"circle": _("Your school is in no network: the event can be for the school only.")})
    if event.association_id and event.association.school_id != event.school_id:
        raise ValidationError({"association": _("Choose an association of the organiser school.")})
    # The form's window of dates, by the organiser school's own date of each end.
    zone = event.school.tzinfo
    ends = (("date", event.starts_at), ("ends_at", event.ends_at))
    days = {name: timezone.localtime(moment, zone).date() for name, moment in ends if moment is not None}
    errors = check_dates(event.school, days, **EVENT_YEARS)
    if errors:
        raise ValidationError(errors)
    text_lengths_check(event)
    _full_clean(event)


def _set_leads(event, leads):
    allowed = event.school.network_school_ids()
    if any(person.school_id not in allowed for person in leads):
        raise ValidationError({"leads": _("Leads come from the schools of the network.")})
    event.leads.set(leads)


@transaction.atomic
def event_create(*, school, created_by, leads=(), **fields):
    """A new planned event of `school`, typed by `created_by` (its organiser)."""
    unknown = set(fields) - set(EDITABLE)
    if unknown:
        raise TypeError(f"unknown fields {unknown}")
    event = Event(school=school, created_by=created_by, **fields)
    _check(event)
    event.save()
    _set_leads(event, leads)
    return event


@transaction.atomic
def event_update(*, event, leads=None, **fields):
    """Change an open event. A raised capacity lets the waiting list in; a lowered
    one may not drop people already registered. The registered hear of a new
    time or place."""
    event = Event.objects.select_for_update().select_related("school").get(pk=event.pk)
    if not event.is_open:
        raise ValidationError(_("A held or cancelled event is not changed."))
    before = (event.starts_at, event.ends_at, event.place, event.online_link)
    for name, value in fields.items():
        if name not in EDITABLE:
            raise TypeError(f"unknown field {name}")
        setattr(event, name, value)
    _check(event)
    registered = event.registrations.filter(status=Registration.Status.REGISTERED).count()
    if event.capacity is not None and event.capacity < registered:
        raise ValidationError(
            {
                "capacity": _("%(count)s people are registered already: the capacity cannot be lower.")
                % {"count": registered}
            }
        )
    event.save()
    if leads is not None:
        _set_leads(event, leads)
    _promote(event, notify=True)
    if before != (event.starts_at, event.ends_at, event.place, event.online_link):
        _tell(
            _registered_or_waiting(event),
            event=event,
            kind=Notification.Kind.EVENT_REMINDER,
            key=f"event-changed:{event.pk}:{int(timezone.now().timestamp())}",
            title=_("Changed: %(title)s, %(when)s") % {"title": quoted(event.title), "when": _when(event)},
            body=event.place or event.online_link,
        )
    return event


@transaction.atomic
def event_cancel(*, event):
    """Cancel an open event; everyone registered or waiting hears of it."""
    event = Event.objects.select_for_update().select_related("school").get(pk=event.pk)
    if event.status != Event.Status.PLANNED:
        raise ValidationError(_("Only a planned event is cancelled."))
    event.status = Event.Status.CANCELLED
    event.save(update_fields=["status"])
    _tell(
        _registered_or_waiting(event),
        event=event,
        kind=Notification.Kind.EVENT_CANCELLED,
        key=f"event:{event.pk}",
        title=_("Cancelled: %(title)s, %(when)s") % {"title": quoted(event.title), "when": _when(event)},
    )
    return event


def event_hold(*, event, now=None):
    """Mark a started event as held (attendance may then be marked)."""
    now = now or timezone.now()
    if event.status == Event.Status.CANCELLED:
        raise ValidationError(_("A cancelled event is not held."))
    if event.starts_at > now:
        raise ValidationError(_("The event has not started yet."))
    if event.status != Event.Status.HELD:
        event.status = Event.Status.HELD
        event.save(update_fields=["status"])
    return event


@transaction.atomic
def invitation_add(*, event, school=None, association=None, staff=None):
    """Invite a school, an association or a person of the organiser's network;
    the people invited hear of it once."""
    if not event.is_open:
        raise ValidationError(_("Invitations are sent to planned events only."))
    target_school_id = (
        school.pk if school else association.school_id if association else staff.school_id if staff else None
    )
    if target_school_id is None or target_school_id not in event.school.network_school_ids():
        raise ValidationError({"school": _("Invite schools, associations and people of your network only.")})
    if staff is not None and not staff.is_active:
        raise ValidationError({"staff": _("%(name)s no longer works at the school.") % {"name": staff}})
    invitation = Invitation(event=event, school=school, association=association, staff=staff)
    _full_clean(invitation)
    invitation.save()
    _tell(
        invitation.people(),
        event=event,
        kind=Notification.Kind.EVENT_INVITATION,
        key=f"event:{event.pk}",
        title=_("You are invited: %(kind)s %(title)s, %(when)s")
        % {"kind": event.get_kind_display(), "title": quoted(event.title), "when": _when(event)},
        body=event.place or event.online_link,
    )
    return invitation


def _locked(event):
    return Event.objects.select_for_update().select_related("school").get(pk=event.pk)


def _registered_count(event):
    return event.registrations.filter(status=Registration.Status.REGISTERED).count()


def _promote(event, *, notify):
    """Let the first people of the waiting list into the free places (the event
    row is locked by the caller). Returns the promoted registrations."""
    if event.capacity is None:
        free = None
    else:
        free = event.capacity - _registered_count(event)
        if free <= 0:
            return []
    waiting = event.registrations.filter(status=Registration.Status.WAITLISTED).select_related("staff__user")
    promoted = list(waiting.order_by("created_at", "pk")[:free] if free is not None else waiting)
    for registration in promoted:
        registration.status = Registration.Status.REGISTERED
        registration.save(update_fields=["status"])
        if notify:
            _tell(
                [registration.staff],
                event=event,
                kind=Notification.Kind.EVENT_PLACE_FREED,
                key=f"registration:{registration.pk}:{int(registration.created_at.timestamp())}",
                title=_("A place is yours: %(title)s, %(when)s") % {"title": quoted(event.title), "when": _when(event)},
                body=event.place or event.online_link,
            )
    return promoted


@transaction.atomic
def registration_create(*, event, staff, now=None):
    """Register `staff` for an open event they may see: a place while there is
    one, else a turn on the waiting list. Registering again keeps one's place."""
    now = now or timezone.now()
    event = _locked(event)
    if not event.registration_open(now):
        raise ValidationError(_("Registration for this event is closed."))
    if not Event.objects.visible_to(Viewer.of_staff(staff)).filter(pk=event.pk).exists():
        raise ValidationError(_("This event is not open to you."))
    registration = Registration.objects.filter(event=event, staff=staff).first()
    if registration is not None and registration.status != Registration.Status.CANCELLED:
        return registration
    event.registered_count = _registered_count(event)
    status = Registration.Status.WAITLISTED if event.is_full else Registration.Status.REGISTERED
    if registration is None:
        registration = Registration(event=event, staff=staff, school_id=staff.school_id)
    registration.status = status
    registration.created_at = now
    registration.attended = None
    _full_clean(registration)
    registration.save()
    return registration


@transaction.atomic
def registration_cancel(*, event, staff, notify=True, now=None):
    """Give up one's place (or turn); the first on the waiting list takes the place
    and hears of it."""
    now = now or timezone.now()
    event = _locked(event)
    registration = Registration.objects.filter(event=event, staff=staff).first()
    if registration is None or registration.status == Registration.Status.CANCELLED:
        return registration
    if event.starts_at <= now:
        raise ValidationError(_("The event has started: registration is not changed any more."))
    registration.status = Registration.Status.CANCELLED
    registration.attended = None
    registration.save(update_fields=["status", "attended"])
    if event.is_open:
        _promote(event, notify=notify)
    return registration


@transaction.atomic
def attendance_mark(*, event, attended, now=None):
    """Mark who came: `attended` maps a registration's pk to True/False. Only the
    registered are marked; marking holds the event."""
    event = _locked(event)
    event_hold(event=event, now=now)
    rows = {r.pk: r for r in event.registrations.filter(status=Registration.Status.REGISTERED)}
    for pk, came in attended.items():
        registration = rows.get(pk)
        if registration is None:
            raise ValidationError(_("Only people registered for the event are marked."))
        if registration.attended != came:
            registration.attended = came
            registration.save(update_fields=["attended"])
    return event


def registrations_erase(*, staff, now):
    """Delete a person's registrations for events still to come (an erasure of
    their personal data); each event's waiting list moves up with no notices.
    Past registrations stay for the counts of who came. Returns how many went."""
    future = Registration.objects.filter(staff_id=staff.pk, event__starts_at__gt=now)
    removed = 0
    for event_id in list(future.values_list("event_id", flat=True).distinct()):
        with transaction.atomic():
            event = _locked(Event(pk=event_id))
            removed += Registration.objects.filter(event=event, staff_id=staff.pk).delete()[0]
            if event.is_open:
                _promote(event, notify=False)
    return removed


# Materials attached after the event -----------------------------------------------


@transaction.atomic
def event_material_attach(*, event, material, staff):
    """Attach a community material to the event once it is held. The organiser (the
    view's rule) attaches only what their own card may see, and never a draft: the
    material's circle still decides who sees it on the event page. The event row is
    locked: two posts of the same material at once attach it once."""
    event = _locked(event)
    if event.status != Event.Status.HELD:
        raise ValidationError(_("Materials are attached once the event is held."))
    visible = Material.objects.visible_to(Viewer.of_staff(staff)).exclude(circle=Circle.DRAFT)
    if not visible.filter(pk=material.pk).exists():
        raise ValidationError({"material": _("Choose a shared material you can see.")})
    if EventMaterial.objects.filter(event=event, material=material).exists():
        raise ValidationError({"material": _("This material is already attached.")})
    attached = EventMaterial(event=event, material=material, attached_by=staff)
    _full_clean(attached)
    attached.save()
    return attached


def event_material_detach(*, event, material):
    """Take a material off the event; the material itself stays in the community."""
    return EventMaterial.objects.filter(event=event, material=material).delete()[0] > 0
