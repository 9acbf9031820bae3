"""The staff registry: teachers, their subjects and associations, qualification
categories over time and professional achievements."""

import datetime

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from apps.accounts.models import School
from apps.core.tenancy import SchoolScopedQuerySet, scoped_queryset
from apps.core.validation import bounded_texts

# A teacher counts as early-career (молодой специалист) for this many years.
EARLY_CAREER_YEARS = 3
# A qualification category is awarded for five years.
CATEGORY_VALIDITY_YEARS = 5
# No date in the registry (teaching since, hired, left, awarded, achievements) is earlier.
EARLIEST_DATE = datetime.date(1940, 1, 1)
# A birth date is plausible for someone on the staff: of working age on the school's
# today, and old enough when they began teaching (a mistyped year is caught here).
WORKING_AGE = (18, 100)
TEACHING_FROM_AGE = 16

# A database constraint's violation (by its violation_error_code) is shown next to this field.
VIOLATION_FIELDS = {
    "name_taken": "name",
    "user_has_card": "user",
    "left_without_date": "left_on",
    "left_before_hired": "left_on",
    "hired_before_teaching": "hired_on",
    "born_after_teaching": "birth_date",
    "award_date_taken": "awarded_on",
    "award_ends_before_it_starts": "awarded_on",
}


class Subject(models.Model):
    school = models.ForeignKey(School, verbose_name=_("school"), related_name="subjects", on_delete=models.CASCADE)
    name = models.CharField(_("name"), max_length=100)

    objects = SchoolScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("subject")
        verbose_name_plural = _("subjects")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["school", "name"],
                name="subject_school_name_unique",
                violation_error_code="name_taken",
                violation_error_message=_("This name is already on the list."),
            ),
        ]

    def __str__(self):
        return self.name


class SubjectAssociation(models.Model):
    """A subject association of teachers: УМО / ШМО (методическое объединение)."""

    school = models.ForeignKey(School, verbose_name=_("school"), related_name="associations", on_delete=models.CASCADE)
    name = models.CharField(_("name"), max_length=200)

    objects = SchoolScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("subject association")
        verbose_name_plural = _("subject associations")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["school", "name"],
                name="association_school_name_unique",
                violation_error_code="name_taken",
                violation_error_message=_("This name is already on the list."),
            ),
        ]

    def __str__(self):
        return self.name


def full_name(last_name, first_name, patronymic):
    """«Иванова Анна Петровна»: the parts a person has, in order (also for names read
    as plain columns)."""
    return " ".join(filter(None, (last_name, first_name, patronymic)))


def short_name(last_name, first_name, patronymic):
    """«Иванова А.П.»: a person's last name and initials (also for names read as
    plain columns, without building a card for each)."""
    initials = "".join(f"{part[0]}." for part in (first_name, patronymic) if part)
    return f"{last_name} {initials}".strip()


