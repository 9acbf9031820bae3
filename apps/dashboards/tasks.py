from celery import shared_task

from .report_exports import report_export_build, report_exports_sweep


@shared_task(ignore_result=True)
def report_export_build_task(export_id):
    """Build one prepared export (idempotent: see exports.report_export_build)."""
    return report_export_build(export_id=export_id)


@shared_task(ignore_result=True)
def report_exports_sweep_task():
    """Beat-driven: build the exports whose task was lost (see exports.report_exports_sweep)."""
    return report_exports_sweep()


@shared_task(ignore_result=True)
def summaries_refresh_task():
    """Beat-driven: rewrite the dashboards' year summaries (see services.summaries_refresh)."""
    from .services import summaries_refresh

    return summaries_refresh()
