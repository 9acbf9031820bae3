"""The collective-work rating for the incentive commission: criteria from the catalogue of
indicators, periods, sheets, remarks and the approved protocol."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from apps.core.personal_data import register as personal_data_register


class RatingsConfig(AppConfig):
    name = "apps.ratings"
    verbose_name = _("Collective-work rating")

    def ready(self):
        from . import personal_data

        # What the rating holds about a person, for the export and erasure (apps.privacy).
        personal_data_register(personal_data.SOURCE)
