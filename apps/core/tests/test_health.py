"""/healthz: database, broker, the worker's heartbeat and every beat sweep's
age; 200 only when all are fine, 503 naming what is not, quickly."""

import datetime
import socket
import time

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from apps.core.health import WORKER, heartbeat_touch, sweep_intervals
from apps.core.models import Heartbeat
from apps.core.sweeps import HEARTBEAT_ENTRY, sweeps_beat_schedule
from apps.core.tasks import core_heartbeat_task
from conftest import client_for

NOW = datetime.datetime(2026, 3, 2, 9, 0, tzinfo=datetime.UTC)
MINUTE = datetime.timedelta(minutes=1)


def all_beating(at):
    Heartbeat.objects.all().delete()
    heartbeat_touch(name=WORKER, now=at)
    for name in sweep_intervals():
        heartbeat_touch(name=name, now=at)


def get_health():
    response = client_for(None).get(reverse("health"))
    return response, response.json()


def test_every_beat_sweep_is_watched_and_the_worker_heartbeat_is_scheduled():
    schedule = sweeps_beat_schedule()
    sweeps = sweep_intervals()
    assert set(sweeps) == set(schedule) - {HEARTBEAT_ENTRY}
    assert "visits-deadline-sweep" in sweeps and sweeps["visits-deadline-sweep"] == 120
    entry = schedule[HEARTBEAT_ENTRY]
    assert entry["task"] == core_heartbeat_task.name and entry["schedule"] <= 60


def test_all_fresh_is_200_with_every_component_ok(db, django_assert_num_queries):
    with time_machine.travel(NOW, tick=False):
        all_beating(timezone.now() - MINUTE)
        # SELECT 1, every heartbeat at once, the oldest unsent letter and the oldest unsent
        # digest (the two sweeps with a backlog)
        with django_assert_num_queries(4):
            response, body = get_health()
    assert response.status_code == 200
    assert response["Cache-Control"].startswith("max-age=0")
    assert body["status"] == "ok" and body["failing"] == []
    assert body["checks"]["database"] == {"status": "ok"}
    assert body["checks"]["broker"] == {"status": "ok"}
    assert body["checks"]["worker"] == {"status": "ok", "age_seconds": 60, "max_age_seconds": 300}
    assert set(body["checks"]["sweeps"]) == set(sweep_intervals())
    assert all(check["status"] == "ok" for check in body["checks"]["sweeps"].values())


def test_nothing_ever_beat_is_503_naming_the_worker_and_every_sweep(db):
    Heartbeat.objects.all().delete()
    response, body = get_health()
    assert response.status_code == 503
    assert body["status"] == "failing"
    assert body["checks"]["worker"]["status"] == "missing"
    assert body["failing"] == ["worker", *[f"sweeps.{name}" for name in sorted(sweep_intervals())]]
    assert body["checks"]["database"]["status"] == "ok"


def test_a_dead_worker_shows_first_then_the_sweeps_by_their_own_interval(db):
    with time_machine.travel(NOW, tick=False):
        all_beating(timezone.now())
    # Six minutes later: the worker's five minutes are up, no sweep's are.
    with time_machine.travel(NOW + 6 * MINUTE, tick=False):
        response, body = get_health()
    assert response.status_code == 503
    assert body["failing"] == ["worker"]
    assert body["checks"]["worker"] == {"status": "stale", "age_seconds": 360, "max_age_seconds": 300}
    # Eight minutes: the one-minute e-mail sweep (2 × 1 min + 5 min margin) is late too.
    with time_machine.travel(NOW + 8 * MINUTE, tick=False):
        response, body = get_health()
    assert body["failing"] == ["worker", "sweeps.notifications-email-sweep"]
    assert body["checks"]["sweeps"]["notifications-email-sweep"]["max_age_seconds"] == 420
    # Ten minutes: and the two-minute sweep (2 × 2 min + 5 min margin).
    with time_machine.travel(NOW + 10 * MINUTE, tick=False):
        response, body = get_health()
    assert body["failing"] == ["worker", "sweeps.notifications-email-sweep", "sweeps.visits-deadline-sweep"]
    assert body["checks"]["sweeps"]["visits-deadline-sweep"]["max_age_seconds"] == 540
    assert body["checks"]["sweeps"]["teams-deadline-sweep"]["status"] == "ok"


def test_one_stale_sweep_alone_fails_the_check(db):
    with time_machine.travel(NOW, tick=False):
        all_beating(timezone.now())
        heartbeat_touch(name="teams-deadline-sweep", now=timezone.now() - datetime.timedelta(hours=3))
        response, body = get_health()
    assert response.status_code == 503
    assert body["failing"] == ["sweeps.teams-deadline-sweep"]
    assert body["checks"]["sweeps"]["teams-deadline-sweep"]["status"] == "stale"


def test_heartbeat_touch_moves_the_one_row_forward(db):
    heartbeat_touch(name=WORKER, now=NOW)
    heartbeat_touch(name=WORKER, now=NOW + MINUTE)
    assert list(Heartbeat.objects.values_list("name", "beat_at")) == [(WORKER, NOW + MINUTE)]


def closed_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_broker_down_is_503_at_once(db, settings):
    all_beating(timezone.now())
    settings.CELERY_BROKER_URL = f"redis://127.0.0.1:{closed_port()}/0"
    started = time.monotonic()
    response, body = get_health()
    assert time.monotonic() - started < 2
    assert response.status_code == 503
    assert body["failing"] == ["broker"]
    assert body["checks"]["broker"] == {"status": "down"}
    assert "127.0.0.1" not in response.content.decode()


def test_a_broker_that_never_answers_is_503_within_the_timeout_not_a_hang(db, settings):
    """A socket that accepts but never replies: the ping gives up after its timeout."""
    all_beating(timezone.now())
    with socket.socket() as silent:
        silent.bind(("127.0.0.1", 0))
        silent.listen(8)
        settings.CELERY_BROKER_URL = f"redis://127.0.0.1:{silent.getsockname()[1]}/0"
        started = time.monotonic()
        response, body = get_health()
        elapsed = time.monotonic() - started
    assert response.status_code == 503 and body["failing"] == ["broker"]
    assert settings.HEALTH_BROKER_TIMEOUT <= elapsed < 2


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_a_real_worker_writes_its_heartbeat_and_a_sweep_its_own(celery_worker_process):
    from apps.notifications.tasks import notifications_email_sweep

    before = timezone.now()
    Heartbeat.objects.filter(name__in=[WORKER, "notifications-email-sweep"]).delete()
    core_heartbeat_task.delay()
    notifications_email_sweep.delay()
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        beats = dict(Heartbeat.objects.values_list("name", "beat_at"))
        if WORKER in beats and "notifications-email-sweep" in beats:
            break
        time.sleep(0.2)
    assert beats.get(WORKER) and beats[WORKER] >= before, "the worker wrote no heartbeat"
    assert beats.get("notifications-email-sweep") and beats["notifications-email-sweep"] >= before
