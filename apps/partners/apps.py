from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from apps.core.indicators import register_indicator
from apps.core.personal_data import register as personal_data_register
from apps.core.sweeps import Sweep, sweep_register
from apps.core.todos import TASK_SOURCES


class PartnersConfig(AppConfig):
    name = "apps.partners"
    verbose_name = _("Social partners")

    def ready(self):
        from . import indicators, personal_data, todos

        # What the app gives people to do, on their «Мои дела».
        TASK_SOURCES.register("partners", todos.SOURCE)

        # What the app holds about a person, for the export and erasure (apps.privacy).
        personal_data_register(personal_data.SOURCE)

        # Reminders of agreements that expire within 60 days: a few times a day is plenty.
        sweep_register(
            Sweep(
                name="agreements-expiry-sweep",
                task="apps.partners.tasks.agreements_expiry_sweep_task",
                interval=6 * 3600,
                expires=6 * 3600 - 100,
            )
        )

        # What it counts for the collective-work rating (apps.core.indicators).
        for indicator in indicators.INDICATORS:
            register_indicator(indicator)
