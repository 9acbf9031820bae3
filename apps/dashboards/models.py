"""Year-level summaries behind the dashboards, and exports prepared in the background.

`YearSummary` holds one row per school and academic year (and per subject
association of that school): the figures the year-on-year series and the
network's side-by-side view read, so that those pages never aggregate years of
visits on request. The beat sweep `summaries_refresh` rewrites them from the
source tables; `refreshed_at` says how fresh they are.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from apps.accounts.models import School
from apps.core.tenancy import SchoolScopedQuerySet
from apps.staff.models import SubjectAssociation


class YearSummary(models.Model):
    school = models.ForeignKey(School, related_name="year_summaries", on_delete=models.CASCADE)
    # The academic year starting on 1 September of `year`.
    year = models.PositiveSmallIntegerField()
    # Null: the whole school; else the members of one subject association.
    association = models.ForeignKey(
        SubjectAssociation, related_name="year_summaries", on_delete=models.CASCADE, null=True, blank=True
    )
    refreshed_at = models.DateTimeField()

    # Qualification categories on the reference date (1 September of `year`).
    headcount = models.PositiveIntegerField(default=0)
    highest = models.PositiveIntegerField(default=0)
    first = models.PositiveIntegerField(default=0)
    fits_post = models.PositiveIntegerField(default=0)
    no_category = models.PositiveIntegerField(default=0)

    # Participation during the academic year, of the staff employed at any time in it.
    staff = models.PositiveIntegerField(default=0)
    in_groups = models.PositiveIntegerField(default=0)
    curators = models.PositiveIntegerField(default=0, db_default=0)
    in_teams = models.PositiveIntegerField(default=0)
    observers = models.PositiveIntegerField(default=0)
    observed = models.PositiveIntegerField(default=0)
    in_events = models.PositiveIntegerField(default=0)
    in_network_events = models.PositiveIntegerField(default=0, db_default=0)
    in_association_meetings = models.PositiveIntegerField(default=0, db_default=0)
    achievers = models.PositiveIntegerField(default=0)
    covered = models.PositiveIntegerField(default=0)

    # The community during the year, counts only: how many people shared, commented or
    # answered, and how many items they wrote (never who, nor how much each).
    shared_materials = models.PositiveIntegerField(default=0, db_default=0)
    shared_materials_items = models.PositiveIntegerField(default=0, db_default=0)
    commented = models.PositiveIntegerField(default=0, db_default=0)
    commented_items = models.PositiveIntegerField(default=0, db_default=0)
    answered = models.PositiveIntegerField(default=0, db_default=0)
    answered_items = models.PositiveIntegerField(default=0, db_default=0)

    # Lesson visits of the year and their debriefs (counts and times only).
    visits_held = models.PositiveIntegerField(default=0)
    on_time = models.PositiveIntegerField(default=0)
    late = models.PositiveIntegerField(default=0)
    overdue = models.PositiveIntegerField(default=0)
    median_debrief_hours = models.FloatField(null=True, blank=True)
    reverse_due = models.PositiveIntegerField(default=0)
    reverse_done = models.PositiveIntegerField(default=0)

    # The collaboration network of the year: distinct pairs of colleagues with a tie,
    # and how many people have at least one.
    ties = models.PositiveIntegerField(default=0)
    connected = models.PositiveIntegerField(default=0)

    objects = SchoolScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("year summary")
        verbose_name_plural = _("year summaries")
        constraints = [
            models.UniqueConstraint(
                fields=["school", "year", "association"], name="year_summary_once", nulls_distinct=False
            ),
        ]

    def __str__(self):
        return f"{self.school} {self.year}"


class ReportExport(models.Model):
    """A file built by a Celery task; the person who asked is notified when it is ready
    and is the only one who may download it."""

    class Kind(models.TextChoices):
        ANNUAL_REPORT = "annual_report", _("yearly report")
        ANNUAL_REPORT_PDF = "annual_report_pdf", _("yearly report (PDF)")
        PARTICIPATION_MATRIX = "participation_matrix", _("participation by teacher")

    class Status(models.TextChoices):
        QUEUED = "queued", _("being prepared")
        READY = "ready", _("ready")
        FAILED = "failed", _("failed")

    school = models.ForeignKey(School, related_name="report_exports", on_delete=models.CASCADE)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, related_name="+", on_delete=models.CASCADE)
    kind = models.CharField(max_length=32, choices=Kind.choices)
    params = models.JSONField(default=dict)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.QUEUED)
    file_name = models.CharField(max_length=200, blank=True)
    content = models.BinaryField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    objects = SchoolScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("prepared export")
        verbose_name_plural = _("prepared exports")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="ready") | (Q(content__isnull=False) & ~Q(file_name="")),
                name="report_export_ready_has_file",
            ),
        ]
        indexes = [models.Index(fields=["school", "requested_by", "-created_at"], name="report_export_requester")]

    def __str__(self):
        return self.file_name or self.get_kind_display()
