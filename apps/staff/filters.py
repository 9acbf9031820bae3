import django_filters
from django import forms
from django.db.models import Q
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _

from apps.core.form_rendering import text

from .models import QualificationCategory, Subject, SubjectAssociation


class YesNoAllWidget(django_filters.widgets.BooleanWidget):
    def __init__(self, attrs=None):
        forms.Select.__init__(self, attrs, choices=(("", _("all")), ("true", _("yes")), ("false", _("no"))))


def _model_choices(field):
    choices = [("", field.empty_label)] if field.empty_label is not None else []
    choices.extend((field.prepare_value(obj), field.label_from_instance(obj)) for obj in field.queryset)
    return choices


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
        data = data.copy() if data is not None else {}
        data.setdefault("status", "active")
        super().__init__(data, *args, **kwargs)
        self.filters["subject"].queryset = Subject.objects.for_school(school)
        self.filters["association"].queryset = SubjectAssociation.objects.for_school(school)

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
                    choices = _model_choices(bound.field)
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

    def search(self, queryset, name, value):
        for word in value.split()[:5]:
            queryset = queryset.filter(
                Q(last_name__icontains=word)
                | Q(first_name__icontains=word)
                | Q(patronymic__icontains=word)
                | Q(email__icontains=word)
                | Q(position__icontains=word)
            )
        return queryset

    def filter_status(self, queryset, name, value):
        if value == "active":
            return queryset.filter(is_active=True)
        if value == "left":
            return queryset.filter(is_active=False)
        return queryset
