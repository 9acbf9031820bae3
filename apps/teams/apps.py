from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from apps.core.indicators import register_indicator
from apps.core.personal_data import register as personal_data_register
from apps.core.sweeps import Sweep, sweep_register
from apps.core.todos import TASK_SOURCES
from apps.staff.load import LOAD_COUNTERS


class TeamsConfig(AppConfig):
    name = "apps.teams"
    verbose_name = _("Task teams")

    def ready(self):
        from . import indicators, personal_data, selectors, todos

        # What the app gives people to do, on their «Мои дела».
        TASK_SOURCES.register("teams", todos.SOURCE)

        # Open task teams count toward a teacher's load.
        LOAD_COUNTERS.register("task_teams", selectors.team_load)

        # What the app holds about a person, for the export and erasure (apps.privacy).
        personal_data_register(personal_data.SOURCE)

        # Reminders of overdue milestones and passed team deadlines, by the school's date.
        sweep_register(
            Sweep(
                name="teams-deadline-sweep",
                task="apps.teams.tasks.teams_deadline_sweep_task",
                interval=3600,
                expires=3500,
            )
        )

        # What it counts for the collective-work rating (apps.core.indicators).
        for indicator in indicators.INDICATORS:
            register_indicator(indicator)
