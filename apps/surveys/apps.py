from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from apps.core.personal_data import register as personal_data_register
from apps.core.sweeps import Sweep, sweep_register
from apps.core.todos import TASK_SOURCES


class SurveysConfig(AppConfig):
    name = "apps.surveys"
    verbose_name = _("Staff network surveys")

    def ready(self):
        from . import personal_data, todos

        # What the app gives people to do, on their «Мои дела».
        TASK_SOURCES.register("surveys", todos.SOURCE)

        # What the app holds about a person, for the export and erasure (apps.privacy).
        personal_data_register(personal_data.SOURCE)

        # Surveys open, remind, close and get analysed by the school's own date.
        sweep_register(
            Sweep(
                name="surveys-sweep",
                task="apps.surveys.tasks.surveys_sweep_task",
                interval=3600,
                expires=3500,
            )
        )
