from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class HelpProgrammesConfig(AppConfig):
    name = "apps.help_programmes"
    verbose_name = _("Programmes of help")

    def ready(self):
        """The app fills core's registries (tasks, calendar, sweeps, personal data) here."""
