"""Dates every app counts with: the school's own today, years and months added to a
day, whole years between two days, the academic year (1 September to 31 August), and
the short date every page shows (with its year once outside the current academic year).

Kept here, below every app, so that any app may ask "what day is it at this school"
without reaching into another app.
"""

import datetime
import functools

from django.core.exceptions import ValidationError
from django.utils import formats, timezone
from django.utils.dates import WEEKDAYS, WEEKDAYS_ABBR
from django.utils.translation import get_language
from django.utils.translation import gettext as _


def school_today(school, now: datetime.datetime | None = None) -> datetime.date:
    """Today's date in the school's own time zone (the date at the moment `now`, if given)."""
    return (now or timezone.now()).astimezone(school.tzinfo).date()


def eve_candidate_days(now: datetime.datetime) -> list[datetime.date]:
    """The days that are "tomorrow" somewhere in Russia (UTC+2 … UTC+12) at the moment
    `now`: what a day-before reminder looks up, then keeps by `is_eve`."""
    return sorted({(now + datetime.timedelta(days=1, hours=hours)).date() for hours in (0, 12)})


def is_eve(school, day: datetime.date, now: datetime.datetime | None = None) -> bool:
    """Whether `day` is tomorrow by the school's own date at the moment `now`."""
    return day == school_today(school, now) + datetime.timedelta(days=1)


def _check_year(year: int) -> None:
    if not datetime.MINYEAR <= year <= datetime.MAXYEAR:
        raise ValidationError(
            _("The date is out of the range of dates this site can handle."), code="date_out_of_range"
        )


def add_years(day: datetime.date, years: int) -> datetime.date:
    """The same calendar day `years` later; 29 February becomes 28 February.

    A result beyond the year 9999 (or before the year 1) is a ValidationError.
    """
    _check_year(day.year + years)
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


