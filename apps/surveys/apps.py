from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SurveysConfig(AppConfig):
    name = "apps.surveys"
    verbose_name = _("Staff network surveys")

    def ready(self):
        from apps.core.sweeps import Sweep, sweep_register

        # Surveys open, remind, close and get analysed by the school's own date.
        sweep_register(
            Sweep(
                name="surveys-sweep",
                task="apps.surveys.tasks.surveys_sweep_task",
                interval=3600,
                expires=3500,
            )
        )
