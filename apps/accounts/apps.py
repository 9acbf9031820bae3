from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from apps.core.personal_data import register as personal_data_register


class AccountsConfig(AppConfig):
    name = "apps.accounts"
    verbose_name = _("Accounts and schools")

    def ready(self):
        from . import personal_data, receivers  # noqa: F401 - receivers: sign-in stamp, snapshots made stale

        # What the app holds about a person, for the export and erasure (apps.privacy).
        personal_data_register(personal_data.SOURCE)
