"""Seminars, coaching sessions, webinars and open lessons of the network:
invitations, registration with a waiting list, attendance."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from apps.core.calendars import CALENDAR_SOURCES
from apps.core.indicators import register_indicator
from apps.core.personal_data import register as personal_data_register
from apps.core.sweeps import Sweep, sweep_register
from apps.core.todos import TASK_SOURCES


class NetworkEventsConfig(AppConfig):
    name = "apps.network_events"
    verbose_name = _("Network events")

    def ready(self):
        from . import calendar_items, indicators, personal_data, todos

        # Events one is registered for, organises or is invited to, on «Мои дела».
        TASK_SOURCES.register("network_events", todos.SOURCE)

        # Events one leads, organises or holds a place at, on the calendars and the .ics feed.
        CALENDAR_SOURCES.register("network_events", calendar_items.EVENTS)

        # What the app holds about a person, for the export and erasure (apps.privacy).
        personal_data_register(personal_data.SOURCE)

        # The eve reminder of network events, by the organiser school's date.
        sweep_register(
            Sweep(
                name="network-events-eve-sweep",
                task="apps.network_events.tasks.network_events_eve_sweep_task",
                interval=3600,
                expires=3500,
            )
        )

        # What it counts for the collective-work rating (apps.core.indicators).
        for indicator in indicators.INDICATORS:
            register_indicator(indicator)