class StaffMember(models.Model):
    """A member of the teaching staff. Leaving staff are deactivated, never deleted,
    so that their history (categories, pairs, visits) stays."""

    school = models.ForeignKey(School, verbose_name=_("school"), related_name="staff", on_delete=models.PROTECT)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user account"),
        related_name="staff_records",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
    )
    last_name = models.CharField(_("surname"), max_length=100)
    first_name = models.CharField(_("first name"), max_length=100)
    patronymic = models.CharField(_("patronymic"), max_length=100, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    position = models.CharField(_("position"), max_length=150, default="учитель")
    subjects = models.ManyToManyField(Subject, verbose_name=_("subjects taught"), related_name="teachers", blank=True)
    association = models.ForeignKey(
        SubjectAssociation,
        verbose_name=_("subject association"),
        related_name="members",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
    )
    # Personal data: only on the card, its export and the personal-data export; the
    # yearly report counts ages, never whose (docs/security-and-privacy.md).
    birth_date = models.DateField(_("date of birth"), null=True, blank=True)
    teaching_since = models.DateField(_("teaching since"))
    hired_on = models.DateField(_("hired here on"))
    is_active = models.BooleanField(_("works here now"), default=True)
    left_on = models.DateField(_("left on"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = SchoolScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("staff member")
        verbose_name_plural = _("staff")
        ordering = ["last_name", "first_name", "patronymic", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["school", "user"],
                condition=Q(user__isnull=False),
                name="staff_one_record_per_user_and_school",
                violation_error_code="user_has_card",
                violation_error_message=_("This user account is already linked to another card in this school."),
            ),
            # The flag and the leaving date tell the same story.
            models.CheckConstraint(
                condition=Q(is_active=True, left_on__isnull=True) | Q(is_active=False, left_on__isnull=False),
                name="staff_active_iff_not_left",
                violation_error_code="left_without_date",
                violation_error_message=_("A person who has left needs a leaving date, and only they have one."),
            ),
            models.CheckConstraint(
                condition=Q(left_on__isnull=True) | Q(left_on__gte=F("hired_on")),
                name="staff_left_after_hired",
                violation_error_code="left_before_hired",
                violation_error_message=_("The leaving date cannot be before the hire date."),
            ),
            models.CheckConstraint(
                condition=Q(hired_on__gte=F("teaching_since")),
                name="staff_hired_after_teaching_since",
                violation_error_code="hired_before_teaching",
                violation_error_message=_("The hire date is earlier than the start of teaching."),
            ),
            models.CheckConstraint(
                condition=Q(birth_date__isnull=True) | Q(birth_date__lt=F("teaching_since")),
                name="staff_born_before_teaching",
                violation_error_code="born_after_teaching",
                violation_error_message=_("The date of birth is after the start of teaching."),
            ),
        ]
        indexes = [
            # The registry lists a school's active staff by name.
            models.Index(fields=["school", "is_active", "last_name"], name="staff_school_active_name"),
        ]

    def __str__(self):
        return self.full_name

    @property
    def full_name(self):
        return full_name(self.last_name, self.first_name, self.patronymic)

    @property
    def short_name(self):
        return short_name(self.last_name, self.first_name, self.patronymic)


class QualificationCategory(models.TextChoices):
    HIGHEST = "highest", _("highest category")
    FIRST = "first", _("first category")
    FITS_POST = "fits_post", _("fits the post")
    NONE = "none", _("no category")


class CategoryAward(models.Model):
    """One attestation result: a category held from `awarded_on` to `valid_until`,
    both days included.

    The current category on a date is the latest award in force on that date.
    """

    staff = models.ForeignKey(
        StaffMember, verbose_name=_("staff member"), related_name="category_awards", on_delete=models.CASCADE
    )
    category = models.CharField(_("category"), max_length=16, choices=QualificationCategory.choices)
    awarded_on = models.DateField(_("awarded on"))
    valid_until = models.DateField(_("valid until"))
    order_number = models.CharField(_("order number"), max_length=64, blank=True)

    objects = scoped_queryset("staff__school").as_manager()

    class Meta:
        verbose_name = _("qualification category")
        verbose_name_plural = _("qualification categories")
        ordering = ["-awarded_on"]
        constraints = [
            models.UniqueConstraint(
                fields=["staff", "awarded_on"],
                name="category_award_one_per_day",
                violation_error_code="award_date_taken",
                violation_error_message=_("A category awarded on this date is already recorded."),
            ),
            models.CheckConstraint(
                condition=Q(valid_until__gt=F("awarded_on")),
                name="category_award_valid_after_awarded",
                violation_error_code="award_ends_before_it_starts",
                violation_error_message=_("A category must stay in force after the date it is awarded."),
            ),
        ]
        indexes = [
            # Attestations due: awards expiring in a window.
            models.Index(fields=["valid_until"], name="category_award_valid_until"),
        ]

    def __str__(self):
        return f"{self.get_category_display()} ({self.awarded_on:%d.%m.%Y})"


class Achievement(models.Model):
    class Kind(models.TextChoices):
        CONTEST = "contest", _("professional contest")
        PUBLICATION = "publication", _("publication")
        NETWORK_PROJECT = "network_project", _("network project")
        MASTER_CLASS = "master_class", _("master class")
        CONFERENCE_TALK = "conference_talk", _("conference talk")
        COURSE = "course", _("professional development course")

    class Level(models.TextChoices):
        SCHOOL = "school", pgettext_lazy("achievement level", "school")
        MUNICIPAL = "municipal", _("municipal")
        REGIONAL = "regional", _("regional")
        FEDERAL = "federal", _("federal")
        INTERNATIONAL = "international", _("international")

    class Result(models.TextChoices):
        PARTICIPANT = "participant", _("participant")
        PRIZE_WINNER = "prize_winner", _("prize-winner")
        WINNER = "winner", _("winner")

    staff = models.ForeignKey(
        StaffMember, verbose_name=_("staff member"), related_name="achievements", on_delete=models.CASCADE
    )
    kind = models.CharField(_("kind"), max_length=32, choices=Kind.choices)
    title = models.CharField(_("title"), max_length=300)
    date = models.DateField(_("date"))
    level = models.CharField(_("level"), max_length=16, choices=Level.choices)
    result = models.CharField(_("result"), max_length=16, choices=Result.choices, default=Result.PARTICIPANT)

    objects = scoped_queryset("staff__school").as_manager()

    class Meta:
        verbose_name = _("achievement")
        verbose_name_plural = _("achievements")
        ordering = ["-date", "pk"]
        indexes = [models.Index(fields=["staff", "-date"], name="achievement_staff_date")]

    def __str__(self):
        return self.title


class StaffImport(models.Model):
    """An uploaded staff list waiting for the administrator to confirm its preview.

    The file itself is kept so that the confirmed save re-reads exactly what was
    previewed; unconfirmed uploads are swept away after a day.
    """

    class Status(models.TextChoices):
        PREVIEW = "preview", _("preview")
        DONE = "done", _("imported")

    school = models.ForeignKey(School, verbose_name=_("school"), related_name="staff_imports", on_delete=models.CASCADE)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("uploaded by"), on_delete=models.SET_NULL, null=True
    )
    created_at = models.DateTimeField(auto_now_add=True)
    file_name = models.CharField(max_length=255)
    content = models.BinaryField()
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.PREVIEW)
    rows_imported = models.PositiveIntegerField(default=0)

    objects = SchoolScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("staff import")
        verbose_name_plural = _("staff imports")
        indexes = [
            # The hourly sweep deletes stale previews.
            models.Index(fields=["created_at"], condition=Q(status="preview"), name="staff_import_preview_created"),
        ]

    def __str__(self):
        return self.file_name


