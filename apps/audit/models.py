"""The audit trail: who changed which staff data, roles and memberships, who
signed in or failed to, and who exported what.

Append-only, and the database enforces it, not this code: the triggers of
migration 0002 raise on every UPDATE, DELETE and TRUNCATE, and foreign keys are
PROTECT. The one exception is erasure (`audit_events_anonymise`), which may only
replace names, the actor and diff values with `ERASED_LABEL`. `changes` holds
field diffs `{field: [old, new]}` of short values, never lesson feedback text.
See docs/security-and-privacy.md#audit-trail.
"""

from django.conf import settings
from django.db import models
from django.db.models.functions import Now
from django.utils.translation import gettext_lazy as _

from apps.core.tenancy import SchoolScopedQuerySet

# Put in place of a name, and of every diff value, of an erased person.
ERASED_LABEL = "[erased]"


class AuditEvent(models.Model):
    class Action(models.TextChoices):
        STAFF_CREATED = "staff_created", _("staff member added")
        STAFF_UPDATED = "staff_updated", _("staff member changed")
        STAFF_DEACTIVATED = "staff_deactivated", _("staff member left")
        STAFF_REACTIVATED = "staff_reactivated", _("staff member returned")
        STAFF_IMPORTED = "staff_imported", _("staff list imported")
        CATEGORY_AWARDED = "category_awarded", _("category awarded")
        CATEGORY_DELETED = "category_deleted", _("category record deleted")
        ACHIEVEMENT_ADDED = "achievement_added", _("achievement added")
        ACHIEVEMENT_DELETED = "achievement_deleted", _("achievement deleted")
        MEMBERSHIP_CREATED = "membership_created", _("access to the school granted")
        ROLES_CHANGED = "roles_changed", _("roles changed")
        MEMBERSHIP_DELETED = "membership_deleted", _("access to the school removed")
        GROUP_MEMBERSHIP_CHANGED = "group_membership_changed", _("pair or triad membership changed")
        TEAM_MEMBERSHIP_CHANGED = "team_membership_changed", _("task team membership changed")
        PROBLEM_DAY_STAGE_CHANGED = "problem_day_stage_changed", _("problem-theme day stage changed")
        RATING_PERIOD_APPROVED = "rating_period_approved", _("collective-work rating approved")
        RATING_PERIOD_REOPENED = "rating_period_reopened", _("collective-work rating reopened")
        SIGN_IN_SUCCEEDED = "sign_in_succeeded", _("signed in")
        SIGN_IN_FAILED = "sign_in_failed", _("sign-in failed")
        SIGN_OUT = "sign_out", _("signed out")
        TWO_FACTOR_FAILED = "two_factor_failed", _("two-factor code rejected")
        TWO_FACTOR_CHANGED = "two_factor_changed", _("two-factor sign-in set up or removed")
        PASSWORD_CHANGED = "password_changed", _("password changed")
        ACCOUNT_CHANGED = "account_changed", _("account changed")
        EXPORT_MADE = "export_made", _("export downloaded")
        PERSONAL_DATA_EXPORTED = "personal_data_exported", _("personal data exported")
        PERSON_ERASED = "person_erased", _("person erased")
        RECOGNITION_HIDDEN = "recognition_hidden", _("recognition hidden")
        RECOGNITION_SHOWN = "recognition_shown", _("recognition shown again")

    # Named, not imported: accounts writes to the trail, so the trail sits below it.
    school = models.ForeignKey(
        "accounts.School",
        verbose_name=_("school"),
        related_name="+",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("who"),
        related_name="+",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        help_text=_("Empty for the system or an anonymous visitor."),
    )
    # A snapshot: the name at the time, kept when the user is renamed, blanked by erasure.
    actor_label = models.CharField(_("who"), max_length=255, blank=True)
    at = models.DateTimeField(_("when"), db_default=Now())
    action = models.CharField(_("action"), max_length=40, choices=Action.choices)
    target_type = models.CharField(_("object type"), max_length=64, blank=True)
    target_id = models.CharField(_("object id"), max_length=64, blank=True)
    target_label = models.CharField(_("object"), max_length=255, blank=True)
    changes = models.JSONField(_("changes"), default=dict, blank=True)
    request_id = models.CharField(_("request id"), max_length=64, blank=True)
    ip_address = models.GenericIPAddressField(_("IP address"), null=True, blank=True)

    objects = SchoolScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("audit event")
        verbose_name_plural = _("audit trail")
        ordering = ["-at", "-pk"]
        indexes = [
            # The audit page: a school's newest events, and filtered by action.
            models.Index(fields=["school", "-at"], name="audit_school_at_idx"),
            models.Index(fields=["school", "action", "-at"], name="audit_school_action_at_idx"),
            # Erasure finds a person's rows by target (by actor: the foreign key's index).
            models.Index(fields=["target_type", "target_id"], name="audit_target_idx"),
        ]

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M} {self.get_action_display()} {self.target_label}"

    @property
    def actor_display(self):
        if self.actor_label == ERASED_LABEL:
            return _("erased person")
        return self.actor_label or _("system")

    @property
    def target_display(self):
        if self.target_label == ERASED_LABEL:
            return _("erased person")
        return self.target_label
