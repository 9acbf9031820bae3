"""Access rules of the dashboards' routes, for the URL walk (apps/core/tests/world.py).

Network pages are not a school's: `NETWORK_ROUTES` lists them, and the walk
checks them against coordinators (see test_url_walk.test_network_routes).
"""

from apps.core.tests.world import ANY_MEMBER, A
from apps.dashboards.models import ReportExport


def _export(w):
    export = ReportExport.objects.create(
        school=w.school,
        requested_by=w.users[A],
        kind=ReportExport.Kind.ANNUAL_REPORT,
        params={"year": 2025},
        status=ReportExport.Status.READY,
        file_name="report.xlsx",
        content=b"PK demo",
    )
    return {"pk": export.pk}


OBJECTS = {"report_export": _export}

ROUTES = {
    "dashboards:categories": ("get", None, "dashboards.view_school"),
    "dashboards:categories_xlsx": ("get", None, "dashboards.view_school"),
    "dashboards:participation": ("get", None, "dashboards.view_school"),
    "dashboards:participation_xlsx": ("get", None, "dashboards.view_school"),
    "dashboards:my_participation": ("get", None, ANY_MEMBER),
    "dashboards:timeliness": ("get", None, "dashboards.view_timeliness"),
    "dashboards:timeliness_xlsx": ("get", None, "dashboards.view_timeliness"),
    "dashboards:collaboration": ("get", None, "dashboards.view_school"),
    "dashboards:collaboration_xlsx": ("get", None, "dashboards.view_school"),
    "dashboards:annual_report": ("get", None, "dashboards.view_school"),
    "dashboards:annual_report_print": ("get", None, "dashboards.view_school"),
    "dashboards:export_request": ("post", None, "dashboards.view_school"),
    # Only the person who asked downloads the file: here the administrator.
    "dashboards:export_download": ("get", "report_export", (A,)),
}

NETWORK_ROUTES = {
    "dashboards:network": "get",
    "dashboards:network_xlsx": "get",
}
