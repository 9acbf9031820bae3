"""A leader school's programme of interaction and help to a school of its network
with lower results («программа взаимодействия и помощи»): the supported school's
professional difficulties, the forms of help agreed, the people responsible on
both sides, milestones with dates, and the two schools' review of the year.

A programme belongs to both of its schools: each sees its own programmes, and
the network's coordinator sees all of them (counts only).
"""

from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from apps.accounts.models import School, SchoolNetwork
from apps.community.models import Material
from apps.core.tenancy import network_scoped_queryset
from apps.core.validation import bounded_texts
from apps.mentoring.models import MentorGroup, ProblemTag
from apps.staff.models import StaffMember
from apps.teams.models import TaskTeam

# A programme's parts belong to both of its schools, like the programme.
ProgrammePartQuerySet = network_scoped_queryset("programme__leader_school", "programme__supported_school")

# A database constraint's violation (by its violation_error_code) is shown next to this field.
VIOLATION_FIELDS = {
    "programme_two_schools": "supported_school",
    "programme_once_a_year": "supported_school",
    "help_form_group_only_for_pair": "group",
    "help_form_team_only_for_team": "team",
    "help_form_one_link": "group",
    "responsible_once": "staff",
}


class ProgrammeQuerySet(network_scoped_queryset("leader_school", "supported_school")):
    """A programme is its leader school's and its supported school's."""


class ProgrammeStatus(models.TextChoices):
    DRAFT = "draft", _("draft")
    AGREED = "agreed", _("agreed")
    REVIEWED = "reviewed", _("year reviewed")


class HelpMilestoneQuerySet(ProgrammePartQuerySet):
    def open(self):
        """Milestones still to reach in a programme under way (agreed, not yet reviewed):
        the ones reminded of and listed in «Мои дела»."""
        return self.filter(done_on__isnull=True, programme__status=Programme.Status.AGREED)

    def shown(self):
        """Milestones of programmes the two schools agreed (under way or reviewed): what
        calendars and feeds show; a draft's are not yet anyone's work."""
        return self.filter(programme__status__in=Programme.SHOWN)


@bounded_texts
class Programme(models.Model):
    Status = ProgrammeStatus

    network = models.ForeignKey(SchoolNetwork, related_name="help_programmes", on_delete=models.PROTECT)
    leader_school = models.ForeignKey(
        School, verbose_name=_("leader school"), related_name="help_programmes_led", on_delete=models.PROTECT
    )
    supported_school = models.ForeignKey(
        School, verbose_name=_("supported school"), related_name="help_programmes_received", on_delete=models.PROTECT
    )
    # The academic year, by its first calendar year (2026 is 2026/27).
    year = models.PositiveSmallIntegerField(_("academic year"))
    title = models.CharField(_("title"), max_length=255)
    goal = models.TextField(_("goal"), max_length=2000, blank=True)
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.DRAFT)
    agreed_on = models.DateField(_("agreed on"), null=True, blank=True)
    review_leader = models.TextField(_("the leader school's analysis"), max_length=4000, blank=True)
    review_supported = models.TextField(_("the supported school's analysis"), max_length=4000, blank=True)
    results = models.TextField(_("results of the year"), max_length=4000, blank=True)
    reviewed_on = models.DateField(_("reviewed on"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ProgrammeQuerySet.as_manager()

    class Meta:
        verbose_name = _("programme of interaction and help")
        verbose_name_plural = _("programmes of interaction and help")
        ordering = ["-year", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(leader_school=F("supported_school")),
                name="programme_two_schools",
                violation_error_code="programme_two_schools",
                violation_error_message=_("The supported school is another school than the leader."),
            ),
            models.UniqueConstraint(
                fields=["leader_school", "supported_school", "year"],
                name="programme_once_a_year",
                violation_error_code="programme_once_a_year",
                violation_error_message=_("These two schools already have a programme for this year."),
            ),
            models.CheckConstraint(condition=Q(status__in=ProgrammeStatus.values), name="programme_status_known"),
            models.CheckConstraint(
                condition=Q(status="draft") | Q(agreed_on__isnull=False), name="programme_agreed_has_date"
            ),
            models.CheckConstraint(
                condition=Q(status="reviewed", reviewed_on__isnull=False)
                | (~Q(status="reviewed") & Q(reviewed_on__isnull=True)),
                name="programme_reviewed_has_date",
            ),
        ]
        indexes = [
            models.Index(fields=["supported_school", "year"], name="programme_supported_year"),
            models.Index(fields=["network", "year"], name="programme_network_year"),
        ]

    def __str__(self):
        return self.title

    @property
    def is_open(self):
        """A reviewed programme is kept as it was: nothing in it changes."""
        return self.status != self.Status.REVIEWED

    # Agreed, or agreed and reviewed: a programme whose milestones are shown on calendars.
    SHOWN = (Status.AGREED, Status.REVIEWED)

    @property
    def is_under_way(self):
        """Agreed and not yet reviewed: its milestones are worked on and marked done
        (a draft is agreed first)."""
        return self.status == self.Status.AGREED


class Difficulty(models.Model):
    """A professional difficulty of the supported school («профессиональное затруднение»)."""

    programme = models.ForeignKey(Programme, related_name="difficulties", on_delete=models.CASCADE)
    text = models.CharField(_("difficulty"), max_length=500)
    # The supported school's own list of problems (its pairs and groups work on them too).
    tag = models.ForeignKey(
        ProblemTag,
        verbose_name=_("problem"),
        related_name="help_difficulties",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
    )

    objects = ProgrammePartQuerySet.as_manager()

    class Meta:
        verbose_name = _("professional difficulty")
        verbose_name_plural = _("professional difficulties")
        ordering = ["pk"]

    def __str__(self):
        return self.text


class HelpFormKind(models.TextChoices):
    TUTORING = "tutoring", _("tutoring support")
    JOINT_SEMINAR = "joint_seminar", _("joint seminars")
    MUTUAL_VISITS = "mutual_visits", _("mutual lesson visits")
    NETWORK_PAIR = "network_pair", _("network pair")
    NETWORK_TEAM = "network_team", _("network team")
    SHARED_MATERIALS = "shared_materials", _("shared materials")
    OTHER = "other", _("other")


@bounded_texts
class HelpForm(models.Model):
    """A form of help agreed in the programme («форма помощи»)."""

    Kind = HelpFormKind

    programme = models.ForeignKey(Programme, related_name="help_forms", on_delete=models.CASCADE)
    kind = models.CharField(_("form of help"), max_length=16, choices=Kind.choices)
    description = models.TextField(_("what is done"), max_length=2000, blank=True)
    difficulty = models.ForeignKey(
        Difficulty,
        verbose_name=_("for the difficulty"),
        related_name="help_forms",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
    )
    group = models.ForeignKey(
        MentorGroup,
        verbose_name=_("network pair"),
        related_name="help_forms",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
    )
    team = models.ForeignKey(
        TaskTeam,
        verbose_name=_("network team"),
        related_name="help_forms",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
    )
    # The shared materials form links the community's materials; each is still
    # shown only to those its own circle lets see it.
    materials = models.ManyToManyField(
        Material, verbose_name=_("shared materials"), related_name="help_forms", blank=True
    )

    objects = ProgrammePartQuerySet.as_manager()

    class Meta:
        verbose_name = _("form of help")
        verbose_name_plural = _("forms of help")
        ordering = ["pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=HelpFormKind.values),
                name="help_form_kind_known",
            ),
            models.CheckConstraint(
                condition=Q(group__isnull=True) | Q(team__isnull=True),
                name="help_form_one_link",
                violation_error_code="help_form_one_link",
                violation_error_message=_("A form of help links a network pair or a team, not both."),
            ),
            models.CheckConstraint(
                condition=Q(group__isnull=True) | Q(kind="network_pair"),
                name="help_form_group_only_for_pair",
                violation_error_code="help_form_group_only_for_pair",
                violation_error_message=_("Only a network pair form links a pair."),
            ),
            models.CheckConstraint(
                condition=Q(team__isnull=True) | Q(kind="network_team"),
                name="help_form_team_only_for_team",
                violation_error_code="help_form_team_only_for_team",
                violation_error_message=_("Only a network team form links a team."),
            ),
        ]

    def __str__(self):
        return self.get_kind_display()


