"""Redis down: saving a visit and a debrief still works, quickly, with an error in
the log; once Redis is back, a worker's sweeps send every due reminder and every
letter, each exactly once.

The test process's Celery app is pointed at a Redis of the test's own, which is
then stopped (the process ends: connections are refused) or frozen (SIGSTOP: the
port accepts connections and nothing ever answers, as with a hung server or a
half-open network path).

And how long the catch-up takes: with a worker and beat running through the
outage, on the real intervals, the letters of notifications made while Redis was
down go out within two minutes of its return.
"""

import datetime
import logging
import time
from collections import Counter

import pytest
from django.urls import reverse
from django.utils import timezone

from apps.accounts.models import Role
from apps.core.models import Heartbeat
from apps.mentoring.models import MentorGroup
from apps.mentoring.tests.factories import MentorGroupFactory
from apps.notifications.models import Notification
from apps.notifications.services import notification_send
from apps.visits.models import Feedback, LessonVisit
from apps.visits.tests.factories import LessonVisitFactory
from apps.visits.tests.test_pages import feedback_data, person
from collabschool.celery import app
from conftest import client_for

from .conftest import run_tasks, wait_for, wait_until_idle

pytestmark = [pytest.mark.faults, pytest.mark.django_db(transaction=True)]

H = datetime.timedelta(hours=1)
FACTS = "Ученица на третьей парте трижды переспросила задание"
# A request that saves must answer within this many seconds with the broker down.
LIMIT = 2.0
# The beat entries of the two sweeps run below, and their heartbeats (apps/core/health.py).
SWEEPS = ("visits-deadline-sweep", "notifications-email-sweep")
SWEEP_TASKS = ("apps.visits.tasks.visits_deadline_sweep_task", "apps.notifications.tasks.notifications_email_sweep")
NEVER = datetime.datetime.min.replace(tzinfo=datetime.UTC)


@pytest.fixture
def triad(school):
    """A triad with a curator: the mentor's lessons, two observers."""
    curator_user, curator = person(school, Role.CURATOR)
    observed_user, observed = person(school)
    first_user, first = person(school)
    second_user, second = person(school)
    group = MentorGroupFactory(
        school=school, kind=MentorGroup.Kind.TRIAD, curator=curator, members=[observed, first, second]
    )
    return {
        "group": group,
        "curator": curator_user,
        "observed": observed,
        "observers": [first, second],
        "observer_user": first_user,
        "second_user": second_user,
    }


def visit_for(triad, *, ended_ago, topic, status=LessonVisit.Status.HELD):
    ends_at = timezone.now().replace(microsecond=0) - ended_ago
    return LessonVisitFactory(
        school=triad["group"].school,
        group=triad["group"],
        observed=triad["observed"],
        observers=triad["observers"],
        starts_at=ends_at - datetime.timedelta(minutes=45),
        ends_at=ends_at,
        topic=topic,
        status=status,
    )


def plan(triad):
    return {
        "kind": LessonVisit.Kind.PAIR_VISIT,
        "group": triad["group"].pk,
        "observed": triad["observed"].pk,
        "observers": [person.pk for person in triad["observers"]],
        "day": (timezone.localdate() + datetime.timedelta(days=2)).isoformat(),
        "start": "10:00",
        "end": "10:45",
        "grade": "8А",
        "topic": "Запланирован без Redis",
        "observed_aspect": "Вопросы учителя после объяснения",
    }


def timed(call):
    """The response of `call` and the seconds it took (the request alone: build
    the client and its data before)."""
    started = time.monotonic()
    response = call()
    return response, time.monotonic() - started


def warm_up(triad, debriefed):
    """A running server has its views imported and templates compiled: open the
    pages once while the broker is up, so the timing below is that of a save."""
    assert client_for(triad["curator"]).get(reverse("visits:create")).status_code == 200
    client = client_for(triad["observer_user"])
    assert client.get(reverse("visits:feedback", args=[debriefed.pk])).status_code == 200


