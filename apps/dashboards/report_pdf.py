"""The yearly report as PDF in the school's format: the same tables as the print page
and the XLSX (`AnnualReport.tables`), on A4 (`apps.core.documents.render_pdf`)."""

from apps.core.documents import in_school_format, render_pdf

from . import report as annual
from .report_render import report_tables_html


def annual_report_pdf(report: annual.AnnualReport) -> bytes:
    with in_school_format():
        # Shares bare under «Доля, %», as in the XLSX.
        tables = report_tables_html(report, percent_sign=False)
    return render_pdf(
        "dashboards/annual_report_pdf.html",
        {"report": report, "report_title": annual.TITLE, "report_tables": tables},
        stylesheet_template="dashboards/annual_report_pdf.css",
    )
