import datetime
import logging
import time

from celery import shared_task
from django.conf import settings
from django.core.mail import get_connection, send_mail
from django.db.models import F, Q
from django.template.loader import render_to_string
from django.utils import timezone, translation

from apps.core.tasks import enqueue

from .models import MAX_EMAIL_ATTEMPTS, Notification

logger = logging.getLogger(__name__)

__all__ = ["MAX_EMAIL_ATTEMPTS", "notification_email_send", "notifications_email_sweep"]

# What one try at a letter came to.
SENT, TAKEN, FAILED = "sent", "taken", "failed"


def _claimable(now):
    lease = datetime.timedelta(seconds=settings.NOTIFICATION_EMAIL_LEASE_SECONDS)
    return Notification.objects.filter(email_sent_at__isnull=True, email_attempts__lt=MAX_EMAIL_ATTEMPTS).filter(
        Q(email_claimed_at__isnull=True) | Q(email_claimed_at__lt=now - lease)
    )


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
        body = render_to_string(
            "notifications/email.txt", {"notification": notification, "site_url": settings.SITE_URL}
        )
    try:
        if connection is not None:
            connection.open()  # the sweep's first letter opens its session, the rest reuse it
        send_mail(notification.title, body, None, [notification.user.email], connection=connection)
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
