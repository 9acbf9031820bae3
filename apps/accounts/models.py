"""Users, schools, networks of schools and memberships (who works where, in which roles)."""

import zoneinfo

from django.contrib.auth.models import AbstractUser, BaseUserManager
from django.contrib.postgres.fields import ArrayField
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from apps.core.validation import bounded_texts

from .capabilities import Role, roles_can
from .freshness import AccountQuerySet


def validate_time_zone(value):
    if value not in zoneinfo.available_timezones():
        raise ValidationError(_("Unknown time zone: %(zone)s"), params={"zone": value})


class UserManager(BaseUserManager.from_queryset(AccountQuerySet)):
    use_in_migrations = True

    def _create_user(self, email, password, **extra_fields):
        if not email:
            raise ValueError("The e-mail must be set")
        user = self.model(email=self.normalize_email(email).lower(), **extra_fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", False)
        extra_fields.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra_fields)

    def create_superuser(self, email, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", True)
        extra_fields.setdefault("is_superuser", True)
        return self._create_user(email, password, **extra_fields)

    def get_by_natural_key(self, username):
        # Logins are case-insensitive: e-mails are stored lower-cased.
        return self.get(**{self.model.USERNAME_FIELD: (username or "").lower()})


class User(AbstractUser):
    """A person who signs in with an e-mail address."""

    username = None
    email = models.EmailField(_("e-mail"), unique=True)
    patronymic = models.CharField(_("patronymic"), max_length=150, blank=True)
    # When two-factor sign-in was last turned on or off, or the duty to use it changed
    # (made a network coordinator or a superuser): a session that decided at sign-in
    # that it owed no code decides again after this (apps/accounts/twofactor.py).
    twofactor_changed_at = models.DateTimeField(
        _("two-factor sign-in changed at"), null=True, blank=True, editable=False
    )

    USERNAME_FIELD = "email"
    REQUIRED_FIELDS = []

    objects = UserManager()

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        ordering = ["last_name", "first_name", "email"]

    def __str__(self):
        return self.get_full_name() or self.email

    def get_full_name(self):
        return " ".join(part for part in (self.last_name, self.first_name, self.patronymic) if part)

    def get_short_name(self):
        return " ".join(part for part in (self.first_name, self.patronymic) if part) or self.email


@bounded_texts
class SchoolNetwork(models.Model):
    """Partner schools working together: a municipal network or a regional project
    such as "Effective school", where a leader school mentors the others."""

    class Kind(models.TextChoices):
        MUNICIPAL = "municipal", _("municipal network")
        REGIONAL_PROJECT = "regional_project", _("regional project")
        OTHER = "other", _("other network")

    name = models.CharField(_("name"), max_length=255, unique=True)
    kind = models.CharField(_("kind"), max_length=32, choices=Kind.choices, default=Kind.MUNICIPAL)
    description = models.TextField(_("description"), max_length=2000, blank=True)
    coordinators = models.ManyToManyField(
        "User",
        verbose_name=_("coordinators"),
        related_name="coordinated_networks",
        blank=True,
        help_text=_("They see the network's dashboards: figures of every school side by side, never names."),
    )

    objects = AccountQuerySet.as_manager()

    class Meta:
        verbose_name = _("network of schools")
        verbose_name_plural = _("networks of schools")
        ordering = ["name"]

    def __str__(self):
        return self.name


class School(models.Model):
    name = models.CharField(_("full name"), max_length=255)
    short_name = models.CharField(_("short name"), max_length=100)
    municipality = models.CharField(_("municipality"), max_length=255, blank=True)
    region = models.CharField(_("region"), max_length=255, blank=True)
    time_zone = models.CharField(
        _("time zone"), max_length=64, default="Europe/Moscow", validators=[validate_time_zone]
    )
    network = models.ForeignKey(
        SchoolNetwork,
        verbose_name=_("network"),
        related_name="schools",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
    )
    max_active_groups_per_teacher = models.PositiveSmallIntegerField(
        _("groups and teams per teacher"),
        default=2,
        help_text=_("Above this many active groups and teams at once a teacher is warned of a double load."),
    )
    debrief_hours = models.PositiveSmallIntegerField(
        _("debrief within, hours"),
        default=48,
        help_text=_("The debrief of a visited lesson is held no later than this many hours after it."),
    )
    is_network_leader = models.BooleanField(
        _("leader school of the network"),
        default=False,
        help_text=_("A leader school mentors the other schools of its network."),
    )

    objects = AccountQuerySet.as_manager()

    class Meta:
        verbose_name = _("school")
        verbose_name_plural = _("schools")
        ordering = ["short_name"]
        constraints = [
            models.UniqueConstraint(fields=["name"], name="school_name_unique"),
            models.CheckConstraint(
                condition=Q(is_network_leader=False) | Q(network__isnull=False),
                name="school_leader_needs_network",
            ),
        ]

    def __str__(self):
        return self.short_name

    @property
    def tzinfo(self):
        return zoneinfo.ZoneInfo(self.time_zone)

    def network_school_ids(self) -> set[int]:
        """This school and the schools of its network now (one query, none without a network)."""
        if self.network_id is None:
            return {self.pk}
        return set(School.objects.filter(network_id=self.network_id).values_list("pk", flat=True)) | {self.pk}


class Membership(models.Model):
    """A user's place in one school, with one or more roles there."""

    user = models.ForeignKey(User, related_name="memberships", on_delete=models.CASCADE)
    school = models.ForeignKey(School, related_name="memberships", on_delete=models.CASCADE)
    roles = ArrayField(
        models.CharField(max_length=32, choices=Role.choices),
        verbose_name=_("roles"),
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = AccountQuerySet.as_manager()

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [
            models.UniqueConstraint(fields=["user", "school"], name="membership_user_school_unique"),
            # At least one role, and only known ones.
            models.CheckConstraint(
                condition=Q(roles__len__gt=0) & Q(roles__contained_by=[r.value for r in Role]),
                name="membership_roles_valid",
            ),
        ]

    def __str__(self):
        return f"{self.user} @ {self.school}"

    def can(self, capability):
        """Whether this person may do `capability` in this school (apps/accounts/capabilities.py)."""
        return roles_can(self.roles, capability)

    def get_roles_display(self):
        labels = dict(Role.choices)
        return ", ".join(str(labels[r]) for r in self.roles if r in labels)
