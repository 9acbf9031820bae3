from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from apps.core.calendars import CALENDAR_SOURCES


class ProblemDaysConfig(AppConfig):
    name = "apps.problemdays"
    verbose_name = _("Problem-theme days")

    def ready(self):
        from . import calendar_items

        # Duties on problem-theme days appear on the person's calendars.
        CALENDAR_SOURCES.register("problem_day_duties", calendar_items.DUTIES)
