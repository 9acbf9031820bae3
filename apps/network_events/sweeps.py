"""The eve reminder of network events.

Beat-driven and idempotent: each person registered (not waiting, not cancelled)
hears once per event and start (a unique (user, kind, key) notification: an event
moved to another day is reminded again on its new eve), on the eve by the
ORGANISER school's date: the event's time is the organiser's, wherever the person
works. Whoever was reminded already is not read again the next hour.
"""

import datetime

from django.db.models import Case, CharField, Exists, OuterRef, Value, When
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from apps.core.dates import is_eve
from apps.core.typography import quoted
from apps.notifications.models import Notification
from apps.notifications.services import notification_send

from .models import Event, Registration


def eve_key(event):
    """The eve reminder's key: the event and the moment it starts."""
    return f"event:{event.pk}:{int(event.starts_at.timestamp())}"


def network_events_eve_sweep(*, now=None):
    now = now or timezone.now()
    sent = 0
    # Events starting "tomorrow" somewhere in Russia (UTC+2 … UTC+12) lie within these moments.
    events = Event.objects.filter(
        status=Event.Status.PLANNED,
        starts_at__gt=now,
        starts_at__lt=now + datetime.timedelta(hours=60),
    ).select_related("school")
    due = {}
    for event in events:
        zone = event.school.tzinfo
        local = timezone.localtime(event.starts_at, zone)
        if not is_eve(event.school, local.date(), now):
            continue
        due[event.pk] = (event, local)
    if not due:
        return 0
    # Only the registered not yet reminded of this start are read: the others were told in an earlier hour.
    key = Case(
        *(When(event_id=pk, then=Value(eve_key(event))) for pk, (event, _local) in due.items()),
        output_field=CharField(),
    )
    told = Notification.objects.filter(
        user_id=OuterRef("staff__user_id"), kind=Notification.Kind.EVENT_REMINDER, key=OuterRef("eve_key")
    )
    registered = (
        Registration.objects.filter(
            event_id__in=due, status=Registration.Status.REGISTERED, staff__user__is_active=True
        )
        .annotate(eve_key=key)
        .exclude(Exists(told))
        .select_related("staff__user", "school")
        .order_by("event_id", "pk")
    )
    with translation.override("ru"):
        for registration in registered:
            event, local = due[registration.event_id]
            title = _("Tomorrow, %(time)s: %(kind)s %(title)s") % {
                "time": local.strftime("%H:%M"),
                "kind": event.get_kind_display(),
                "title": quoted(event.title),
            }
            if notification_send(
                user=registration.staff.user,
                school=registration.school,
                kind=Notification.Kind.EVENT_REMINDER,
                key=registration.eve_key,
                title=title,
                body=event.place or event.online_link,
                url=reverse("network_events:detail", args=[event.pk]),
            ):
                sent += 1
    return sent
