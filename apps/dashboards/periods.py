"""Periods the dashboards report on: academic years (1 September to 31 August) or
any span of dates, turned into moments in the school's own time zone."""

import dataclasses
import datetime
import zoneinfo

from apps.core.dates import academic_year_bounds, academic_year_label, day_bounds

# The first and last academic years the pages offer.
EARLIEST_YEAR = 2000
# Default reference day of the categories page: 1 September.
REFERENCE_MONTH, REFERENCE_DAY = 9, 1


@dataclasses.dataclass(frozen=True)
class Period:
    start: datetime.date
    end: datetime.date  # included
    label: str

    @property
    def days(self):
        return (self.end - self.start).days + 1

    def bounds(self, time_zone):
        """The period as [start_at, end_at) moments in `time_zone`."""
        tz = zoneinfo.ZoneInfo(time_zone) if isinstance(time_zone, str) else time_zone
        return day_bounds(self.start, self.end, tz)

    def previous(self):
        """The period just before, of the same kind: the previous academic year, or
        as many days ending the day before."""
        if self.is_academic_year:
            return academic_year(self.start.year - 1)
        end = self.start - datetime.timedelta(days=1)
        start = end - datetime.timedelta(days=self.days - 1)
        return Period(start, end, f"{start:%d.%m.%Y} – {end:%d.%m.%Y}")

    @property
    def is_academic_year(self):
        return (self.start, self.end) == academic_year_bounds(self.start.year)


def academic_year(year: int) -> Period:
    return Period(*academic_year_bounds(year), academic_year_label(year))


def reference_date(year: int, month: int = REFERENCE_MONTH, day: int = REFERENCE_DAY) -> datetime.date:
    """The reference day of a calendar year for the categories page."""
    return datetime.date(year, month, day)
