"""Problem-theme days, a whole-school day on one problem: teachers agree who leads the theme-selection
gathering, the children choose the theme, teachers and children plan the day's
activities and duties together; the day is held, then reflected on."""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from apps.accounts.models import School
from apps.core.tenancy import SchoolScopedQuerySet, scoped_queryset
from apps.core.validation import bounded_texts
from apps.partners.models import PartnerOrganisation
from apps.staff.models import StaffMember, Subject

DayPartQuerySet = scoped_queryset("day__school")


@bounded_texts
class ProblemDay(models.Model):
    class Status(models.TextChoices):
        PREPARATION = "preparation", _("preparation")
        THEME_SELECTION = "theme_selection", _("theme selection")
        PLANNING = "planning", _("planning")
        READY = "ready", _("ready")
        HELD = "held", _("held")
        REFLECTED = "reflected", _("reflected")

    ORDER = list(Status.values)

    school = models.ForeignKey(School, related_name="problem_days", on_delete=models.PROTECT)
    date = models.DateField(_("date"))
    working_title = models.CharField(_("working title"), max_length=255)
    theme = models.CharField(_("theme"), max_length=255, blank=True, help_text=_("The theme the children chose."))
    problem_question = models.TextField(_("problem question"), max_length=2000, blank=True)
    goal = models.TextField(_("goal"), max_length=4000, blank=True)
    grades = models.CharField(_("grades"), max_length=40, default="1–11", help_text=_("For example 1–11 or 5–9."))
    organisers = models.ManyToManyField(
        StaffMember, verbose_name=_("organisers"), related_name="organised_problem_days", blank=True
    )
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.PREPARATION)
    copied_from = models.ForeignKey(
        "self",
        verbose_name=_("copied from"),
        related_name="copies",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = SchoolScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("problem-theme day")
        verbose_name_plural = _("problem-theme days")
        ordering = ["-date", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(copied_from__isnull=True) | ~Q(copied_from=F("pk")), name="problem_day_not_own_copy"
            ),
        ]
        indexes = [models.Index(fields=["school", "date"], name="problem_day_school_date")]

    def __str__(self):
        return self.theme or self.working_title

    @property
    def title(self):
        return self.theme or self.working_title

    @property
    def stage_index(self):
        return self.ORDER.index(self.status)

    @property
    def status_badge(self):
        """The Bootstrap colour of the stage's badge: done, held, ready, still in preparation."""
        return {"reflected": "text-bg-secondary", "held": "text-bg-success", "ready": "text-bg-primary"}.get(
            self.status, "text-bg-warning"
        )


class PreparationRole(models.Model):
    """A teacher's part in the theme-selection gathering."""

    class Kind(models.TextChoices):
        FACILITATOR = "facilitator", _("asks the leading questions")
        CONTINUES_IN_CLASS = "continues_in_class", _("continues the conversation in class")
        RECORDER = "recorder", _("records the ideas")

    day = models.ForeignKey(ProblemDay, related_name="roles", on_delete=models.CASCADE)
    kind = models.CharField(_("role"), max_length=24, choices=Kind.choices)
    staff = models.ForeignKey(
        StaffMember, verbose_name=_("teacher"), related_name="problem_day_roles", on_delete=models.PROTECT
    )
    when = models.DateTimeField(_("when"), null=True, blank=True)
    place = models.CharField(_("place"), max_length=120, blank=True)

    objects = DayPartQuerySet.as_manager()

    class Meta:
        verbose_name = _("preparation role")
        verbose_name_plural = _("preparation roles")
        ordering = ["kind", "when", "pk"]

    def __str__(self):
        return f"{self.get_kind_display()}: {self.staff}"


@bounded_texts
class ThemeIdea(models.Model):
    class ProposedBy(models.TextChoices):
        CLASS = "class", _("a class")
        STUDENT_GROUP = "student_group", _("a student group")
        TEACHER = "teacher", _("a teacher")
        PARENT = "parent", _("a parent")
        PARTNER = "partner", _("a partner")

    day = models.ForeignKey(ProblemDay, related_name="ideas", on_delete=models.CASCADE)
    title = models.CharField(_("theme"), max_length=255)
    proposed_by_kind = models.CharField(_("proposed by"), max_length=16, choices=ProposedBy.choices)
    proposed_by = models.CharField(_("who exactly"), max_length=200, blank=True, help_text=_("For example, 7 «Б»."))
    rationale = models.TextField(_("why this theme"), max_length=2000, blank=True)
    votes = models.PositiveIntegerField(_("votes"), default=0)
    is_chosen = models.BooleanField(_("chosen"), default=False)

    objects = DayPartQuerySet.as_manager()

    class Meta:
        verbose_name = _("theme idea")
        verbose_name_plural = _("theme ideas")
        ordering = ["-is_chosen", "-votes", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(votes__gte=0), name="theme_idea_votes_not_negative"),
            models.UniqueConstraint(fields=["day"], condition=Q(is_chosen=True), name="theme_idea_one_chosen"),
        ]

    def __str__(self):
        return self.title


