import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from apps.core.choices import share_choices

from .models import PartnerDirection, PartnerOrganisation, Stage
from .selectors import AgreementStatus


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
        data = data.copy() if data is not None else {}
        data.setdefault("active", "active")
        super().__init__(data, *args, **kwargs)
        self.filters["direction"].queryset = PartnerDirection.objects.for_school(school).order_by("name")

    @property
    def form(self):
        if not hasattr(self, "_form"):
            # The directions read once as a list, not through a cursor of their own.
            share_choices(self.filters["direction"].queryset, super().form.fields["direction"])
        return self._form

    def search(self, queryset, name, value):
        for word in value.split()[:5]:
            queryset = queryset.filter(Q(name__icontains=word) | Q(address__icontains=word) | Q(notes__icontains=word))
        return queryset

    def filter_active(self, queryset, name, value):
        if value == "active":
            return queryset.filter(is_active=True)
        if value == "inactive":
            return queryset.filter(is_active=False)
        return queryset
