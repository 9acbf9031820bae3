from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AssociationsConfig(AppConfig):
    name = "apps.associations"
    verbose_name = _("Methodical associations")

    def ready(self):
        """The app fills core's registries (tasks, calendar, sweeps, personal data) here."""
