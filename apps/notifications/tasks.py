import datetime
import logging

from celery import shared_task
from django.conf import settings
from django.core.mail import send_mail
from django.db.models import Q
from django.template.loader import render_to_string
from django.utils import timezone, translation

from .models import Notification

logger = logging.getLogger(__name__)


@shared_task(bind=True, ignore_result=True, max_retries=5, default_retry_delay=60)
def notification_email_send(self, *, notification_id):
    """E-mail one notification, once: the row is claimed with a conditional UPDATE
    before sending and released if sending fails, so a retry or a duplicate task
    never sends it twice."""
    claimed = Notification.objects.filter(pk=notification_id, email_sent_at__isnull=True).update(
        email_sent_at=timezone.now()
    )
    if not claimed:
        return
    notification = Notification.objects.select_related("user", "school").get(pk=notification_id)
    if not notification.user.email or not notification.user.is_active:
        return
    with translation.override("ru"):
        body = render_to_string(
            "notifications/email.txt", {"notification": notification, "site_url": settings.SITE_URL}
        )
    try:
        send_mail(notification.title, body, None, [notification.user.email])
    except Exception as exc:
        Notification.objects.filter(pk=notification_id).update(email_sent_at=None)
        raise self.retry(exc=exc) from exc


@shared_task(ignore_result=True)
def notifications_email_sweep():
    """Beat-driven: e-mail notifications whose task never ran (the broker was down
    when they were made). Idempotent: each send claims its row first."""
    stale = timezone.now() - datetime.timedelta(minutes=5)
    pending = Notification.objects.filter(Q(email_sent_at__isnull=True), created_at__lt=stale).values_list(
        "pk", flat=True
    )[:500]
    for notification_id in pending:
        notification_email_send.delay(notification_id=notification_id)
    return len(pending)
