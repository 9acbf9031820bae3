"""Mentoring: pairs and triads with a curator, their schedule of work, network
pairs with a partner school, and individual development routes.

The curator method ("кураторская методика"): teachers work in pairs (dyads) or triads,
each coordinated by a curator, a more experienced teacher who is not a member.
"""

import secrets

from django.conf import settings
from django.db import models
from django.db.models import Exists, F, OuterRef, Q
from django.utils.translation import gettext_lazy as _

from apps.accounts.models import School
from apps.core.prepared import ParamList
from apps.core.tenancy import NetworkScopedQuerySet, SchoolScopedQuerySet, network_scoped_queryset, scoped_queryset
from apps.core.validation import bounded_texts
from apps.staff.models import StaffMember


class ProblemTag(models.Model):
    """A school-wide problem a group works on ("смысловое чтение", "дисциплина на уроке"...)."""

    school = models.ForeignKey(School, related_name="problem_tags", on_delete=models.CASCADE)
    name = models.CharField(_("name"), max_length=120)

    objects = SchoolScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("problem tag")
        verbose_name_plural = _("problem tags")
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["school", "name"], name="problem_tag_school_name_unique")]

    def __str__(self):
        return self.name


# Rows of a group (members, events, results): a network pair's parts belong to
# both of its schools, like the pair itself.
GroupPartQuerySet = network_scoped_queryset("group__school", "group__partner_school")


class GroupEventQuerySet(GroupPartQuerySet):
    def of_people(self, staff_ids):
        """A person's schedule: the events they take part in and every event of
        the pairs and triads they curate or are in. The one rule for the calendar
        pages and the board, so both show the same set (a curator sees her
        groups' visits she does not attend on both)."""
        return self.filter(events_of_people_q(staff_ids))


def events_of_people_q(staff_ids):
    """The condition of `GroupEventQuerySet.of_people`, to combine with others in one query.
    `staff_ids`: a list, a subquery, or a prepared query's `ParamList`."""
    takes_part = GroupEventParticipant.objects.filter(_among("staff", staff_ids), event=OuterRef("pk"))
    in_group = MentorGroupMember.objects.filter(_among("staff", staff_ids), group=OuterRef("group"))
    return Exists(takes_part) | _among("group__curator", staff_ids) | Exists(in_group)


def _among(relation, ids):
    """The rows whose `relation` is one of `ids`: `= ANY` for a prepared query's list."""
    if isinstance(ids, ParamList):
        return Q(**{f"{relation}__pk__any": ids})
    return Q(**{f"{relation}__in": ids})


class MentorGroupQuerySet(NetworkScopedQuerySet):
    """A network pair belongs to both its schools."""

    def active(self):
        return self.filter(status=MentorGroup.Status.ACTIVE)

    def open(self):
        """Groups still at work or that may resume: not completed, not dissolved."""
        return self.filter(status__in=MentorGroup.OPEN_STATUSES)

    def worked(self):
        """Groups that really worked: active now or once (a group dissolved while
        still forming never did). The dashboards count their members."""
        became_active = MentorGroupStatusChange.objects.filter(
            group=OuterRef("pk"), to_status=MentorGroup.Status.ACTIVE
        )
        return self.filter(
            Q(status__in=(MentorGroup.Status.ACTIVE, MentorGroup.Status.PAUSED, MentorGroup.Status.COMPLETED))
            | Q(Exists(became_active))
        )


