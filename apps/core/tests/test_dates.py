import datetime
import zoneinfo

import pytest

from apps.accounts.tests.factories import SchoolFactory
from apps.core.dates import academic_year_bounds, academic_year_of, add_months, school_today


@pytest.mark.parametrize(
    ("day", "year"),
    [(datetime.date(2026, 8, 31), 2025), (datetime.date(2026, 9, 1), 2026), (datetime.date(2027, 1, 10), 2026)],
)
def test_the_academic_year_starts_on_the_first_of_september(day, year):
    assert academic_year_of(day) == year
    start, end = academic_year_bounds(year)
    assert start <= day <= end and (start, end) == (datetime.date(year, 9, 1), datetime.date(year + 1, 8, 31))


def test_the_school_s_today_is_its_own_date_at_a_given_moment(db):
    vladivostok = SchoolFactory(time_zone="Asia/Vladivostok")
    kaliningrad = SchoolFactory(time_zone="Europe/Kaliningrad")
    moment = datetime.datetime(2026, 12, 1, 23, 30, tzinfo=zoneinfo.ZoneInfo("Europe/Kaliningrad"))
    assert school_today(kaliningrad, moment) == datetime.date(2026, 12, 1)
    assert school_today(vladivostok, moment) == datetime.date(2026, 12, 2)


def test_months_are_clamped_to_the_end_of_a_shorter_month():
    assert add_months(datetime.date(2026, 1, 31), 1) == datetime.date(2026, 2, 28)
