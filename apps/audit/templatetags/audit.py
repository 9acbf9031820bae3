from django import template
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ..models import ERASED_LABEL

register = template.Library()

# How the keys of `changes` read on the page and in the export; others show as stored.
FIELD_LABELS = {
    "last_name": gettext_lazy("surname"),
    "first_name": gettext_lazy("first name"),
    "patronymic": gettext_lazy("patronymic"),
    "email": gettext_lazy("e-mail"),
    "position": gettext_lazy("position"),
    "association": gettext_lazy("subject association"),
    "subjects": gettext_lazy("subjects taught"),
    "teaching_since": gettext_lazy("teaching since"),
    "hired_on": gettext_lazy("hired here on"),
    "user": gettext_lazy("user account"),
    "is_active": gettext_lazy("works here now"),
    "left_on": gettext_lazy("left on"),
    "category": gettext_lazy("category"),
    "category_awarded_on": gettext_lazy("category awarded on"),
    "awarded_on": gettext_lazy("awarded on"),
    "valid_until": gettext_lazy("valid until"),
    "order_number": gettext_lazy("order number"),
    "kind": gettext_lazy("kind"),
    "title": gettext_lazy("title"),
    "date": gettext_lazy("date"),
    "level": gettext_lazy("level"),
    "result": gettext_lazy("result"),
    "roles": gettext_lazy("roles"),
    "mentor_group": gettext_lazy("pair or triad"),
    "task_team": gettext_lazy("task team"),
    "rows_imported": gettext_lazy("rows imported"),
    "file": gettext_lazy("file"),
    "filters": gettext_lazy("filters"),
}


def _field(name):
    return str(FIELD_LABELS.get(name, name))


def _side(value):
    if value is None or value == "":
        return "—"
    if value == ERASED_LABEL:
        return _("erased")
    return str(value)


@register.filter
def audit_changes_text(changes):
    """`{field: [old, new]}` as "field: old → new; …"; other values as "field: value"."""
    parts = []
    for field, value in (changes or {}).items():
        if isinstance(value, list) and len(value) == 2:
            parts.append(f"{_field(field)}: {_side(value[0])} → {_side(value[1])}")
        else:
            parts.append(f"{_field(field)}: {_side(value)}")
    return "; ".join(parts)


@register.filter
def audit_changes(changes):
    """The changes as (field, old, new) rows for the page; a plain value has no old side."""
    rows = []
    for field, value in (changes or {}).items():
        if isinstance(value, list) and len(value) == 2:
            rows.append((_field(field), _side(value[0]), _side(value[1])))
        else:
            rows.append((_field(field), None, _side(value)))
    return rows
