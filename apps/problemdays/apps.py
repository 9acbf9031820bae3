from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProblemDaysConfig(AppConfig):
    name = "apps.problemdays"
    verbose_name = _("Problem-theme days")

    def ready(self):
        from apps.core.sweeps import Sweep, sweep_register

        # The day-before reminders of duties on problem-theme days.
        sweep_register(
            Sweep(
                name="problem-day-duties-sweep",
                task="apps.problemdays.tasks.problem_day_duties_sweep_task",
                interval=3600,
                expires=3500,
            )
        )
