import datetime
import logging

from celery import shared_task
from django.conf import settings
from django.core.mail import send_mail
from django.db.models import F, Q
from django.template.loader import render_to_string
from django.utils import timezone, translation

from apps.core.tasks import enqueue

from .models import Notification

logger = logging.getLogger(__name__)


MAX_EMAIL_ATTEMPTS = 5


def _claimable(now):
    lease = datetime.timedelta(seconds=settings.NOTIFICATION_EMAIL_LEASE_SECONDS)
    return Notification.objects.filter(email_sent_at__isnull=True, email_attempts__lt=MAX_EMAIL_ATTEMPTS).filter(
        Q(email_claimed_at__isnull=True) | Q(email_claimed_at__lt=now - lease)
    )


@shared_task(bind=True, ignore_result=True, max_retries=MAX_EMAIL_ATTEMPTS, default_retry_delay=60)
def notification_email_send(self, *, notification_id):
    """E-mail one notification, once.

    The row is leased with a conditional UPDATE before sending, and marked sent
    only after: a duplicate task finds the lease and stops; a worker that dies
    mid-send leaves a lease that expires, and the sweep sends it again; a failed
    send gives the lease back for the retry; after five attempts it gives up.
    """
    now = timezone.now()
    claimed = (
        _claimable(now).filter(pk=notification_id).update(email_claimed_at=now, email_attempts=F("email_attempts") + 1)
    )
    if not claimed:
        return
    notification = Notification.objects.select_related("user", "school").get(pk=notification_id)
    if not notification.user.email or not notification.user.is_active:
        Notification.objects.filter(pk=notification_id).update(email_sent_at=now)
        return
    with translation.override("ru"):
        body = render_to_string(
            "notifications/email.txt", {"notification": notification, "site_url": settings.SITE_URL}
        )
    try:
        send_mail(notification.title, body, None, [notification.user.email])
    except Exception as exc:
        Notification.objects.filter(pk=notification_id).update(email_claimed_at=None)
        raise self.retry(exc=exc) from exc
    Notification.objects.filter(pk=notification_id).update(email_sent_at=timezone.now())


@shared_task(ignore_result=True)
def notifications_email_sweep():
    """Beat-driven: e-mail notifications whose task never ran (the broker was down)
    or whose worker died mid-send. Idempotent: each send leases its row first."""
    now = timezone.now()
    after = datetime.timedelta(seconds=settings.NOTIFICATION_EMAIL_SWEEP_AFTER_SECONDS)
    pending = list(_claimable(now).filter(created_at__lte=now - after).values_list("pk", flat=True)[:500])
    sent = 0
    for notification_id in pending:
        if not enqueue(notification_email_send, notification_id=notification_id):
            break  # the broker is down: the next sweep tries again
        sent += 1
    return sent