def save_visit_and_debrief(triad, school, debriefed, caplog):
    """With the broker down, plan a visit and submit a debrief through the pages;
    both must be saved within LIMIT seconds, with an error about the broker in the
    log and no feedback text in it."""
    caplog.clear()
    with caplog.at_level(logging.ERROR, logger="apps.core.tasks"):
        curator = client_for(triad["curator"])
        data = plan(triad)
        response, took = timed(lambda: curator.post(reverse("visits:create"), data))
        assert response.status_code == 302, response.content[:500]
        assert took < LIMIT, f"planning a visit took {took:.2f} s with the broker down"
        planned = LessonVisit.objects.get(topic="Запланирован без Redis")
        assert planned.observer_links.count() == 2

        data = feedback_data(debriefed, school, facts=FACTS)
        client = client_for(triad["observer_user"])
        response, took = timed(lambda: client.post(reverse("visits:feedback", args=[debriefed.pk]), data))
        assert response.status_code == 302, response.content[:500]
        assert took < LIMIT, f"submitting a debrief took {took:.2f} s with the broker down"
        assert Feedback.objects.get(visit=debriefed).is_submitted

    errors = [record for record in caplog.records if record.levelno == logging.ERROR]
    # Two observers told of the visit, the observed teacher of the feedback: three
    # letters not enqueued, each said in the log.
    assert len(errors) == 3, [record.getMessage() for record in caplog.records]
    assert all("notification_email_send" in record.getMessage() for record in errors)
    assert FACTS not in caplog.text
    # Nothing was lost: the notifications are in the database, their letters unsent.
    assert Notification.objects.filter(email_sent_at__isnull=True).count() == 3
    return planned


def sweep_heartbeats():
    """{sweep: when it last finished} as the worker recorded it."""
    return dict(Heartbeat.objects.filter(name__in=SWEEPS).values_list("name", "beat_at"))


def expected_letters():
    return Counter((n.user.email, n.title) for n in Notification.objects.select_related("user"))


def test_redis_stopped_saves_quickly_and_the_sweeps_catch_up_exactly_once(
    school, triad, redis_server, broker_at, processes, caplog, settings
):
    settings.ENQUEUE_BACKOFF_SECONDS = 0.5
    # Deadlines that come due while Redis is down: the sweep cannot run then.
    soon = visit_for(triad, ended_ago=45 * H, topic="Четыре часа")  # due in 3 h
    tomorrow = visit_for(triad, ended_ago=30 * H, topic="Сутки")  # due in 18 h
    late = visit_for(triad, ended_ago=49 * H, topic="Просрочен")  # due an hour ago
    debriefed = visit_for(triad, ended_ago=H, topic="Разбор без Redis")
    broker_at(redis_server.url)
    warm_up(triad, debriefed)
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": redis_server.url.rsplit("/", 1)[0] + "/1",
        }
    }
    redis_server.stop()

    save_visit_and_debrief(triad, school, debriefed, caplog)

    # Redis is back; a worker starts (and catches up at once), beat runs the sweeps.
    redis_server.start()
    time.sleep(settings.ENQUEUE_BACKOFF_SECONDS)
    worker = processes.worker(NOTIFICATION_EMAIL_SWEEP_AFTER_SECONDS=0)
    reminders = Notification.objects.filter(
        kind__in=[
            Notification.Kind.DEBRIEF_REMINDER_4H,
            Notification.Kind.DEBRIEF_REMINDER_24H,
            Notification.Kind.DEBRIEF_OVERDUE,
        ]
    )
    # Four people per visit: two observers, the observed teacher and the curator.
    wait_for(lambda: reminders.count() == 3 * 4, timeout=40, what="the reminders", processes=[worker])
    wait_for(
        lambda: not Notification.objects.filter(email_sent_at__isnull=True).exists(),
        timeout=30,
        what="every letter",
        processes=[worker],
    )
    assert processes.letters() == expected_letters()
    recipients = {triad["curator"].pk, triad["observed"].user_id, *(p.user_id for p in triad["observers"])}
    for visit, kind in [
        (soon, Notification.Kind.DEBRIEF_REMINDER_4H),
        (tomorrow, Notification.Kind.DEBRIEF_REMINDER_24H),
        (late, Notification.Kind.DEBRIEF_OVERDUE),
    ]:
        assert set(reminders.filter(key=f"visit:{visit.pk}").values_list("kind", "user_id")) == {
            (kind, user_id) for user_id in recipients
        }
    late.refresh_from_db()
    assert late.status == LessonVisit.Status.OVERDUE

    # The app enqueues again once the broker answers.
    caplog.clear()
    again = visit_for(triad, ended_ago=H, topic="Разбор с Redis")
    with caplog.at_level(logging.ERROR, logger="apps.core.tasks"):
        client_for(triad["second_user"]).post(reverse("visits:feedback", args=[again.pk]), feedback_data(again, school))
    assert not caplog.records

    # Two more rounds of the sweeps, as beat would send them (the test sends them
    # itself, one round after the other finished): nothing is sent twice. Each
    # round's sweeps have run to success and recorded their heartbeats past the
    # previous round's, and the letters they enqueued have been worked off.
    for _ in range(2):
        before = sweep_heartbeats()
        run_tasks(worker, *SWEEP_TASKS)
        after = sweep_heartbeats()
        assert set(after) == set(SWEEPS) and all(after[name] > before.get(name, NEVER) for name in SWEEPS), (
            before,
            after,
        )
        wait_until_idle(worker, redis_server)
    assert not Notification.objects.filter(email_sent_at__isnull=True).exists()
    letters = processes.letters()
    assert letters == expected_letters()
    assert max(letters.values()) == 1
    assert reminders.count() == 3 * 4
    assert Notification.objects.count() == 2 + 1 + 12 + 1


