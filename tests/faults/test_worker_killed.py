"""A worker killed with SIGKILL in the middle of the deadline sweep, and another in
the middle of sending a letter: after a restart, every overdue visit is flagged,
everyone is notified and e-mailed exactly once, and no letter stays leased for
good.

The moments are made deterministic rather than guessed: the test holds a row
lock on one notification the sweep is about to write (a transaction of its own
that inserts it and does not commit), so the sweep stops there with five batches
committed and the sixth open; the second worker's e-mail backend hangs on its
51st letter after claiming it (tests/faults/mail.py).

And how long the catch-up takes: a worker killed mid-send while a backlog of
letters (more than one sweep batch) is going out, and Redis losing the queued
tasks with its memory; a restarted worker and beat, on the real intervals and
lease, deliver every letter exactly once within two minutes.
"""

import datetime
import re
import time
from collections import Counter

import psycopg2
import pytest
from django.db import connection
from django.utils import timezone

from apps.core.models import Heartbeat
from apps.notifications.models import Notification
from apps.notifications.services import notification_send
from apps.staff.tests.factories import StaffMemberFactory
from apps.visits.models import LessonVisit, VisitObserver
from apps.visits.tests.test_pages import person
from collabschool.celery import app

from .conftest import run_tasks, wait_for, wait_until_idle

pytestmark = [pytest.mark.faults, pytest.mark.django_db(transaction=True)]

VISITS = 200
BATCH = 20
# The sweep stops on this visit (in its order: latest lesson first), in the sixth batch.
STOP_AT = 110
HANG_AFTER = 50
LEASE_SECONDS = 3


def overdue_visits(school, count):
    """`count` visits whose debrief was due over an hour ago, the latest first;
    one observer (with an account) watched them all, of a teacher who has no
    account (so one notification and one letter a visit)."""
    observer_user, observer = person(school)
    observed = StaffMemberFactory(school=school)
    now = timezone.now().replace(microsecond=0)
    visits = LessonVisit.objects.bulk_create(
        LessonVisit(
            school=school,
            observed=observed,
            starts_at=now - datetime.timedelta(hours=49, minutes=45 + i),
            ends_at=now - datetime.timedelta(hours=49, minutes=i),
            debrief_due_at=now - datetime.timedelta(hours=1, minutes=i),
            grade="6В",
            topic=f"Урок №{i}",
            observed_aspect="Вопросы учеников",
            status=LessonVisit.Status.HELD,
        )
        for i in range(count)
    )
    VisitObserver.objects.bulk_create(VisitObserver(visit=visit, staff=observer) for visit in visits)
    return visits, observer_user


def hold_notification(*, user, school, key):
    """Insert the notification the sweep will want to write, in a transaction left
    open: the sweep's INSERT waits on the unique index until it ends."""
    settings = connection.settings_dict
    blocker = psycopg2.connect(
        dbname=settings["NAME"],
        host=settings["HOST"],
        port=settings["PORT"],
        user=settings["USER"],
        password=settings["PASSWORD"],
    )
    with blocker.cursor() as cursor:
        cursor.execute(
            "INSERT INTO notifications_notification"
            " (user_id, school_id, kind, key, title, body, url, created_at, email_attempts)"
            " VALUES (%s, %s, %s, %s, 'held by the test', '', '', now(), 0)",
            [user.pk, school.pk, Notification.Kind.DEBRIEF_OVERDUE, key],
        )
    return blocker


def backends_waiting_on_a_lock():
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pid FROM pg_stat_activity WHERE datname = %s AND wait_event_type = 'Lock'",
            [connection.settings_dict["NAME"]],
        )
        return [row[0] for row in cursor.fetchall()]


def backend_alive(pid):
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_stat_activity WHERE pid = %s", [pid])
        return cursor.fetchone() is not None


def expected_letters():
    return Counter((n.user.email, n.title) for n in Notification.objects.select_related("user"))


