"""Reads of a person's notifications in their current school."""

from django.db.models import Case, IntegerField, Value, When

from .models import MAX_EMAIL_ATTEMPTS, Notification

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
        Notification.objects.filter(email_sent_at__isnull=True, email_attempts__lt=MAX_EMAIL_ATTEMPTS)
        .order_by("created_at")
        .values_list("created_at", flat=True)
        .first()
    )
