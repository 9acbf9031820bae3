from django.db import IntegrityError, transaction
from django.utils import timezone

from apps.core.tasks import enqueue_on_commit
from apps.core.validation import max_length_of

from .models import Notification

# The body is written by the product, not typed: a long one is cut, never refused
# (a refused row would read as "already sent").
BODY_MAX = max_length_of(Notification, "body")


def notification_send(*, user, school, kind, key, title, body="", url=""):
    """Notify `user` once about (kind, key); returns the new notification, or None
    if it was already sent. Its e-mail goes out from a worker after commit."""
    try:
        with transaction.atomic():
            notification = Notification.objects.create(
                user=user, school=school, kind=kind, key=key, title=title[:255], body=body[:BODY_MAX], url=url
            )
    except IntegrityError:
        return None  # already notified: exactly once
    from .tasks import notification_email_send

    enqueue_on_commit(notification_email_send, notification_id=notification.pk)
    return notification


def notifications_mark_read(*, user, ids=None):
    unread = Notification.objects.filter(user=user, read_at__isnull=True)
    if ids is not None:
        unread = unread.filter(pk__in=ids)
    return unread.update(read_at=timezone.now())
