from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from apps.core.calendars import CALENDAR_SOURCES
from apps.core.indicators import register_indicator
from apps.core.personal_data import register as personal_data_register
from apps.core.sweeps import Sweep, sweep_register
from apps.core.todos import TASK_SOURCES
from apps.mentoring.registries import CURATED_PROBLEM_SOURCES


class VisitsConfig(AppConfig):
    name = "apps.visits"
    verbose_name = _("Lesson visits")

    def ready(self):
        from . import calendar_items, indicators, personal_data, selectors, todos

        # What the app gives people to do, on their «Мои дела».
        TASK_SOURCES.register("visits", todos.SOURCE)

        # A curator finds teachers with similar problems by those tagged in debriefs too.
        CURATED_PROBLEM_SOURCES.register("debriefs", selectors.debrief_problem_tags)
        CALENDAR_SOURCES.register("lesson_visits", calendar_items.LESSON_VISITS)

        # What the app holds about a person, for the export and erasure (apps.privacy).
        personal_data_register(personal_data.SOURCE)

        # Every two minutes; the deadlines themselves live in the database.
        sweep_register(
            Sweep(
                name="visits-deadline-sweep",
                task="apps.visits.tasks.visits_deadline_sweep_task",
                interval=120,
                expires=110,
            )
        )

        # What it counts for the collective-work rating (apps.core.indicators).
        for indicator in indicators.INDICATORS:
            register_indicator(indicator)
