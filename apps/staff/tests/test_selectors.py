import datetime

import pytest
from django.core.exceptions import ValidationError

from apps.core.dates import add_months, add_years
from apps.dashboards.aggregates import category_counts
from apps.staff.models import QualificationCategory as Q
from apps.staff.models import short_name
from apps.staff.selectors import (
    staff_attestations_due,
    staff_home,
    staff_list,
    staff_overview,
)
from apps.staff.services import category_award_create, staff_member_deactivate
from apps.staff.tests.factories import StaffMemberFactory

D = datetime.date


def test_add_years_turns_29_february_into_28_february():
    assert add_years(D(2016, 2, 29), 5) == D(2021, 2, 28)
    assert add_years(D(2016, 3, 1), 5) == D(2021, 3, 1)


def test_add_years_and_months_beyond_year_9999_are_validation_errors_not_value_errors():
    with pytest.raises(ValidationError):
        add_years(D(9999, 1, 1), 5)
    with pytest.raises(ValidationError):
        add_years(D(1, 1, 1), -3)
    with pytest.raises(ValidationError):
        add_months(D(9999, 10, 1), 6)


def test_add_months_clamps_to_month_end():
    assert add_months(D(2026, 8, 31), 6) == D(2027, 2, 28)
    assert add_months(D(2026, 11, 23), 6) == D(2027, 5, 23)


def _category_on(school, staff, on):
    return staff_list(school=school, on=on).get(pk=staff.pk).current_category


def test_current_category_follows_history_and_expiry(school):
    staff = StaffMemberFactory(school=school)
    category_award_create(staff=staff, category=Q.FIRST, awarded_on=D(2012, 3, 1))
    category_award_create(staff=staff, category=Q.HIGHEST, awarded_on=D(2016, 12, 20))
    assert _category_on(school, staff, D(2011, 1, 1)) == Q.NONE
    assert _category_on(school, staff, D(2014, 6, 1)) == Q.FIRST
    assert _category_on(school, staff, D(2016, 12, 20)) == Q.HIGHEST
    assert _category_on(school, staff, D(2021, 12, 19)) == Q.HIGHEST
    # Valid until 20.12.2021 means in force on that day too; it lapses the day after.
    assert _category_on(school, staff, D(2021, 12, 20)) == Q.HIGHEST
    assert _category_on(school, staff, D(2021, 12, 21)) == Q.NONE


def test_early_career_is_under_three_years_of_teaching(school):
    young = StaffMemberFactory(school=school, teaching_since=D(2024, 9, 1), hired_on=D(2024, 9, 1))
    rows = staff_list(school=school, on=D(2027, 8, 31))
    assert rows.get(pk=young.pk).is_early_career is True
    assert rows.get(pk=young.pk).experience_years == 2
    rows = staff_list(school=school, on=D(2027, 9, 1))
    assert rows.get(pk=young.pk).is_early_career is False
    assert rows.get(pk=young.pk).experience_years == 3


def test_attestations_due_lists_categories_ending_within_six_months(school):
    today = D(2026, 11, 23)
    due = StaffMemberFactory(school=school)
    category_award_create(staff=due, category=Q.FIRST, awarded_on=D(2022, 1, 10))  # ends 10.01.2027
    later = StaffMemberFactory(school=school)
    category_award_create(staff=later, category=Q.HIGHEST, awarded_on=D(2022, 6, 1))  # ends 01.06.2027
    renewed = StaffMemberFactory(school=school)
    category_award_create(staff=renewed, category=Q.FIRST, awarded_on=D(2022, 1, 10))
    category_award_create(staff=renewed, category=Q.HIGHEST, awarded_on=D(2026, 10, 1))
    left = StaffMemberFactory(school=school)
    category_award_create(staff=left, category=Q.FIRST, awarded_on=D(2022, 1, 10))
    staff_member_deactivate(staff=left, left_on=D(2026, 6, 30))

    assert list(staff_attestations_due(school=school, on=today)) == [due]
    assert staff_overview(school=school, on=today)["attestations_due"] == 1


def test_selectors_never_return_another_schools_staff(school, other_school):
    StaffMemberFactory(school=other_school)
    mine = StaffMemberFactory(school=school)
    assert list(staff_list(school=school)) == [mine]


@pytest.mark.parametrize("on", [D(2026, 1, 1)])
def test_overview_counts_active_and_early_career(school, on):
    StaffMemberFactory(school=school, teaching_since=D(2025, 9, 1), hired_on=D(2025, 9, 1))
    StaffMemberFactory(school=school)
    staff_member_deactivate(staff=StaffMemberFactory(school=school), left_on=D(2025, 5, 31))
    overview = staff_overview(school=school, on=on)
    assert overview["active"] == 2
    assert overview["early_career"] == 1


def test_a_category_is_in_force_and_due_on_its_last_day_everywhere(school):
    staff = StaffMemberFactory(school=school)
    award = category_award_create(staff=staff, category=Q.FIRST, awarded_on=D(2022, 1, 10))
    last_day = award.valid_until
    assert last_day == D(2027, 1, 10)

    row = staff_list(school=school, on=last_day).get(pk=staff.pk)
    assert (row.current_category, row.category_valid_until) == (Q.FIRST, last_day)
    assert list(staff_attestations_due(school=school, on=last_day)) == [staff]
    overview = staff_overview(school=school, on=last_day)
    assert (overview["first"], overview["attestations_due"]) == (1, 1)
    assert category_counts(schools=[school.pk], dates={2026: last_day})[0]["first"] == 1

    day_after = D(2027, 1, 11)
    assert staff_list(school=school, on=day_after).get(pk=staff.pk).current_category == Q.NONE
    assert list(staff_attestations_due(school=school, on=day_after)) == []
    assert staff_overview(school=school, on=day_after)["attestations_due"] == 0


@pytest.mark.parametrize("with_overview", [True, False])
def test_the_start_pages_own_card_reads_the_same_with_or_without_the_staff_figures(school, teacher, with_overview):
    on = D(2026, 1, 1)
    mine = StaffMemberFactory(
        school=school, user=teacher, position="учитель химии", teaching_since=D(2024, 9, 1), hired_on=D(2024, 9, 1)
    )
    category_award_create(staff=mine, category=Q.FIRST, awarded_on=D(2022, 1, 10))
    StaffMemberFactory(school=school, position="учитель физики", teaching_since=D(2000, 9, 1), hired_on=D(2000, 9, 1))
    overview, card = staff_home(school=school, user=teacher, on=on, with_overview=with_overview)
    assert (card.pk, card.position, card.teaching_since) == (mine.pk, "учитель химии", D(2024, 9, 1))
    assert (card.current_category, card.category_valid_until, card.is_early_career) == (Q.FIRST, D(2027, 1, 10), True)
    if with_overview:
        assert overview == staff_overview(school=school, on=on)
    else:
        assert overview is None
    staff_member_deactivate(staff=mine, left_on=D(2025, 12, 31))
    assert staff_home(school=school, user=teacher, on=on, with_overview=with_overview)[1] is None


@pytest.mark.parametrize(
    ("parts", "shown"),
    [
        (("Иванова", "Анна", "Петровна"), "Иванова А.П."),
        (("Иванова", "Анна", ""), "Иванова А."),
        (("Иванова", "", "Петровна"), "Иванова П."),
        (("Иванова", "", ""), "Иванова"),
        (("", "Анна", "Петровна"), "А.П."),
    ],
)
def test_a_short_name_is_the_last_name_and_initials(parts, shown):
    assert short_name(*parts) == shown
