"""Social partnership: organisations grouped by direction, a path
through three stages (common goals → joint activity → partnership), agreements,
and joint activities, each kind with its own product."""

import re

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from apps.accounts.models import School
from apps.core.tenancy import SchoolScopedQuerySet, scoped_queryset
from apps.core.uploads import DOCUMENTS, IMAGES
from apps.core.validation import bounded_texts
from apps.staff.models import StaffMember

SCAN_TYPES = DOCUMENTS | IMAGES
PHONE_SEPARATORS = re.compile(r"[\s\-()]")
PHONE_PATTERN = re.compile(r"^(\+7|8)\d{10}$")


def validate_phone(value):
    """A Russian number: +7 or 8 and ten digits; spaces, dashes and brackets allowed."""
    if not PHONE_PATTERN.match(PHONE_SEPARATORS.sub("", value or "")):
        raise ValidationError(
            _("Enter a phone number like +7 (846) 123-45-67 or 8 917 123 45 67."), code="invalid_phone"
        )


class Stage(models.TextChoices):
    COMMON_GOALS = "common_goals", _("common goals, values and resources")
    JOINT_ACTIVITY = "joint_activity", _("joint activity")
    PARTNERSHIP = "partnership", _("partnership")


class PartnerDirection(models.Model):
    """A direction of the school's social partnership; the list is the school's own."""

    DEFAULTS = (
        "социально-педагогическое",
        "гражданско-патриотическое",
        "спортивно-оздоровительное",
        "профилактическое",
    )

    school = models.ForeignKey(School, related_name="partner_directions", on_delete=models.CASCADE)
    name = models.CharField(_("name"), max_length=120)

    objects = SchoolScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("partnership direction")
        verbose_name_plural = _("partnership directions")
        ordering = ["name", "pk"]
        constraints = [models.UniqueConstraint(fields=["school", "name"], name="partner_direction_unique_name")]

    def __str__(self):
        return self.name


@bounded_texts
class PartnerOrganisation(models.Model):
    class Kind(models.TextChoices):
        KINDERGARTEN = "kindergarten", _("kindergarten")
        LIBRARY = "library", _("library")
        CULTURAL = "cultural", _("cultural institution")
        SPORTS = "sports", _("sports organisation")
        MEDICAL = "medical", _("medical organisation")
        MILITARY = "military", _("military unit")
        PREVENTION = "prevention", _("law enforcement, prevention")
        RELIGIOUS = "religious", _("religious organisation")
        EDUCATION = "education", _("education, technopark")
        NGO = "ngo", _("non-profit organisation")
        BUSINESS = "business", _("business")
        UNIVERSITY = "university", _("university, college")
        PARENTS = "parents", _("parents' community")
        OTHER = "other", _("other")

    school = models.ForeignKey(School, related_name="partner_organisations", on_delete=models.PROTECT)
    name = models.CharField(_("name"), max_length=255)
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices, default=Kind.OTHER)
    direction = models.ForeignKey(
        PartnerDirection,
        verbose_name=_("direction"),
        related_name="partners",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
    )
    address = models.CharField(_("address"), max_length=255, blank=True)
    stage = models.CharField(_("stage"), max_length=16, choices=Stage.choices, default=Stage.COMMON_GOALS)
    notes = models.TextField(_("notes"), max_length=4000, blank=True)
    is_active = models.BooleanField(_("partnership goes on"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = SchoolScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("partner organisation")
        verbose_name_plural = _("partner organisations")
        ordering = ["name", "pk"]
        constraints = [models.UniqueConstraint(fields=["school", "name"], name="partner_unique_name_in_school")]
        indexes = [
            # The registry: a school's partners by direction and stage.
            models.Index(fields=["school", "direction", "stage"], name="partner_registry"),
        ]

    def __str__(self):
        return self.name


class PartnerContact(models.Model):
    """A contact person: personal data, shown only inside the partner's school."""

    partner = models.ForeignKey(PartnerOrganisation, related_name="contacts", on_delete=models.CASCADE)
    name = models.CharField(_("full name"), max_length=200)
    role = models.CharField(_("role"), max_length=200, blank=True)
    phone = models.CharField(_("phone"), max_length=32, blank=True, validators=[validate_phone])
    email = models.EmailField(_("e-mail"), blank=True)

    objects = scoped_queryset("partner__school").as_manager()

    class Meta:
        verbose_name = _("contact person")
        verbose_name_plural = _("contact people")
        ordering = ["name", "pk"]

    def __str__(self):
        return self.name


class StageChange(models.Model):
    """The history of a partner's stage: each move with its date."""

    partner = models.ForeignKey(PartnerOrganisation, related_name="stage_changes", on_delete=models.CASCADE)
    stage = models.CharField(_("stage"), max_length=16, choices=Stage.choices)
    changed_on = models.DateField(_("since"))
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    objects = scoped_queryset("partner__school").as_manager()

    class Meta:
        verbose_name = _("stage change")
        verbose_name_plural = _("stage changes")
        ordering = ["-changed_on", "-pk"]

    def __str__(self):
        return f"{self.changed_on}: {self.get_stage_display()}"


@bounded_texts
class Agreement(models.Model):
    partner = models.ForeignKey(PartnerOrganisation, related_name="agreements", on_delete=models.CASCADE)
    number = models.CharField(_("number"), max_length=64)
    signed_on = models.DateField(_("signed on"))
    valid_until = models.DateField(_("valid until"))
    subject = models.TextField(_("subject"), max_length=2000)
    scan = models.FileField(_("scan"), upload_to="partners/agreements/%Y/", blank=True)

    objects = scoped_queryset("partner__school").as_manager()

    class Meta:
        verbose_name = _("agreement")
        verbose_name_plural = _("agreements")
        ordering = ["-valid_until", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_until__gt=F("signed_on")), name="agreement_valid_until_after_signed"
            ),
            models.UniqueConstraint(fields=["partner", "number"], name="agreement_unique_number"),
        ]
        indexes = [
            # The expiry reminder sweep and the expiring list: agreements by end date.
            models.Index(fields=["valid_until"], name="agreement_valid_until"),
        ]

    def __str__(self):
        return f"№ {self.number}"


