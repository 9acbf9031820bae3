from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from apps.core.personal_data import register as personal_data_register
from apps.core.sweeps import Sweep, sweep_register
from apps.surveys.registries import PROGRAMME_TIE_READERS


class DashboardsConfig(AppConfig):
    name = "apps.dashboards"
    verbose_name = _("Dashboards and reports")

    def ready(self):
        from . import collaboration, personal_data

        # The staff survey compares the ties people name with those the programme made.
        PROGRAMME_TIE_READERS.register("programme", collaboration.programme_ties)

        # What the app holds about a person, for the export and erasure (apps.privacy).
        personal_data_register(personal_data.SOURCE)

        from django.conf import settings

        # The dashboards' year summaries: never older than this interval.
        minutes = settings.DASHBOARD_SUMMARY_MINUTES
        sweep_register(
            Sweep(
                name="dashboard-summaries-refresh",
                task="apps.dashboards.tasks.summaries_refresh_task",
                interval=minutes * 60,
                expires=minutes * 60 - 10,
            )
        )
        # Prepared exports whose task was lost (the broker was down, say).
        sweep_register(
            Sweep(
                name="report-exports-sweep",
                task="apps.dashboards.tasks.report_exports_sweep_task",
                interval=600,
                expires=590,
            )
        )
