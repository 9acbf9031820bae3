"""Task teams and project groups: temporary teams "under a task".

Different tasks need different people with different experience,
knowledge and status; a team lives as long as its task, records what it
produced, is dissolved, and may be re-formed from its members for a new task.
A team may take in people of a partner school of the network.
"""

from django.conf import settings
from django.db import models
from django.db.models import Exists, F, OuterRef, Q
from django.utils.translation import gettext_lazy as _

from apps.accounts.models import School
from apps.core.tenancy import NetworkScopedQuerySet, network_scoped_queryset
from apps.core.validation import bounded_texts
from apps.staff.models import StaffMember

# Rows of a team (members, milestones, meetings...) belong to both of its schools.
TeamPartQuerySet = network_scoped_queryset("team__school", "team__partner_school")


class TaskTeamQuerySet(NetworkScopedQuerySet):
    """A team with members of a partner school belongs to both schools."""

    def open(self):
        return self.filter(status__in=TaskTeam.OPEN_STATUSES)

    def worked(self):
        """Teams that really worked: working or solved now, or working once (a team
        abandoned while still forming never did). The dashboards count their members."""
        began_work = TeamStatusChange.objects.filter(team=OuterRef("pk"), to_status=TaskTeam.Status.WORKING)
        return self.filter(Q(status__in=(TaskTeam.Status.WORKING, TaskTeam.Status.SOLVED)) | Q(Exists(began_work)))


@bounded_texts
class TaskTeam(models.Model):
    """A team formed around one task, with a deadline and a lifecycle."""

    class Kind(models.TextChoices):
        TASK_TEAM = "task_team", _("task team")
        PROJECT_GROUP = "project_group", _("project group")

    class Status(models.TextChoices):
        FORMING = "forming", _("forming")
        WORKING = "working", _("working")
        SOLVED = "solved", _("task solved")
        DISSOLVED = "dissolved", _("dissolved")
        ABANDONED = "abandoned", _("abandoned")

    # A solved team waits for its outcome; only then is it dissolved (team_dissolve).
    TRANSITIONS = {
        Status.FORMING: (Status.WORKING, Status.ABANDONED),
        Status.WORKING: (Status.SOLVED, Status.ABANDONED),
        Status.SOLVED: (Status.DISSOLVED,),
        Status.DISSOLVED: (),
        Status.ABANDONED: (),
    }
    # Members of these teams carry the load of the team.
    OPEN_STATUSES = (Status.FORMING, Status.WORKING, Status.SOLVED)
    CLOSED_STATUSES = (Status.DISSOLVED, Status.ABANDONED)

    school = models.ForeignKey(School, related_name="task_teams", on_delete=models.PROTECT)
    partner_school = models.ForeignKey(
        School,
        verbose_name=_("partner school"),
        related_name="partner_task_teams",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        help_text=_("A school of the network some members come from."),
    )
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices, default=Kind.TASK_TEAM)
    title = models.CharField(_("title"), max_length=255)
    task = models.TextField(_("task"), max_length=4000, help_text=_("The task or problem the team is formed to solve."))
    expected_result = models.TextField(_("expected result"), max_length=4000)
    why_these_people = models.TextField(
        _("why these people"),
        max_length=2000,
        blank=True,
        help_text=_("What each person brings: experience, knowledge, status."),
    )
    deadline = models.DateField(_("deadline"))
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.FORMING)
    abandon_reason = models.TextField(_("why abandoned"), max_length=2000, blank=True)
    closed_on = models.DateField(_("closed on"), null=True, blank=True)
    predecessor = models.ForeignKey(
        "self",
        verbose_name=_("re-formed from"),
        related_name="successors",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = TaskTeamQuerySet.as_manager()

    class Meta:
        verbose_name = _("task team")
        verbose_name_plural = _("task teams")
        ordering = ["deadline", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="abandoned") | ~Q(abandon_reason=""), name="task_team_abandoned_has_reason"
            ),
            models.CheckConstraint(
                condition=Q(status__in=["dissolved", "abandoned"], closed_on__isnull=False)
                | (~Q(status__in=["dissolved", "abandoned"]) & Q(closed_on__isnull=True)),
                name="task_team_closed_has_date",
            ),
            models.CheckConstraint(
                condition=Q(predecessor__isnull=True) | ~Q(predecessor=F("pk")),
                name="task_team_not_own_predecessor",
            ),
            models.CheckConstraint(
                condition=Q(partner_school__isnull=True) | ~Q(partner_school=F("school")),
                name="task_team_partner_is_another_school",
            ),
        ]
        indexes = [
            # The teams list and load counts: a school's teams by status.
            models.Index(fields=["school", "status"], name="task_team_school_status"),
            models.Index(fields=["partner_school", "status"], name="task_team_partner_status"),
            # The sweep: open teams past their deadline.
            models.Index(
                fields=["deadline"],
                condition=Q(status__in=["forming", "working"]),
                name="task_team_open_deadline",
            ),
        ]

    def __str__(self):
        return self.title

    @property
    def is_open(self):
        return self.status in self.OPEN_STATUSES