@bounded_texts
class MentorGroup(models.Model):
    """A pair (dyad) or a triad of teachers coordinated by a curator."""

    class Kind(models.TextChoices):
        PAIR = "pair", _("pair")
        TRIAD = "triad", _("triad")

    class Status(models.TextChoices):
        FORMING = "forming", _("forming")
        ACTIVE = "active", _("active")
        PAUSED = "paused", _("paused")
        COMPLETED = "completed", _("completed")
        DISSOLVED = "dissolved", _("dissolved")
        # A curator's proposal the administration did not take up, with its reason.
        DECLINED = "declined", _("declined")

    SIZE = {Kind.PAIR: 2, Kind.TRIAD: 3}
    # Which status may follow which; completed, dissolved and declined are final.
    TRANSITIONS = {
        Status.FORMING: (Status.ACTIVE, Status.DISSOLVED, Status.DECLINED),
        Status.ACTIVE: (Status.PAUSED, Status.COMPLETED, Status.DISSOLVED),
        Status.PAUSED: (Status.ACTIVE, Status.COMPLETED, Status.DISSOLVED),
        Status.COMPLETED: (),
        Status.DISSOLVED: (),
        Status.DECLINED: (),
    }
    # A closed group (completed, dissolved or declined) is read, never changed; the others are open.
    CLOSED_STATUSES = (Status.COMPLETED, Status.DISSOLVED, Status.DECLINED)
    OPEN_STATUSES = (Status.FORMING, Status.ACTIVE, Status.PAUSED)
    # A forming or active group weighs on its teachers' load; a paused one does not.
    LOAD_STATUSES = (Status.FORMING, Status.ACTIVE)

    school = models.ForeignKey(School, related_name="mentor_groups", on_delete=models.PROTECT)
    partner_school = models.ForeignKey(
        School,
        verbose_name=_("partner school"),
        related_name="partner_mentor_groups",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        help_text=_("For a network pair: the school of the network the other members come from."),
    )
    kind = models.CharField(_("kind"), max_length=8, choices=Kind.choices, default=Kind.PAIR)
    curator = models.ForeignKey(
        StaffMember, verbose_name=_("curator"), related_name="curated_groups", on_delete=models.PROTECT
    )
    task = models.TextField(
        _("task"),
        max_length=4000,
        help_text=_("The concrete, hard problem the group solves together, in the teachers' own words."),
    )
    observed_aspect = models.CharField(
        _("observed aspect"),
        max_length=255,
        help_text=_("The one narrow aspect observers watch in a visited lesson, not the whole lesson."),
    )
    problem_tags = models.ManyToManyField(ProblemTag, verbose_name=_("problems"), related_name="groups", blank=True)
    starts_on = models.DateField(_("starts on"))
    planned_end_on = models.DateField(_("planned end"))
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.FORMING)
    # Proposed by a curator: it waits for the administration, who activate or decline it.
    is_proposal = models.BooleanField(_("proposed by the curator"), default=False, db_default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = MentorGroupQuerySet.as_manager()

    class Meta:
        verbose_name = _("mentor group")
        verbose_name_plural = _("mentor groups")
        ordering = ["-starts_on", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(planned_end_on__gte=F("starts_on")), name="mentor_group_end_after_start"
            ),
            models.CheckConstraint(
                condition=Q(partner_school__isnull=True) | ~Q(partner_school=F("school")),
                name="mentor_group_partner_is_another_school",
            ),
            # Only a proposal is declined; a group the administration formed is dissolved.
            models.CheckConstraint(
                condition=~Q(status="declined") | Q(is_proposal=True), name="mentor_group_declined_was_proposal"
            ),
        ]
        indexes = [
            # Boards and load counts: a school's groups by status.
            models.Index(fields=["school", "status"], name="mentor_group_school_status"),
            models.Index(fields=["partner_school", "status"], name="mentor_group_partner_status"),
        ]

    def __str__(self):
        return group_name(self.kind, self.pk)

    @property
    def is_network(self):
        return self.partner_school_id is not None

    @property
    def is_open(self):
        return self.status in self.OPEN_STATUSES

    @property
    def size(self):
        return self.SIZE[self.kind]


class MentorGroupMember(models.Model):
    """A teacher in a group. `slot` (1–3) caps a group at three members in the
    database; a deferred constraint trigger (migration 0002) checks at commit
    that a pair has exactly two members, a triad three, none of them the curator,
    all from the group's school or its partner school."""

    class Role(models.TextChoices):
        MENTOR = "mentor", _("mentor")
        MENTEE = "mentee", _("mentee")
        PEER = "peer", _("peer")

    group = models.ForeignKey(MentorGroup, related_name="members", on_delete=models.CASCADE)
    staff = models.ForeignKey(StaffMember, related_name="group_memberships", on_delete=models.PROTECT)
    role = models.CharField(_("role"), max_length=8, choices=Role.choices)
    slot = models.PositiveSmallIntegerField()

    objects = GroupPartQuerySet.as_manager()

    class Meta:
        verbose_name = _("group member")
        verbose_name_plural = _("group members")
        ordering = ["slot"]
        constraints = [
            models.UniqueConstraint(fields=["group", "staff"], name="mentor_member_once_per_group"),
            models.UniqueConstraint(fields=["group", "slot"], name="mentor_member_slot_unique"),
            models.CheckConstraint(condition=Q(slot__gte=1, slot__lte=3), name="mentor_member_at_most_three"),
        ]
        indexes = [models.Index(fields=["staff", "group"], name="mentor_member_staff")]

    def __str__(self):
        return f"{self.staff} ({self.get_role_display()})"


