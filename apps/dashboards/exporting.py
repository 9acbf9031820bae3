"""The yearly report and the per-teacher participation table as XLSX.

Russian headings (the report is a Russian document), numbers as numbers, every
string a text cell. Counts and names only: no export holds lesson feedback.
"""

import io

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from . import report as annual

CHECK = "✓"

# The per-teacher table's columns: the forms of collaboration of `queries.PARTICIPATION_FORMS`.
MATRIX_COLUMNS = (
    ("in_groups", "В парах и триадах"),
    ("in_teams", "В командах под задачу"),
    ("observers", "Посещал(а) уроки коллег"),
    ("observed", "Уроки посещали коллеги"),
    ("in_events", "Проблемно-тематические дни, мероприятия с партнёрами"),
    ("achievers", "Конкурсы, публикации, сетевые проекты"),
    ("covered", "Хотя бы одна форма взаимодействия"),
)


def _as_text(row):
    """openpyxl turns a string starting with "=" into a formula; keep strings text."""
    for cell in row:
        if isinstance(cell.value, str):
            cell.data_type = "s"


def _append(sheet, values, *, bold=False):
    sheet.append(list(values))
    row = sheet[sheet.max_row]
    _as_text(row)
    if bold:
        for cell in row:
            cell.font = Font(bold=True)


def _bytes(workbook):
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def annual_report_xlsx(report: annual.AnnualReport) -> bytes:
    """Seed 001 §5 (criteria) and §6 (categories over four years) on one sheet."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = annual.TITLE
    _append(sheet, [report.title], bold=True)
    _append(sheet, [report.school_name])
    sheet.append([])
    _append(sheet, [annual.SECTION_5], bold=True)
    _append(sheet, [annual.CRITERION, annual.COUNT, annual.SHARE], bold=True)
    for criterion in report.criteria:
        _append(sheet, [criterion.label, criterion.count, criterion.share])
    sheet.append([])
    _append(sheet, [annual.SECTION_6], bold=True)
    _append(sheet, [annual.CRITERION, *[str(entry.year) for entry in report.categories]], bold=True)
    _append(sheet, ["Педагогов на 1 сентября", *[entry.headcount for entry in report.categories]])
    for label, shares in report.category_rows:
        _append(sheet, [f"{label}, %", *shares])
    sheet.column_dimensions["A"].width = 70
    for index in range(2, 2 + len(report.categories)):
        sheet.column_dimensions[get_column_letter(index)].width = 14
    for row in sheet.iter_rows(min_col=1, max_col=1):
        row[0].alignment = Alignment(wrap_text=True, vertical="top")
    return _bytes(workbook)


def participation_matrix_xlsx(*, rows, title, school_name) -> bytes:
    """The rows of `queries.participation_matrix`: a name and a ✓ per form."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Участие педагогов"
    _append(sheet, [title], bold=True)
    _append(sheet, [school_name])
    sheet.append([])
    _append(sheet, ["ФИО", "Работает сейчас", *[label for _key, label in MATRIX_COLUMNS]], bold=True)
    header_row = sheet.max_row
    for row in rows:
        name = " ".join(part for part in (row["last_name"], row["first_name"], row["patronymic"]) if part)
        flags = [CHECK if row[key] else "" for key, _label in MATRIX_COLUMNS]
        _append(sheet, [name, "да" if row["is_active"] else "нет", *flags])
    totals = [sum(1 for row in rows if row[key]) for key, _label in MATRIX_COLUMNS]
    _append(sheet, ["Итого", sum(1 for row in rows if row["is_active"]), *totals], bold=True)
    sheet.column_dimensions["A"].width = 40
    for index in range(2, 3 + len(MATRIX_COLUMNS)):
        sheet.column_dimensions[get_column_letter(index)].width = 18
    for cell in sheet[header_row]:
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    sheet.freeze_panes = sheet.cell(row=header_row + 1, column=2)
    return _bytes(workbook)
