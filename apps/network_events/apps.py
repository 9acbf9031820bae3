from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NetworkEventsConfig(AppConfig):
    name = "apps.network_events"
    verbose_name = _("Network events")

    def ready(self):
        """The app fills core's registries (tasks, calendar, sweeps, personal data) here."""
