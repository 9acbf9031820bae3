from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class StaffConfig(AppConfig):
    name = "apps.staff"
    verbose_name = _("Staff registry")

    def ready(self):
        from apps.core.sweeps import Sweep, sweep_register

        # Staff-list uploads nobody confirmed within a day are deleted.
        sweep_register(
            Sweep(
                name="staff-imports-sweep",
                task="apps.staff.tasks.staff_imports_sweep",
                interval=3600,
                expires=3500,
            )
        )
