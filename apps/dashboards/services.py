"""Writing the year summaries.

`summaries_refresh` recomputes every (school, academic year, association) row
from the source tables with a handful of set-based statements per year, and is
run by beat every `DASHBOARD_SUMMARY_MINUTES` (and by the worker at start-up),
so a year figure is never older than one interval. A transaction-level
advisory lock lets only one refresh run at a time; a second one simply skips.
"""

import datetime
import itertools
import logging
import zoneinfo

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from apps.accounts.models import School
from apps.core.dates import academic_year_of

from . import aggregates
from .models import YearSummary
from .periods import academic_year, reference_date

logger = logging.getLogger(__name__)

# pg_advisory_xact_lock key of the refresh ("dashsumm").
REFRESH_LOCK = 0x6461736873756D6D

SUMMARY_FIELDS = [
    field.name
    for field in YearSummary._meta.concrete_fields
    if field.name not in ("id", "school", "year", "association", "refreshed_at")
]


def summary_years(*, today: datetime.date):
    """The academic years the summaries keep: the last `DASHBOARD_SUMMARY_YEARS`."""
    current = academic_year_of(today)
    return range(current - settings.DASHBOARD_SUMMARY_YEARS + 1, current + 1)


def summaries_refresh(*, school_ids=None, now=None) -> int | None:
    """Recompute the summaries of the given schools (all by default); returns the
    number of rows written, or None when another refresh holds the lock."""
    now = now or timezone.now()
    schools = School.objects.order_by("pk")
    if school_ids is not None:
        schools = schools.filter(pk__in=school_ids)
    by_zone = {
        zone: [school.pk for school in group]
        for zone, group in itertools.groupby(
            sorted(schools.only("pk", "time_zone"), key=lambda s: (s.time_zone, s.pk)), key=lambda s: s.time_zone
        )
    }
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_try_advisory_xact_lock(%s)", [REFRESH_LOCK])
            if not cursor.fetchone()[0]:
                logger.info("summaries_refresh: another refresh is running; skipped")
                return None
        rows = {}
        for zone, ids in by_zone.items():
            years = summary_years(today=now.astimezone(zoneinfo.ZoneInfo(zone)).date())
            _collect(rows, ids=ids, zone=zone, years=years, now=now)
        objects = [
            YearSummary(school_id=school_id, year=year, association_id=association_id, refreshed_at=now, **figures)
            for (school_id, year, association_id), figures in rows.items()
        ]
        YearSummary.objects.bulk_create(
            objects,
            batch_size=2000,
            update_conflicts=True,
            unique_fields=["school", "year", "association"],
            update_fields=["refreshed_at", *SUMMARY_FIELDS],
        )
        # Rows nothing feeds any more (an association without members, say).
        stale = YearSummary.objects.filter(school_id__in=[pk for ids in by_zone.values() for pk in ids]).exclude(
            refreshed_at=now
        )
        stale.delete()
    logger.info("summaries_refresh: %s rows", len(objects))
    return len(objects)


def _collect(rows, *, ids, zone, years, now):
    def put(row, year, **extra):
        key = (row.pop("school_id"), year, row.pop("association_id", None))
        figures = rows.setdefault(key, {})
        figures.update({k: v for k, v in row.items() if k in SUMMARY_FIELDS})
        figures.update(extra)

    dates = {year: reference_date(year) for year in years}
    for row in aggregates.category_counts(schools=ids, dates=dates, by_association=True):
        put(row, row.pop("year"))
    for year in years:
        period = academic_year(year)
        start_at, end_at = period.bounds(zone)
        window = {"start": period.start, "end": period.end, "start_at": start_at, "end_at": end_at, "now": now}
        for row in aggregates.participation_counts(schools=ids, by_association=True, **window):
            put(row, year)
        for row in aggregates.timeliness_counts(
            schools=ids, start_at=start_at, end_at=end_at, now=now, by_association=True
        ):
            put(row, year)
        for row in aggregates.collaboration_totals(schools=ids, by_association=True, **window):
            put(row, year)