@bounded_texts
class JointActivity(models.Model):
    """A joint activity with one or more partners and its product."""

    class Kind(models.TextChoices):
        STRATEGY = "strategy", _("discussing the strategy and tactics of education")
        DESIGN = "design", _("designing the educational process")
        IMPLEMENTATION = "implementation", _("implementing the educational process")
        SUPPORT = "support", _("mutual support")

    # Each kind of joint activity has its own product: what working together at that depth yields.
    PRODUCTS = {
        Kind.STRATEGY: _("models, concepts, resources"),
        Kind.DESIGN: _("educational programmes"),
        Kind.IMPLEMENTATION: _("creative activities, contests, competitions, olympiads"),
        Kind.SUPPORT: _("psychological comfort of the partners"),
    }

    class Mechanism(models.TextChoices):
        RESEARCH = "research", _("research")
        SOCIAL_PROJECT = "social_project", _("social project")
        CROSS_SUBJECT_PROJECT = "cross_subject_project", _("cross-subject project")
        SUBJECT_PROJECT = "subject_project", _("subject project")
        CAMPAIGN = "campaign", _("socially significant campaign")

    class Status(models.TextChoices):
        PLANNED = "planned", _("planned")
        HELD = "held", _("held")
        CANCELLED = "cancelled", _("cancelled")

    school = models.ForeignKey(School, related_name="joint_activities", on_delete=models.PROTECT)
    partners = models.ManyToManyField(PartnerOrganisation, verbose_name=_("partners"), related_name="activities")
    title = models.CharField(_("title"), max_length=255)
    starts_on = models.DateField(_("date or start of the period"))
    ends_on = models.DateField(_("end of the period"), null=True, blank=True)
    kind = models.CharField(_("kind of joint activity"), max_length=16, choices=Kind.choices)
    mechanism = models.CharField(_("mechanism"), max_length=24, choices=Mechanism.choices, blank=True)
    product_text = models.TextField(_("product"), max_length=4000, blank=True)
    product_link = models.URLField(_("link to the product"), blank=True)
    product_file = models.FileField(_("product file"), upload_to="partners/products/%Y/", blank=True)
    teachers = models.ManyToManyField(
        StaffMember, verbose_name=_("teachers taking part"), related_name="partner_activities", blank=True
    )
    students_count = models.PositiveIntegerField(_("students taking part"), default=0)
    parents_count = models.PositiveIntegerField(_("parents taking part"), default=0)
    responsible = models.ForeignKey(
        StaffMember,
        verbose_name=_("responsible teacher"),
        related_name="partner_activities_led",
        on_delete=models.PROTECT,
    )
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.PLANNED)
    problem_day = models.ForeignKey(
        "problemdays.ProblemDay",
        verbose_name=_("part of the problem-theme day"),
        related_name="partner_activities",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = SchoolScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("joint activity")
        verbose_name_plural = _("joint activities")
        ordering = ["-starts_on", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True) | Q(ends_on__gte=F("starts_on")),
                name="joint_activity_ends_after_start",
            ),
        ]
        indexes = [
            # The period list, its export and the directions overview.
            models.Index(fields=["school", "starts_on"], name="joint_activity_school_date"),
        ]

    def __str__(self):
        return self.title

    @property
    def product_kind(self):
        return self.PRODUCTS.get(self.kind, "")

    @property
    def has_product(self):
        return bool(self.product_text or self.product_link or self.product_file)
