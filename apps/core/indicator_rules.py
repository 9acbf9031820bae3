"""The rules the indicators of collective work share (apps.core.indicators): the
local day of a moment, and how months in a pair, a triad or a team are counted."""

import datetime
from decimal import Decimal

from django.db.models import DateField, Func

# The day of a month that decides whether the month counts: a month counts when the
# person was at work on its middle day. Each month then falls into exactly one
# period (a month, a quarter, a half-year), and the periods of a year add up.
MID_MONTH = 15


class LocalDate(Func):
    """The calendar day of a moment in a time zone read from the row
    (`LocalDate("starts_at", "staff__school__time_zone")`): a lesson at 23:30 in
    Samara is on that Samara day, whatever the server's zone."""

    arg_joiner = " AT TIME ZONE "
    template = "((%(expressions)s)::date)"
    output_field = DateField()


def months_counted(span_start, span_end, *, start, end) -> list[datetime.date]:
    """The middle days (the 15th) of the months in which one was at work from
    `span_start` to `span_end`, inside the period from `start` to `end` (all
    dates included): a month counts when its 15th lies in both."""
    first, last = max(span_start, start), min(span_end, end)
    if first > last:
        return []
    counted = []
    year, month = first.year, first.month
    while (year, month) <= (last.year, last.month):
        middle = datetime.date(year, month, MID_MONTH)
        if first <= middle <= last:
            counted.append(middle)
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return counted


def months_in(spans, *, start, end) -> list[datetime.date]:
    """`months_counted` over several spans of work (a pause between them): each month once."""
    return sorted({middle for first, last in spans for middle in months_counted(first, last, start=start, end=end)})


def one() -> Decimal:
    return Decimal(1)