def test_workers_killed_mid_sweep_and_mid_send_end_exactly_once(school, processes, broker_at, tmp_path):
    visits, observer_user = overdue_visits(school, VISITS)
    overdue = LessonVisit.objects.filter(status=LessonVisit.Status.OVERDUE)
    notified = Notification.objects.filter(kind=Notification.Kind.DEBRIEF_OVERDUE)
    unsent = Notification.objects.filter(email_sent_at__isnull=True)
    broker_at(processes.redis.url)

    # 1. The first worker starts the sweep on its own (it catches up when ready)
    #    and stops inside the sixth batch, on the row the test holds.
    blocker = hold_notification(user=observer_user, school=school, key=f"visit:{visits[STOP_AT].pk}")
    try:
        first = processes.worker(VISITS_SWEEP_BATCH=BATCH)
        wait_for(
            lambda: backends_waiting_on_a_lock() and overdue.count() == 5 * BATCH,
            timeout=40,
            what="the sweep to stop on the held row",
            processes=[first],
        )
        [stuck_backend] = backends_waiting_on_a_lock()
        first.kill()
    finally:
        blocker.rollback()
        blocker.close()
    # Its open batch dies with its connection; five batches stay done.
    wait_for(lambda: not backend_alive(stuck_backend), timeout=20, what="the dead worker's transaction to end")
    assert overdue.count() == 5 * BATCH
    assert notified.count() == 5 * BATCH
    assert sum(processes.letters().values()) == 0

    # 2. A second worker sends letters (the tasks the first one queued, and its own
    #    sweep's) and is killed in the middle of one, holding its lease.
    marker = tmp_path / "hung"
    second = processes.worker(
        VISITS_SWEEP_BATCH=BATCH,
        NOTIFICATION_EMAIL_SWEEP_AFTER_SECONDS=0,
        FAULTS_MAIL_HANG_AFTER=HANG_AFTER,
        FAULTS_MAIL_HANG_MARKER=marker,
    )
    wait_for(marker.exists, timeout=40, what="the second worker to hang in a send", processes=[second])
    second.kill()
    assert sum(processes.letters().values()) == HANG_AFTER
    leased = unsent.filter(email_claimed_at__isnull=False)
    assert leased.count() == 1

    # 3. A third worker, with a short lease, catches up; once it has worked off its
    #    queue, beat's e-mail sweep comes every two seconds.
    third = processes.worker(
        VISITS_SWEEP_BATCH=BATCH,
        NOTIFICATION_EMAIL_SWEEP_AFTER_SECONDS=0,
        NOTIFICATION_EMAIL_LEASE_SECONDS=LEASE_SECONDS,
    )
    last_sweep = [time.monotonic()]

    def done():
        idle = processes.redis.queue_length() == 0
        if idle and time.monotonic() - last_sweep[0] > 2:
            app.send_task("apps.notifications.tasks.notifications_email_sweep")
            last_sweep[0] = time.monotonic()
        return overdue.count() == VISITS and notified.count() == VISITS and not unsent.exists()

    wait_for(done, timeout=45, what="every visit flagged and every letter sent", processes=[third])

    # Once more, as beat would, after the sweeps sent above have ended: nothing
    # changes. The test waits for these very sweeps to succeed (they record their
    # heartbeats) and for whatever they enqueued to be worked off.
    wait_until_idle(third, processes.redis)
    since = timezone.now()
    sweeps = Heartbeat.objects.filter(name__in=["visits-deadline-sweep", "notifications-email-sweep"])
    run_tasks(
        third, "apps.visits.tasks.visits_deadline_sweep_task", "apps.notifications.tasks.notifications_email_sweep"
    )
    assert sweeps.filter(beat_at__gt=since).count() == 2
    wait_until_idle(third, processes.redis)

    assert overdue.count() == VISITS
    assert sorted(notified.values_list("user_id", "key")) == sorted(
        (observer_user.pk, f"visit:{visit.pk}") for visit in visits
    )
    letters = processes.letters()
    assert letters == expected_letters()
    assert max(letters.values()) == 1
    # Every letter was claimed once, but the one whose worker died mid-send: twice.
    assert Counter(notified.values_list("email_attempts", flat=True)) == {1: VISITS - 1, 2: 1}
    assert not Notification.objects.filter(email_sent_at__isnull=True, email_claimed_at__isnull=False).exists()


# The catch-up after a crash: letters in sweep batches of BATCH, the backlog over two
# batches; the first worker dies on its letter SENT_BEFORE_CRASH + 1.
LETTERS = 2 * BATCH + 5
SENT_BEFORE_CRASH = 10
CATCH_UP_LIMIT = 120


def test_a_worker_killed_mid_send_and_a_lost_queue_are_caught_up_within_two_minutes(
    school, processes, broker_at, tmp_path
):
    broker_at(processes.redis.url)
    user, _ = person(school)
    for i in range(LETTERS):
        notification_send(
            user=user, school=school, kind=Notification.Kind.VISIT_PLANNED, key=f"visit:{i}", title=f"Посещение №{i}"
        )
    assert processes.redis.queue_length() == LETTERS  # one letter task each
    # They were made a minute ago, and the worker was sending them when it died.
    Notification.objects.update(created_at=timezone.now() - datetime.timedelta(minutes=1))
    unsent = Notification.objects.filter(email_sent_at__isnull=True)

    marker = tmp_path / "hung"
    first = processes.worker(FAULTS_MAIL_HANG_AFTER=SENT_BEFORE_CRASH, FAULTS_MAIL_HANG_MARKER=marker)
    wait_for(marker.exists, timeout=40, what="the worker to hang in a send", processes=[first])
    first.kill()
    assert sum(processes.letters().values()) == SENT_BEFORE_CRASH
    assert unsent.filter(email_claimed_at__isnull=False).count() == 1
    # Redis restarts without its memory: the queued letter tasks are gone.
    processes.redis.stop()
    processes.redis.start()
    assert processes.redis.queue_length() == 0

    # Worker and beat are back, with the real intervals and lease: the sweep a
    # worker runs as it starts sends the backlog in one run, batch after batch; the
    # letter the dead worker held goes with beat's e-mail sweep once its lease is up.
    back = time.monotonic()
    second = processes.worker(NOTIFICATION_EMAIL_SWEEP_BATCH=BATCH)
    beat = processes.beat("after-crash")
    wait_for(
        lambda: unsent.count() <= 1, timeout=40, what="the backlog but the leased letter", processes=[second, beat]
    )
    wait_for(
        lambda: not unsent.exists(),
        timeout=CATCH_UP_LIMIT - (time.monotonic() - back),
        what="the leased letter",
        processes=[second, beat],
    )
    caught_up = time.monotonic() - back
    assert caught_up <= CATCH_UP_LIMIT
    beat.stop()
    wait_until_idle(second, processes.redis)

    letters = processes.letters()
    assert letters == expected_letters()
    assert sum(letters.values()) == LETTERS and max(letters.values()) == 1
    attempts = Counter(Notification.objects.values_list("email_attempts", flat=True))
    assert attempts == {1: LETTERS - 1, 2: 1}
    # The start-up sweep sent the whole backlog, more than a batch, in one run: it
    # did not wait for another; beat's next run sent the leased letter.
    runs = re.findall(r"notifications_email_sweep\[[0-9a-f-]{36}\] succeeded in [0-9.]+s: (\d+)", second.log_text())
    backlog = LETTERS - SENT_BEFORE_CRASH - 1
    assert backlog > BATCH and [int(sent) for sent in runs if sent != "0"] == [backlog, 1], runs
