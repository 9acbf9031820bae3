"""The recognition tree: colleagues recognise each other's concrete help, live at a staff meeting too."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from apps.core.personal_data import register as personal_data_register


class RecognitionConfig(AppConfig):
    name = "apps.recognition"
    verbose_name = _("Recognition tree")

    def ready(self):
        from . import personal_data

        # Who gave and who received recognitions, for the export and erasure (apps.privacy).
        personal_data_register(personal_data.SOURCE)
