"""The subject association's workspace: year plans, meetings, minutes and decisions, and the network associations."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from apps.core.calendars import CALENDAR_SOURCES
from apps.core.personal_data import register as personal_data_register
from apps.core.sweeps import Sweep, sweep_register
from apps.core.todos import TASK_SOURCES
from apps.staff.association_heads import ASSOCIATION_HEADS


class AssociationsConfig(AppConfig):
    name = "apps.associations"
    verbose_name = _("Methodical associations")

    def ready(self):
        from . import calendar_items, personal_data, selectors, todos

        # This year's head of an association may organise network events for it.
        ASSOCIATION_HEADS.register("associations", selectors.associations_headed_by)

        # One's decisions to carry out and, for the head, minutes to write, on «Мои дела».
        TASK_SOURCES.register("associations", todos.SOURCE)

        # The association's meetings and one's decisions' due dates on the person's calendars.
        CALENDAR_SOURCES.register("associations", calendar_items.ASSOCIATIONS)

        # What the app holds about a person, for the export and erasure (apps.privacy).
        personal_data_register(personal_data.SOURCE)

        # The day-before reminders of the associations' decisions.
        sweep_register(
            Sweep(
                name="association-decisions-sweep",
                task="apps.associations.tasks.association_decisions_sweep_task",
                interval=3600,
                expires=3500,
            )
        )
