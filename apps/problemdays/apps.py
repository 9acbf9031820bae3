from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from apps.core.calendars import CALENDAR_SOURCES
from apps.core.indicators import register_indicator
from apps.core.personal_data import register as personal_data_register
from apps.core.sweeps import Sweep, sweep_register
from apps.core.todos import TASK_SOURCES


class ProblemDaysConfig(AppConfig):
    name = "apps.problemdays"
    verbose_name = _("Problem-theme days")

    def ready(self):
        from . import calendar_items, indicators, personal_data, todos

        # What the app gives people to do, on their «Мои дела».
        TASK_SOURCES.register("problemdays", todos.SOURCE)

        # Duties on problem-theme days appear on the person's calendars.
        CALENDAR_SOURCES.register("problem_day_duties", calendar_items.DUTIES)

        # What the app holds about a person, for the export and erasure (apps.privacy).
        personal_data_register(personal_data.SOURCE)

        # The day-before reminders of duties on problem-theme days.
        sweep_register(
            Sweep(
                name="problem-day-duties-sweep",
                task="apps.problemdays.tasks.problem_day_duties_sweep_task",
                interval=3600,
                expires=3500,
            )
        )

        # What it counts for the collective-work rating (apps.core.indicators).
        for indicator in indicators.INDICATORS:
            register_indicator(indicator)