@bounded_texts
class MentorGroupStatusChange(models.Model):
    """The history of a group's status: who changed it, when and why."""

    group = models.ForeignKey(MentorGroup, related_name="status_changes", on_delete=models.CASCADE)
    from_status = models.CharField(max_length=16, choices=MentorGroup.Status.choices, blank=True)
    to_status = models.CharField(max_length=16, choices=MentorGroup.Status.choices)
    reason = models.TextField(_("reason"), max_length=2000, blank=True)
    changed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True)
    changed_at = models.DateTimeField(auto_now_add=True)

    objects = GroupPartQuerySet.as_manager()

    class Meta:
        ordering = ["-changed_at", "-pk"]

    def __str__(self):
        return f"{self.from_status} → {self.to_status}"


@bounded_texts
class GroupEvent(models.Model):
    """An entry of a group's schedule of work, kept by its curator."""

    class Kind(models.TextChoices):
        LESSON_VISIT = "lesson_visit", _("lesson visit")
        REVERSE_VISIT = "reverse_visit", _("reverse visit")
        MEETING = "meeting", _("meeting")
        DEBRIEF = "debrief", _("debrief")

    class Status(models.TextChoices):
        PLANNED = "planned", _("planned")
        HELD = "held", _("held")
        CANCELLED = "cancelled", _("cancelled")

    # A lesson visit has observers, feedback and a 48-hour debrief: it is planned
    # as a visit (apps.visits), which puts it here; a plain entry never is one.
    VISIT_KINDS = (Kind.LESSON_VISIT, Kind.REVERSE_VISIT)

    group = models.ForeignKey(MentorGroup, related_name="events", on_delete=models.CASCADE)
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices, default=Kind.MEETING)
    title = models.CharField(_("topic"), max_length=255)
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"))
    place = models.CharField(_("place"), max_length=255, blank=True)
    notes = models.TextField(_("notes"), max_length=4000, blank=True)
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.PLANNED)
    participants = models.ManyToManyField(
        StaffMember, verbose_name=_("participants"), related_name="group_events", through="GroupEventParticipant"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = GroupEventQuerySet.as_manager()

    class Meta:
        verbose_name = _("scheduled event")
        verbose_name_plural = _("schedule of work")
        ordering = ["starts_at", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(ends_at__gt=F("starts_at")), name="group_event_ends_after_start"),
        ]
        indexes = [
            models.Index(fields=["group", "starts_at"], name="group_event_group_start"),
            # The visits sweep (entries of held visits) and the curator's "not marked as
            # held": planned entries by their end.
            models.Index(fields=["ends_at"], condition=Q(status="planned"), name="group_event_planned_end"),
        ]

    def __str__(self):
        return self.title


class GroupEventParticipant(models.Model):
    event = models.ForeignKey(GroupEvent, related_name="participations", on_delete=models.CASCADE)
    staff = models.ForeignKey(StaffMember, related_name="event_participations", on_delete=models.CASCADE)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["event", "staff"], name="group_event_participant_once"),
        ]
        indexes = [
            # Calendars and the double-booking check start from a person.
            models.Index(fields=["staff", "event"], name="event_participant_staff"),
        ]

    def __str__(self):
        return f"{self.staff} @ {self.event_id}"


