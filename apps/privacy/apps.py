from django.apps import AppConfig
from django.core import checks
from django.utils.translation import gettext_lazy as _


class PrivacyConfig(AppConfig):
    name = "apps.privacy"
    verbose_name = _("Personal data")

    def ready(self):
        from .checks import every_person_model_declared

        # A model pointing at a person that no app declares would escape export and erasure.
        checks.register(every_person_model_declared)
