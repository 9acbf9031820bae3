"""The yearly report: on screen, as a print page, and as files prepared in the
background for the person who asked.

Access: the report, its print page and its files (XLSX, PDF) are for the
administrator and the deputy head; the per-teacher participation export (names)
for the administrator only; a prepared file is downloaded by its requester only
(another school's file: 404; a colleague's: 403).
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from apps.audit.services import audit_export
from apps.core.dates import school_today
from apps.core.documents import DOCUMENT_LANGUAGE, in_school_format
from apps.core.prepared import Param, prepared_query
from apps.core.tenancy import get_for_school_or_404, school_view

from .forms import DashboardFilterForm, read_filters
from .models import ReportExport
from .report import TITLE
from .report import annual_report as build_report
from .report_exports import report_export_request
from .report_render import report_tables_html
from .xlsx import file_response

RECENT_EXPORTS = 10


class ReportYearForm(DashboardFilterForm):
    """The report is for one academic year of the whole school: only the year."""

    def __init__(self, data=None, *, school, today, **kwargs):
        super().__init__(data, school=None, today=today, **kwargs)
        del self.fields["date_from"], self.fields["date_to"]


def _report_context(request, form):
    report = build_report(school=request.school, year=form.year_value)
    return {
        "form": form,
        "report": report,
        "report_title": TITLE,
        # Drawn in the language active now (the print page's is Russian).
        "report_tables": report_tables_html(report),
    }


@prepared_query
def _recent_exports():
    """The files the person asked for lately, on the report page."""
    return (
        ReportExport.objects.for_school(Param("school_id"))
        .filter(requested_by_id=Param("user_id"))
        .only("pk", "kind", "status", "file_name", "params", "created_at", "finished_at")[:RECENT_EXPORTS]
    )


@school_view("dashboards.view_school")
@require_GET
def annual_report(request):
    form = read_filters(request, ReportYearForm)
    context = _report_context(request, form)
    context["exports"] = _recent_exports.rows(school_id=request.school.pk, user_id=request.user.pk)
    context["kinds"] = ReportExport.Kind
    return render(request, "dashboards/annual_report.html", context)


@school_view("dashboards.view_school")
@require_GET
def annual_report_print(request):
    # The printed report is the school's Russian document, whatever the interface language.
    with in_school_format():
        form = read_filters(request, ReportYearForm)
        response = render(request, "dashboards/annual_report_print.html", _report_context(request, form))
        audit_export(what=_("Annual report, printed"), filters=request.GET)
    response["Content-Language"] = DOCUMENT_LANGUAGE
    return response


@school_view("dashboards.view_school")
@require_POST
def export_request(request):
    kind = request.POST.get("kind", ReportExport.Kind.ANNUAL_REPORT)
    if kind not in ReportExport.Kind.values:
        return render(request, "errors/400.html", status=400)
    if kind == ReportExport.Kind.PARTICIPATION_MATRIX and not request.membership.can("dashboards.view_by_teacher"):
        raise PermissionDenied("the per-teacher table is for administrators")
    form = ReportYearForm(request.POST, school=request.school, today=school_today(request.school))
    if not form.is_valid():
        return render(request, "errors/400.html", status=400)
    year = form.year_value
    report_export_request(school=request.school, user=request.user, kind=kind, params={"year": year})
    messages.success(request, _("The file is being prepared; you will be notified when it is ready."))
    return redirect(f"{reverse('dashboards:annual_report')}?year={year}")


@school_view("dashboards.view_school")
@require_GET
def export_download(request, pk):
    export = get_for_school_or_404(ReportExport.objects, school=request.school, pk=pk)
    if export.requested_by_id != request.user.pk:
        raise PermissionDenied("a prepared file is for the person who asked for it")
    if export.kind == ReportExport.Kind.PARTICIPATION_MATRIX and not request.membership.can(
        "dashboards.view_by_teacher"
    ):
        raise PermissionDenied("the per-teacher table is for administrators")
    if export.status != ReportExport.Status.READY:
        return render(request, "dashboards/export_pending.html", {"export": export})
    audit_export(
        what=_("Prepared file: %(kind)s") % {"kind": export.get_kind_display()},
        file_name=export.file_name,
        filters=export.params,
    )
    return file_response(bytes(export.content), export.file_name)
