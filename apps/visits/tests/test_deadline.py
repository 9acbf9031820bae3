"""The 48-hour debrief deadline: computed and stored, swept exactly once, across
time zones, with frozen time around the deadline."""

import datetime
import threading
import zoneinfo

import pytest
import time_machine
from django.db import connection

from apps.accounts.tests.factories import MembershipFactory
from apps.notifications.models import Notification
from apps.staff.tests.factories import StaffMemberFactory
from apps.visits.models import LessonVisit
from apps.visits.services import debrief_due, feedback_submit, visit_create, visits_deadline_sweep
from apps.visits.tests.factories import LessonVisitFactory

UTC = datetime.UTC


def person(school):
    """A staff member with an account in the school."""
    user = MembershipFactory(school=school).user
    return StaffMemberFactory(school=school, user=user)


def local(zone, *args):
    return datetime.datetime(*args, tzinfo=zoneinfo.ZoneInfo(zone))


@pytest.mark.parametrize(
    "zone,end,due",
    [
        # Russia keeps no daylight saving time: the same wall time two days later.
        ("Europe/Moscow", (2026, 3, 27, 11, 0), (2026, 3, 29, 11, 0)),
        ("Asia/Vladivostok", (2026, 12, 31, 14, 45), (2027, 1, 2, 14, 45)),
        ("Europe/Kaliningrad", (2026, 2, 27, 9, 45), (2026, 3, 1, 9, 45)),
        # Where clocks change, 48 hours are 48 real hours: 11:00 becomes 12:00 local.
        ("Europe/Berlin", (2026, 3, 27, 11, 0), (2026, 3, 29, 12, 0)),
    ],
)
def test_deadline_is_lesson_end_plus_48_real_hours(school, zone, end, due):
    school.time_zone = zone
    ends_at = local(zone, *end)
    assert debrief_due(school=school, ends_at=ends_at) == local(zone, *due)
    assert debrief_due(school=school, ends_at=ends_at) - ends_at == datetime.timedelta(hours=48)


def test_deadline_follows_the_schools_setting_and_is_stored(school):
    school.debrief_hours = 24
    school.save()
    observed, observer = person(school), person(school)
    start = datetime.datetime(2026, 11, 20, 9, 0, tzinfo=UTC)
    visit = visit_create(
        school=school,
        kind="pair_visit",
        observed=observed,
        observers=[observer],
        starts_at=start,
        ends_at=start + datetime.timedelta(minutes=45),
        grade="5А",
        topic="Дроби",
        observed_aspect="Вопросы",
    )
    visit.refresh_from_db()
    assert visit.debrief_due_at == start + datetime.timedelta(minutes=45, hours=24)


@pytest.fixture
def held_visit(school):
    ended = datetime.datetime(2026, 11, 20, 10, 45, tzinfo=UTC)
    return LessonVisitFactory(
        school=school,
        observed=person(school),
        observers=[person(school), person(school)],
        starts_at=ended - datetime.timedelta(minutes=45),
        ends_at=ended,
        debrief_due_at=ended + datetime.timedelta(hours=48),
        status=LessonVisit.Status.HELD,
    )


def _status(visit):
    visit.refresh_from_db()
    return visit.status


def test_overdue_exactly_at_the_deadline_not_a_second_before(held_visit):
    due = held_visit.debrief_due_at
    with time_machine.travel(due - datetime.timedelta(seconds=1), tick=False):
        visits_deadline_sweep()
        assert _status(held_visit) == LessonVisit.Status.HELD
    with time_machine.travel(due, tick=False):
        assert visits_deadline_sweep()["overdue"] == 1
        assert _status(held_visit) == LessonVisit.Status.OVERDUE
    with time_machine.travel(due + datetime.timedelta(seconds=1), tick=False):
        assert visits_deadline_sweep()["overdue"] == 0
    overdue = Notification.objects.filter(kind=Notification.Kind.DEBRIEF_OVERDUE)
    assert overdue.count() == 3  # two observers and the observed teacher, once each


def test_reminders_24h_and_4h_before_each_exactly_once(held_visit):
    due = held_visit.debrief_due_at
    with time_machine.travel(due - datetime.timedelta(hours=30), tick=False):
        visits_deadline_sweep()
    assert not Notification.objects.filter(kind__startswith="debrief_reminder").exists()
    with time_machine.travel(due - datetime.timedelta(hours=23), tick=False):
        visits_deadline_sweep()
        visits_deadline_sweep()
    assert Notification.objects.filter(kind=Notification.Kind.DEBRIEF_REMINDER_24H).count() == 3
    with time_machine.travel(due - datetime.timedelta(hours=3), tick=False):
        visits_deadline_sweep()
    assert Notification.objects.filter(kind=Notification.Kind.DEBRIEF_REMINDER_4H).count() == 3
    assert Notification.objects.filter(kind=Notification.Kind.DEBRIEF_REMINDER_24H).count() == 3


def test_planned_visit_becomes_held_when_the_lesson_ends(school):
    visit = LessonVisitFactory(school=school, status=LessonVisit.Status.PLANNED)
    visits_deadline_sweep()
    assert _status(visit) == LessonVisit.Status.HELD


def test_a_sweep_that_never_ran_still_flags_a_visit_long_past(school):
    """The stack was off for days: the first sweep catches up."""
    visit = LessonVisitFactory(school=school, status=LessonVisit.Status.PLANNED)
    with time_machine.travel(visit.debrief_due_at + datetime.timedelta(days=3), tick=False):
        result = visits_deadline_sweep()
    assert result["overdue"] == 1
    assert _status(visit) == LessonVisit.Status.OVERDUE


