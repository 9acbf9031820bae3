"""Writing XLSX files, the same way for every export.

Every string stays a text cell: openpyxl reads a value starting with "=" as a
formula, so a surname typed as =HYPERLINK(...) would come back live in Excel.
Dates read as 31.12.2025, lazy translations become text in the active language.
"""

import datetime
import io

from django.utils.functional import Promise
from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

DATE_FORMAT = "DD.MM.YYYY"
DATETIME_FORMAT = "DD.MM.YYYY HH:MM"
# Excel refuses these in a sheet's name ("2025/26 учебный год").
_TITLE_FORBIDDEN = str.maketrans(dict.fromkeys("[]:*?/\\", "-"))


def safe_cell(cell):
    """Keep a string cell text, never a formula; dates get the Russian format."""
    if isinstance(cell.value, str):
        cell.data_type = "s"
    elif isinstance(cell.value, datetime.datetime):
        cell.number_format = DATETIME_FORMAT
    elif isinstance(cell.value, datetime.date):
        cell.number_format = DATE_FORMAT
    return cell


def append_row(sheet, values, *, bold=False):
    """Append `values` as the sheet's next row, every cell made safe; returns the row."""
    sheet.append([str(value) if isinstance(value, Promise) else value for value in values])
    row = sheet[sheet.max_row]
    for cell in row:
        safe_cell(cell)
        if bold:
            cell.font = Font(bold=True)
    return row


def sheet_title(title, workbook=None):
    """A name Excel accepts: no []:*?/\\, at most 31 characters, and not yet used
    in `workbook` (a number is added when it is)."""
    clean = str(title).translate(_TITLE_FORBIDDEN)[:31] or "—"
    used = {name.lower() for name in workbook.sheetnames} if workbook is not None else set()
    candidate, number = clean, 2
    while candidate.lower() in used:
        candidate = f"{clean[:28]} {number}"
        number += 1
    return candidate


def new_workbook():
    """A workbook without sheets; `add_sheet` adds them."""
    workbook = Workbook()
    workbook.remove(workbook.active)
    return workbook


def add_sheet(workbook, title, header, rows, *, widths=None, width_range=(12, 40), freeze=False):
    """A sheet with a bold header row and `rows` under it. A column is as wide as
    `widths` says (1-based column → width), else its header's length within
    `width_range`. `freeze` keeps the header in sight while scrolling."""
    sheet = workbook.create_sheet(sheet_title(title, workbook))
    append_row(sheet, header, bold=True)
    for row in rows:
        append_row(sheet, row)
    narrowest, widest = width_range
    for index, heading in enumerate(header, start=1):
        width = (widths or {}).get(index) or max(narrowest, min(widest, len(str(heading)) + 4))
        sheet.column_dimensions[get_column_letter(index)].width = width
    if freeze:
        sheet.freeze_panes = "A2"
    return sheet


def workbook_bytes(workbook) -> bytes:
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def table_xlsx(title, header, rows, *, widths=None) -> bytes:
    """A workbook of one table with a frozen header (a registry's export)."""
    workbook = new_workbook()
    add_sheet(workbook, title, header, rows, widths=widths, freeze=True)
    return workbook_bytes(workbook)
