from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from apps.core.personal_data import register as personal_data_register
from apps.core.sweeps import Sweep, sweep_register


class NotificationsConfig(AppConfig):
    name = "apps.notifications"
    verbose_name = _("Notifications")

    def ready(self):
        from . import personal_data

        # What the app holds about a person, for the export and erasure (apps.privacy).
        personal_data_register(personal_data.SOURCE)

        from django.conf import settings

        from .selectors import notification_digests_backlog_since, notifications_email_backlog_since

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

        # The daily digests: made at each person's hour in their school's time, so it
        # runs often enough that a digest comes within minutes of its hour.
        interval = settings.NOTIFICATION_DIGEST_SWEEP_SECONDS
        sweep_register(
            Sweep(
                name="notifications-digest-sweep",
                task="apps.notifications.tasks.notifications_digest_sweep",
                interval=interval,
                expires=interval - 5,
                backlog=notification_digests_backlog_since,
            )
        )
