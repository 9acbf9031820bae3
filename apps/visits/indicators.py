"""Indicators of collective work kept by the visits app (apps.core.indicators):
lessons observed whose debrief was on time, and reverse visits made.

Both count what a teacher did as an observer; being the observed teacher never
counts, and neither does what anyone wrote (the trust rule of the catalogue)."""

from django.db.models import Exists, F, OuterRef, Q
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from apps.core.indicator_rules import LocalDate, one
from apps.core.indicators import Evidence, Indicator
from apps.core.typography import quoted

from .models import Feedback, LessonVisit, VisitObserver

_OBSERVER_READS = frozenset(
    {
        "visits.VisitObserver.visit",
        "visits.VisitObserver.staff",
        "visits.LessonVisit.school",
        "visits.LessonVisit.group",
        "visits.LessonVisit.kind",
        "visits.LessonVisit.status",
        "visits.LessonVisit.starts_at",
        "visits.LessonVisit.topic",
        "visits.LessonVisit.grade",
        "mentoring.MentorGroup.partner_school",
        "staff.StaffMember.school",
        "accounts.School.time_zone",
    }
)


def _observed_by_school(school_id, start, end, *conditions, **filters):
    """The school's people's places as observers of visits of the school (a network
    pair's visits belong to both its schools), by the lesson's day."""
    return (
        VisitObserver.objects.filter(
            Q(visit__school_id=school_id) | Q(visit__group__partner_school_id=school_id),
            *conditions,
            staff__school_id=school_id,
            **filters,
        )
        .annotate(on=LocalDate(F("visit__starts_at"), F("staff__school__time_zone")))
        .filter(on__range=(start, end))
        .values("staff_id", "visit_id", "on", topic=F("visit__topic"), grade=F("visit__grade"))
        .order_by("on", "visit_id", "staff_id")
    )


def _evidence(rows, label):
    return [
        Evidence(
            staff_id=row["staff_id"],
            units=one(),
            label=label % {"topic": quoted(row["topic"]), "grade": row["grade"]},
            on=row["on"],
            url=reverse("visits:detail", args=[row["visit_id"]]),
        )
        for row in rows
    ]


def observed_on_time(*, school_id, start, end):
    """Lessons observed with one's own part of the debrief on time (`Feedback.on_time_q`:
    submitted by the visit's stored deadline). Each observer's own part: a colleague's late
    feedback on the same lesson costs nothing."""
    on_time = Feedback.objects.filter(Feedback.on_time_q(), visit=OuterRef("visit"), observer=OuterRef("staff"))
    rows = _observed_by_school(
        school_id, start, end, Exists(on_time), visit__status__in=LessonVisit.LESSON_HELD_STATUSES
    )
    return _evidence(rows, _("Lesson %(topic)s in %(grade)s observed, debriefed on time"))


def reverse_visits(*, school_id, start, end):
    """Reverse visits made: the teacher visited back a colleague who had visited her,
    and the lesson took place."""
    rows = _observed_by_school(
        school_id,
        start,
        end,
        visit__kind=LessonVisit.Kind.REVERSE_VISIT,
        visit__status__in=LessonVisit.LESSON_HELD_STATUSES,
    )
    return _evidence(rows, _("Reverse visit: lesson %(topic)s in %(grade)s"))


INDICATORS = (
    Indicator(
        key="visits.observed_on_time",
        label=gettext_lazy("Lessons observed with the debrief on time"),
        unit=gettext_lazy("visits"),
        reads=_OBSERVER_READS
        | {
            "visits.LessonVisit.debrief_due_at",
            "visits.Feedback.visit",
            "visits.Feedback.observer",
            "visits.Feedback.submitted_at",
        },
        compute=observed_on_time,
        order=20,
    ),
    Indicator(
        key="visits.reverse_visits",
        label=gettext_lazy("Reverse visits made"),
        unit=gettext_lazy("visits"),
        reads=_OBSERVER_READS,
        compute=reverse_visits,
        order=21,
    ),
)