class TeamMember(models.Model):
    """A person in a team. Leaving keeps the row (with `left_on`): the team's
    history shows who worked in it."""

    class Role(models.TextChoices):
        LEAD = "lead", _("lead")
        MEMBER = "member", _("member")
        EXPERT = "expert", _("expert")
        PARTNER_REPRESENTATIVE = "partner_representative", _("partner representative")

    team = models.ForeignKey(TaskTeam, related_name="members", on_delete=models.CASCADE)
    staff = models.ForeignKey(StaffMember, related_name="team_memberships", on_delete=models.PROTECT)
    role = models.CharField(_("role"), max_length=32, choices=Role.choices, default=Role.MEMBER)
    joined_on = models.DateField(_("joined on"))
    left_on = models.DateField(_("left on"), null=True, blank=True)

    objects = TeamPartQuerySet.as_manager()

    class Meta:
        verbose_name = _("team member")
        verbose_name_plural = _("team members")
        ordering = ["left_on", "role", "staff__last_name", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["team", "staff"], condition=Q(left_on__isnull=True), name="team_member_active_once"
            ),
            models.CheckConstraint(
                condition=Q(left_on__isnull=True) | Q(left_on__gte=F("joined_on")), name="team_member_left_after_joined"
            ),
        ]
        indexes = [
            # Load counts and "my teams" start from a person's active memberships.
            models.Index(fields=["staff", "team"], condition=Q(left_on__isnull=True), name="team_member_active"),
        ]

    def __str__(self):
        return f"{self.staff} ({self.get_role_display()})"

    @property
    def is_active(self):
        return self.left_on is None


@bounded_texts
class TeamStatusChange(models.Model):
    """The history of a team's status: who changed it, when and why."""

    team = models.ForeignKey(TaskTeam, related_name="status_changes", on_delete=models.CASCADE)
    from_status = models.CharField(max_length=16, choices=TaskTeam.Status.choices, blank=True)
    to_status = models.CharField(max_length=16, choices=TaskTeam.Status.choices)
    reason = models.TextField(_("reason"), max_length=2000, blank=True)
    changed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True)
    changed_at = models.DateTimeField(auto_now_add=True)

    objects = TeamPartQuerySet.as_manager()

    class Meta:
        ordering = ["-changed_at", "-pk"]

    def __str__(self):
        return f"{self.from_status} → {self.to_status}"


class Milestone(models.Model):
    team = models.ForeignKey(TaskTeam, related_name="milestones", on_delete=models.CASCADE)
    title = models.CharField(_("milestone"), max_length=255)
    due_on = models.DateField(_("due on"))
    is_done = models.BooleanField(_("done"), default=False)
    done_on = models.DateField(_("done on"), null=True, blank=True)

    objects = TeamPartQuerySet.as_manager()

    class Meta:
        verbose_name = _("milestone")
        verbose_name_plural = _("milestones")
        ordering = ["due_on", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(is_done=True, done_on__isnull=False) | Q(is_done=False, done_on__isnull=True),
                name="milestone_done_has_date",
            ),
        ]
        indexes = [
            # The reminder sweep: open milestones by due date.
            models.Index(fields=["due_on"], condition=Q(is_done=False), name="milestone_open_due"),
        ]

    def __str__(self):
        return self.title


@bounded_texts
class TeamMeeting(models.Model):
    team = models.ForeignKey(TaskTeam, related_name="meetings", on_delete=models.CASCADE)
    held_on = models.DateField(_("held on"))
    agenda = models.TextField(_("agenda"), max_length=4000)
    minutes = models.TextField(
        _("minutes"), max_length=10000, blank=True, help_text=_("Short notes: what was decided, who does what.")
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    objects = TeamPartQuerySet.as_manager()

    class Meta:
        verbose_name = _("team meeting")
        verbose_name_plural = _("team meetings")
        ordering = ["-held_on", "-pk"]

    def __str__(self):
        return f"{self.held_on}: {self.agenda[:40]}"


@bounded_texts
class TeamOutcome(models.Model):
    """What the team produced: the condition of its dissolution."""

    class Kind(models.TextChoices):
        MODEL_CONCEPT = "model_concept", _("model or concept")
        PROGRAMME = "programme", _("programme")
        EVENT = "event", _("event")
        METHOD = "method", _("method")
        DOCUMENT = "document", _("document")

    team = models.OneToOneField(TaskTeam, related_name="outcome", on_delete=models.CASCADE)
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    title = models.CharField(_("title"), max_length=255)
    description = models.TextField(_("description"), max_length=4000, blank=True)
    link = models.URLField(_("link"), blank=True)
    file = models.FileField(_("file"), upload_to="teams/outcomes/%Y/", blank=True)
    file_size = models.PositiveIntegerField(default=0)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now=True)

    objects = TeamPartQuerySet.as_manager()

    class Meta:
        verbose_name = _("team outcome")
        verbose_name_plural = _("team outcomes")

    def __str__(self):
        return self.title
