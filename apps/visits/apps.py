from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class VisitsConfig(AppConfig):
    name = "apps.visits"
    verbose_name = _("Lesson visits")

    def ready(self):
        from apps.core.sweeps import Sweep, sweep_register

        # Every two minutes; the deadlines themselves live in the database.
        sweep_register(
            Sweep(
                name="visits-deadline-sweep",
                task="apps.visits.tasks.visits_deadline_sweep_task",
                interval=120,
                expires=110,
            )
        )
