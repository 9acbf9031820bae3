"""The eve reminder of network events.

Beat-driven and idempotent: each person registered (not waiting, not cancelled)
hears once per event (a unique (user, kind, key) notification), on the eve by
the ORGANISER school's date: the event's time is the organiser's, wherever the
person works.
"""

import datetime

from django.db.models import Prefetch
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from apps.core.dates import is_eve
from apps.core.typography import quoted
from apps.notifications.models import Notification
from apps.notifications.services import notification_send

from .models import Event, Registration


def network_events_eve_sweep(*, now=None):
    now = now or timezone.now()
    sent = 0
    registered = Registration.objects.filter(status=Registration.Status.REGISTERED).select_related(
        "staff__user", "school"
    )
    # Events starting "tomorrow" somewhere in Russia (UTC+2 … UTC+12) lie within these moments.
    events = (
        Event.objects.filter(
            status=Event.Status.PLANNED,
            starts_at__gt=now,
            starts_at__lt=now + datetime.timedelta(hours=60),
        )
        .select_related("school")
        .prefetch_related(Prefetch("registrations", queryset=registered, to_attr="registered"))
    )
    with translation.override("ru"):
        for event in events:
            zone = event.school.tzinfo
            local = timezone.localtime(event.starts_at, zone)
            if not is_eve(event.school, local.date(), now):
                continue
            title = _("Tomorrow, %(time)s: %(kind)s %(title)s") % {
                "time": local.strftime("%H:%M"),
                "kind": event.get_kind_display(),
                "title": quoted(event.title),
            }
            for registration in event.registered:
                user = registration.staff.user
                if user is None or not user.is_active:
                    continue
                if notification_send(
                    user=user,
                    school=registration.school,
                    kind=Notification.Kind.EVENT_REMINDER,
                    key=f"event:{event.pk}",
                    title=title,
                    body=event.place or event.online_link,
                    url=reverse("network_events:detail", args=[event.pk]),
                ):
                    sent += 1
    return sent