def add_months(day: datetime.date, months: int) -> datetime.date:
    """The same day `months` later, clamped to the end of a shorter month."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    _check_year(year)
    for candidate in (day.day, 30, 29, 28):
        try:
            return day.replace(year=year, month=month, day=candidate)
        except ValueError:
            continue
    raise AssertionError("unreachable")


def years_between(start: datetime.date, end: datetime.date) -> int:
    """Whole years from `start` to `end` (a teacher's experience)."""
    return end.year - start.year - ((end.month, end.day) < (start.month, start.day))


def academic_year_of(day: datetime.date) -> int:
    """The academic year a day falls in, named by its first calendar year
    (31 August 2026 → 2025, 1 September 2026 → 2026)."""
    return day.year if day.month >= 9 else day.year - 1


def academic_year_span(year: int) -> str:
    """The academic year that starts in `year` by its two calendar years: "2025/2026"."""
    return f"{year}/{year + 1}"


def academic_year_label(year: int) -> str:
    """The academic year that starts in `year` as the pages name it: "2025/26 учебный год"."""
    return academic_year_labels([year])[0]


def academic_year_labels(years) -> list[str]:
    """The labels of several years, translated once (a filter's list of years)."""
    label = _("%(start)s/%(end)s academic year")
    return [label % {"start": year, "end": str(year + 1)[-2:]} for year in years]


def academic_year_bounds(year: int) -> tuple[datetime.date, datetime.date]:
    """The academic year that starts in `year`: (1 September, 31 August), both included."""
    return datetime.date(year, 9, 1), datetime.date(year + 1, 8, 31)


def day_bounds(start: datetime.date, end: datetime.date, tzinfo) -> tuple[datetime.datetime, datetime.datetime]:
    """Days `start`..`end` (both included) as the moments [start_at, end_at) in `tzinfo`."""
    start_at = datetime.datetime.combine(start, datetime.time.min, tzinfo=tzinfo)
    end_at = datetime.datetime.combine(end + datetime.timedelta(days=1), datetime.time.min, tzinfo=tzinfo)
    return start_at, end_at


def _with_year(fmt):
    """`fmt` with the year after its day and month ("d.m" -> "d.m.Y"), unless it has it."""
    return fmt if "d.m.Y" in fmt else fmt.replace("d.m", "d.m.Y")


def short_date(value, fmt: str = "d.m", *, today: datetime.date | None = None) -> str:
    """`value` (a day, or a moment shown in the active time zone: the school's on its
    pages) in the Django date format `fmt`, whose "d.m" becomes "d.m.Y" when the day
    falls outside the current academic year: "Пн 08.12 10:00" is this year's December,
    "Пн 08.12.2025 10:00" last year's. `today` defaults to today in the active zone."""
    if value is None or value == "":
        return ""
    if isinstance(value, datetime.datetime):
        if timezone.is_aware(value):
            value = timezone.localtime(value)
        day = value.date()
    else:
        day = value
    if academic_year_of(day) != academic_year_of(today or timezone.localdate()):
        fmt = _with_year(fmt)
    template = _template(fmt)
    if template is None:
        # An aware moment equals the same instant in any zone: its zone is part of the key.
        return _date_format(type(value), value, getattr(value, "tzinfo", None), fmt, get_language())
    weekday = value.weekday()
    abbreviated, full = _day_names(get_language()) if _names_in(fmt) else _NO_NAMES
    return template.format(value, abbreviated[weekday], full[weekday])


def short_dates(fmt: str = "d.m", *, today: datetime.date | None = None):
    """`short_date(value, fmt)` as a function of `value`, for the many dates of a list: the
    active zone, the current academic year and the day names are looked up once, not per date."""
    this_year, other_year = _template(fmt), _template(_with_year(fmt))
    if this_year is None or other_year is None:
        return functools.partial(short_date, fmt=fmt, today=today)
    zone = timezone.get_current_timezone()
    start, end = academic_year_bounds(academic_year_of(today or datetime.datetime.now(zone).date()))
    abbreviated, full = _day_names(get_language()) if _names_in(fmt) else _NO_NAMES

    def write(value):
        if value is None or value == "":
            return ""
        if isinstance(value, datetime.datetime):
            if value.utcoffset() is not None:
                value = value.astimezone(zone)
            day = value.date()
        else:
            day = value
        weekday = value.weekday()
        template = this_year if start <= day <= end else other_year
        return template.format(value, abbreviated[weekday], full[weekday])

    return write


# Django's date format characters that short dates use, as fields of `str.format(moment, short
# day name, day name)`: what `django.utils.dateformat` writes for each, without its per-character
# dispatch (a list of dates spent most of its time there).
_FIELDS = {
    "d": "{0.day:02d}",
    "m": "{0.month:02d}",
    "Y": "{0.year:04d}",
    "H": "{0.hour:02d}",
    "i": "{0.minute:02d}",
    "D": "{1}",
    "l": "{2}",
}
_NO_NAMES = ("",) * 7, ("",) * 7


@functools.lru_cache(maxsize=64)
def _template(fmt):
    """`fmt` as a `str.format` template, or None when it holds a character beyond `_FIELDS`
    (or an escape): Django writes those."""
    parts = []
    for char in fmt:
        if char in _FIELDS:
            parts.append(_FIELDS[char])
        elif char.isalpha() or char == "\\":
            return None
        else:
            parts.append(char.replace("{", "{{").replace("}", "}}"))
    return "".join(parts)


def _names_in(fmt):
    return "D" in fmt or "l" in fmt


@functools.lru_cache(maxsize=16)
def _day_names(language):
    """The days' short and full names in `language` (the active one when asked), Monday first."""
    return tuple(str(WEEKDAYS_ABBR[day]) for day in range(7)), tuple(str(WEEKDAYS[day]) for day in range(7))


@functools.lru_cache(maxsize=4096)
def _date_format(kind, value, zone, fmt, language):
    """formats.date_format(value, fmt) (a format object and some hundred calls each
    time), worked out once per value, zone, format and language, for the formats
    `_template` leaves to Django."""
    return formats.date_format(value, fmt)