def test_redis_frozen_still_saves_within_the_limit(school, triad, redis_server, broker_at, caplog):
    debriefed = visit_for(triad, ended_ago=H, topic="Разбор без Redis")
    broker_at(redis_server.url)
    warm_up(triad, debriefed)
    redis_server.freeze()
    try:
        save_visit_and_debrief(triad, school, debriefed, caplog)
    finally:
        redis_server.thaw()


CATCH_UP_LIMIT = 120


def test_letters_made_while_redis_was_down_go_out_within_two_minutes_of_its_return(
    school, triad, redis_server, broker_at, processes, caplog, settings
):
    settings.ENQUEUE_BACKOFF_SECONDS = 0.5
    broker_at(redis_server.url)
    worker = processes.worker()
    beat = processes.beat("through-the-outage")
    wait_for(
        lambda: app.control.ping(destination=[worker.name], timeout=0.5),
        timeout=40,
        what="the worker",
        processes=[worker, beat],
    )
    redis_server.stop()

    # Notifications made during the outage: their letters cannot be enqueued.
    people = [triad["curator"], triad["observer_user"], triad["second_user"]]
    with caplog.at_level(logging.ERROR, logger="apps.core.tasks"):
        for i, user in enumerate(people):
            notification_send(
                user=user, school=school, kind=Notification.Kind.VISIT_PLANNED, key=f"visit:{i}", title=f"План №{i}"
            )
    assert "notification_email_send" in caplog.text
    unsent = Notification.objects.filter(email_sent_at__isnull=True)
    assert unsent.count() == len(people)

    # Redis is back, empty. Nothing is sent by hand: beat's next e-mail sweep (the
    # worker reconnects on its own) finds the letters.
    redis_server.start()
    back = time.monotonic()
    wait_for(lambda: not unsent.exists(), timeout=CATCH_UP_LIMIT, what="the letters", processes=[worker, beat])
    assert time.monotonic() - back <= CATCH_UP_LIMIT
    beat.stop()
    wait_until_idle(worker, redis_server)
    letters = processes.letters()
    assert letters == expected_letters()
    assert sum(letters.values()) == len(people) and max(letters.values()) == 1
