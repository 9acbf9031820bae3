"""The date of birth is personal data: it is in the person's export, the erasure blanks it
(and its values in the audit trail), and the yearly report then counts the person as «не
указан» without changing the staff it counts."""

import datetime
import io
import json
import zipfile

import pytest

from apps.audit.models import ERASED_LABEL, AuditEvent
from apps.dashboards.report import annual_report
from apps.privacy.erasure import staff_member_erase
from apps.privacy.export import staff_personal_data_export
from apps.staff import services
from apps.staff.tests.factories import StaffMemberFactory

pytestmark = pytest.mark.django_db

BORN = datetime.date(1984, 7, 19)


@pytest.fixture
def card(school):
    card = StaffMemberFactory(school=school, last_name="Загорулько", first_name="Снежана")
    services.staff_member_update(staff=card, birth_date=BORN)  # an audited change, as from the card form
    return card


def test_the_export_holds_the_date_of_birth(card):
    with zipfile.ZipFile(io.BytesIO(staff_personal_data_export(staff=card))) as archive:
        document = json.loads(archive.read("personal-data.json"))
    [row] = document["sections"]["card"]["rows"]
    assert row["birth_date"] == BORN.isoformat()
    columns = dict(document["sections"]["card"]["columns"])
    assert columns["birth_date"] == "дата рождения"


def test_the_erasure_blanks_it_everywhere_and_the_report_counts_her_as_not_given(school, card, administrator):
    for index in range(5):
        StaffMemberFactory(school=school, birth_date=datetime.date(1980, 1, 1 + index))
    year = 2025
    before = annual_report(school=school, year=year).ages
    assert (before.staff, before.known) == (6, 6)
    trail = AuditEvent.objects.filter(action=AuditEvent.Action.STAFF_UPDATED, target_id=str(card.pk))
    assert trail.get().changes["birth_date"] == [None, BORN.isoformat()]

    staff_member_erase(staff=card, reason="Заявление работника", erased_by=administrator)

    card.refresh_from_db()
    assert card.birth_date is None
    # The trail keeps that the date changed, not the date.
    assert trail.get().changes["birth_date"] == ERASED_LABEL
    assert not AuditEvent.objects.filter(changes__icontains=BORN.isoformat()).exists()
    after = annual_report(school=school, year=year).ages
    assert (after.staff, after.known, after.unknown) == (6, 5, 1)