class DayActivity(models.Model):
    class Kind(models.TextChoices):
        CLASS_HOUR = "class_hour", _("class hour")
        SCHOOL_EVENT = "school_event", _("school-wide event")
        EXTRACURRICULAR = "extracurricular", _("extracurricular session")
        COMMUNITY_MEETING = "community_meeting", _("meeting with community representatives")
        PARENTS_EVENT = "parents_event", _("parents' event")
        EXCURSION = "excursion", _("excursion")
        PROJECT_DEFENCE = "project_defence", _("project defence")
        OTHER = "other", _("other")

    day = models.ForeignKey(ProblemDay, related_name="activities", on_delete=models.CASCADE)
    title = models.CharField(_("title"), max_length=255)
    kind = models.CharField(_("kind"), max_length=24, choices=Kind.choices, default=Kind.CLASS_HOUR)
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"))
    place = models.CharField(_("place"), max_length=120, blank=True)
    grades = models.CharField(_("grades"), max_length=40, blank=True)
    responsible = models.ManyToManyField(
        StaffMember, verbose_name=_("responsible teachers"), related_name="problem_day_activities", blank=True
    )
    partners = models.ManyToManyField(
        PartnerOrganisation, verbose_name=_("partner organisations"), related_name="problem_day_activities", blank=True
    )
    parents_involved = models.BooleanField(_("parents involved"), default=False)
    subjects = models.ManyToManyField(
        Subject, verbose_name=_("subjects integrated"), related_name="problem_day_activities", blank=True
    )

    objects = DayPartQuerySet.as_manager()

    class Meta:
        verbose_name = _("activity of the day")
        verbose_name_plural = _("activities of the day")
        ordering = ["starts_at", "place", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(ends_at__gt=F("starts_at")), name="day_activity_ends_after_start"),
        ]
        indexes = [models.Index(fields=["day", "starts_at"], name="day_activity_day_start")]

    def __str__(self):
        return self.title


@bounded_texts
class Reflection(models.Model):
    day = models.OneToOneField(ProblemDay, related_name="reflection", on_delete=models.CASCADE)
    what_worked = models.TextField(_("what worked"), max_length=4000)
    what_to_change = models.TextField(_("what to change"), max_length=4000, blank=True)
    students_count = models.PositiveIntegerField(_("students"), default=0)
    teachers_count = models.PositiveIntegerField(_("teachers"), default=0)
    parents_count = models.PositiveIntegerField(_("parents"), default=0)
    partners_count = models.PositiveIntegerField(_("partners"), default=0)
    link = models.URLField(_("link to photos or materials"), blank=True)
    photo = models.FileField(_("a photo or a document"), upload_to="problemdays/reflection/%Y/", blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = DayPartQuerySet.as_manager()

    class Meta:
        verbose_name = _("reflection")
        verbose_name_plural = _("reflections")

    def __str__(self):
        return str(self.day)


@bounded_texts
class DayStageChange(models.Model):
    """The history of a day's stages: who moved it, when, and, when a day with
    clashes in its plan was declared ready, which clashes they confirmed."""

    day = models.ForeignKey(ProblemDay, related_name="stage_changes", on_delete=models.CASCADE)
    from_status = models.CharField(_("from stage"), max_length=16, choices=ProblemDay.Status.choices)
    to_status = models.CharField(_("to stage"), max_length=16, choices=ProblemDay.Status.choices)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("changed by"), on_delete=models.SET_NULL, null=True, blank=True
    )
    changed_at = models.DateTimeField(_("changed at"), auto_now_add=True)
    # One clash a line, as the stage panel listed them when the move was confirmed.
    confirmed_clashes = models.TextField(_("clashes confirmed"), max_length=8000, blank=True)

    objects = DayPartQuerySet.as_manager()

    class Meta:
        verbose_name = _("stage change")
        verbose_name_plural = _("stage changes")
        ordering = ["-changed_at", "-pk"]
        constraints = [
            models.CheckConstraint(condition=~Q(from_status=F("to_status")), name="day_stage_change_moves"),
        ]

    def __str__(self):
        return f"{self.from_status} → {self.to_status}"

    @property
    def clash_list(self):
        return [line for line in self.confirmed_clashes.splitlines() if line]
