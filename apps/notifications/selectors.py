"""Reads of a person's notifications in their current school."""

from django.db.models import Case, IntegerField, Value, When

from .models import Notification

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
