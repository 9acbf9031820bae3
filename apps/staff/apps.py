from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from apps.core.personal_data import register as personal_data_register
from apps.core.sweeps import Sweep, sweep_register
from apps.core.todos import TASK_SOURCES


class StaffConfig(AppConfig):
    name = "apps.staff"
    verbose_name = _("Staff registry")

    def ready(self):
        from . import personal_data, todos

        # What the app gives people to do, on their «Мои дела».
        TASK_SOURCES.register("staff", todos.SOURCE)

        # What the app holds about a person, for the export and erasure (apps.privacy).
        personal_data_register(personal_data.SOURCE)

        # Staff-list uploads nobody confirmed within a day are deleted.
        sweep_register(
            Sweep(
                name="staff-imports-sweep",
                task="apps.staff.tasks.staff_imports_sweep",
                interval=3600,
                expires=3500,
            )
        )
