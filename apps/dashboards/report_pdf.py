"""The yearly report as PDF, rendered on the server with WeasyPrint in the school's
format: the same tables as the print page and the XLSX (`AnnualReport.tables`),
always in Russian, on A4 with the system's DejaVu fonts (Cyrillic).

The document fetches nothing: no URL is followed (its style sheet is a template,
fonts come from the system), so a school's name cannot make the server request a
page or read a file.
"""

from django.template.loader import render_to_string
from django.utils import translation
from weasyprint import CSS, HTML, URLFetcher

from . import report as annual
from .report_render import report_tables_html


def _no_fetching():
    # Every protocol refused: not http(s), not file, not data.
    return URLFetcher(allowed_protocols=())


def annual_report_pdf(report: annual.AnnualReport) -> bytes:
    """The report's PDF, Russian whatever the active language (its labels are lazy)."""
    with translation.override("ru"):
        html = render_to_string(
            "dashboards/annual_report_pdf.html",
            {
                "report": report,
                "report_title": annual.TITLE,
                # Shares bare under «Доля, %», as in the XLSX.
                "report_tables": report_tables_html(report, percent_sign=False),
            },
        )
        style = render_to_string("dashboards/annual_report_pdf.css")
    fetcher = _no_fetching()
    return HTML(string=html, url_fetcher=fetcher).write_pdf(stylesheets=[CSS(string=style, url_fetcher=fetcher)])
