"""The collective-work rating for the incentive commission («балльно-рейтинговая система
оценки коллективной работы педагогов»).

The school chooses its criteria: indicators of the catalogue (apps/core/indicators.py)
with points per unit and a cap, and manual criteria whose entries the commission makes
with a note and evidence. For a period (a month, a quarter or a half-year) each teacher
gets a sheet: a line per criterion, each point traced to its evidence. A teacher may
file a remark until the commission's date; the commission answers and approves. An
approved period is locked: the services refuse every change and the database refuses
new numbers (migration 0001's trigger); reopening is audited.

Everything the protocol shows is a copy made when the sheets are computed or approved
(the criteria's titles and weights, the teachers' and the commission's names, the
evidence), so a later edit of a criterion, a visit or a name never changes it.
"""

import datetime

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from apps.accounts.models import School
from apps.core.dates import add_months
from apps.core.tenancy import SchoolScopedQuerySet, scoped_queryset
from apps.core.validation import bounded_texts
from apps.staff.models import StaffMember

# A database constraint's violation (by its violation_error_code) is shown next to this field.
VIOLATION_FIELDS = {
    "criterion_title_taken": "title",
    "criterion_indicator_taken": "indicator_key",
    "period_taken": "starts_on",
    "commission_member_twice": "staff",
}

DECIMAL = {"max_digits": 10, "decimal_places": 2}


class CommissionMemberQuerySet(SchoolScopedQuerySet):
    def serving(self):
        """The named members who still work at the school: one who left is off the
        commission (told nothing, printed nowhere) until they come back."""
        return self.filter(staff__is_active=True)


class CommissionMember(models.Model):
    """A member of the school's commission named by the school; the holders of
    `ratings.manage` (the administrators) are on it without a row here."""

    school = models.ForeignKey(School, verbose_name=_("school"), related_name="+", on_delete=models.CASCADE)
    staff = models.ForeignKey(
        StaffMember, verbose_name=_("staff member"), related_name="rating_commission_seats", on_delete=models.PROTECT
    )
    added_at = models.DateTimeField(auto_now_add=True)

    objects = CommissionMemberQuerySet.as_manager()

    class Meta:
        verbose_name = _("member of the incentive commission")
        verbose_name_plural = _("members of the incentive commission")
        ordering = ["staff__last_name", "staff__first_name", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["school", "staff"],
                name="commission_member_once",
                violation_error_code="commission_member_twice",
                violation_error_message=_("This person is already on the commission."),
            ),
        ]

    def __str__(self):
        return str(self.staff)


class Criterion(models.Model):
    """A criterion of the school's rating: an indicator of the catalogue (`indicator_key`)
    or, with no key, a manual one whose entries the commission makes."""

    school = models.ForeignKey(School, verbose_name=_("school"), related_name="+", on_delete=models.CASCADE)
    indicator_key = models.CharField(_("indicator"), max_length=64, blank=True)
    title = models.CharField(_("criterion"), max_length=200)
    points_per_unit = models.DecimalField(_("points per unit"), **DECIMAL)
    cap = models.DecimalField(_("at most, points"), null=True, blank=True, **DECIMAL)
    is_active = models.BooleanField(_("in use"), default=True)
    position = models.PositiveSmallIntegerField(_("order"), default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = SchoolScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("criterion of the rating")
        verbose_name_plural = _("criteria of the rating")
        ordering = ["position", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["school", "title"],
                name="criterion_title_unique",
                violation_error_code="criterion_title_taken",
                violation_error_message=_("The school already has a criterion with this title."),
            ),
            models.UniqueConstraint(
                fields=["school", "indicator_key"],
                condition=~Q(indicator_key=""),
                name="criterion_indicator_once",
                violation_error_code="criterion_indicator_taken",
                violation_error_message=_("The school already has a criterion for this indicator."),
            ),
            models.CheckConstraint(condition=Q(points_per_unit__gt=0), name="criterion_points_positive"),
            models.CheckConstraint(condition=Q(cap__isnull=True) | Q(cap__gt=0), name="criterion_cap_positive"),
        ]

    def __str__(self):
        return self.title

    @property
    def is_manual(self):
        return not self.indicator_key


def period_end(kind, starts_on: datetime.date) -> datetime.date:
    """The last day of the period of `kind` starting on `starts_on`."""
    months = {RatingPeriod.Kind.MONTH: 1, RatingPeriod.Kind.QUARTER: 3, RatingPeriod.Kind.HALF_YEAR: 6}[kind]
    return add_months(starts_on, months) - datetime.timedelta(days=1)


# The months a period of each kind may start in (calendar quarters and half-years).
START_MONTHS = {"month": tuple(range(1, 13)), "quarter": (1, 4, 7, 10), "half_year": (1, 7)}


