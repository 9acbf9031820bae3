from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "apps.accounts"
    verbose_name = _("Accounts and schools")

    def ready(self):
        from . import receivers  # noqa: F401 - stamps each new session at sign-in
