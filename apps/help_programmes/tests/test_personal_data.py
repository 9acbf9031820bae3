"""A person's programme responsibilities and milestones in the export; after an
erasure the rows stay on the anonymised card and the name leaves the texts."""

import pytest

from apps.help_programmes.models import HelpMilestone, Responsible
from apps.help_programmes.tests.factories import (
    HelpMilestoneFactory,
    ProgrammeFactory,
    ResponsibleFactory,
    leader_and_supported,
)
from apps.privacy.erasure import staff_member_erase
from apps.privacy.export import staff_personal_data_sections
from apps.staff.tests.factories import StaffMemberFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def card(school, other_school):
    leader, supported = leader_and_supported(school, other_school)
    programme = ProgrammeFactory(
        leader_school=leader,
        supported_school=supported,
        goal="Координатор Жукова Анна Петровна ведёт тьюторское сопровождение.",
    )
    card = StaffMemberFactory(school=school, last_name="Жукова", first_name="Анна", patronymic="Петровна")
    ResponsibleFactory(programme=programme, staff=card, role="координатор")
    HelpMilestoneFactory(programme=programme, responsible=card, title="Совместный семинар", note="Провела Жукова А. П.")
    return card


def test_export_lists_the_responsibilities_and_milestones(card):
    sections = {section.key: section for section in staff_personal_data_sections(staff=card)}
    assert [row["role"] for row in sections["help_programmes"].rows] == ["координатор"]
    assert [row["milestone"] for row in sections["help_milestones"].rows] == ["Совместный семинар"]


def test_erasure_keeps_the_rows_on_the_anonymised_card_without_the_name(card, administrator):
    staff_member_erase(staff=card, reason="Истёк срок хранения", erased_by=administrator)
    responsible = Responsible.objects.select_related("staff", "programme").get()
    milestone = HelpMilestone.objects.get()
    assert responsible.staff_id == card.pk and milestone.responsible_id == card.pk
    assert responsible.staff.last_name != "Жукова"
    assert "Жукова" not in responsible.programme.goal
    assert "Жукова" not in milestone.note
