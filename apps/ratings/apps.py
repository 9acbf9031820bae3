"""The collective-work rating for the incentive commission: criteria from the catalogue of
indicators, periods, sheets, remarks and the approved protocol."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RatingsConfig(AppConfig):
    name = "apps.ratings"
    verbose_name = _("Collective-work rating")
