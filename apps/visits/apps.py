from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from apps.core.personal_data import register as personal_data_register
from apps.core.sweeps import Sweep, sweep_register


class VisitsConfig(AppConfig):
    name = "apps.visits"
    verbose_name = _("Lesson visits")

    def ready(self):
        from . import personal_data

        # What the app holds about a person, for the export and erasure (apps.privacy).
        personal_data_register(personal_data.SOURCE)

        # Every two minutes; the deadlines themselves live in the database.
        sweep_register(
            Sweep(
                name="visits-deadline-sweep",
                task="apps.visits.tasks.visits_deadline_sweep_task",
                interval=120,
                expires=110,
            )
        )
