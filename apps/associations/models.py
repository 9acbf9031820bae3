"""The subject association's workspace (ШМО / УМО): the year plan «план работы МО на
год», its meetings «заседания» with agenda, attendance and short minutes, the
decisions «решения» with a responsible person and a due date, and the network
associations «сетевое методическое объединение» that join the associations of one
subject across the schools of a network.

The members of an association are read from the staff registry
(`StaffMember.association`) and never copied here.
"""

from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.utils.translation import gettext_lazy as _

from apps.accounts.models import School, SchoolNetwork
from apps.core.dates import academic_year_span
from apps.core.tenancy import SchoolScopedQuerySet, scoped_queryset
from apps.core.validation import bounded_texts
from apps.staff.models import StaffMember, SubjectAssociation

# A database constraint's violation (by its violation_error_code) is shown next to this field.
VIOLATION_FIELDS = {
    "network_association_name_taken": "name",
    "already_member": "association",
    "plan_exists": "year",
    "meeting_number_taken": "number",
    "held_without_date": "held_on",
    "minutes_before_held": "minutes",
    "attendance_twice": "staff",
}


def members_q(association_id):
    """The members of an association (an id, an `OuterRef` or a prepared query's `Param`),
    as a condition on the staff registry: the active cards that name it."""
    return Q(association_id=association_id, is_active=True)


def seen_in_school(school_id):
    """The network associations seen in a school (an id or a prepared query's `Param`):
    its own, and those one of its associations is a member of."""
    members = NetworkAssociationMember.objects.filter(
        network_association=OuterRef("pk"), association__school_id=school_id
    )
    return Q(school_id=school_id) | Exists(members)


class NetworkAssociationQuerySet(SchoolScopedQuerySet):
    """A network association belongs to the lead association's school (`for_school`:
    the rows the school owns, as the name sweep of an erasure reads them) and is seen
    by every school whose association is a member of it (`seen_in_school`)."""

    def seen_in_school(self, school_id):
        return self.filter(seen_in_school(school_id))


class NetworkAssociation(models.Model):
    """«Сетевое методическое объединение»: the associations of one subject across the
    schools of a network, led by one of them."""

    network = models.ForeignKey(
        SchoolNetwork, verbose_name=_("network"), related_name="associations", on_delete=models.CASCADE
    )
    name = models.CharField(_("name"), max_length=200)
    subject_name = models.CharField(_("subject"), max_length=100)
    lead_association = models.ForeignKey(
        SubjectAssociation, verbose_name=_("lead association"), related_name="led_networks", on_delete=models.PROTECT
    )
    # The lead association's school: the owner, who manages it.
    school = models.ForeignKey(School, verbose_name=_("school"), related_name="+", on_delete=models.CASCADE)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = NetworkAssociationQuerySet.as_manager()

    class Meta:
        verbose_name = _("network methodical association")
        verbose_name_plural = _("network methodical associations")
        ordering = ["name", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["network", "name"],
                name="network_association_name_unique",
                violation_error_code="network_association_name_taken",
                violation_error_message=_("The network already has an association with this name."),
            ),
        ]

    def __str__(self):
        return self.name


class NetworkAssociationMember(models.Model):
    network_association = models.ForeignKey(
        NetworkAssociation, verbose_name=_("network association"), related_name="members", on_delete=models.CASCADE
    )
    association = models.ForeignKey(
        SubjectAssociation,
        verbose_name=_("subject association"),
        related_name="network_memberships",
        on_delete=models.CASCADE,
    )

    objects = scoped_queryset("network_association__school").as_manager()

    class Meta:
        verbose_name = _("member association")
        verbose_name_plural = _("member associations")
        constraints = [
            models.UniqueConstraint(
                fields=["network_association", "association"],
                name="network_association_member_once",
                violation_error_code="already_member",
                violation_error_message=_("This association is already a member."),
            ),
        ]

    def __str__(self):
        return str(self.association)


@bounded_texts
class YearPlan(models.Model):
    """«План работы МО на год» of a school's association."""

    association = models.ForeignKey(
        SubjectAssociation, verbose_name=_("subject association"), related_name="year_plans", on_delete=models.CASCADE
    )
    school = models.ForeignKey(School, verbose_name=_("school"), related_name="+", on_delete=models.CASCADE)
    # The academic year, named by its first calendar year (apps.core.dates.academic_year_of).
    year = models.PositiveSmallIntegerField(_("academic year"))
    head = models.ForeignKey(
        StaffMember,
        verbose_name=_("head of the association"),
        related_name="headed_plans",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
    )
    theme = models.CharField(_("methodical theme"), max_length=300, blank=True)
    goals = models.TextField(_("goals and tasks"), max_length=2000, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = SchoolScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("year plan of the association")
        verbose_name_plural = _("year plans of the associations")
        ordering = ["-year", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["association", "year"],
                name="year_plan_once_per_association",
                violation_error_code="plan_exists",
                violation_error_message=_("The association already has a plan for this year."),
            ),
        ]

    def __str__(self):
        return f"{self.association}, {academic_year_span(self.year)}"


