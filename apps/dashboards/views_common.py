"""What every dashboard view shares: reading the filters and answering XLSX."""

from django.http import HttpResponse

from apps.core.dates import school_today

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def read_filters(request, form_class, **kwargs):
    """The page's filter form, bound to the query string when there is one."""
    school = getattr(request, "school", None)
    today = kwargs.pop("today", None) or school_today(school)
    data = request.GET if request.GET else None
    form = form_class(data, school=school, today=today, **kwargs)
    form.is_valid()
    return form


def xlsx_response(content: bytes, file_name: str) -> HttpResponse:
    response = HttpResponse(content, content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="{file_name}"'
    return response
