from django.conf import settings
from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from apps.core.dates import school_today
from apps.core.paging import page_with_count
from apps.core.tenancy import school_view

from .exporting import audit_events_xlsx
from .filters import AuditEventFilter
from .selectors import audit_event_list, audit_rows
from .services import audit_export

PAGE_SIZE = 50
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _filtered(request):
    events = audit_event_list(school=request.school)
    audit_filter = AuditEventFilter(request.GET or None, queryset=events, school=request.school)
    if audit_filter.is_bound:
        # Bad input (a date like 2024-13-45, someone else's user id) shows the form's error and no rows.
        events = audit_filter.qs if audit_filter.is_valid() else events.none()
    return audit_filter, events


def _query(request):
    query = request.GET.copy()
    query.pop("page", None)
    return query.urlencode()


@require_safe
@school_view("audit.view")
def event_list(request):
    audit_filter, events = _filtered(request)
    columns = ("pk", "at", "actor_label", "action", "target_label", "changes", "ip_address")
    page = page_with_count(events.only(*columns), number=request.GET.get("page"), per_page=PAGE_SIZE)
    page.object_list = audit_rows(page.object_list)
    return render(
        request,
        "audit/event_list.html",
        {"filter": audit_filter, "page": page, "query": _query(request), "time_zone": request.school.time_zone},
    )


@require_safe
@school_view("audit.view")
def event_export(request):
    audit_filter, events = _filtered(request)
    # The file is built while the administrator waits, so its length is bounded.
    limit = settings.AUDIT_EXPORT_MAX_ROWS
    count = events.count()
    if count > limit:
        messages.warning(
            request,
            _(
                "The export holds at most %(limit)s events, and these filters match %(count)s. "
                "Narrow them (dates, action or person) and export again."
            )
            % {"limit": number_format(limit, force_grouping=True), "count": number_format(count, force_grouping=True)},
        )
        query = _query(request)
        return redirect(f"{reverse('audit:event_list')}?{query}" if query else reverse("audit:event_list"))
    file_name = f"audit-{school_today(request.school):%Y-%m-%d}.xlsx"
    content = audit_events_xlsx(events=events.iterator(chunk_size=2000), time_zone=request.school.tzinfo)
    # Written after the file is built, so the export does not list itself.
    audit_export(what=_("Audit trail"), file_name=file_name, filters=request.GET)
    response = HttpResponse(content, content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="{file_name}"'
    return response
