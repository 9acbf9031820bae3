"""A visit is overdue by one rule, stated on its queryset: the deadline board, the
visit's own page and the dashboards' SQL all call the same visits overdue."""

import datetime

from django.utils import timezone

from apps.dashboards import aggregates
from apps.mentoring.models import MentorGroup
from apps.mentoring.tests.factories import MentorGroupFactory
from apps.visits.models import LessonVisit
from apps.visits.tests.factories import LessonVisitFactory

HOUR = datetime.timedelta(hours=1)


def _visits(school, now):
    """Every status, with the debrief deadline passed and not yet passed."""
    visits = []
    for status in LessonVisit.Status.values:
        for due_in in (-HOUR, HOUR):
            ends_at = now - 2 * HOUR
            extra = {"cancel_reason": "Болезнь"} if status == LessonVisit.Status.CANCELLED else {}
            if status in (LessonVisit.Status.DEBRIEFED, LessonVisit.Status.DEBRIEFED_LATE):
                extra["debriefed_at"] = ends_at + HOUR
            visits.append(
                LessonVisitFactory(
                    school=school,
                    status=status,
                    starts_at=ends_at - HOUR,
                    ends_at=ends_at,
                    debrief_due_at=now + due_in,
                    **extra,
                )
            )
    return visits


def test_the_queryset_the_visit_and_the_dashboards_sql_agree_on_overdue(school):
    now = timezone.now()
    visits = _visits(school, now)
    overdue = set(LessonVisit.objects.overdue(now).values_list("pk", flat=True))
    assert overdue == {visit.pk for visit in visits if visit.is_overdue(now)}
    assert {LessonVisit.objects.get(pk=pk).status for pk in overdue} == {"planned", "held", "overdue"}
    [row] = aggregates.timeliness_counts(schools=[school.pk], start_at=now - 10 * HOUR, end_at=now, now=now)
    assert row["overdue"] == len(overdue)


def test_awaiting_debrief_holds_lessons_over_whose_debrief_is_still_to_come(school):
    now = timezone.now()
    visits = _visits(school, now)
    later = LessonVisitFactory(school=school, status=LessonVisit.Status.PLANNED, starts_at=now + HOUR)
    awaiting = set(LessonVisit.objects.awaiting_debrief(now).values_list("pk", flat=True))
    assert later.pk not in awaiting
    assert awaiting == {v.pk for v in visits if v.status in ("planned", "held", "overdue")}


def test_open_groups_are_those_not_completed_dissolved_or_declined(school):
    groups = {
        status: MentorGroupFactory(school=school, status=status, is_proposal=status == "declined")
        for status in MentorGroup.Status.values
    }
    open_groups = set(MentorGroup.objects.open())
    assert open_groups == {group for group in groups.values() if group.is_open}
    assert {group.status for group in open_groups} == {"forming", "active", "paused"}