@bounded_texts
class RatingPeriod(models.Model):
    class Kind(models.TextChoices):
        MONTH = "month", _("month")
        QUARTER = "quarter", _("quarter")
        HALF_YEAR = "half_year", _("half-year")

    class Status(models.TextChoices):
        OPEN = "open", pgettext_lazy("rating period", "open")
        APPROVED = "approved", _("approved")

    school = models.ForeignKey(School, verbose_name=_("school"), related_name="+", on_delete=models.CASCADE)
    kind = models.CharField(_("period"), max_length=16, choices=Kind.choices)
    starts_on = models.DateField(_("from"))
    ends_on = models.DateField(_("to"))
    # The commission's date: remarks are filed until it, included, or until the commission,
    # meeting that day, approves; it moves later, or earlier but never into the past.
    remarks_until = models.DateField(_("remarks until"))
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.OPEN)
    computed_at = models.DateTimeField(_("sheets computed at"), null=True, blank=True)
    approved_at = models.DateTimeField(_("approved at"), null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("approved by"),
        related_name="+",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
    )
    # Copies made at approval, for the protocol: who approved, the school's name and
    # the commission as it was (one person a line).
    approved_by_name = models.CharField(_("approved by"), max_length=300, blank=True)
    school_name = models.CharField(_("school"), max_length=255, blank=True)
    commission_names = models.TextField(_("commission"), max_length=6000, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = SchoolScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("period of the rating")
        verbose_name_plural = _("periods of the rating")
        ordering = ["-starts_on", "kind", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["school", "kind", "starts_on"],
                name="rating_period_once",
                violation_error_code="period_taken",
                violation_error_message=_("The school already has this period."),
            ),
            models.CheckConstraint(condition=Q(kind__in=["month", "quarter", "half_year"]), name="rating_period_kind"),
            models.CheckConstraint(condition=Q(status__in=["open", "approved"]), name="rating_period_status"),
            models.CheckConstraint(condition=Q(starts_on__day=1), name="rating_period_starts_first"),
            models.CheckConstraint(condition=Q(ends_on__gt=F("starts_on")), name="rating_period_ends_after"),
            models.CheckConstraint(
                condition=~Q(kind="quarter") | Q(starts_on__month__in=START_MONTHS["quarter"]),
                name="rating_period_quarter_start",
            ),
            models.CheckConstraint(
                condition=~Q(kind="half_year") | Q(starts_on__month__in=START_MONTHS["half_year"]),
                name="rating_period_half_year_start",
            ),
            models.CheckConstraint(condition=Q(remarks_until__gte=F("starts_on")), name="rating_period_remarks_within"),
            models.CheckConstraint(
                condition=Q(status="approved", approved_at__isnull=False, computed_at__isnull=False)
                | Q(status="open", approved_at__isnull=True),
                name="rating_period_approved_when",
            ),
        ]

    def __str__(self):
        return self.label

    @property
    def label(self):
        start, end = self.starts_on, self.ends_on
        return _("%(kind)s %(start)s – %(end)s") % {
            "kind": self.get_kind_display(),
            "start": start.strftime("%d.%m.%Y"),
            "end": end.strftime("%d.%m.%Y"),
        }

    @property
    def is_approved(self):
        return self.status == self.Status.APPROVED

    def takes_remarks(self, today: datetime.date) -> bool:
        """Whether a teacher may still file a remark: the period is open and the school's
        today is not past the commission's date."""
        return not self.is_approved and today <= self.remarks_until

    def approvable(self, today: datetime.date) -> bool:
        """The commission approves on its date or later, so that no teacher loses the days
        left to file a remark."""
        return not self.is_approved and self.computed_at is not None and today >= self.remarks_until


class PeriodCriterion(models.Model):
    """A criterion as it was when the period's sheets were computed: the protocol's column."""

    period = models.ForeignKey(RatingPeriod, related_name="criteria", on_delete=models.CASCADE)
    criterion = models.ForeignKey(Criterion, related_name="+", on_delete=models.PROTECT)
    indicator_key = models.CharField(max_length=64, blank=True)
    title = models.CharField(_("criterion"), max_length=200)
    points_per_unit = models.DecimalField(_("points per unit"), **DECIMAL)
    cap = models.DecimalField(_("at most, points"), null=True, blank=True, **DECIMAL)
    position = models.PositiveSmallIntegerField(default=0)

    objects = scoped_queryset("period__school").as_manager()

    class Meta:
        ordering = ["position", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["period", "criterion"], name="period_criterion_once"),
        ]

    def __str__(self):
        return self.title

    @property
    def is_manual(self):
        return not self.indicator_key


class Sheet(models.Model):
    """A teacher's sheet of a period; `staff_name` is the name the protocol prints."""

    period = models.ForeignKey(RatingPeriod, related_name="sheets", on_delete=models.CASCADE)
    school = models.ForeignKey(School, related_name="+", on_delete=models.CASCADE)
    staff = models.ForeignKey(
        StaffMember, verbose_name=_("teacher"), related_name="rating_sheets", on_delete=models.PROTECT
    )
    staff_name = models.CharField(_("teacher"), max_length=300)
    total = models.DecimalField(_("total points"), default=0, **DECIMAL)
    computed_at = models.DateTimeField()

    objects = SchoolScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("sheet of the rating")
        verbose_name_plural = _("sheets of the rating")
        # By name, never by points: nothing ranks people.
        ordering = ["staff_name", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["period", "staff"], name="sheet_once_per_period"),
            models.CheckConstraint(condition=Q(total__gte=0), name="sheet_total_not_negative"),
        ]
        indexes = [
            # «Мой лист»: a teacher's sheets, newest first.
            models.Index(fields=["staff", "period"], name="sheet_staff_period"),
        ]

    def __str__(self):
        return f"{self.staff_name}, {self.period}"


