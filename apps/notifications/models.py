"""In-app notifications, also sent by e-mail: at once, in a daily digest, or not at
all, as each person chooses per kind of notification.

Exactly once: a notification is identified by (user, kind, key), and the
database refuses a second one, so a sweep run twice, or two sweeps at once,
notify nobody twice. A digest is identified by (user, school, day) the same way.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from apps.accounts.models import School
from apps.core.validation import bounded_texts

# Tries at a notification's letter (or a digest) before giving up on it.
MAX_EMAIL_ATTEMPTS = 5

# The hour of the daily digest, in the school's time, until a person picks another.
DIGEST_HOUR_DEFAULT = 17


class Delivery(models.TextChoices):
    """How a person gets the letter of one kind of notification; the in-app
    notification is made whichever they choose."""

    IMMEDIATE = "immediate", _("e-mail at once")
    DIGEST = "digest", _("in the daily digest")
    IN_APP = "in_app", _("in the app only")


def _deliveries():
    return Delivery.values


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
        # The network community: materials and questions, associations, events, programmes of help.
        MATERIAL_COMMENT = "material_comment", _("a comment on your material")
        COMMENT_REPLY = "comment_reply", _("a reply to your comment")
        COMMENT_HELPED = "comment_helped", _("your comment helped")
        QUESTION_ANSWERED = "question_answered", _("an answer to your question")
        ANSWER_ACCEPTED = "answer_accepted", _("your answer helped")
        DECISION_DUE = "decision_due", _("an association decision due tomorrow")
        EVENT_INVITATION = "event_invitation", _("an invitation to a network event")
        EVENT_REMINDER = "event_reminder", _("a network event tomorrow")
        EVENT_PLACE_FREED = "event_place_freed", _("a place freed at a network event")
        EVENT_CANCELLED = "event_cancelled", _("a network event cancelled")
        HELP_MILESTONE_DUE = "help_milestone_due", _("a milestone of a programme of help due")
        # Recognition and the collective-work rating.
        RECOGNITION_RECEIVED = "recognition_received", _("a colleague recognised you")
        RATING_SHEET_READY = "rating_sheet_ready", _("your collective-work sheet is ready")
        RATING_REMARK_FILED = "rating_remark_filed", _("a remark on a collective-work sheet")
        RATING_REMARK_ANSWERED = "rating_remark_answered", _("the commission answered your remark")
        RATING_PERIOD_APPROVED = "rating_period_approved", _("the collective-work rating approved")

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
    # Which letter the notification owes, fixed when it is made from the person's
    # choice for its kind: a later change of mind applies to the next ones.
    delivery = models.CharField(
        max_length=16, choices=Delivery.choices, default=Delivery.IMMEDIATE, db_default=Delivery.IMMEDIATE
    )
    # The digest that carries it (delivery "digest"); none until its day's digest is made.
    # Its index is the partial one below, built without locking the table.
    digest = models.ForeignKey(
        "NotificationDigest",
        related_name="notifications",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        db_index=False,
    )

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["user", "kind", "key"], name="notification_exactly_once"),
            models.CheckConstraint(condition=Q(delivery__in=_deliveries()), name="notification_delivery_known"),
        ]
        indexes = [
            # The navbar's unread count.
            models.Index(fields=["user"], condition=Q(read_at__isnull=True), name="notification_unread"),
            # The e-mail sweep's batches and /healthz's oldest unsent letter.
            models.Index(
                fields=["created_at"],
                condition=Q(email_sent_at__isnull=True, delivery=Delivery.IMMEDIATE),
                name="notification_email_unsent",
            ),
            # The digest sweep: who has notifications waiting for their day's digest.
            models.Index(
                fields=["user", "school"],
                condition=Q(delivery=Delivery.DIGEST, digest__isnull=True),
                name="notification_digest_waiting",
            ),
            # A digest's notifications: its letter, and clearing them when it is deleted.
            models.Index(fields=["digest"], condition=Q(digest__isnull=False), name="notification_in_digest"),
        ]

    def __str__(self):
        return self.title


class NotificationPreference(models.Model):
    """A person's choice, in one school, of the letter one kind of notification sends.
    No row: e-mail at once. The kind is checked against Notification.Kind by the
    service, not by choices here, so that a new kind needs no migration of this table."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, related_name="notification_preferences", on_delete=models.CASCADE
    )
    school = models.ForeignKey(School, related_name="notification_preferences", on_delete=models.CASCADE)
    kind = models.CharField(max_length=32)
    delivery = models.CharField(max_length=16, choices=Delivery.choices, default=Delivery.IMMEDIATE)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "school", "kind"], name="notification_preference_once"),
            models.CheckConstraint(
                condition=Q(delivery__in=_deliveries()), name="notification_preference_delivery_known"
            ),
        ]

    def __str__(self):
        return f"{self.user_id}:{self.kind}={self.delivery}"


class DigestSchedule(models.Model):
    """The hour, in the school's time, at which a person gets their daily digest."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, related_name="digest_schedules", on_delete=models.CASCADE)
    school = models.ForeignKey(School, related_name="digest_schedules", on_delete=models.CASCADE)
    hour = models.PositiveSmallIntegerField(default=DIGEST_HOUR_DEFAULT)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "school"], name="digest_schedule_one_per_person"),
            models.CheckConstraint(condition=Q(hour__gte=0, hour__lte=23), name="digest_schedule_hour_of_day"),
        ]

    def __str__(self):
        return f"{self.user_id}@{self.school_id}: {self.hour}:00"


class NotificationDigest(models.Model):
    """One letter a day listing a person's notifications of the kinds they get in a
    digest. Exactly once: (user, school, day) is unique, so two sweeps at once, or a
    sweep run twice, make one digest; its letter is leased like a notification's."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, related_name="notification_digests", on_delete=models.CASCADE)
    school = models.ForeignKey(School, related_name="notification_digests", on_delete=models.CASCADE)
    # The day in the school's time.
    day = models.DateField()
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    claimed_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["-day", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["user", "school", "day"], name="notification_digest_once_a_day"),
        ]
        indexes = [
            # The digest sweep's letters left unsent, and /healthz's oldest of them.
            models.Index(fields=["created_at"], condition=Q(sent_at__isnull=True), name="notification_digest_unsent"),
        ]

    def __str__(self):
        return f"{self.user_id}@{self.school_id}: {self.day}"
