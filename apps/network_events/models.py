"""Network events: seminars, master classes, coaching sessions, webinars and open
lessons, organised by a school (or one of its subject associations) for the
school or for the whole network. People register, up to the capacity; the others
wait on a waiting list «лист ожидания» in the order they came.
"""

from dataclasses import replace

from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.utils.translation import gettext_lazy as _

from apps.accounts.models import School
from apps.community.models import Material
from apps.core.prepared import ParamList
from apps.core.tenancy import Circle, CircleScopedQuerySet
from apps.core.validation import bounded_texts
from apps.staff.models import StaffMember, SubjectAssociation

# A violated constraint's code -> the form field it is shown on.
VIOLATION_FIELDS = {
    "ends_before_start": "ends_at",
    "no_place": "place",
    "capacity_zero": "capacity",
    "circle_unknown": "circle",
    "kind_unknown": "kind",
    "invitation_target": "school",
    "invited_twice": "school",
    "registered_twice": "staff",
}


class EventQuerySet(CircleScopedQuerySet):
    """An event is seen by its school (circle `school`), by the schools of the
    organiser's network (circle `network`), by its organiser and leads, and by
    whoever is invited: the viewer's school, association or the viewer in person."""

    def visible_q(self, viewer):
        # Events have no author branch and no association circle: the school and
        # network branches of the shared rule, plus the creator and invitations.
        q = super().visible_q(replace(viewer, staff_id=None, association_ids=()))
        if viewer.staff_id is not None:
            # Its organiser and its leads, a lead from another school of the network too.
            leads = self.model.leads.through.objects.filter(event_id=OuterRef("pk"), staffmember_id=viewer.staff_id)
            q |= Q(created_by_id=viewer.staff_id) | Q(Exists(leads))
        invited = Invitation.objects.reaching(
            school_id=viewer.school_id, staff=viewer.staff_id, associations=viewer.association_ids
        )
        return q | Q(Exists(invited.filter(event=OuterRef("pk"))))


def _one_of(field, value):
    """`field` matching `value`: a prepared query's marker, a list or subquery, or one value."""
    if isinstance(value, ParamList):
        return Q(**{f"{field}__any": value})
    if isinstance(value, models.QuerySet):
        return Q(**{f"{field}__in": value})
    if isinstance(value, list | tuple | set | frozenset):
        return Q(**{f"{field}__in": tuple(value)}) if value else None
    return None if value is None else Q(**{field: value})


class InvitationQuerySet(models.QuerySet):
    def reaching(self, *, school_id=None, staff=None, associations=()):
        """The invitations that reach a person: to their school, to their association
        or to them in person. Each of `school_id`, `staff` (cards) and `associations`
        is one value, a list or subquery, or a prepared query's marker; the people an
        invitation tells are its inverse, `Invitation.people`."""
        branches = [
            branch
            for branch in (
                _one_of("school_id", school_id),
                _one_of("staff_id", staff),
                _one_of("association_id", associations),
            )
            if branch is not None
        ]
        if not branches:
            return self.none()
        q = branches[0]
        for branch in branches[1:]:
            q |= branch
        return self.filter(q)


class EventKind(models.TextChoices):
    SEMINAR = "seminar", _("seminar")
    MASTER_CLASS = "master_class", _("master class")
    COACHING = "coaching", _("coaching session")
    WEBINAR = "webinar", _("webinar")
    OPEN_LESSON = "open_lesson", _("open lesson")


