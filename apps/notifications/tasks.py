import datetime
import logging
import time

from celery import shared_task
from django.conf import settings
from django.core.mail import get_connection
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone, translation

from apps.accounts.models import School
from apps.core.mail import letter_build
from apps.core.tasks import enqueue

from .models import DIGEST_HOUR_DEFAULT, MAX_EMAIL_ATTEMPTS, Delivery, DigestSchedule, Notification, NotificationDigest
from .services import notification_digest_make

logger = logging.getLogger(__name__)

__all__ = [
    "MAX_EMAIL_ATTEMPTS",
    "notification_digest_send",
    "notification_email_send",
    "notifications_digest_sweep",
    "notifications_email_sweep",
]

# What one try at a letter came to.
SENT, TAKEN, FAILED = "sent", "taken", "failed"


def _claimable(now):
    lease = datetime.timedelta(seconds=settings.NOTIFICATION_EMAIL_LEASE_SECONDS)
    return Notification.objects.filter(
        email_sent_at__isnull=True, email_attempts__lt=MAX_EMAIL_ATTEMPTS, delivery=Delivery.IMMEDIATE
    ).filter(Q(email_claimed_at__isnull=True) | Q(email_claimed_at__lt=now - lease))


def _letter_context(school):
    # Every letter ends with where to choose which letters one gets.
    return {"school": school, "preferences_url": reverse("notifications:preferences")}


def _email_deliver(notification_id, *, connection=None):
    """Lease one notification's letter, send it, mark it sent: SENT, or TAKEN when
    another worker holds it (or it is sent, or given up). A failed send gives the
    lease back and raises."""
    now = timezone.now()
    claimed = (
        _claimable(now).filter(pk=notification_id).update(email_claimed_at=now, email_attempts=F("email_attempts") + 1)
    )
    if not claimed:
        return TAKEN
    notification = Notification.objects.select_related("user", "school").get(pk=notification_id)
    if not notification.user.email or not notification.user.is_active:
        Notification.objects.filter(pk=notification_id).update(email_sent_at=now)
        return SENT
    with translation.override("ru"):
        letter = letter_build(
            "notifications/letters/notification.html",
            {**_letter_context(notification.school), "notification": notification},
            to=[notification.user.email],
            connection=connection,
        )
    try:
        if connection is not None:
            connection.open()  # the sweep's first letter opens its session, the rest reuse it
        letter.send()
    except Exception:
        Notification.objects.filter(pk=notification_id).update(email_claimed_at=None)
        raise
    Notification.objects.filter(pk=notification_id).update(email_sent_at=timezone.now())
    return SENT


@shared_task(bind=True, ignore_result=True, max_retries=MAX_EMAIL_ATTEMPTS, default_retry_delay=60)
def notification_email_send(self, *, notification_id):
    """E-mail one notification, once.

    The row is leased with a conditional UPDATE before sending, and marked sent
    only after: a duplicate task finds the lease and stops; a worker that dies
    mid-send leaves a lease that expires, and the sweep sends it again; a failed
    send gives the lease back for the retry; after five attempts it gives up.
    """
    try:
        _email_deliver(notification_id)
    except Exception as exc:
        raise self.retry(exc=exc) from exc


@shared_task(ignore_result=True)
def notifications_email_sweep():
    """Beat-driven: e-mail the letters whose task never ran (the broker was down or
    lost its queue) or whose worker died mid-send, and were made at least
    NOTIFICATION_EMAIL_SWEEP_AFTER_SECONDS ago.

    It sends them itself, oldest first, in batches until none is left, each letter
    leased on its own just before its send (as in notification_email_send), so a
    backlog of any size goes out in one run, and two runs at once, or a run and the
    letters' own tasks, never send one twice. It stops taking letters after three
    quarters of its interval (under its expiry), and if some are still left it
    sends itself again at once rather than wait for beat. A send that fails ends
    the run: the mail server is down, the next run tries again.
    """
    started = time.monotonic()
    budget = settings.NOTIFICATION_EMAIL_SWEEP_SECONDS * 0.75
    due = timezone.now() - datetime.timedelta(seconds=settings.NOTIFICATION_EMAIL_SWEEP_AFTER_SECONDS)
    sent = 0
    connection = get_connection()  # one session with the mail server for the whole run
    try:
        while True:
            batch = list(
                _claimable(timezone.now())
                .filter(created_at__lte=due)
                .order_by("created_at")
                .values_list("pk", flat=True)[: settings.NOTIFICATION_EMAIL_SWEEP_BATCH]
            )
            if not batch:
                return sent
            progress = False
            for notification_id in batch:
                if time.monotonic() - started >= budget:
                    enqueue(notifications_email_sweep)  # more is left: carry on at once
                    return sent
                try:
                    outcome = _email_deliver(notification_id, connection=connection)
                except Exception as error:
                    logger.warning(
                        "e-mail sweep stopped: sending notification %s failed: %s",
                        notification_id,
                        type(error).__name__,
                    )
                    return sent
                if outcome == SENT:
                    sent += 1
                    progress = True
            if not progress:
                return sent  # every letter of the batch is another worker's now
    finally:
        connection.close()


