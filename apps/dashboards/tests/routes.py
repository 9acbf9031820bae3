"""Access rules of the dashboards' routes, for the URL walk (apps/core/tests/world.py).

Network pages are not a school's: `NETWORK_ROUTES` lists them, and the walk
checks them against coordinators (see test_url_walk.test_network_routes).
"""

from apps.core.tests.world import ANY_MEMBER, A, C, D
from apps.dashboards.models import ReportExport

MANAGERS = (A, D)


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
    "dashboards:categories": ("get", None, MANAGERS),
    "dashboards:categories_xlsx": ("get", None, MANAGERS),
    "dashboards:participation": ("get", None, MANAGERS),
    "dashboards:participation_xlsx": ("get", None, MANAGERS),
    "dashboards:my_participation": ("get", None, ANY_MEMBER),
    "dashboards:timeliness": ("get", None, (A, D, C)),
    "dashboards:timeliness_xlsx": ("get", None, (A, D, C)),
    "dashboards:collaboration": ("get", None, MANAGERS),
    "dashboards:collaboration_xlsx": ("get", None, MANAGERS),
    "dashboards:annual_report": ("get", None, MANAGERS),
    "dashboards:annual_report_print": ("get", None, MANAGERS),
    "dashboards:export_request": ("post", None, MANAGERS),
    # Only the person who asked downloads the file: here the administrator.
    "dashboards:export_download": ("get", "report_export", (A,)),
}

NETWORK_ROUTES = {
    "dashboards:network": "get",
    "dashboards:network_xlsx": "get",
}
