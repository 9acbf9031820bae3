from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TeamsConfig(AppConfig):
    name = "apps.teams"
    verbose_name = _("Task teams")

    def ready(self):
        from apps.core.sweeps import Sweep, sweep_register

        # Reminders of overdue milestones and passed team deadlines, by the school's date.
        sweep_register(
            Sweep(
                name="teams-deadline-sweep",
                task="apps.teams.tasks.teams_deadline_sweep_task",
                interval=3600,
                expires=3500,
            )
        )
