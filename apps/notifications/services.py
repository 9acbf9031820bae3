from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.core.tasks import enqueue_on_commit
from apps.core.todos import todos_changed
from apps.core.validation import max_length_of

from .models import (
    DIGEST_HOUR_DEFAULT,
    Delivery,
    DigestSchedule,
    Notification,
    NotificationDigest,
    NotificationPreference,
)
from .selectors import notification_delivery_for

# The body is written by the product, not typed: a long one is cut, never refused
# (a refused row would read as "already sent").
BODY_MAX = max_length_of(Notification, "body")


def notification_send(*, user, school, kind, key, title, body="", url=""):
    """Notify `user` once about (kind, key); returns the new notification, or None
    if it was already sent. The in-app notification is always made; its letter is
    the one the person chose for the kind: sent from a worker after commit, kept
    for the day's digest, or none."""
    delivery = notification_delivery_for(user=user, school=school, kind=kind)
    try:
        with transaction.atomic():
            notification = Notification.objects.create(
                user=user,
                school=school,
                kind=kind,
                key=key,
                title=title[:255],
                body=body[:BODY_MAX],
                url=url,
                delivery=delivery,
            )
    except IntegrityError:
        return None  # already notified: exactly once
    # The bell's count, cached per person, counts it from the next page on.
    transaction.on_commit(lambda: todos_changed(user_id=user.pk))
    if delivery == Delivery.IMMEDIATE:
        from .tasks import notification_email_send

        enqueue_on_commit(notification_email_send, notification_id=notification.pk)
    return notification


def notifications_mark_read(*, user, ids=None):
    unread = Notification.objects.filter(user=user, read_at__isnull=True)
    if ids is not None:
        unread = unread.filter(pk__in=ids)
    marked = unread.update(read_at=timezone.now())
    if marked:
        transaction.on_commit(lambda: todos_changed(user_id=user.pk))
    return marked


def notification_preferences_set(*, user, school, deliveries, digest_hour):
    """Record which letter each kind of notification sends `user` in `school`
    (`deliveries`: kind -> Delivery) and the hour of their digest. Kinds left out
    keep their choice. An unknown kind or delivery, or an hour outside 0..23, is
    refused whole."""
    errors = {}
    unknown = set(deliveries) - set(Notification.Kind.values)
    if unknown:
        errors["__all__"] = _("Unknown kind of notification: %(kinds)s") % {"kinds": ", ".join(sorted(unknown))}
    if any(value not in Delivery.values for value in deliveries.values()):
        errors.setdefault("__all__", _("Choose one of the offered ways to get a letter."))
    if not isinstance(digest_hour, int) or not 0 <= digest_hour <= 23:
        errors["digest_hour"] = _("The hour is a whole number from 0 to 23.")
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        NotificationPreference.objects.bulk_create(
            [
                NotificationPreference(user=user, school=school, kind=kind, delivery=delivery)
                for kind, delivery in deliveries.items()
            ],
            update_conflicts=True,
            unique_fields=["user", "school", "kind"],
            update_fields=["delivery"],
        )
        DigestSchedule.objects.update_or_create(user=user, school=school, defaults={"hour": digest_hour})


def notification_digest_make(*, user_id, school, now=None, hour=None):
    """Make today's digest for the person in `school` if its hour has come, in the
    school's time, and notifications wait for it; returns it, or None.

    Exactly once a day: the digest row is unique per (user, school, day), so a second
    sweep, at once or later that day, fails its insert and makes none. The waiting
    notifications are tied to the digest in the same transaction, so each is in one
    digest only; those made after it wait for the next day's. Its letter is sent by
    a task enqueued on commit. `hour`: the person's digest hour, when the caller has
    read it already (the sweep reads everyone's at once)."""
    now = now or timezone.now()
    local = now.astimezone(school.tzinfo)
    if hour is None:
        hour = DigestSchedule.objects.filter(user_id=user_id, school=school).values_list("hour", flat=True).first()
    if local.hour < (DIGEST_HOUR_DEFAULT if hour is None else hour):
        return None
    if NotificationDigest.objects.filter(user_id=user_id, school=school, day=local.date()).exists():
        return None  # made already today: what came since waits for tomorrow's
    try:
        with transaction.atomic():
            digest = NotificationDigest.objects.create(user_id=user_id, school=school, day=local.date())
            tied = Notification.objects.filter(
                user_id=user_id, school=school, delivery=Delivery.DIGEST, digest__isnull=True, created_at__lte=now
            ).update(digest=digest)
            if not tied:
                raise _NothingWaits
    except IntegrityError:
        return None  # today's digest is made already
    except _NothingWaits:
        return None
    from .tasks import notification_digest_send

    enqueue_on_commit(notification_digest_send, digest_id=digest.pk)
    return digest


class _NothingWaits(Exception):
    """Undo an empty digest: a day without notifications sends no letter."""
