from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from apps.core.calendars import CALENDAR_SOURCES
from apps.mentoring.registries import CURATED_PROBLEM_SOURCES


class VisitsConfig(AppConfig):
    name = "apps.visits"
    verbose_name = _("Lesson visits")

    def ready(self):
        from . import calendar_items, selectors

        # A curator finds teachers with similar problems by those tagged in debriefs too.
        CURATED_PROBLEM_SOURCES.register("debriefs", selectors.debrief_problem_tags)
        CALENDAR_SOURCES.register("lesson_visits", calendar_items.LESSON_VISITS)