class ResponsibleSide(models.TextChoices):
    LEADER = "leader", _("leader school")
    SUPPORTED = "supported", _("supported school")


class Responsible(models.Model):
    """A person responsible for the programme on one side («ответственный»)."""

    Side = ResponsibleSide

    programme = models.ForeignKey(Programme, related_name="responsibles", on_delete=models.CASCADE)
    # The row stays on an erased person's anonymised card: who answered for what is the programme's history.
    staff = models.ForeignKey(
        StaffMember, verbose_name=_("person"), related_name="help_responsibilities", on_delete=models.PROTECT
    )
    side = models.CharField(_("side"), max_length=16, choices=Side.choices)
    role = models.CharField(_("responsible for"), max_length=200, blank=True)

    objects = ProgrammePartQuerySet.as_manager()

    class Meta:
        verbose_name = _("responsible person")
        verbose_name_plural = _("responsible people")
        ordering = ["side", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["programme", "staff"],
                name="programme_responsible_once",
                violation_error_code="responsible_once",
                violation_error_message=_("This person is already responsible in the programme."),
            ),
            models.CheckConstraint(
                condition=Q(side__in=ResponsibleSide.values), name="programme_responsible_side_known"
            ),
        ]

    def __str__(self):
        return str(self.staff)


@bounded_texts
class HelpMilestone(models.Model):
    """A milestone of the programme with its date («контрольная точка»)."""

    programme = models.ForeignKey(Programme, related_name="milestones", on_delete=models.CASCADE)
    title = models.CharField(_("milestone"), max_length=255)
    due_on = models.DateField(_("due on"))
    responsible = models.ForeignKey(
        StaffMember,
        verbose_name=_("responsible"),
        related_name="help_milestones",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
    )
    done_on = models.DateField(_("done on"), null=True, blank=True)
    note = models.TextField(_("note"), max_length=1000, blank=True)

    objects = HelpMilestoneQuerySet.as_manager()

    class Meta:
        verbose_name = _("milestone")
        verbose_name_plural = _("milestones")
        ordering = ["due_on", "pk"]
        indexes = [
            # The reminder sweep: open milestones by due date.
            models.Index(fields=["due_on"], condition=Q(done_on__isnull=True), name="help_milestone_open_due"),
            # «Мои дела» and the calendar: a person's milestones.
            models.Index(fields=["responsible", "due_on"], name="help_milestone_responsible"),
        ]

    def __str__(self):
        return self.title

    @property
    def is_done(self):
        return self.done_on is not None

    def is_overdue(self, today):
        """Not reached and due before `today` (the date of the school that asks)."""
        return self.done_on is None and self.due_on < today
