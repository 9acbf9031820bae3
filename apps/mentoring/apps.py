from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from apps.staff.load import LOAD_COUNTERS


class MentoringConfig(AppConfig):
    name = "apps.mentoring"
    verbose_name = _("Mentoring")

    def ready(self):
        from . import selectors

        # Open pairs and triads count toward a teacher's load.
        LOAD_COUNTERS.register("mentor_groups", selectors.group_load)