class MeetingStatus(models.TextChoices):
    PLANNED = "planned", _("planned")
    HELD = "held", _("held")
    CANCELLED = "cancelled", _("cancelled")


@bounded_texts
class Meeting(models.Model):
    """«Заседание» of an association: planned, then held (attendance, minutes), or cancelled."""

    Status = MeetingStatus

    plan = models.ForeignKey(YearPlan, verbose_name=_("year plan"), related_name="meetings", on_delete=models.CASCADE)
    school = models.ForeignKey(School, verbose_name=_("school"), related_name="+", on_delete=models.CASCADE)
    number = models.PositiveSmallIntegerField(_("meeting number"))
    planned_on = models.DateField(_("date"))
    starts_at = models.TimeField(_("starts at"), null=True, blank=True)
    place = models.CharField(_("place"), max_length=200, blank=True)
    online_link = models.URLField(_("online link"), blank=True)
    agenda = models.TextField(_("agenda"), max_length=2000)
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.PLANNED)
    held_on = models.DateField(_("held on"), null=True, blank=True)
    minutes = models.TextField(_("short minutes"), max_length=6000, blank=True)
    minutes_by = models.ForeignKey(
        StaffMember,
        verbose_name=_("minutes taken by"),
        related_name="+",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
    )

    objects = SchoolScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("meeting of the association")
        verbose_name_plural = _("meetings of the association")
        ordering = ["plan", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["plan", "number"],
                name="meeting_number_unique",
                violation_error_code="meeting_number_taken",
                violation_error_message=_("The plan already has a meeting with this number."),
            ),
            models.CheckConstraint(
                condition=Q(status="held", held_on__isnull=False) | (~Q(status="held") & Q(held_on__isnull=True)),
                name="meeting_held_has_date",
                violation_error_code="held_without_date",
                violation_error_message=_("A held meeting has the date it was held on, and only it."),
            ),
            models.CheckConstraint(
                condition=Q(minutes="") | Q(status="held"),
                name="meeting_minutes_only_when_held",
                violation_error_code="minutes_before_held",
                violation_error_message=_("Minutes are written for a held meeting."),
            ),
            models.CheckConstraint(condition=Q(status__in=MeetingStatus.values), name="meeting_status_known"),
            models.CheckConstraint(condition=Q(number__gt=0), name="meeting_number_positive"),
        ]
        indexes = [
            # The calendars: a school's meetings by date.
            models.Index(fields=["school", "planned_on"], name="meeting_school_date"),
        ]

    def __str__(self):
        return _("Meeting No. %(number)s") % {"number": self.number}

    @property
    def is_held(self):
        return self.status == self.Status.HELD


class MeetingAttendance(models.Model):
    meeting = models.ForeignKey(Meeting, verbose_name=_("meeting"), related_name="attendance", on_delete=models.CASCADE)
    staff = models.ForeignKey(
        StaffMember, verbose_name=_("staff member"), related_name="association_attendance", on_delete=models.PROTECT
    )
    present = models.BooleanField(_("present"), default=True)

    objects = scoped_queryset("meeting__school").as_manager()

    class Meta:
        verbose_name = _("attendance at a meeting")
        verbose_name_plural = _("attendance at meetings")
        ordering = ["meeting", "staff__last_name", "staff__first_name", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "staff"],
                name="meeting_attendance_once",
                violation_error_code="attendance_twice",
                violation_error_message=_("This person is already on the attendance list."),
            ),
        ]
        indexes = [models.Index(fields=["staff", "meeting"], name="meeting_attendance_staff")]

    def __str__(self):
        return f"{self.staff}: {self.present}"


class DecisionQuerySet(SchoolScopedQuerySet):
    def open(self):
        """The decisions not yet done (the partial indexes' condition)."""
        return self.filter(done_on__isnull=True)


@bounded_texts
class Decision(models.Model):
    """«Решение» of a meeting: what is to be done, by whom «ответственный», by when «срок»."""

    meeting = models.ForeignKey(Meeting, verbose_name=_("meeting"), related_name="decisions", on_delete=models.CASCADE)
    school = models.ForeignKey(School, verbose_name=_("school"), related_name="+", on_delete=models.CASCADE)
    text = models.TextField(_("decision"), max_length=1000)
    responsible = models.ForeignKey(
        StaffMember, verbose_name=_("responsible"), related_name="association_decisions", on_delete=models.PROTECT
    )
    due_on = models.DateField(_("due on"))
    done_on = models.DateField(_("done on"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = DecisionQuerySet.as_manager()

    class Meta:
        verbose_name = _("decision of the association")
        verbose_name_plural = _("decisions of the association")
        ordering = ["due_on", "pk"]
        indexes = [
            # The day-before reminder sweep.
            models.Index(fields=["due_on"], condition=Q(done_on__isnull=True), name="decision_open_due"),
            # «Мои дела»: one's open decisions.
            models.Index(
                fields=["responsible", "due_on"], condition=Q(done_on__isnull=True), name="decision_responsible_open"
            ),
        ]

    def __str__(self):
        return self.text[:60]

    def is_overdue(self, today):
        """Not done, and its due day is past by the school's `today`."""
        return self.done_on is None and self.due_on < today
