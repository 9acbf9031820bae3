import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from apps.accounts.tests.factories import UserFactory
from apps.staff.models import CategoryAward, QualificationCategory, StaffMember, Subject, SubjectAssociation
from apps.staff.services import (
    association_get_or_create,
    catalog_entry_rename,
    category_award_create,
    staff_member_create,
    staff_member_deactivate,
    staff_member_reactivate,
    staff_member_update,
    subject_get_or_create,
)
from apps.staff.tests.factories import StaffMemberFactory, SubjectAssociationFactory, SubjectFactory

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


def test_a_far_future_award_date_is_a_validation_error_not_a_value_error(school):
    staff = StaffMemberFactory(school=school)
    with pytest.raises(ValidationError) as caught:
        category_award_create(staff=staff, category=QualificationCategory.FIRST, awarded_on=D(9998, 1, 1))
    assert "awarded_on" in caught.value.message_dict
    assert not CategoryAward.objects.exists()


def _all_messages(error):
    return " ".join(message for messages in error.message_dict.values() for message in messages)


CONSTRAINT_NAMES = (
    "staff_hired_after_teaching_since",
    "category_award_one_per_day",
    "staff_one_record_per_user_and_school",
    "subject_school_name_unique",
)


def test_constraint_violations_are_shown_on_their_field_without_internal_names(school):
    staff = StaffMemberFactory(school=school, teaching_since=D(2010, 9, 1), hired_on=D(2012, 9, 1))
    with pytest.raises(ValidationError) as caught:
        staff_member_update(staff=staff, hired_on=D(2009, 9, 1))
    assert list(caught.value.message_dict) == ["hired_on"]
    assert not any(name in _all_messages(caught.value) for name in CONSTRAINT_NAMES)
    staff.refresh_from_db()

    category_award_create(staff=staff, category=QualificationCategory.FIRST, awarded_on=D(2024, 3, 1))
    with pytest.raises(ValidationError) as caught:
        category_award_create(staff=staff, category=QualificationCategory.HIGHEST, awarded_on=D(2024, 3, 1))
    assert list(caught.value.message_dict) == ["awarded_on"]
    assert not any(name in _all_messages(caught.value) for name in CONSTRAINT_NAMES)

    user = UserFactory()
    StaffMemberFactory(school=school, user=user)
    with pytest.raises(ValidationError) as caught:
        staff_member_update(staff=staff, user=user)
    assert list(caught.value.message_dict) == ["user"]
    assert not any(name in _all_messages(caught.value) for name in CONSTRAINT_NAMES)


def test_catalog_names_match_ignoring_case_and_yo(school):
    accounting = SubjectFactory(school=school, name="Учёт и аудит")
    assert subject_get_or_create(school=school, name="учет  и аудит") == accounting
    scientists = SubjectAssociationFactory(school=school, name="ШМО учёных")
    assert association_get_or_create(school=school, name="шмо ученых") == scientists
    assert Subject.objects.for_school(school).count() == 1
    assert SubjectAssociation.objects.for_school(school).count() == 1


def test_renaming_to_a_taken_name_is_a_validation_error_on_name(school):
    SubjectFactory(school=school, name="Физика")
    chemistry = SubjectFactory(school=school, name="Химия")
    with pytest.raises(ValidationError) as caught:
        catalog_entry_rename(entry=chemistry, name="Физика")
    assert list(caught.value.message_dict) == ["name"]
    assert chemistry.name == "Химия"
