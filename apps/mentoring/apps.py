from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from apps.core.calendars import CALENDAR_SOURCES
from apps.core.indicators import register_indicator
from apps.core.personal_data import register as personal_data_register
from apps.core.todos import TASK_SOURCES
from apps.staff.load import LOAD_COUNTERS


class MentoringConfig(AppConfig):
    name = "apps.mentoring"
    verbose_name = _("Mentoring")

    def ready(self):
        from . import calendar_items, indicators, personal_data, selectors, todos

        # What the app gives people to do, on their «Мои дела».
        TASK_SOURCES.register("mentoring", todos.SOURCE)

        # Open pairs and triads count toward a teacher's load.
        LOAD_COUNTERS.register("mentor_groups", selectors.group_load)
        CALENDAR_SOURCES.register("group_events", calendar_items.GROUP_EVENTS)
        CALENDAR_SOURCES.register("route_steps", calendar_items.ROUTE_STEPS)

        # What the app holds about a person, for the export and erasure (apps.privacy).
        personal_data_register(personal_data.SOURCE)

        # What it counts for the collective-work rating (apps.core.indicators).
        for indicator in indicators.INDICATORS:
            register_indicator(indicator)
