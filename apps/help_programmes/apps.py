"""A leader school's programme of help to a school: difficulties, forms of help,
responsible people, milestones, the year's review."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from apps.core.calendars import CALENDAR_SOURCES
from apps.core.personal_data import register as personal_data_register
from apps.core.sweeps import Sweep, sweep_register
from apps.core.todos import TASK_SOURCES


class HelpProgrammesConfig(AppConfig):
    name = "apps.help_programmes"
    verbose_name = _("Programmes of help")

    def ready(self):
        from . import calendar_items, personal_data, todos

        # Milestones one answers for and the year's review, on «Мои дела».
        TASK_SOURCES.register("help_programmes", todos.SOURCE)

        # Milestones in the responsible person's calendar feed, all-day.
        CALENDAR_SOURCES.register("help_milestones", calendar_items.MILESTONES)

        # What the app holds about a person, for the export and erasure (apps.privacy).
        personal_data_register(personal_data.SOURCE)

        # Milestones due within a week, and overdue: each told once.
        sweep_register(
            Sweep(
                name="help-milestones-sweep",
                task="apps.help_programmes.tasks.help_milestones_sweep_task",
                interval=3600,
                expires=3500,
            )
        )