@bounded_texts
class ErasureRecord(models.Model):
    """The act of destruction of a person's personal data (152-FZ, art. 21).

    It says who erased which card of the school, when and why, and what kinds
    of data were deleted or anonymised, with counts. It holds no personal data
    of the erased person: the card is named by its number only, and the reason
    is checked not to name them. One per card: a card is erased once.
    """

    school = models.ForeignKey(School, verbose_name=_("school"), related_name="erasures", on_delete=models.PROTECT)
    staff = models.OneToOneField(
        StaffMember, verbose_name=_("staff member"), related_name="erasure", on_delete=models.PROTECT
    )
    erased_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("erased by"),
        related_name="+",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
    )
    erased_at = models.DateTimeField(_("erased at"))
    reason = models.TextField(_("reason"), max_length=1000)
    # [{"category": <declared by an app, apps/core/personal_data.py>, "action": "deleted" | "anonymised", "count": n}]
    categories = models.JSONField(_("data destroyed or anonymised"), default=list)

    objects = SchoolScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("act of destruction of personal data")
        verbose_name_plural = _("acts of destruction of personal data")
        ordering = ["-erased_at", "-pk"]
        constraints = [
            models.CheckConstraint(condition=~Q(reason=""), name="erasure_record_has_reason"),
        ]
        indexes = [
            # The school's list of acts, newest first.
            models.Index(fields=["school", "-erased_at"], name="erasure_record_school_at"),
        ]

    def __str__(self):
        return f"№ {self.pk}"