def _claimable_digests(now):
    lease = datetime.timedelta(seconds=settings.NOTIFICATION_EMAIL_LEASE_SECONDS)
    return NotificationDigest.objects.filter(sent_at__isnull=True, attempts__lt=MAX_EMAIL_ATTEMPTS).filter(
        Q(claimed_at__isnull=True) | Q(claimed_at__lt=now - lease)
    )


def _digest_deliver(digest_id, *, connection=None):
    """Lease one digest, send its letter, mark it and its notifications sent: SENT,
    or TAKEN when another worker holds it (or it is sent, or given up). A failed
    send gives the lease back and raises."""
    now = timezone.now()
    claimed = _claimable_digests(now).filter(pk=digest_id).update(claimed_at=now, attempts=F("attempts") + 1)
    if not claimed:
        return TAKEN
    digest = NotificationDigest.objects.select_related("user", "school").get(pk=digest_id)
    notifications = list(digest.notifications.order_by("created_at", "pk"))
    if digest.user.email and digest.user.is_active and notifications:
        with translation.override("ru"):
            letter = letter_build(
                "notifications/letters/digest.html",
                {**_letter_context(digest.school), "digest": digest, "notifications": notifications},
                to=[digest.user.email],
                connection=connection,
            )
        try:
            if connection is not None:
                connection.open()
            letter.send()
        except Exception:
            NotificationDigest.objects.filter(pk=digest_id).update(claimed_at=None)
            raise
    sent_at = timezone.now()
    NotificationDigest.objects.filter(pk=digest_id).update(sent_at=sent_at)
    digest.notifications.update(email_sent_at=sent_at)
    return SENT


@shared_task(bind=True, ignore_result=True, max_retries=MAX_EMAIL_ATTEMPTS, default_retry_delay=60)
def notification_digest_send(self, *, digest_id):
    """E-mail one daily digest, once: leased like notification_email_send's letter,
    so a duplicate task stops at the lease and a retried one sends it at most once."""
    try:
        _digest_deliver(digest_id)
    except Exception as exc:
        raise self.retry(exc=exc) from exc


@shared_task(ignore_result=True)
def notifications_digest_sweep():
    """Beat-driven: make the day's digest of each person whose digest hour has come
    in their school's time and who has notifications waiting for it (each digest is
    made once a day: see notification_digest_make), then send the digests whose task
    was lost or whose worker died mid-send, made at least
    NOTIFICATION_EMAIL_SWEEP_AFTER_SECONDS ago. Returns (made, sent). A send that
    fails ends the run: the next one tries again."""
    now = timezone.now()
    waiting = (
        Notification.objects.filter(delivery=Delivery.DIGEST, digest__isnull=True)
        .values_list("user_id", "school_id")
        .distinct()
    )
    waiting = list(waiting)
    schools = School.objects.in_bulk({school_id for _, school_id in waiting})
    hours = {
        (user_id, school_id): hour
        for user_id, school_id, hour in DigestSchedule.objects.filter(
            user_id__in={user_id for user_id, _ in waiting}
        ).values_list("user_id", "school_id", "hour")
    }
    made = sum(
        1
        for user_id, school_id in waiting
        if notification_digest_make(
            user_id=user_id,
            school=schools[school_id],
            now=now,
            hour=hours.get((user_id, school_id), DIGEST_HOUR_DEFAULT),
        )
        is not None
    )
    due = now - datetime.timedelta(seconds=settings.NOTIFICATION_EMAIL_SWEEP_AFTER_SECONDS)
    orphans = list(
        _claimable_digests(now).filter(created_at__lte=due).order_by("created_at").values_list("pk", flat=True)
    )
    sent = 0
    if orphans:
        connection = get_connection()
        try:
            for digest_id in orphans:
                try:
                    sent += _digest_deliver(digest_id, connection=connection) == SENT
                except Exception as error:
                    logger.warning(
                        "digest sweep stopped: sending digest %s failed: %s", digest_id, type(error).__name__
                    )
                    break
        finally:
            connection.close()
    return made, sent
