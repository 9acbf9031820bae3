from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from apps.core.personal_data import register as personal_data_register


class CommunityConfig(AppConfig):
    name = "apps.community"
    verbose_name = _("Community")

    def ready(self):
        """The app fills core's registries (tasks, calendar, sweeps, personal data) here."""
        from . import personal_data

        personal_data_register(personal_data.SOURCE)
