"""Writing the registry to XLSX: the export of a list, and the import template."""

import datetime
import io

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from apps.core.dates import years_between

from .importing import COLUMNS, EXPORT_ONLY_COLUMNS
from .models import QualificationCategory


def _as_text(cells):
    """Keep every string a text cell: openpyxl turns a value starting with "=" into a
    formula, so a surname like =HYPERLINK(...) would come back live in Excel."""
    for cell in cells:
        if isinstance(cell.value, str):
            cell.data_type = "s"


def _workbook_bytes(title, header, rows, widths=None):
    workbook = Workbook(write_only=False)
    sheet = workbook.active
    sheet.title = title[:31]
    sheet.append(header)
    _as_text(sheet[1])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in rows:
        sheet.append(row)
        _as_text(sheet[sheet.max_row])
        for cell in sheet[sheet.max_row]:
            if isinstance(cell.value, datetime.date):
                cell.number_format = "DD.MM.YYYY"
    for index, title_text in enumerate(header, start=1):
        width = (widths or {}).get(index) or max(12, min(40, len(str(title_text)) + 4))
        sheet.column_dimensions[get_column_letter(index)].width = width
    sheet.freeze_panes = "A2"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def staff_export_xlsx(*, staff_rows, on) -> bytes:
    """The registry rows (from `selectors.staff_list`) as a workbook; dates are real dates."""
    categories = dict(QualificationCategory.choices)
    # The first columns are the import's own, so an export can be edited and imported elsewhere.
    header = [str(label) for label, _aliases in COLUMNS.values()] + [str(label) for label in EXPORT_ONLY_COLUMNS]
    rows = []
    for staff in staff_rows:
        has_category = staff.current_category != QualificationCategory.NONE
        rows.append(
            [
                staff.last_name,
                staff.first_name,
                staff.patronymic,
                staff.position,
                ", ".join(subject.name for subject in staff.subjects.all()),
                staff.association.name if staff.association else "",
                staff.teaching_since,
                staff.hired_on,
                staff.email,
                str(categories[staff.current_category]) if has_category else "",
                staff.category_awarded_on if has_category else None,
                staff.category_order_number or "" if has_category else "",
                years_between(staff.teaching_since, on),
                _("yes") if staff.is_early_career else _("no"),
                staff.category_valid_until,
                _("yes") if staff.is_active else _("no"),
                staff.left_on,
            ]
        )
    return _workbook_bytes(_("Staff"), header, rows)


def staff_import_template_xlsx() -> bytes:
    """An empty list with the expected headers and one example row."""
    header = [str(label) for label, _aliases in COLUMNS.values()]
    example = [
        "Иванова",
        "Мария",
        "Петровна",
        "учитель",
        "Русский язык, Литература",
        "ШМО учителей гуманитарного цикла",
        "01.09.2015",
        "15.08.2018",
        "ivanova@example.ru",
        "первая",
        "25.12.2021",
        "№ 123-к",
    ]
    return _workbook_bytes(_("Staff"), header, [example])