def test_debrief_on_time_and_late(held_visit):
    observers = [link.staff for link in held_visit.observer_links.all()]
    due = held_visit.debrief_due_at
    with time_machine.travel(due - datetime.timedelta(hours=1), tick=False):
        feedback_submit(visit=held_visit, observer=observers[0], facts="Факты")
        assert _status(held_visit) == LessonVisit.Status.HELD  # one observer still to come
    with time_machine.travel(due + datetime.timedelta(hours=1), tick=False):
        visits_deadline_sweep()
        assert _status(held_visit) == LessonVisit.Status.OVERDUE
        feedback_submit(visit=held_visit, observer=observers[1], facts="Факты")
    assert _status(held_visit) == LessonVisit.Status.DEBRIEFED_LATE


def test_debrief_held_within_the_deadline_counts_as_on_time(held_visit):
    observers = [link.staff for link in held_visit.observer_links.all()]
    held_at = held_visit.ends_at + datetime.timedelta(hours=20)
    with time_machine.travel(held_visit.debrief_due_at + datetime.timedelta(hours=2), tick=False):
        for observer in observers:
            feedback_submit(visit=held_visit, observer=observer, facts="Факты", debrief_held_at=held_at)
    assert _status(held_visit) == LessonVisit.Status.DEBRIEFED


@pytest.mark.django_db(transaction=True)
def test_two_sweeps_at_once_give_one_result(school):
    visits = [
        LessonVisitFactory(
            school=school,
            observed=person(school),
            observers=[person(school)],
            debrief_due_at=datetime.datetime(2026, 1, 1, tzinfo=UTC) + datetime.timedelta(minutes=i),
            starts_at=datetime.datetime(2025, 12, 30, 9, tzinfo=UTC),
            ends_at=datetime.datetime(2025, 12, 30, 10, tzinfo=UTC),
        )
        for i in range(20)
    ]
    results, barrier = [], threading.Barrier(2)

    def sweep():
        barrier.wait()
        try:
            results.append(visits_deadline_sweep(batch=3))
        finally:
            connection.close()

    threads = [threading.Thread(target=sweep) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sum(r["overdue"] for r in results) == len(visits)
    assert LessonVisit.objects.filter(status=LessonVisit.Status.OVERDUE).count() == len(visits)
    assert Notification.objects.filter(kind=Notification.Kind.DEBRIEF_OVERDUE).count() == 2 * len(visits)


def test_once_flagged_overdue_a_backdated_debrief_is_still_late(held_visit):
    observers = [link.staff for link in held_visit.observer_links.all()]
    with time_machine.travel(held_visit.debrief_due_at + datetime.timedelta(seconds=1), tick=False):
        visits_deadline_sweep()
        for observer in observers:
            feedback_submit(
                visit=held_visit,
                observer=observer,
                facts="Факты",
                debrief_held_at=held_visit.ends_at + datetime.timedelta(hours=1),
            )
    assert _status(held_visit) == LessonVisit.Status.DEBRIEFED_LATE


def test_an_overdue_visit_that_never_happened_can_be_cancelled(held_visit):
    from apps.visits.services import visit_cancel

    with time_machine.travel(held_visit.debrief_due_at + datetime.timedelta(seconds=1), tick=False):
        visits_deadline_sweep()
    visit_cancel(visit=held_visit, reason="Урок не состоялся: карантин")
    assert _status(held_visit) == LessonVisit.Status.CANCELLED


def test_reminders_skip_observers_who_already_submitted(held_visit):
    first = held_visit.observer_links.first().staff
    feedback_submit(visit=held_visit, observer=first, facts="Факты")
    with time_machine.travel(held_visit.debrief_due_at - datetime.timedelta(hours=3), tick=False):
        visits_deadline_sweep()
    reminded = set(Notification.objects.filter(kind__startswith="debrief_reminder").values_list("user_id", flat=True))
    assert first.user_id not in reminded and len(reminded) == 2
    assert not Notification.objects.filter(kind=Notification.Kind.DEBRIEF_REMINDER_24H).exists()


def test_a_network_pairs_visit_reaches_the_partner_schools_observer(school):
    from django.urls import reverse

    from apps.accounts.tests.factories import SchoolFactory, SchoolNetworkFactory
    from apps.mentoring.tests.factories import MentorGroupFactory
    from conftest import client_for

    school.network = SchoolNetworkFactory()
    school.save()
    partner = SchoolFactory(network=school.network)
    observer = person(partner)
    observed = person(school)
    group = MentorGroupFactory(school=school, partner_school=partner, members=[observed, observer])
    start = datetime.datetime.now(tz=UTC).replace(microsecond=0) + datetime.timedelta(days=1)
    visit = visit_create(
        school=school,
        kind="pair_visit",
        observed=observed,
        observers=[observer],
        group=group,
        starts_at=start,
        ends_at=start + datetime.timedelta(minutes=45),
        grade="6А",
        topic="Краеведение",
        observed_aspect="Вопросы",
    )
    assert client_for(observer.user).get(reverse("visits:detail", args=[visit.pk])).status_code == 200
    assert Notification.objects.get(user=observer.user).school == partner


def test_feedback_records_the_problems_the_lesson_shows(held_visit):
    from apps.mentoring.tests.factories import ProblemTagFactory

    tag = ProblemTagFactory(school=held_visit.school, name="Смысловое чтение")
    observer = held_visit.observer_links.first().staff
    feedback = feedback_submit(visit=held_visit, observer=observer, facts="Факты", problem_tags=[tag])
    assert list(feedback.problem_tags.all()) == [tag]
