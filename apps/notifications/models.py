"""In-app notifications, also sent by e-mail.

Exactly once: a notification is identified by (user, kind, key), and the
database refuses a second one, so a sweep run twice, or two sweeps at once,
notify nobody twice.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from apps.accounts.models import School
from apps.core.validation import bounded_texts

# Tries at a notification's letter before giving up on it.
MAX_EMAIL_ATTEMPTS = 5


@bounded_texts
class Notification(models.Model):
    class Kind(models.TextChoices):
        DEBRIEF_REMINDER_24H = "debrief_reminder_24h", _("debrief in 24 hours")
        DEBRIEF_REMINDER_4H = "debrief_reminder_4h", _("debrief in 4 hours")
        DEBRIEF_OVERDUE = "debrief_overdue", _("debrief overdue")
        VISIT_PLANNED = "visit_planned", _("visit planned")
        FEEDBACK_RECEIVED = "feedback_received", _("feedback received")
        MILESTONE_OVERDUE = "milestone_overdue", _("milestone overdue")
        TEAM_DEADLINE_PASSED = "team_deadline_passed", _("team deadline passed")
        AGREEMENT_EXPIRING = "agreement_expiring", _("partnership agreement expiring")
        PROBLEM_DAY_DUTY = "problem_day_duty", _("a duty on a problem-theme day tomorrow")
        EXPORT_READY = "export_ready", _("file ready")
        SURVEY_OPEN = "survey_open", _("a staff survey is open")
        SURVEY_REMINDER = "survey_reminder", _("a staff survey closes soon")
        GROUP_PROPOSED = "group_proposed", _("a curator proposes a pair or triad")
        GROUP_DECLINED = "group_declined", _("a proposed pair or triad is declined")

    user = models.ForeignKey(settings.AUTH_USER_MODEL, related_name="notifications", on_delete=models.CASCADE)
    school = models.ForeignKey(School, related_name="notifications", on_delete=models.CASCADE)
    kind = models.CharField(max_length=32, choices=Kind.choices)
    # What the notification is about, e.g. "visit:42": with user and kind it is unique.
    key = models.CharField(max_length=100)
    title = models.CharField(max_length=255)
    body = models.TextField(max_length=2000, blank=True)
    url = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(null=True, blank=True)
    email_sent_at = models.DateTimeField(null=True, blank=True)
    # A worker sending the e-mail holds a lease; a worker that died leaves a stale
    # one, which the sweep takes over. After MAX_EMAIL_ATTEMPTS it stops trying.
    email_claimed_at = models.DateTimeField(null=True, blank=True)
    email_attempts = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["user", "kind", "key"], name="notification_exactly_once"),
        ]
        indexes = [
            # The navbar's unread count.
            models.Index(fields=["user"], condition=Q(read_at__isnull=True), name="notification_unread"),
            # The e-mail sweep's batches and /healthz's oldest unsent letter.
            models.Index(
                fields=["created_at"], condition=Q(email_sent_at__isnull=True), name="notification_email_unsent"
            ),
        ]

    def __str__(self):
        return self.title
