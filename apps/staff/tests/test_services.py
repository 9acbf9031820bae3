import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from apps.staff.models import CategoryAward, QualificationCategory, StaffMember
from apps.staff.services import (
    category_award_create,
    staff_member_create,
    staff_member_deactivate,
    staff_member_reactivate,
)
from apps.staff.tests.factories import StaffMemberFactory, SubjectFactory

D = datetime.date


def test_category_is_awarded_for_five_years(school):
    staff = StaffMemberFactory(school=school)
    award = category_award_create(staff=staff, category=QualificationCategory.FIRST, awarded_on=D(2024, 2, 29))
    assert award.valid_until == D(2029, 2, 28)


def test_two_awards_on_one_day_are_refused(school):
    staff = StaffMemberFactory(school=school)
    category_award_create(staff=staff, category=QualificationCategory.FIRST, awarded_on=D(2024, 3, 1))
    with pytest.raises(ValidationError):
        category_award_create(staff=staff, category=QualificationCategory.HIGHEST, awarded_on=D(2024, 3, 1))


def test_leaving_staff_are_deactivated_and_keep_their_history(school):
    staff = StaffMemberFactory(school=school)
    category_award_create(staff=staff, category=QualificationCategory.FIRST, awarded_on=D(2020, 3, 1))
    staff_member_deactivate(staff=staff, left_on=D(2025, 6, 30))
    staff.refresh_from_db()
    assert (staff.is_active, staff.left_on) == (False, D(2025, 6, 30))
    assert CategoryAward.objects.filter(staff=staff).count() == 1
    staff_member_reactivate(staff=staff)
    staff.refresh_from_db()
    assert (staff.is_active, staff.left_on) == (True, None)


def test_cannot_leave_before_being_hired(school):
    staff = StaffMemberFactory(school=school, hired_on=D(2020, 9, 1))
    with pytest.raises(ValidationError):
        staff_member_deactivate(staff=staff, left_on=D(2019, 6, 30))


def test_database_keeps_active_flag_and_leaving_date_consistent(school):
    staff = StaffMemberFactory(school=school)
    with pytest.raises(IntegrityError), transaction.atomic():
        StaffMember.objects.filter(pk=staff.pk).update(is_active=False)


def test_subjects_of_another_school_are_refused(school, other_school):
    with pytest.raises(ValidationError):
        staff_member_create(
            school=school,
            subjects=[SubjectFactory(school=other_school)],
            last_name="Орлов",
            first_name="Иван",
            teaching_since=D(2015, 9, 1),
            hired_on=D(2015, 9, 1),
        )
    assert not StaffMember.objects.filter(last_name="Орлов").exists()