class NetworkPairResult(models.Model):
    """Network pairs present results four times a year."""

    class Form(models.TextChoices):
        VIDEO = "video", _("video")
        PROGRAMME = "programme", _("programme of interaction")
        MASTER_CLASS = "master_class", _("master class")
        OTHER = "other", _("other")

    group = models.ForeignKey(MentorGroup, related_name="results", on_delete=models.CASCADE)
    year = models.PositiveSmallIntegerField(_("year"))
    quarter = models.PositiveSmallIntegerField(_("quarter"), choices=[(q, q) for q in (1, 2, 3, 4)])
    form = models.CharField(_("form"), max_length=16, choices=Form.choices)
    title = models.CharField(_("title"), max_length=255)
    link = models.URLField(_("link"), blank=True)
    file = models.FileField(_("file"), upload_to="mentoring/results/%Y/", blank=True)
    file_size = models.PositiveIntegerField(default=0)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = GroupPartQuerySet.as_manager()

    class Meta:
        verbose_name = _("network pair result")
        verbose_name_plural = _("network pair results")
        ordering = ["-year", "-quarter"]
        constraints = [
            models.UniqueConstraint(fields=["group", "year", "quarter"], name="network_result_one_per_quarter"),
            models.CheckConstraint(condition=Q(quarter__gte=1, quarter__lte=4), name="network_result_quarter_1_4"),
            models.CheckConstraint(condition=~Q(link="") | ~Q(file=""), name="network_result_link_or_file"),
        ]

    def __str__(self):
        return f"{self.year} Q{self.quarter}: {self.title}"


@bounded_texts
class DevelopmentRoute(models.Model):
    """An early-career teacher's individual development route (маршрут индивидуального развития)."""

    school = models.ForeignKey(School, related_name="development_routes", on_delete=models.PROTECT)
    teacher = models.ForeignKey(
        StaffMember, verbose_name=_("teacher"), related_name="development_routes", on_delete=models.PROTECT
    )
    mentor = models.ForeignKey(
        StaffMember, verbose_name=_("mentor"), related_name="mentored_routes", on_delete=models.PROTECT
    )
    goals = models.TextField(_("goals"), max_length=4000)
    starts_on = models.DateField(_("starts on"))
    created_at = models.DateTimeField(auto_now_add=True)

    objects = SchoolScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("development route")
        verbose_name_plural = _("development routes")
        ordering = ["-starts_on", "pk"]
        constraints = [
            models.CheckConstraint(condition=~Q(teacher=F("mentor")), name="route_mentor_is_someone_else"),
        ]

    def __str__(self):
        return str(self.teacher)


class RouteStep(models.Model):
    class Status(models.TextChoices):
        PLANNED = "planned", _("planned")
        IN_PROGRESS = "in_progress", _("in progress")
        DONE = "done", _("done")
        CANCELLED = "cancelled", _("cancelled")

    route = models.ForeignKey(DevelopmentRoute, related_name="steps", on_delete=models.CASCADE)
    title = models.CharField(_("step"), max_length=255)
    due_on = models.DateField(_("due on"))
    responsible = models.ForeignKey(
        StaffMember, verbose_name=_("responsible mentor"), related_name="route_steps", on_delete=models.PROTECT
    )
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.PLANNED)
    evidence_link = models.URLField(_("evidence link"), blank=True)
    evidence_file = models.FileField(_("evidence file"), upload_to="mentoring/evidence/%Y/", blank=True)
    evidence_event = models.ForeignKey(
        GroupEvent,
        verbose_name=_("evidence: a visited lesson"),
        related_name="route_steps",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
    )
    completed_on = models.DateField(_("completed on"), null=True, blank=True)

    objects = scoped_queryset("route__school").as_manager()

    class Meta:
        verbose_name = _("route step")
        verbose_name_plural = _("route steps")
        ordering = ["due_on", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="done") | Q(completed_on__isnull=False), name="route_step_done_has_date"
            ),
        ]
        indexes = [
            # Overdue steps on the boards: open steps by due date.
            models.Index(
                fields=["responsible", "due_on"],
                condition=Q(status__in=["planned", "in_progress"]),
                name="route_step_open_due",
            ),
        ]

    def __str__(self):
        return self.title


_GROUP_KINDS = dict(MentorGroup.Kind.choices)


def group_name(kind, number, *, kinds=None):
    """«пара №12»: a group as every page names it (also for groups read as plain columns);
    `kinds`: the kinds' labels already translated, for a list (apps.core.choices.translated_labels)."""
    return f"{(kinds or _GROUP_KINDS).get(kind, kind)} №{number}"


def new_feed_token():
    return secrets.token_urlsafe(24)


class CalendarFeed(models.Model):
    """A person's private iCalendar address; revoking it makes a new one."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, related_name="calendar_feed", on_delete=models.CASCADE)
    token = models.CharField(max_length=64, unique=True, default=new_feed_token)
    created_at = models.DateTimeField(auto_now=True)

    def __str__(self):
        return f"feed of {self.user}"
