from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from apps.staff.load import LOAD_COUNTERS


class TeamsConfig(AppConfig):
    name = "apps.teams"
    verbose_name = _("Task teams")

    def ready(self):
        from . import selectors

        # Open task teams count toward a teacher's load.
        LOAD_COUNTERS.register("task_teams", selectors.team_load)
