"""The audit trail, as filtered on its page, written to XLSX."""

from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font

from apps.core.spreadsheets import safe_cell, sheet_title, workbook_bytes

from .templatetags.audit import audit_changes_text


def audit_events_xlsx(*, events, time_zone) -> bytes:
    """One row per event; times in `time_zone` (the school's), as text cells so
    that no label is ever read as a formula."""
    workbook = Workbook(write_only=True)
    # Write-only: a long trail streams out without holding every row in memory.
    sheet = workbook.create_sheet(sheet_title(_("Audit trail")))
    for column, width in zip("ABCDEFG", (18, 30, 30, 40, 60, 16, 34), strict=True):
        sheet.column_dimensions[column].width = width
    header = [_("When"), _("Who"), _("Action"), _("Object"), _("Changes"), _("IP address"), _("Request id")]
    sheet.append([_bold(sheet, title) for title in header])
    for event in events:
        row = [
            timezone.localtime(event.at, time_zone).strftime("%d.%m.%Y %H:%M:%S"),
            str(event.actor_display),
            event.get_action_display(),
            str(event.target_display),
            audit_changes_text(event.changes),
            event.ip_address or "",
            event.request_id,
        ]
        sheet.append([_text(sheet, value) for value in row])
    return workbook_bytes(workbook)


def _text(sheet, value):
    return safe_cell(WriteOnlyCell(sheet, value=str(value)))


def _bold(sheet, value):
    cell = _text(sheet, value)
    cell.font = Font(bold=True)
    return cell
