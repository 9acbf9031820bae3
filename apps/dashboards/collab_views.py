"""The collaboration network page and its export (administrators and deputy heads)."""

from django.core.paginator import Paginator
from django.shortcuts import render
from django.utils.translation import gettext as _

from apps.audit.services import audit_export
from apps.core.tenancy import school_view

from .collaboration import collaboration_network
from .collaboration import collaboration_xlsx as network_workbook
from .forms import DashboardFilterForm, read_filters
from .xlsx import xlsx_response

# Ties listed per page; the picture and the export always hold all of them.
TIES_PER_PAGE = 100


def _filters_query(request):
    """The filters as given, without the page number: for the export link and the pager."""
    query = request.GET.copy()
    query.pop("page", None)
    return query.urlencode()


def _network(request):
    form = read_filters(request, DashboardFilterForm)
    network = collaboration_network(school=request.school, period=form.period, association=form.association)
    return form, network


@school_view("dashboards.view_school")
def collaboration(request):
    form, network = _network(request)
    labels, series = network.growth_chart()
    ties_page = Paginator(network.ties, TIES_PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "dashboards/collaboration.html",
        {
            "form": form,
            "network": network,
            "svg_ties": network.svg_ties(),
            "svg_people": network.svg_people(),
            "svg_isolates": network.svg_isolates(),
            "rows": network.table_rows(ties_page.object_list),
            "ties_page": ties_page,
            "growth_labels": labels,
            "growth_series": series,
            "query": _filters_query(request),
        },
    )


@school_view("dashboards.view_school")
def collaboration_xlsx(request):
    _form, network = _network(request)
    period = network.period
    content = network_workbook(network)
    file_name = f"collaboration-{period.start:%Y%m%d}-{period.end:%Y%m%d}.xlsx"
    audit_export(what=_("Dashboard: collaboration network"), file_name=file_name, filters=request.GET)
    return xlsx_response(content, file_name)
