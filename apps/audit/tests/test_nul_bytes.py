"""Regression (found by tests/fuzz): a NUL byte in what an export was filtered by
(`?association=%00`) made PostgreSQL refuse the trail row, and the export a 500."""

import pytest

from apps.audit.models import AuditEvent
from apps.audit.services import audit_record, audit_value

pytestmark = pytest.mark.django_db


def test_a_nul_byte_in_changes_and_label_is_stored_as_a_replacement_character(school):
    event = audit_record(
        action=AuditEvent.Action.EXPORT_MADE,
        school=school,
        target_label="Staff registry\x00",
        changes={"filters": {"association": ["\x00"], "q": "Ив\x00анова"}},
    )

    event.refresh_from_db()
    assert event.target_label == "Staff registry\ufffd"
    assert event.changes == {"filters": "association: \ufffd, q: Ив\ufffdанова"}


def test_audit_value_keeps_text_without_nul_as_it_is():
    assert audit_value("Иванова <script>") == "Иванова <script>"
    assert audit_value(["b\x00", "a"]) == "a, b\ufffd"
