"""Demo history for the dashboards: mutual visits of the three academic years
before this one, growing year by year as the programme takes hold, so that the
participation, timeliness and collaboration pages show a trend. Counts and
timeliness only: the history has no feedback text.

Idempotent: a year that already has its history visits is left alone.
"""

import datetime
import random

from apps.core.dates import academic_year_of
from apps.dashboards.periods import academic_year
from apps.dashboards.services import summaries_refresh
from apps.staff.models import StaffMember
from apps.visits.models import LessonVisit, VisitObserver

# Academic years back from the current one → visits held that year.
HISTORY = {3: 6, 2: 14, 1: 24}
TOPIC = "Взаимопосещение (история программы)"
LESSON = datetime.timedelta(minutes=45)


def seed_history(*, school, today):
    current = academic_year_of(today)
    created = 0
    for back, count in HISTORY.items():
        year = current - back
        period = academic_year(year)
        start_at, end_at = period.bounds(school.time_zone)
        if LessonVisit.objects.filter(
            school=school, topic=TOPIC, starts_at__gte=start_at, starts_at__lt=end_at
        ).exists():
            continue
        staff = list(
            StaffMember.objects.for_school(school)
            .filter(hired_on__lte=period.start)
            .exclude(left_on__lt=period.end)
            .order_by("pk")
        )
        rng = random.Random(year)  # nosec B311 # reproducible demo data, not a secret
        # The circle of colleagues who visit each other widens every year.
        circle = staff[: min(len(staff), 4 + 3 * (4 - back))]
        for index in range(count):
            observed, observer = rng.sample(circle, 2)
            day = period.start + datetime.timedelta(days=40 + rng.randrange(220))
            if day.weekday() > 4:
                day -= datetime.timedelta(days=day.weekday() - 4)
            starts_at = datetime.datetime.combine(day, datetime.time(9 + index % 5), tzinfo=school.tzinfo)
            ends_at = starts_at + LESSON
            hours = rng.choice((3, 6, 20, 26, 40, 52, 70)) if back > 1 else rng.choice((2, 4, 18, 22, 30, 44, 60))
            visit = LessonVisit.objects.create(
                school=school,
                kind=LessonVisit.Kind.OPEN_LESSON if index % 4 == 0 else LessonVisit.Kind.PAIR_VISIT,
                observed=observed,
                starts_at=starts_at,
                ends_at=ends_at,
                debrief_due_at=ends_at + datetime.timedelta(hours=school.debrief_hours),
                debriefed_at=ends_at + datetime.timedelta(hours=hours),
                status=(
                    LessonVisit.Status.DEBRIEFED if hours <= school.debrief_hours else LessonVisit.Status.DEBRIEFED_LATE
                ),
                grade=f"{5 + index % 6}А",
                topic=TOPIC,
                observed_aspect="Вопросы учителя после объяснения",
            )
            VisitObserver.objects.create(visit=visit, staff=observer)
            created += 1
    return created


def seed_dashboards(*, schools, today):
    seed_history(school=schools["main"], today=today)
    # The year figures are there at once, not only after the first beat sweep.
    summaries_refresh(school_ids=[school.pk for school in schools.values()])
