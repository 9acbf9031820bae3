"""The registry's services take the dates its forms take: from 1940 to a year after
the school's today."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from apps.core.dates import add_years, school_today
from apps.staff.forms import AchievementForm, CategoryAwardForm, DeactivateForm, StaffMemberForm
from apps.staff.models import Achievement, QualificationCategory
from apps.staff.services import achievement_create, category_award_create, staff_member_create, staff_member_deactivate
from apps.staff.tests.factories import StaffMemberFactory


@pytest.fixture(autouse=True)
def _english_messages(settings):
    settings.LANGUAGE_CODE = "en"


def _refusal(call, field):
    with pytest.raises(ValidationError) as refused:
        call()
    return refused.value.message_dict[field]


def test_a_card_of_someone_hired_in_1930_is_refused(school):
    long_ago = datetime.date(1930, 9, 1)
    form = StaffMemberForm({"hired_on": long_ago.isoformat()}, school=school)
    service = _refusal(
        lambda: staff_member_create(
            school=school, last_name="Орлова", first_name="Вера", teaching_since=long_ago, hired_on=long_ago
        ),
        "hired_on",
    )
    assert form.errors["hired_on"] == service


@pytest.mark.parametrize("what", ["left", "category", "achievement"])
def test_a_date_two_years_ahead_is_refused(school, what):
    staff = StaffMemberFactory(school=school)
    later = add_years(school_today(school), 2)
    if what == "left":
        form, field = DeactivateForm({"left_on": later.isoformat()}, school=school), "left_on"
        call = lambda: staff_member_deactivate(staff=staff, left_on=later)  # noqa: E731
    elif what == "category":
        form = CategoryAwardForm({"category": "first", "awarded_on": later.isoformat()}, school=school)
        field = "awarded_on"
        call = lambda: category_award_create(staff=staff, category=QualificationCategory.FIRST, awarded_on=later)  # noqa: E731
    else:
        form, field = AchievementForm({"date": later.isoformat()}, school=school), "date"
        call = lambda: achievement_create(  # noqa: E731
            staff=staff, kind=Achievement.Kind.CONTEST, title="Учитель года", date=later
        )
    assert form.errors[field] == _refusal(call, field)
