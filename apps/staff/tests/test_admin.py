"""The Django admin of the staff registry only looks up (apps/staff/admin.py)."""

import pytest

from apps.audit.models import AuditEvent
from apps.core.tests.admin_checks import assert_looked_up_not_changed, superuser_client
from apps.staff.models import Achievement, CategoryAward

from .factories import AchievementFactory, CategoryAwardFactory, StaffMemberFactory, SubjectFactory

pytestmark = pytest.mark.django_db


def card_post(staff, **changes):
    """What the change form of a card with one category and one achievement posts."""
    award, achievement = staff.category_awards.get(), staff.achievements.get()
    data = {
        "school": staff.school_id,
        "last_name": staff.last_name,
        "first_name": staff.first_name,
        "patronymic": staff.patronymic,
        "position": staff.position,
        "is_active": "on",
        "category_awards-TOTAL_FORMS": "2",
        "category_awards-INITIAL_FORMS": "1",
        "category_awards-0-id": award.pk,
        "category_awards-0-DELETE": "on",
        "category_awards-1-category": "highest",
        "category_awards-1-awarded_on": "2024-01-10",
        "achievements-TOTAL_FORMS": "1",
        "achievements-INITIAL_FORMS": "1",
        "achievements-0-id": achievement.pk,
        "achievements-0-DELETE": "on",
    }
    return data | changes


@pytest.fixture
def card():
    staff = StaffMemberFactory(last_name="Сидорова")
    CategoryAwardFactory(staff=staff)
    AchievementFactory(staff=staff)
    return staff


def test_a_superuser_looks_cards_up_but_changes_nothing_unaudited(card):
    client = superuser_client()
    events = AuditEvent.objects.count()
    assert_looked_up_not_changed(client, card, card_post(card, last_name="Подменова", is_active=""))
    card.refresh_from_db()
    assert (card.last_name, card.is_active) == ("Сидорова", True)
    assert CategoryAward.objects.filter(staff=card).count() == 1
    assert Achievement.objects.filter(staff=card).count() == 1
    assert AuditEvent.objects.count() == events


def test_the_card_page_shows_its_categories_and_achievements_without_forms(card):
    page = superuser_client().get(f"/admin/staff/staffmember/{card.pk}/change/").content.decode()
    assert "Сидорова" in page
    assert card.achievements.get().title in page
    assert 'name="category_awards-0-category"' not in page
    assert 'name="achievements-0-title"' not in page
    assert 'name="last_name"' not in page


def test_subjects_are_looked_up_only():
    subject = SubjectFactory(name="Химия")
    assert_looked_up_not_changed(superuser_client(), subject, {"name": "Алхимия", "school": subject.school_id})
    subject.refresh_from_db()
    assert subject.name == "Химия"
