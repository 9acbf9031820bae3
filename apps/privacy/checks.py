"""Every model that points at a person is declared by its app (apps/core/personal_data.py).

A model of the project's own apps with a foreign key, one-to-one or many-to-many
field to a staff card or to the user model must be in its app's registered
`person_models`, so that nobody adds such a model without deciding what the
export shows of it and what the erasure does with it.
"""

from django.apps import apps
from django.contrib.auth import get_user_model
from django.core import checks

from apps.core.personal_data import registered_sources
from apps.staff.models import StaffMember


def person_fields(model) -> list:
    """The model's own fields that point at a staff card or an account."""
    people = (StaffMember, get_user_model())
    # Reverse relations are auto-created: only the model's own keys count.
    return [f for f in model._meta.get_fields() if f.is_relation and not f.auto_created and f.related_model in people]


def undeclared_person_models() -> list[str]:
    """Labels of the project's models pointing at a person that their app does not declare."""
    declared = {source.app_label: set(source.person_models) for source in registered_sources()}
    return sorted(
        model._meta.label
        for model in apps.get_models()
        if model.__module__.startswith("apps.")
        and person_fields(model)
        and model not in declared.get(model._meta.app_label, set())
    )


def every_person_model_declared(app_configs=None, **kwargs):
    return [
        checks.Error(
            f"{label} points at a staff card or an account, but its app declares nothing of it.",
            hint="List it in person_models of the app's personal_data.py (apps/core/personal_data.py).",
            id="privacy.E001",
        )
        for label in undeclared_person_models()
    ]
