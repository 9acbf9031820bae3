import copy
import functools

import django_filters
from django.utils.translation import gettext_lazy as _

from apps.core.choices import offer_loaded
from apps.core.widgets import DateInput

from .models import AuditEvent
from .selectors import audit_actor_choices

Q_MAX_LENGTH = 100


class AuditEventFilter(django_filters.FilterSet):
    """Filters of the audit page and of its export; dates are the school's own
    (the request runs in the school's time zone)."""

    action = django_filters.ChoiceFilter(label=_("Action"), choices=AuditEvent.Action.choices, empty_label=_("all"))
    actor = django_filters.ModelChoiceFilter(label=_("Who"), queryset=None, empty_label=_("anyone"))
    date_from = django_filters.DateFilter(label=_("From"), field_name="at", lookup_expr="date__gte", widget=DateInput())
    date_to = django_filters.DateFilter(label=_("To"), field_name="at", lookup_expr="date__lte", widget=DateInput())
    # Passed to the form field, which then validates the length (and tells the browser).
    q = django_filters.CharFilter(
        label=_("Object"), field_name="target_label", lookup_expr="icontains", max_length=Q_MAX_LENGTH
    )

    def __init__(self, data=None, *args, school, **kwargs):
        super().__init__(data, *args, **kwargs)
        self.filters["actor"].queryset = audit_actor_choices(school=school)

    @property
    def form(self):
        if not hasattr(self, "_form"):
            # The members read once as a list with the columns of their names, not
            # through a cursor of their own; a choice is validated as before.
            actors = self.filters["actor"].queryset
            rows = functools.cache(lambda: list(actors.only("pk", "last_name", "first_name", "patronymic", "email")))
            offer_loaded(super().form.fields["actor"], actors, rows)
        return self._form

    class Meta:
        model = AuditEvent
        fields = []


class _Filters(dict):
    """The filter set's filters as each filter set copies them: every filter and its
    `extra` (its form field's arguments, which a model choice filter sets) copied, their
    values shared, as nothing changes them in place. A deep copy also copied each of the
    many actions' labels, a tenth of the page's work."""

    def __deepcopy__(self, memo):
        copied = {}
        for name, filter_ in self.items():
            new = copy.copy(filter_)
            new.extra = dict(filter_.extra)
            new.__dict__.pop("_field", None)  # each filter set makes its own form field
            copied[name] = new
        return copied


AuditEventFilter.base_filters = _Filters(AuditEventFilter.base_filters)
