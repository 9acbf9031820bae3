"""Who was there during a period: one rule (`apps.core.tenure`) for querysets and raw
SQL, the leaving day being the last day there. The staff registry, the dashboards, the
yearly report and the rating's sheets all ask it, so they agree on the same people."""

import datetime

import pytest
from django.db import connection

from apps.core.tenure import present_during, present_during_sql, present_on
from apps.staff.models import StaffMember
from apps.staff.tests.factories import StaffMemberFactory

pytestmark = pytest.mark.django_db

START, END = datetime.date(2026, 10, 1), datetime.date(2026, 12, 31)


def _cards(school):
    day = datetime.timedelta(days=1)
    spans = {
        "throughout": (datetime.date(2010, 9, 1), None),
        "left on the first day": (datetime.date(2010, 9, 1), START),
        "left the day before": (datetime.date(2010, 9, 1), START - day),
        "hired on the last day": (END, None),
        "hired after": (END + day, None),
    }
    return {
        name: StaffMemberFactory(school=school, last_name=name, hired_on=hired, left_on=left, is_active=left is None).pk
        for name, (hired, left) in spans.items()
    }


def test_the_queryset_and_the_sql_agree_on_who_was_there_during_a_period(school):
    cards = _cards(school)
    expected = {cards["throughout"], cards["left on the first day"], cards["hired on the last day"]}
    there = StaffMember.objects.filter(present_during(START, END), school=school)
    assert set(there.values_list("pk", flat=True)) == expected
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT s.id FROM {StaffMember._meta.db_table} s "  # nosec B608 - table name and the rule are constants
            f"WHERE s.school_id = %(school)s AND {present_during_sql('s')}",
            {"school": school.pk, "start": START, "end": END},
        )
        assert {row[0] for row in cursor.fetchall()} == expected


def test_on_a_single_day_the_leaving_day_is_a_day_at_work(school):
    cards = _cards(school)
    on_start = set(StaffMember.objects.filter(present_on(START), school=school).values_list("pk", flat=True))
    assert cards["left on the first day"] in on_start and cards["left the day before"] not in on_start
