"""Exports prepared in the background: asked for on a page, built by a worker, and
announced to the person who asked with a link to the download.

Invariants: an export is built at most once (a READY or FAILED export is left
alone, and concurrent builds of one export queue on its row lock); the requester
is notified exactly once (the notification's unique (user, kind, key)); the
files hold counts and names only, never lesson feedback. The yearly report comes as
XLSX or as PDF (WeasyPrint), both drawn from the same tables.
"""

import datetime
import logging

from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from apps.core.documents import in_school_format
from apps.core.tasks import enqueue_on_commit
from apps.notifications.models import Notification
from apps.notifications.services import notification_send

from . import aggregates
from .models import ReportExport
from .periods import EARLIEST_YEAR, academic_year
from .report import academic_year_title, annual_report
from .report_pdf import annual_report_pdf
from .xlsx import annual_report_xlsx, participation_matrix_xlsx

logger = logging.getLogger(__name__)

# A queued export nobody picked up this long (Redis was down, say) is built by the sweep.
STALE_AFTER = datetime.timedelta(minutes=10)


def report_export_request(*, school, user, kind, params) -> ReportExport:
    """Queue an export of `school` for `user`; the worker starts once this commits."""
    export = ReportExport(school=school, requested_by=user, kind=kind, params=params)
    export.full_clean(exclude=["content", "file_name"])
    export.save()
    from .tasks import report_export_build_task

    enqueue_on_commit(report_export_build_task, export_id=export.pk)
    return export


def _year(params):
    year = params.get("year")
    if not isinstance(year, int) or isinstance(year, bool) or not EARLIEST_YEAR <= year <= 9998:
        raise ValueError(f"no academic year in {params!r}")
    return year


def _build(export):
    """The file's name and bytes."""
    year = _year(export.params)
    school = export.school
    suffix = f"{year}-{str(year + 1)[-2:]}"
    if export.kind == ReportExport.Kind.ANNUAL_REPORT:
        return f"annual-report-{suffix}.xlsx", annual_report_xlsx(annual_report(school=school, year=year))
    if export.kind == ReportExport.Kind.ANNUAL_REPORT_PDF:
        return f"annual-report-{suffix}.pdf", annual_report_pdf(annual_report(school=school, year=year))
    if export.kind == ReportExport.Kind.PARTICIPATION_MATRIX:
        period = academic_year(year)
        start_at, end_at = period.bounds(school.time_zone)
        rows = aggregates.participation_matrix(
            school_id=school.pk, start=period.start, end=period.end, start_at=start_at, end_at=end_at
        )
        title = _("Teachers' participation in forms of collaboration: %(year)s") % {"year": academic_year_title(year)}
        return f"participation-{suffix}.xlsx", participation_matrix_xlsx(
            rows=rows, title=title, school_name=school.name
        )
    raise ValueError(f"unknown export kind {export.kind!r}")


def report_export_build(*, export_id, skip_locked=False) -> bool:
    """Build a queued export, mark it READY and notify the requester.

    Idempotent: an export that is READY or FAILED (or gone) is left alone and
    nothing is sent again. With `skip_locked` (the sweep), an export another
    worker is building right now is skipped rather than waited for. Returns
    whether this call built the file."""
    with transaction.atomic():
        export = (
            ReportExport.objects.select_for_update(of=("self",), skip_locked=skip_locked)
            .select_related("school", "requested_by")
            .filter(pk=export_id, status=ReportExport.Status.QUEUED)
            .first()
        )
        if export is None:
            return False
        try:
            with transaction.atomic(), in_school_format():
                export.file_name, export.content = _build(export)
        except Exception:
            logger.exception("export %s could not be built", export_id)
            export.status = ReportExport.Status.FAILED
            export.finished_at = timezone.now()
            export.save(update_fields=["status", "finished_at"])
            return False
        export.status = ReportExport.Status.READY
        export.finished_at = timezone.now()
        export.save(update_fields=["status", "file_name", "content", "finished_at"])
        with translation.override("ru"):
            notification_send(
                user=export.requested_by,
                school=export.school,
                kind=Notification.Kind.EXPORT_READY,
                key=f"export:{export.pk}",
                title=_("File ready: %(name)s") % {"name": export.file_name},
                body=str(export.get_kind_display()),
                url=reverse("dashboards:export_download", args=[export.pk]),
            )
    return True


def report_exports_sweep(*, now=None) -> int:
    """Build the exports still queued after STALE_AFTER (their task was lost)."""
    now = now or timezone.now()
    stale = ReportExport.objects.filter(status=ReportExport.Status.QUEUED, created_at__lte=now - STALE_AFTER)
    return sum(report_export_build(export_id=pk, skip_locked=True) for pk in stale.values_list("pk", flat=True)[:50])
