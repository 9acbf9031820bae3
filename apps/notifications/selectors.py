"""Reads of a person's notifications in their current school."""

from django.db.models import Case, IntegerField, Value, When

from .models import (
    DIGEST_HOUR_DEFAULT,
    MAX_EMAIL_ATTEMPTS,
    Delivery,
    DigestSchedule,
    Notification,
    NotificationDigest,
    NotificationPreference,
)

ORDERS = ("unread", "newest")


def notifications_for(*, user, school, order="unread"):
    """The user's notifications of `school`: unread first (then newest), or newest first."""
    notifications = Notification.objects.filter(user=user, school=school)
    if order == "unread":
        unread_first = Case(When(read_at__isnull=True, then=Value(0)), default=Value(1), output_field=IntegerField())
        return notifications.order_by(unread_first, "-created_at", "-pk")
    return notifications.order_by("-created_at", "-pk")


def notifications_unread_count(*, user, school):
    """The navbar's badge: one COUNT over the partial index of unread rows."""
    return Notification.objects.filter(user=user, school=school, read_at__isnull=True).count()


def notifications_email_backlog_since():
    """When the oldest letter still owed was made (None if none is): /healthz's mail
    backlog. Letters given up after their last attempt are owed no more. One query
    over the partial index of unsent letters."""
    return (
        Notification.objects.filter(
            email_sent_at__isnull=True, email_attempts__lt=MAX_EMAIL_ATTEMPTS, delivery=Delivery.IMMEDIATE
        )
        .order_by("created_at")
        .values_list("created_at", flat=True)
        .first()
    )


def notification_delivery_for(*, user, school, kind):
    """The letter a new notification of `kind` owes `user` in `school`: their choice,
    or e-mail at once when they made none."""
    chosen = (
        NotificationPreference.objects.filter(user=user, school=school, kind=kind)
        .values_list("delivery", flat=True)
        .first()
    )
    return chosen or Delivery.IMMEDIATE


def notification_preferences_for(*, user, school):
    """Every kind of notification (Notification.Kind, in its order) with the person's
    choice for it, and their digest hour: the preferences page."""
    chosen = dict(NotificationPreference.objects.filter(user=user, school=school).values_list("kind", "delivery"))
    deliveries = {kind: chosen.get(kind, Delivery.IMMEDIATE) for kind in Notification.Kind.values}
    hour = DigestSchedule.objects.filter(user=user, school=school).values_list("hour", flat=True).first()
    return deliveries, DIGEST_HOUR_DEFAULT if hour is None else hour


def notification_digests_backlog_since():
    """When the oldest digest still owed was made (None if none is): /healthz's digest
    backlog, over the partial index of unsent digests."""
    return (
        NotificationDigest.objects.filter(sent_at__isnull=True, attempts__lt=MAX_EMAIL_ATTEMPTS)
        .order_by("created_at")
        .values_list("created_at", flat=True)
        .first()
    )
