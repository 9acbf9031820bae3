"""Two beat processes at once (a second one started by mistake, or during a
deploy) send every sweep twice; a worker with two processes runs them side by
side. The end state is still exactly-once: each due reminder and each overdue
notice once per person, each letter once.

The schedule runs 60 times faster (BEAT_INTERVAL_SCALE): the deadline sweep
every 2 s. Deadlines are set to come due while the beats run, so that their
sweeps have real work to race over, not just a backlog the first one clears.
"""

import datetime
from collections import Counter

import pytest
from django.utils import timezone

from apps.notifications.models import Notification
from apps.staff.tests.factories import StaffMemberFactory
from apps.visits.models import LessonVisit, VisitObserver
from apps.visits.tests.test_pages import person
from collabschool.celery import app

from .conftest import wait_for, wait_until_idle

pytestmark = [pytest.mark.faults, pytest.mark.django_db(transaction=True)]

SCALE = 1 / 60
SWEEP_EVERY = 120 * SCALE
# Visits whose deadline passes, and visits that enter the 4-hour window, during the run.
CROSSING = 30
SPREAD = datetime.timedelta(seconds=10)


def visits_due_during(school, *, start, observers, observed, label):
    """CROSSING visits with deadlines spread over SPREAD after `start`."""
    step = SPREAD / CROSSING
    visits = LessonVisit.objects.bulk_create(
        LessonVisit(
            school=school,
            observed=observed,
            starts_at=start + i * step - datetime.timedelta(hours=48, minutes=45),
            ends_at=start + i * step - datetime.timedelta(hours=48),
            debrief_due_at=start + i * step,
            # Unique class and topic: every notice and letter has a title of its own.
            grade=f"{label[0]}{i}",
            topic=f"{label} №{i}",
            observed_aspect="Работа в парах",
            status=LessonVisit.Status.HELD,
        )
        for i in range(CROSSING)
    )
    VisitObserver.objects.bulk_create(
        VisitObserver(visit=visit, staff=observer) for visit in visits for observer in observers
    )
    return visits


def test_two_beats_send_every_sweep_twice_and_the_end_state_is_exactly_once(school, processes, broker_at):
    broker_at(processes.redis.url)
    users = []
    observers = []
    for _ in range(2):
        user, staff = person(school)
        users.append(user)
        observers.append(staff)
    observed = StaffMemberFactory(school=school)  # no account: observers are notified

    worker = processes.worker(pool="prefork", concurrency=2)
    wait_for(
        lambda: app.control.ping(destination=[worker.name], timeout=0.5),
        timeout=40,
        what="the worker",
        processes=[worker],
    )
    start = timezone.now() + datetime.timedelta(seconds=3)
    overdue = visits_due_during(school, start=start, observers=observers, observed=observed, label="Срок")
    reminded = visits_due_during(
        school, start=start + datetime.timedelta(hours=4), observers=observers, observed=observed, label="Напоминание"
    )
    beats = [processes.beat(label, BEAT_INTERVAL_SCALE=SCALE) for label in ("a", "b")]

    def sent_by(beat):
        return beat.log_text().count("Sending due task visits-deadline-sweep")

    flagged = LessonVisit.objects.filter(status=LessonVisit.Status.OVERDUE)
    reminded_keys = [f"visit:{visit.pk}" for visit in reminded]
    four_hours = Notification.objects.filter(kind=Notification.Kind.DEBRIEF_REMINDER_4H, key__in=reminded_keys)
    wait_for(
        lambda: (
            flagged.count() == CROSSING
            and four_hours.count() == 2 * CROSSING
            and all(sent_by(beat) >= 3 for beat in beats)
        ),
        timeout=45,
        what="the deadlines to be swept by both beats",
        processes=[worker, *beats],
    )
    for beat in beats:
        beat.stop()
    # Not just an empty queue: the sweeps the worker is still running, and the
    # letters they enqueue, must end before it is stopped.
    wait_until_idle(worker, processes.redis)
    worker.stop()
    assert not Notification.objects.filter(email_sent_at__isnull=True).exists()

    assert set(flagged) == set(overdue)

    def made(kind, visits):
        keys = {f"visit:{visit.pk}" for visit in visits}
        return Counter(
            (key, user_id)
            for key, user_id in Notification.objects.filter(kind=kind).values_list("key", "user_id")
            if key in keys
        )

    def everyone(visits):
        return Counter((f"visit:{visit.pk}", user.pk) for visit in visits for user in users)

    # Nothing lost: every overdue notice, every four-hour reminder of the visits
    # that entered their last four hours.
    assert made(Notification.Kind.DEBRIEF_OVERDUE, overdue) == everyone(overdue)
    assert made(Notification.Kind.DEBRIEF_REMINDER_4H, reminded) == everyone(reminded)
    # Reminders that depend on when the first sweep came: at most once each.
    assert max(made(Notification.Kind.DEBRIEF_REMINDER_4H, overdue).values(), default=1) == 1
    assert max(made(Notification.Kind.DEBRIEF_REMINDER_24H, reminded).values(), default=1) == 1
    assert Notification.objects.count() == sum(
        sum(made(kind, visits).values()) for kind in Notification.Kind.values for visits in (overdue, reminded)
    )
    letters = processes.letters()
    assert letters == Counter((n.user.email, n.title) for n in Notification.objects.select_related("user"))
    assert max(letters.values()) == 1
