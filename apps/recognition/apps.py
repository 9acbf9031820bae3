"""The recognition tree: colleagues recognise each other's concrete help, live at a staff meeting too."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RecognitionConfig(AppConfig):
    name = "apps.recognition"
    verbose_name = _("Recognition tree")
