"""The yearly report and the per-teacher participation table as XLSX.

Russian headings whatever the interface language: both builders render inside
`translation.override("ru")` (the yearly report is a Russian document; the
per-teacher table is built by the worker, which has no requester's language, so it
is in the site's language, Russian, too). Numbers as numbers, every string a text
cell. Counts and names only: no export holds lesson feedback.
"""

from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl import Workbook
from openpyxl.styles import Alignment
from openpyxl.utils import get_column_letter

from apps.core.spreadsheets import append_row, workbook_bytes

from . import report as annual

CHECK = "✓"

# The per-teacher table's columns: the forms of collaboration of `queries.PARTICIPATION_FORMS`.
MATRIX_COLUMNS = (
    ("in_groups", gettext_lazy("In pairs and triads")),
    ("in_teams", gettext_lazy("In task teams")),
    ("observers", gettext_lazy("Visited colleagues' lessons")),
    ("observed", gettext_lazy("Lessons visited by colleagues")),
    ("in_events", gettext_lazy("Problem-theme days, activities with partners")),
    ("achievers", gettext_lazy("Contests, publications, network projects")),
    ("covered", gettext_lazy("At least one form of collaboration")),
)


def annual_report_xlsx(report: annual.AnnualReport) -> bytes:
    """The report's §5 (criteria) and §6 (categories over four years) on one sheet, in
    Russian whatever the active language (the report's labels are lazy)."""
    with translation.override("ru"):
        return _annual_report_xlsx(report)


def _annual_report_xlsx(report):
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = str(annual.TITLE)
    append_row(sheet, [report.title], bold=True)
    append_row(sheet, [report.school_name])
    sheet.append([])
    append_row(sheet, [annual.SECTION_5], bold=True)
    append_row(sheet, [annual.CRITERION, annual.COUNT, annual.SHARE], bold=True)
    for criterion in report.criteria:
        append_row(sheet, [criterion.label, criterion.count, criterion.share])
    sheet.append([])
    append_row(sheet, [annual.SECTION_6], bold=True)
    append_row(sheet, [annual.CRITERION, *[str(entry.year) for entry in report.categories]], bold=True)
    append_row(sheet, [annual.STAFF_ON_FIRST_SEPTEMBER, *[entry.headcount for entry in report.categories]])
    for label, shares in report.category_rows:
        append_row(sheet, [f"{label}, %", *shares])
    sheet.column_dimensions["A"].width = 70
    for index in range(2, 2 + len(report.categories)):
        sheet.column_dimensions[get_column_letter(index)].width = 14
    for row in sheet.iter_rows(min_col=1, max_col=1):
        row[0].alignment = Alignment(wrap_text=True, vertical="top")
    return workbook_bytes(workbook)


def participation_matrix_xlsx(*, rows, title, school_name) -> bytes:
    """The rows of `queries.participation_matrix`: a name and a ✓ per form.

    In Russian whatever the active language, like the yearly report: the worker
    builds it, and Russian is the site's language."""
    with translation.override("ru"):
        return _participation_matrix_xlsx(rows=rows, title=title, school_name=school_name)


def _participation_matrix_xlsx(*, rows, title, school_name):
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = _("Teachers' participation")
    append_row(sheet, [title], bold=True)
    append_row(sheet, [school_name])
    sheet.append([])
    append_row(sheet, [_("Full name"), _("Currently employed"), *[label for _key, label in MATRIX_COLUMNS]], bold=True)
    header_row = sheet.max_row
    for row in rows:
        name = " ".join(part for part in (row["last_name"], row["first_name"], row["patronymic"]) if part)
        flags = [CHECK if row[key] else "" for key, _label in MATRIX_COLUMNS]
        append_row(sheet, [name, _("yes") if row["is_active"] else _("no"), *flags])
    totals = [sum(1 for row in rows if row[key]) for key, _label in MATRIX_COLUMNS]
    append_row(sheet, [_("Total"), sum(1 for row in rows if row["is_active"]), *totals], bold=True)
    sheet.column_dimensions["A"].width = 40
    for index in range(2, 3 + len(MATRIX_COLUMNS)):
        sheet.column_dimensions[get_column_letter(index)].width = 18
    for cell in sheet[header_row]:
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    sheet.freeze_panes = sheet.cell(row=header_row + 1, column=2)
    return workbook_bytes(workbook)
