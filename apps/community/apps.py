from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from apps.core.indicators import register_indicator
from apps.core.personal_data import register as personal_data_register
from apps.core.todos import TASK_SOURCES


class CommunityConfig(AppConfig):
    name = "apps.community"
    verbose_name = _("Community")

    def ready(self):
        """The app fills core's registries (tasks, calendar, sweeps, personal data) here."""
        from . import indicators, personal_data, todos

        # Questions answered with none marked as helpful, on the asker's «Мои дела».
        TASK_SOURCES.register("community", todos.SOURCE)

        personal_data_register(personal_data.SOURCE)

        # What it counts for the collective-work rating (apps.core.indicators).
        for indicator in indicators.INDICATORS:
            register_indicator(indicator)
