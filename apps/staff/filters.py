import django_filters
from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .models import QualificationCategory, Subject, SubjectAssociation


class YesNoAllWidget(django_filters.widgets.BooleanWidget):
    def __init__(self, attrs=None):
        forms.Select.__init__(self, attrs, choices=(("", _("all")), ("true", _("yes")), ("false", _("no"))))


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
