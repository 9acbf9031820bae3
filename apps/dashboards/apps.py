from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from apps.surveys.registries import PROGRAMME_TIE_READERS


class DashboardsConfig(AppConfig):
    name = "apps.dashboards"
    verbose_name = _("Dashboards and reports")

    def ready(self):
        from . import collaboration

        # The staff survey compares the ties people name with those the programme made.
        PROGRAMME_TIE_READERS.register("programme", collaboration.programme_ties)
