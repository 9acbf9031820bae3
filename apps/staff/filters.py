import functools

import django_filters
from django import forms
from django.db.models import Count, Q, Window
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _

from apps.core.form_rendering import text
from apps.core.prepared import Param, prepared_query
from apps.core.search import search_words

from .models import QualificationCategory, StaffMember, Subject, SubjectAssociation
from .selectors import school_associations, school_subjects, staff_list


class YesNoAllWidget(django_filters.widgets.BooleanWidget):
    def __init__(self, attrs=None):
        forms.Select.__init__(self, attrs, choices=(("", _("all")), ("true", _("yes")), ("false", _("no"))))


def _model_choices(field, options):
    choices = [("", field.empty_label)] if field.empty_label is not None else []
    choices.extend(options)
    return choices


@prepared_query
def _subject_options():
    # A subject's option: its id and name (what its str() shows), as the list orders them.
    return school_subjects.builder().values_list("pk", "name")


@prepared_query
def _association_options():
    return school_associations.builder().values_list("pk", "name")


# The options of the filters on the school's own lists, as the fields' querysets give them.
_MODEL_OPTIONS = {"subject": _subject_options, "association": _association_options}


class StaffFilter(django_filters.FilterSet):
    """Search and filters of the registry list; works on `selectors.staff_list`."""

    STATUS_CHOICES = (("active", _("working now")), ("left", _("left")), ("all", _("all")))

    q = django_filters.CharFilter(label=_("Search"), method="search")
    subject = django_filters.ModelChoiceFilter(
        label=_("Subject"), field_name="subjects", queryset=Subject.objects.none(), empty_label=_("all")
    )
    association = django_filters.ModelChoiceFilter(
        label=_("Subject association"), queryset=SubjectAssociation.objects.none(), empty_label=_("all")
    )
    category = django_filters.ChoiceFilter(
        label=_("Category"), field_name="current_category", choices=QualificationCategory.choices, empty_label=_("all")
    )
    early_career = django_filters.BooleanFilter(
        label=_("Early-career teachers"),
        field_name="is_early_career",
        widget=YesNoAllWidget(),
    )
    status = django_filters.ChoiceFilter(
        label=_("Status"), choices=STATUS_CHOICES, method="filter_status", empty_label=None
    )

    def __init__(self, data=None, *args, school, **kwargs):
        super().__init__(_with_defaults(data), *args, **kwargs)
        if data:
            _scope_choices(self.form.fields, data, school)

    def search(self, queryset, name, value):
        return _search(queryset, search_words(value))

    def filter_status(self, queryset, name, value):
        return _with_status(queryset, value)


def _with_defaults(data):
    data = data.copy() if data is not None else {}
    data.setdefault("status", "active")
    return data


def _scope_choices(fields, data, school):
    # The options are read by prepared queries (`_MODEL_OPTIONS`); the querysets a
    # chosen value is validated against are built only when a value is given.
    if data.get("subject"):
        fields["subject"].queryset = Subject.objects.for_school(school)
    if data.get("association"):
        fields["association"].queryset = SubjectAssociation.objects.for_school(school)


@functools.cache
def _form_class():
    """`StaffFilter`'s form class, built once per process from its filters (a FilterSet
    copies its filters and builds its form class afresh for each request)."""
    return StaffFilter(None, queryset=StaffMember.objects.none(), school=None).get_form_class()


