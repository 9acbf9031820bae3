from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProblemDaysConfig(AppConfig):
    name = "apps.problemdays"
    verbose_name = _("Problem-theme days")
