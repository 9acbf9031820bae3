import datetime
import zoneinfo

import pytest
from django.template import Context, Template
from django.utils import formats, timezone, translation

from apps.accounts.tests.factories import SchoolFactory
from apps.core.dates import (
    academic_year_bounds,
    academic_year_of,
    add_months,
    eve_candidate_days,
    is_eve,
    school_today,
    short_date,
    short_dates,
)

SAMARA = zoneinfo.ZoneInfo("Europe/Samara")


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


def test_the_eve_is_the_day_before_by_each_school_s_own_date(db):
    vladivostok = SchoolFactory(time_zone="Asia/Vladivostok")
    kaliningrad = SchoolFactory(time_zone="Europe/Kaliningrad")
    moment = datetime.datetime(2026, 12, 1, 23, 30, tzinfo=zoneinfo.ZoneInfo("Europe/Kaliningrad"))
    # In Vladivostok it is already 2 December: its tomorrow is the 3rd.
    assert is_eve(kaliningrad, datetime.date(2026, 12, 2), moment)
    assert is_eve(vladivostok, datetime.date(2026, 12, 3), moment)
    assert not is_eve(vladivostok, datetime.date(2026, 12, 2), moment)
    # Both tomorrows are among the days a sweep looks up.
    assert {datetime.date(2026, 12, 2), datetime.date(2026, 12, 3)} <= set(eve_candidate_days(moment))


def test_months_are_clamped_to_the_end_of_a_shorter_month():
    assert add_months(datetime.date(2026, 1, 31), 1) == datetime.date(2026, 2, 28)


@pytest.mark.parametrize(
    ("day", "shown"),
    [
        (datetime.date(2026, 12, 8), "08.12"),  # this academic year
        (datetime.date(2026, 9, 1), "01.09"),  # its first day
        (datetime.date(2026, 8, 31), "31.08.2026"),  # the last day of the year before
        (datetime.date(2025, 12, 8), "08.12.2025"),  # a year ago: same day and month, another year
        (datetime.date(2027, 9, 1), "01.09.2027"),  # the next academic year
    ],
)
def test_a_short_date_shows_its_year_outside_the_current_academic_year(day, shown):
    assert short_date(day, today=datetime.date(2027, 3, 1)) == shown


def test_a_moment_is_dated_in_the_school_s_time_zone():
    # 31 August 20:30 UTC is already 1 September in Samara (UTC+4), still 31 August in Moscow.
    moment = datetime.datetime(2026, 8, 31, 20, 30, tzinfo=datetime.UTC)
    today = datetime.date(2026, 12, 6)
    with timezone.override(SAMARA):
        assert short_date(moment, "d.m H:i", today=today) == "01.09 00:30"
    with timezone.override(zoneinfo.ZoneInfo("Europe/Moscow")):
        assert short_date(moment, "d.m H:i", today=today) == "31.08.2026 23:30"


def test_the_template_filter_keeps_the_weekday_and_time_and_adds_the_year():
    template = Template('{% load school_dates %}{{ when|short_date:"D d.m H:i" }}|{{ nothing|short_date }}')
    old = datetime.datetime(2025, 12, 8, 6, 0, tzinfo=datetime.UTC)
    with translation.override("ru"), timezone.override(SAMARA):
        assert template.render(Context({"when": old, "nothing": None})) == "Пн 08.12.2025 10:00|"
        recent = datetime.datetime.combine(timezone.localdate(), datetime.time(10), tzinfo=SAMARA)
        shown = template.render(Context({"when": recent}))
        assert shown[3:] == recent.strftime("%d.%m 10:00|")  # "Вс 06.12 10:00|": no year this year


FORMATS = ("d.m", "D d.m H:i", "d.m H:i", "l, d.m", "d.m.Y H:i", "H:i", "j E", "{d}.m\\Y", "Y-m-d", "W d.m")


@pytest.mark.parametrize("language", ["ru", "en"])
@pytest.mark.parametrize("fmt", FORMATS)
def test_short_dates_write_what_django_s_date_format_writes(language, fmt):
    """Written without Django's per-character formatter, a short date reads the same: each day
    of a week and months of two academic years, days and moments, in the school's zone."""
    today = datetime.date(2026, 12, 6)
    start = datetime.datetime(2026, 1, 1, 0, 7, tzinfo=datetime.UTC)
    moments = [start + datetime.timedelta(hours=53 * step + step % 7) for step in range(220)]
    values = [*moments, *(moment.date() for moment in moments), datetime.datetime(2026, 9, 1, 9, 5)]
    with translation.override(language), timezone.override(SAMARA):
        write = short_dates(fmt, today=today)
        for value in values:
            moment = isinstance(value, datetime.datetime)
            if not moment and "H" in fmt:
                continue
            local = timezone.localtime(value) if moment and timezone.is_aware(value) else value
            day = local.date() if moment else local
            with_year = fmt if "d.m.Y" in fmt else fmt.replace("d.m", "d.m.Y")
            expected_fmt = fmt if academic_year_of(day) == 2026 else with_year
            expected = formats.date_format(local, expected_fmt)
            assert short_date(value, fmt, today=today) == expected
            assert write(value) == expected
        assert write(None) == write("") == ""


def test_a_short_date_worked_out_once_is_the_same_in_each_zone_and_language():
    # The same instant in two zones, and two languages: four texts, each as Django formats it.
    moment = datetime.datetime(2026, 1, 5, 21, 30, tzinfo=datetime.UTC)
    shown = set()
    for _ in range(2):  # the second round from the memo
        for zone in ("Europe/Moscow", "Asia/Yekaterinburg"):
            for language in ("ru", "en"):
                with timezone.override(zoneinfo.ZoneInfo(zone)), translation.override(language):
                    expected = formats.date_format(timezone.localtime(moment), "D d.m H:i")
                    assert short_date(moment, "D d.m H:i", today=datetime.date(2026, 1, 1)) == expected
                    shown.add(expected)
    assert len(shown) == 4


def test_a_format_that_already_has_the_year_keeps_it_once():
    today = datetime.date(2027, 3, 1)
    last_year = datetime.date(2025, 12, 8)
    assert short_date(last_year, "d.m.Y", today=today) == "08.12.2025"
    assert short_dates("d.m.Y", today=today)(last_year) == "08.12.2025"
    assert short_date(datetime.date(2026, 12, 8), "d.m.Y", today=today) == "08.12.2026"