@bounded_texts
class Event(models.Model):
    Kind = EventKind

    class Status(models.TextChoices):
        PLANNED = "planned", _("planned")
        HELD = "held", _("held")
        CANCELLED = "cancelled", _("cancelled")

    # Who sees an event: its school, or the whole network (invitations add people).
    CIRCLES = (Circle.SCHOOL, Circle.NETWORK)

    school = models.ForeignKey(
        School, verbose_name=_("organiser school"), related_name="network_events", on_delete=models.CASCADE
    )
    association = models.ForeignKey(
        SubjectAssociation,
        verbose_name=_("organising association"),
        related_name="network_events",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
    )
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices, default=Kind.SEMINAR)
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), max_length=4000, blank=True)
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"))
    place = models.CharField(_("place"), max_length=300, blank=True)
    online_link = models.URLField(_("online link"), max_length=500, blank=True)
    capacity = models.PositiveSmallIntegerField(
        _("capacity"), null=True, blank=True, help_text=_("Leave empty when places are not limited.")
    )
    circle = models.CharField(
        _("who sees it"), max_length=16, choices=[(c.value, c.label) for c in CIRCLES], default=Circle.NETWORK
    )
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.PLANNED)
    leads = models.ManyToManyField(StaffMember, verbose_name=_("leads"), related_name="led_network_events", blank=True)
    created_by = models.ForeignKey(
        StaffMember, verbose_name=_("created by"), related_name="created_network_events", on_delete=models.PROTECT
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = EventQuerySet.as_manager()

    class Meta:
        verbose_name = _("network event")
        verbose_name_plural = _("network events")
        ordering = ["starts_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=models.F("starts_at")),
                name="event_ends_after_start",
                violation_error_code="ends_before_start",
                violation_error_message=_("The event ends after it starts."),
            ),
            models.CheckConstraint(
                condition=~Q(place="") | ~Q(online_link=""),
                name="event_place_or_link",
                violation_error_code="no_place",
                violation_error_message=_("Give a place or an online link."),
            ),
            models.CheckConstraint(
                condition=Q(capacity__isnull=True) | Q(capacity__gt=0),
                name="event_capacity_positive",
                violation_error_code="capacity_zero",
                violation_error_message=_("The capacity is at least one place."),
            ),
            models.CheckConstraint(
                condition=Q(circle__in=[Circle.SCHOOL, Circle.NETWORK]),
                name="event_circle_school_or_network",
                violation_error_code="circle_unknown",
            ),
            models.CheckConstraint(
                condition=Q(kind__in=EventKind.values),
                name="event_kind_known",
                violation_error_code="kind_unknown",
            ),
        ]
        indexes = [
            models.Index(fields=["school", "starts_at"], name="event_school_start"),
            # The network's calendar of events, and the eve sweep.
            models.Index(fields=["starts_at"], condition=Q(circle="network"), name="event_network_start"),
        ]

    def __str__(self):
        return self.title

    @property
    def is_open(self):
        """A planned event: it is still changed, invited to and cancelled."""
        return self.status == self.Status.PLANNED

    def registration_open(self, now):
        """People register (or join the waiting list) for a planned event until it starts."""
        return self.is_open and self.starts_at > now

    @property
    def is_full(self):
        """Every place is taken: `registered_count` is annotated by the selectors, or
        counted by a service under the event's lock."""
        return self.capacity is not None and self.registered_count >= self.capacity


