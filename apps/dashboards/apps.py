from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DashboardsConfig(AppConfig):
    name = "apps.dashboards"
    verbose_name = _("Dashboards and reports")

    def ready(self):
        from django.conf import settings

        from apps.core.sweeps import Sweep, sweep_register

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
