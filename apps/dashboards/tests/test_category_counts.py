"""The categories' statement (`aggregates.category_counts`), the one rule behind the
categories page, the yearly report and the demo's reported shares: who is at work on
the reference day (apps.core.tenure, the leaving day a day at work) and the category
in force on it."""

import datetime

import pytest

from apps.dashboards.aggregates import category_counts
from apps.staff.models import QualificationCategory as Q
from apps.staff.services import category_award_create, staff_member_deactivate
from apps.staff.tests.factories import StaffMemberFactory

pytestmark = pytest.mark.django_db

D = datetime.date


def test_categories_count_only_the_staff_at_work_on_the_reference_day(school):
    on = D(2015, 12, 31)
    for category in (Q.HIGHEST, Q.FIRST, Q.FIRST, None):
        staff = StaffMemberFactory(school=school, hired_on=D(2012, 1, 1))
        if category:
            category_award_create(staff=staff, category=category, awarded_on=D(2013, 5, 1))
    StaffMemberFactory(school=school, hired_on=D(2016, 1, 10))  # not yet hired
    gone = StaffMemberFactory(school=school, hired_on=D(2012, 1, 1))
    category_award_create(staff=gone, category=Q.HIGHEST, awarded_on=D(2013, 5, 1))
    staff_member_deactivate(staff=gone, left_on=D(2015, 6, 30))
    leaves_that_day = StaffMemberFactory(school=school, hired_on=D(2012, 1, 1))
    staff_member_deactivate(staff=leaves_that_day, left_on=on)

    (row,) = category_counts(schools=[school.pk], dates={2015: on})
    assert (row["headcount"], row["highest"], row["first"], row["no_category"]) == (5, 1, 2, 2)
