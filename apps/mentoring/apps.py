from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from apps.core.personal_data import register as personal_data_register


class MentoringConfig(AppConfig):
    name = "apps.mentoring"
    verbose_name = _("Mentoring")

    def ready(self):
        from . import personal_data

        # What the app holds about a person, for the export and erasure (apps.privacy).
        personal_data_register(personal_data.SOURCE)
