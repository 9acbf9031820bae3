"""Indicators of collective work kept by the network events app
(apps.core.indicators): seminars, master classes and other events a teacher led."""

from django.db.models import F
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from apps.core.indicator_rules import LocalDate, one
from apps.core.indicators import Evidence, Indicator
from apps.core.typography import quoted

from .models import Event


def events_led(*, school_id, start, end):
    """Events held (a planned or cancelled one does not count) that the school's people
    led, whichever school of the network organised them, on the day held."""
    Lead = Event.leads.through
    rows = (
        Lead.objects.filter(event__status=Event.Status.HELD, staffmember__school_id=school_id)
        .annotate(on=LocalDate(F("event__starts_at"), F("staffmember__school__time_zone")))
        .filter(on__range=(start, end))
        .values("event_id", "on", staff_id=F("staffmember_id"), kind=F("event__kind"), title=F("event__title"))
        .order_by("on", "event_id", "staff_id")
    )
    kinds = dict(Event.Kind.choices)
    return [
        Evidence(
            staff_id=row["staff_id"],
            units=one(),
            label=_("Lead: %(kind)s %(title)s")
            % {"kind": kinds.get(row["kind"], row["kind"]), "title": quoted(row["title"])},
            on=row["on"],
            url=reverse("network_events:detail", args=[row["event_id"]]),
        )
        for row in rows
    ]


INDICATORS = (
    Indicator(
        key="network_events.events_led",
        label=gettext_lazy("Seminars, master classes and other network events led"),
        unit=gettext_lazy("events"),
        reads=frozenset(
            {
                "network_events.Event.leads",
                "network_events.Event.status",
                "network_events.Event.starts_at",
                "network_events.Event.kind",
                "network_events.Event.title",
                "staff.StaffMember.school",
                "accounts.School.time_zone",
            }
        ),
        compute=events_led,
        order=80,
    ),
)
