from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    name = "apps.notifications"
    verbose_name = _("Notifications")

    def ready(self):
        from django.conf import settings

        from apps.core.sweeps import Sweep, sweep_register

        from .selectors import notifications_email_backlog_since

        # Letters whose task was lost (the broker was down) or whose worker died
        # mid-send; /healthz fails when one has waited longer than a run and a margin.
        interval = settings.NOTIFICATION_EMAIL_SWEEP_SECONDS
        sweep_register(
            Sweep(
                name="notifications-email-sweep",
                task="apps.notifications.tasks.notifications_email_sweep",
                interval=interval,
                expires=interval - 5,
                backlog=notifications_email_backlog_since,
            )
        )