class Invitation(models.Model):
    """An invitation to a school, a subject association or one person of the
    organiser's network: they see the event, and the people are told."""

    event = models.ForeignKey(Event, related_name="invitations", on_delete=models.CASCADE)
    school = models.ForeignKey(
        School, verbose_name=_("school"), related_name="+", on_delete=models.CASCADE, null=True, blank=True
    )
    association = models.ForeignKey(
        SubjectAssociation,
        verbose_name=_("subject association"),
        related_name="+",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
    )
    staff = models.ForeignKey(
        StaffMember,
        verbose_name=_("person"),
        related_name="network_event_invitations",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = InvitationQuerySet.as_manager()

    class Meta:
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")
        ordering = ["pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(school__isnull=False, association__isnull=True, staff__isnull=True)
                | Q(school__isnull=True, association__isnull=False, staff__isnull=True)
                | Q(school__isnull=True, association__isnull=True, staff__isnull=False),
                name="invitation_one_target",
                violation_error_code="invitation_target",
                violation_error_message=_("Invite one school, association or person at a time."),
            ),
            models.UniqueConstraint(
                fields=["event", "school"],
                condition=Q(school__isnull=False),
                name="invitation_school_once",
                violation_error_code="invited_twice",
                violation_error_message=_("Already invited."),
            ),
            models.UniqueConstraint(
                fields=["event", "association"],
                condition=Q(association__isnull=False),
                name="invitation_association_once",
                violation_error_code="invited_twice",
                violation_error_message=_("Already invited."),
            ),
            models.UniqueConstraint(
                fields=["event", "staff"],
                condition=Q(staff__isnull=False),
                name="invitation_staff_once",
                violation_error_code="invited_twice",
                violation_error_message=_("Already invited."),
            ),
        ]

    def __str__(self):
        return str(self.target)

    @property
    def target(self):
        return self.school or self.association or self.staff

    def people(self):
        """Who this invitation reaches and tells: the people still working in its school,
        its association, or the person (the inverse of `InvitationQuerySet.reaching`)."""
        target = Q(school_id=self.school_id) if self.school_id else Q(association_id=self.association_id)
        if self.staff_id:
            target = Q(pk=self.staff_id)
        return StaffMember.objects.filter(target, is_active=True).select_related("user")


class Registration(models.Model):
    """A person's place at an event, or their turn on the waiting list."""

    class Status(models.TextChoices):
        REGISTERED = "registered", _("registered")
        WAITLISTED = "waitlisted", _("on the waiting list")
        CANCELLED = "cancelled", _("cancelled")

    event = models.ForeignKey(Event, related_name="registrations", on_delete=models.CASCADE)
    staff = models.ForeignKey(
        StaffMember, verbose_name=_("person"), related_name="network_event_registrations", on_delete=models.PROTECT
    )
    school = models.ForeignKey(School, verbose_name=_("school"), related_name="+", on_delete=models.CASCADE)
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.REGISTERED)
    # The order of the waiting list: a promoted or re-registered person starts anew.
    created_at = models.DateTimeField(_("registered at"))
    attended = models.BooleanField(_("attended"), null=True, blank=True)

    class Meta:
        verbose_name = _("registration")
        verbose_name_plural = _("registrations")
        ordering = ["created_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["event", "staff"],
                name="registration_once",
                violation_error_code="registered_twice",
                violation_error_message=_("Already registered."),
            ),
            models.CheckConstraint(
                condition=Q(attended__isnull=True) | Q(status="registered"),
                name="registration_attended_only_registered",
            ),
        ]
        indexes = [
            models.Index(fields=["event", "status", "created_at"], name="registration_waitlist"),
            models.Index(fields=["staff", "status"], name="registration_staff"),
        ]

    def __str__(self):
        return f"{self.staff} · {self.event}"


class EventMaterial(models.Model):
    """A community material the organiser attached to the event afterwards. Who
    sees it on the event page is still the material's own circle: the page reads
    it through `Material.objects.visible_to`, never through this row alone."""

    event = models.ForeignKey(Event, related_name="attached_materials", on_delete=models.CASCADE)
    material = models.ForeignKey(
        Material, verbose_name=_("material"), related_name="network_events", on_delete=models.CASCADE
    )
    attached_by = models.ForeignKey(
        StaffMember, verbose_name=_("attached by"), related_name="+", on_delete=models.PROTECT
    )
    attached_at = models.DateTimeField(_("attached at"), auto_now_add=True)

    class Meta:
        verbose_name = _("material of the event")
        verbose_name_plural = _("materials of the event")
        ordering = ["attached_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["event", "material"],
                name="event_material_once",
                violation_error_code="material_attached_twice",
                violation_error_message=_("This material is already attached."),
            ),
        ]

    def __str__(self):
        return f"{self.event_id} · {self.material_id}"
