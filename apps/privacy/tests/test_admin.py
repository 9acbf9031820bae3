"""An erased card stays erased in the Django admin too (apps/staff/admin.py looks up only)."""

import pytest

from apps.core.tests.admin_checks import superuser_client
from apps.privacy.erasure import staff_member_erase
from apps.staff.tests.factories import AchievementFactory, CategoryAwardFactory, StaffMemberFactory
from apps.staff.tests.test_admin import card_post

pytestmark = pytest.mark.django_db


@pytest.fixture
def card():
    staff = StaffMemberFactory(last_name="Сидорова")
    CategoryAwardFactory(staff=staff)
    AchievementFactory(staff=staff)
    return staff


def test_an_erased_card_cannot_be_renamed_or_brought_back_in_the_admin(card):
    superuser = superuser_client()
    staff_member_erase(staff=card, reason="Увольнение, истёк срок хранения")
    card.refresh_from_db()
    erased_name = card.last_name
    response = superuser.post(
        f"/admin/staff/staffmember/{card.pk}/change/", card_post(card, last_name="Сидорова", is_active="on")
    )
    assert response.status_code == 403
    card.refresh_from_db()
    assert card.last_name == erased_name
