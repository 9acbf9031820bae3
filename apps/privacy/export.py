"""Everything the app holds about one staff member, as a ZIP of JSON and XLSX.

152-FZ (art. 14) gives a person the right to a copy of their personal data; the
school's administrator exports it and hands it over, and the export is audited.
Each app gives its own sections (its `personal_data.py`, see apps/core/personal_data.py).
Since an administrator downloads it, lesson feedback follows the trust rule: the
file says that feedback exists, never what it says. Other people appear by role,
never by name. A fixed number of queries, whatever the amount of data.
See docs/security-and-privacy.md#export-art-14.
"""

import datetime
import io
import json
import zipfile

from django.utils import timezone
from django.utils.translation import gettext as _

from apps.audit.models import AuditEvent
from apps.audit.services import audit_record
from apps.core.personal_data import Section, registered_sources
from apps.core.spreadsheets import add_sheet, new_workbook, workbook_bytes
from apps.staff.models import StaffMember


class _Clock:
    """Datetimes in the school's own time zone, as people saw them in the app."""

    def __init__(self, school):
        self.tz = school.tzinfo

    def __call__(self, value):
        if value is None:
            return None
        return timezone.localtime(value, self.tz) if timezone.is_aware(value) else value


def staff_personal_data_sections(*, staff) -> list[Section]:
    """Every kind of data about `staff`, as each app declares it, in a fixed number of queries."""
    staff = StaffMember.objects.select_related("school", "association", "user").get(pk=staff.pk)
    local_time = _Clock(staff.school)
    return [
        section
        for source in registered_sources()
        if source.collect is not None
        for section in source.collect(staff=staff, local_time=local_time)
    ]


def _json_value(value):
    if isinstance(value, datetime.datetime | datetime.date):
        return value.isoformat()
    return value


def _xlsx_value(value):
    if isinstance(value, datetime.datetime):
        return value.replace(tzinfo=None)
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    return value


def _workbook(sections) -> bytes:
    workbook = new_workbook()
    for section in sections:
        add_sheet(
            workbook,
            section.title,
            [label for _key, label in section.columns],
            [[_xlsx_value(row.get(key)) for key, _label in section.columns] for row in section.rows],
            width_range=(12, 50),
            freeze=True,
        )
    return workbook_bytes(workbook)


def staff_personal_data_file_name(*, staff) -> str:
    return f"personal-data-{staff.pk}.zip"


def staff_personal_data_export(*, staff, exported_by=None) -> bytes:
    """A ZIP with `personal-data.json` and `personal-data.xlsx` (one sheet per
    kind of data) holding what the app keeps about `staff`; see the module's
    docstring for what is in it and what is deliberately not. An export made
    by a person (`exported_by`) is written to the audit trail."""
    sections = staff_personal_data_sections(staff=staff)
    document = {
        "generated_at": timezone.now().isoformat(),
        "staff_id": staff.pk,
        "sections": {
            section.key: {
                "title": section.title,
                "columns": dict(section.columns),
                "rows": [{key: _json_value(row.get(key)) for key, _label in section.columns} for row in section.rows],
            }
            for section in sections
        },
    }
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("personal-data.json", json.dumps(document, ensure_ascii=False, indent=2))
        archive.writestr("personal-data.xlsx", _workbook(sections))
    if exported_by is not None:
        audit_record(
            action=AuditEvent.Action.PERSONAL_DATA_EXPORTED, school=staff.school, target=staff, actor=exported_by
        )
    return buffer.getvalue()