class RegistryFilterForm:
    """`StaffFilter`'s form alone, for the registry page, whose rows come from
    `registry_rows` with the shape and values of `prepared()`."""

    def __init__(self, data, *, school):
        self.school = school
        self.form = _form_class()(_with_defaults(data))
        _scope_choices(self.form.fields, data, school)

    def is_valid(self):
        return self.form.is_valid()

    def plain_fields(self):
        """The form's fields as plain data for the registry's hand-written filter form
        (templates/staff/staff_list.html): the registry is opened all day, and field
        templates rendered part by part cost it a third of its time. Each field gives
        its name, label, the CSS class of its widget, its value (the search box) or its
        options as (value, label, selected), and its errors."""
        fields = []
        for bound in self.form:
            widget = bound.field.widget
            value = bound.value()
            if isinstance(widget, django_filters.widgets.BooleanWidget):
                # As BooleanWidget.render: the options of True and False are "true" and "false".
                value = {True: "true", False: "false", "1": "true", "0": "false"}.get(value, "")
            value = widget.format_value(value)
            field = {
                "name": bound.name,
                "label": bound.label,
                "css": widget.__class__.__name__.lower(),
                "errors": bound.errors,
                "value": value,
                "options": None,
            }
            if isinstance(widget, forms.Select):
                choices = widget.choices
                if isinstance(bound.field, forms.ModelChoiceField):
                    # The same options in one plain query: the choice iterator reads through
                    # a server-side cursor, three round trips.
                    choices = _model_choices(bound.field, _MODEL_OPTIONS[bound.name].rows(school_id=self.school.pk))
                # As Select.optgroups: the first option whose value is among the field's is selected.
                chosen, options = False, []
                for option_value, option_label in choices:
                    option_value = "" if option_value is None else str(option_value)
                    selected = not chosen and option_value in value
                    chosen = chosen or selected
                    options.append((option_value, option_label, selected))
                field["options"] = options
                # The <option>s' markup, as the template wrote it per option.
                field["options_html"] = mark_safe(  # nosec B308 B703 - every value escaped by text()
                    "".join(
                        f'<option value="{text(value)}"{" selected" if selected else ""}>{text(label)}</option>\n  '
                        for value, label, selected in options
                    )
                )
            fields.append(field)
        return fields

    def prepared(self):
        """The registry query's shape and values for this filter's valid data
        (`registry_rows`): which filters are set, and what they are set to."""
        data = self.form.cleaned_data
        words = search_words(data.get("q") or "")
        # An emptied status filters nothing, as FilterSet skips an empty value.
        shape = {"words": len(words), "status": data.get("status") or "all"}
        values = {f"word{index}": word for index, word in enumerate(words)}
        for name in ("subject", "association"):
            if data.get(name) is not None:
                shape[name] = True
                values[name] = data[name].pk
        if data.get("category"):
            shape["category"] = True
            values["category"] = data["category"]
        if data.get("early_career") is not None:
            shape["early_career"] = True
            values["early_career"] = data["early_career"]
        return shape, values


def _search(queryset, words):
    for word in words:
        queryset = queryset.filter(
            Q(last_name__icontains=word)
            | Q(first_name__icontains=word)
            | Q(patronymic__icontains=word)
            | Q(email__icontains=word)
            | Q(position__icontains=word)
        )
    return queryset


def _with_status(queryset, status):
    if status == "active":
        return queryset.filter(is_active=True)
    if status == "left":
        return queryset.filter(is_active=False)
    return queryset


# Only the columns the registry's rows show (a card has many more).
REGISTRY_COLUMNS = (
    "pk",
    "last_name",
    "first_name",
    "patronymic",
    "position",
    "is_active",
    "teaching_since",
    "association__name",
)


@prepared_query
def registry_rows(*, words=0, status="active", subject=False, association=False, category=False, early_career=False):
    """The registry's page as `StaffFilter` filters `staff_list`, compiled once per
    shape (which filters are set); run with `school_id`, `staff_derived_values`, the
    words `word0`.. and the set filters' values, and `total_count` on each row."""
    rows = staff_list(school=Param("school_id"), on=Param("on"), early_career_since=Param("early_career_since"))
    rows = _search(rows, [Param(f"word{index}") for index in range(words)])
    filters = StaffFilter.base_filters
    for name, present in (
        ("subject", subject),
        ("association", association),
        ("category", category),
        ("early_career", early_career),
    ):
        if present:
            rows = filters[name].filter(rows, Param(name))
    if status not in dict(StaffFilter.STATUS_CHOICES):
        raise ValueError(status)
    return _with_status(rows, status).only(*REGISTRY_COLUMNS).annotate(total_count=Window(Count("*")))