class SheetLine(models.Model):
    sheet = models.ForeignKey(Sheet, related_name="lines", on_delete=models.CASCADE)
    period = models.ForeignKey(RatingPeriod, related_name="+", on_delete=models.CASCADE)
    criterion = models.ForeignKey(PeriodCriterion, related_name="lines", on_delete=models.CASCADE)
    units = models.DecimalField(_("units"), **DECIMAL)
    points = models.DecimalField(_("points"), **DECIMAL)

    class Meta:
        ordering = ["criterion__position", "criterion_id"]
        constraints = [
            models.UniqueConstraint(fields=["sheet", "criterion"], name="sheet_line_once"),
            models.CheckConstraint(condition=Q(units__gte=0, points__gte=0), name="sheet_line_not_negative"),
        ]
        indexes = [
            # The dashboard's totals by criterion of a period.
            models.Index(fields=["period", "criterion"], name="sheet_line_period_criterion"),
        ]

    def __str__(self):
        return f"{self.criterion}: {self.points}"


class EvidenceItem(models.Model):
    """One traced piece of a line: what, when, and the page that shows it."""

    line = models.ForeignKey(SheetLine, related_name="evidence", on_delete=models.CASCADE)
    period = models.ForeignKey(RatingPeriod, related_name="+", on_delete=models.CASCADE)
    label = models.CharField(_("what"), max_length=300)
    on = models.DateField(_("date"))
    url = models.CharField(_("link"), max_length=500, blank=True)
    units = models.DecimalField(_("units"), **DECIMAL)

    # Scoped, so that the erasure's name sweep reaches the labels (they may name colleagues).
    objects = scoped_queryset("period__school").as_manager()

    class Meta:
        ordering = ["on", "pk"]
        indexes = [models.Index(fields=["line", "on"], name="evidence_item_line")]

    def __str__(self):
        return self.label


@bounded_texts
class ManualEntry(models.Model):
    """An entry of a manual criterion for a teacher, made by the commission with a note
    and evidence: a link or a file."""

    period = models.ForeignKey(RatingPeriod, related_name="manual_entries", on_delete=models.CASCADE)
    school = models.ForeignKey(School, related_name="+", on_delete=models.CASCADE)
    criterion = models.ForeignKey(
        Criterion, verbose_name=_("criterion"), related_name="manual_entries", on_delete=models.PROTECT
    )
    staff = models.ForeignKey(
        StaffMember, verbose_name=_("teacher"), related_name="rating_manual_entries", on_delete=models.PROTECT
    )
    units = models.DecimalField(_("units"), **DECIMAL)
    on = models.DateField(_("date"))
    note = models.TextField(_("note"), max_length=1000)
    link = models.URLField(_("link to the evidence"), max_length=500, blank=True)
    file = models.FileField(_("file with the evidence"), upload_to="ratings/evidence/%Y/", blank=True)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, related_name="+", on_delete=models.SET_NULL, null=True, blank=True
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = SchoolScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("manual entry of the rating")
        verbose_name_plural = _("manual entries of the rating")
        ordering = ["on", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(units__gt=0), name="manual_entry_units_positive"),
            models.CheckConstraint(condition=~Q(note=""), name="manual_entry_has_note"),
            models.CheckConstraint(condition=~Q(link="") | ~Q(file=""), name="manual_entry_has_evidence"),
        ]

    def __str__(self):
        return self.note[:60]


@bounded_texts
class Remark(models.Model):
    """A teacher's remark on their sheet, filed until the commission's date, and the
    commission's answer."""

    sheet = models.ForeignKey(Sheet, related_name="remarks", on_delete=models.CASCADE)
    period = models.ForeignKey(RatingPeriod, related_name="remarks", on_delete=models.CASCADE)
    school = models.ForeignKey(School, related_name="+", on_delete=models.CASCADE)
    text = models.TextField(_("remark"), max_length=2000)
    filed_at = models.DateTimeField(default=timezone.now)
    answer = models.TextField(_("the commission's answer"), max_length=2000, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, related_name="+", on_delete=models.SET_NULL, null=True, blank=True
    )
    answered_at = models.DateTimeField(null=True, blank=True)

    objects = SchoolScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("remark on a sheet")
        verbose_name_plural = _("remarks on the sheets")
        ordering = ["filed_at", "pk"]
        constraints = [
            models.CheckConstraint(condition=~Q(text=""), name="remark_has_text"),
            models.CheckConstraint(
                condition=Q(answer="", answered_at__isnull=True) | (~Q(answer="") & Q(answered_at__isnull=False)),
                name="remark_answered_when",
            ),
        ]
        indexes = [models.Index(fields=["period", "answered_at"], name="remark_period_answered")]

    def __str__(self):
        return self.text[:60]

    @property
    def is_answered(self):
        return self.answered_at is not None
