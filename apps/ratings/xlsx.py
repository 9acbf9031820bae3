"""The approved protocol as XLSX: the school, the period, the table of teachers ×
criteria (by name) with the points and the total, the commission and the date of
approval; the same numbers as the PDF (`apps.ratings.pdf`), both from `selectors.protocol`."""

from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl.styles import Alignment
from openpyxl.utils import get_column_letter

from apps.core.documents import in_school_format
from apps.core.spreadsheets import append_row, new_workbook, sheet_title, workbook_bytes


def header(protocol):
    return [_("No."), _("Teacher"), *[c.title for c in protocol.criteria], _("Total")]


def protocol_xlsx(protocol):
    with in_school_format():
        return _protocol_xlsx(protocol)


def _protocol_xlsx(protocol):
    period = protocol.period
    workbook = new_workbook()
    sheet = workbook.create_sheet(sheet_title(_("Protocol"), workbook))
    append_row(sheet, [period.school_name], bold=True)
    append_row(sheet, [_("Protocol of the incentive commission: the collective-work rating")], bold=True)
    append_row(sheet, [_("Period"), period.label])
    approved = timezone.localtime(period.approved_at, period.school.tzinfo).date() if period.approved_at else None
    append_row(sheet, [_("Approved on"), approved])
    append_row(sheet, [])
    heading = append_row(sheet, header(protocol), bold=True)
    for cell in heading:
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    for number, row in enumerate(protocol.rows, 1):
        append_row(sheet, [number, row.name, *row.points, row.total])
    append_row(sheet, ["", _("Total"), *protocol.totals, protocol.total], bold=True)
    append_row(sheet, [])
    append_row(sheet, [_("Commission")], bold=True)
    for name in protocol.commission:
        append_row(sheet, ["", name, _("signature: ____________")])
    sheet.column_dimensions["A"].width = 6
    sheet.column_dimensions["B"].width = 36
    for index in range(3, len(protocol.criteria) + 4):
        sheet.column_dimensions[get_column_letter(index)].width = 16
    sheet.freeze_panes = "C7"
    return workbook_bytes(workbook)
