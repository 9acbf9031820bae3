import functools

import django_filters
from django.db.models import Count, Window
from django.utils.translation import gettext_lazy as _

from apps.core.choices import share_choices
from apps.core.prepared import Param, prepared_query
from apps.core.search import search_words

from .models import PartnerDirection, PartnerOrganisation, Stage
from .selectors import AgreementStatus, partner_queryset, partners_matching


class PartnerFilter(django_filters.FilterSet):
    """Search and filters of the registry; works on `selectors.partner_queryset`,
    whose agreement status is an SQL annotation."""

    AGREEMENT_CHOICES = (
        (AgreementStatus.ACTIVE, _("in force")),
        (AgreementStatus.EXPIRING, _("expiring within 60 days")),
        (AgreementStatus.EXPIRED, _("expired")),
        (AgreementStatus.NONE, _("no agreement")),
    )
    ACTIVE_CHOICES = (("active", _("current partners")), ("inactive", _("former partners")), ("all", _("all")))

    q = django_filters.CharFilter(label=_("Search"), method="search")
    direction = django_filters.ModelChoiceFilter(
        label=_("Direction"), queryset=PartnerDirection.objects.none(), empty_label=_("all")
    )
    kind = django_filters.ChoiceFilter(label=_("Kind"), choices=PartnerOrganisation.Kind.choices, empty_label=_("all"))
    stage = django_filters.ChoiceFilter(label=_("Stage"), choices=Stage.choices, empty_label=_("all"))
    agreement = django_filters.ChoiceFilter(
        label=_("Agreement"), field_name="agreement_status", choices=AGREEMENT_CHOICES, empty_label=_("all")
    )
    active = django_filters.ChoiceFilter(
        label=_("Partnership"), choices=ACTIVE_CHOICES, method="filter_active", empty_label=None
    )

    def __init__(self, data=None, *args, school, **kwargs):
        super().__init__(_with_defaults(data), *args, **kwargs)
        self.school = school

    @property
    def form(self):
        if not hasattr(self, "_form"):
            _offer_directions(super().form.fields, self.data, self.school)
        return self._form

    def search(self, queryset, name, value):
        return partners_matching(queryset, search_words(value))

    def filter_active(self, queryset, name, value):
        return _with_active(queryset, value)


def _with_defaults(data):
    data = data.copy() if data is not None else {}
    data.setdefault("active", "active")
    return data


def _offer_directions(fields, data, school):
    # The directions read once as a list by a prepared query, not through a cursor of
    # their own; a chosen one is validated against the school's directions.
    field = fields["direction"]
    queryset = PartnerDirection.objects.for_school(school).order_by("name") if data.get("direction") else field.queryset
    share_choices(queryset, field, rows=_school_directions.rows(school_id=school.pk))


@functools.cache
def _form_class():
    """`PartnerFilter`'s form class, built once per process from its filters (a FilterSet
    copies its filters and builds its form class afresh for each request)."""
    return PartnerFilter(None, queryset=PartnerOrganisation.objects.none(), school=None).get_form_class()


class RegistryFilterForm:
    """`PartnerFilter`'s form alone, for the registry page, whose rows come from
    `registry_rows` with the shape and values of `prepared()`."""

    def __init__(self, data, *, school):
        data = _with_defaults(data)
        self.form = _form_class()(data)
        _offer_directions(self.form.fields, data, school)

    def is_valid(self):
        return self.form.is_valid()

    def prepared(self):
        """The registry query's shape and values for this filter's valid data
        (`registry_rows`): which filters are set, and what they are set to."""
        data = self.form.cleaned_data
        words = search_words(data.get("q") or "")
        # An emptied choice filters nothing, as FilterSet skips an empty value.
        shape = {"words": len(words), "active": data.get("active") or "all"}
        values = {f"word{index}": word for index, word in enumerate(words)}
        if data.get("direction") is not None:
            shape["direction"] = True
            values["direction"] = data["direction"].pk
        for name in ("kind", "stage", "agreement"):
            if data.get(name):
                shape[name] = True
                values[name] = data[name]
        return shape, values


def _with_active(queryset, value):
    if value == "active":
        return queryset.filter(is_active=True)
    if value == "inactive":
        return queryset.filter(is_active=False)
    return queryset


@prepared_query
def _school_directions():
    return PartnerDirection.objects.for_school(Param("school_id")).order_by("name")


@prepared_query
def registry_rows(*, words=0, active="active", direction=False, kind=False, stage=False, agreement=False):
    """The registry's page as `PartnerFilter` filters `partner_queryset`, compiled once
    per shape (which filters are set); run with `school_id`, `partner_status_values`,
    the words `word0`.. and the set filters' values, and `total_count` on each row."""
    rows = partner_queryset(school=Param("school_id"), on=Param("on"), expiring_until=Param("expiring_until"))
    rows = partners_matching(rows, [Param(f"word{index}") for index in range(words)])
    filters = PartnerFilter.base_filters
    for name, present in (("direction", direction), ("kind", kind), ("stage", stage), ("agreement", agreement)):
        if present:
            rows = filters[name].filter(rows, Param(name))
    if active not in dict(PartnerFilter.ACTIVE_CHOICES):
        raise ValueError(active)
    return _with_active(rows, active).order_by("name", "pk").annotate(total_count=Window(Count("*")))
