"""Is the app alive: database, broker, worker and the beat sweeps, for /healthz.

Background work proves itself through `Heartbeat` rows: the worker that runs beat's
`core_heartbeat_task` writes `worker`, and every beat sweep writes its entry's name
when it finishes without error (collabschool/celery.py). A row is stale past
HEALTH_WORKER_MAX_AGE for the worker, and 2 × the sweep's interval +
HEALTH_SWEEP_MARGIN for a sweep (one missed run is tolerated, two are not).
See docs/operations.md#health.
"""

import datetime

import redis
from django.conf import settings
from django.db import DatabaseError, connection
from django.utils import timezone
from redis.backoff import NoBackoff
from redis.retry import Retry

from .models import Heartbeat

WORKER = "worker"
# The beat entry of the worker's heartbeat: it writes WORKER, not its own name.
HEARTBEAT_ENTRY = "core-heartbeat"


def heartbeat_touch(*, name, now=None):
    """Record that `name` ran now: one INSERT … ON CONFLICT, safe under races."""
    Heartbeat.objects.bulk_create(
        [Heartbeat(name=name, beat_at=now or timezone.now())],
        update_conflicts=True,
        unique_fields=["name"],
        update_fields=["beat_at"],
    )


def _seconds(schedule):
    if isinstance(schedule, int | float):
        return float(schedule)
    if isinstance(schedule, datetime.timedelta):
        return schedule.total_seconds()
    run_every = getattr(schedule, "run_every", None)  # celery.schedules.schedule
    if isinstance(run_every, datetime.timedelta):
        return run_every.total_seconds()
    # A crontab: assume at least daily.
    return 24 * 3600.0


def sweep_intervals():
    """{beat entry name: its interval in seconds} for every sweep beat runs."""
    return {
        name: _seconds(entry["schedule"])
        for name, entry in settings.CELERY_BEAT_SCHEDULE.items()
        if name != HEARTBEAT_ENTRY
    }


def sweep_entries_for_task(task_name):
    """The beat entries that run the task `task_name` (usually one, often none)."""
    return [
        name
        for name, entry in settings.CELERY_BEAT_SCHEDULE.items()
        if entry["task"] == task_name and name != HEARTBEAT_ENTRY
    ]


def _database_ok():
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            return cursor.fetchone() == (1,)
    except DatabaseError:
        return False


def _broker_ok():
    """Ping the broker, giving up after HEALTH_BROKER_TIMEOUT seconds (twice at
    most: connect, then answer), with no retries."""
    timeout = settings.HEALTH_BROKER_TIMEOUT
    client = redis.Redis.from_url(
        settings.CELERY_BROKER_URL,
        socket_connect_timeout=timeout,
        socket_timeout=timeout,
        retry=Retry(NoBackoff(), 0),
    )
    try:
        return bool(client.ping())
    except (redis.RedisError, OSError):
        return False
    finally:
        client.close()


def _age_check(beat_at, max_age, now):
    if beat_at is None:
        return {"status": "missing", "max_age_seconds": int(max_age)}
    age = max(0, int((now - beat_at).total_seconds()))
    return {"status": "ok" if age <= max_age else "stale", "age_seconds": age, "max_age_seconds": int(max_age)}


def health_report(*, now=None):
    """(healthy, report): every component with its status; two queries at most.

    The report names components and ages only: no host, address or error text.
    """
    now = now or timezone.now()
    checks = {
        "database": {"status": "ok" if _database_ok() else "down"},
        "broker": {"status": "ok" if _broker_ok() else "down"},
    }
    if checks["database"]["status"] == "ok":
        try:
            beats = dict(Heartbeat.objects.values_list("name", "beat_at"))
        except DatabaseError:
            beats = None
    else:
        beats = None

    intervals = sweep_intervals()
    if beats is None:
        checks["worker"] = {"status": "unknown"}
        checks["sweeps"] = {name: {"status": "unknown"} for name in intervals}
    else:
        checks["worker"] = _age_check(beats.get(WORKER), settings.HEALTH_WORKER_MAX_AGE, now)
        checks["sweeps"] = {
            name: _age_check(beats.get(name), 2 * interval + settings.HEALTH_SWEEP_MARGIN, now)
            for name, interval in sorted(intervals.items())
        }

    failing = [name for name in ("database", "broker", "worker") if checks[name]["status"] != "ok"]
    failing += [f"sweeps.{name}" for name, check in checks["sweeps"].items() if check["status"] != "ok"]
    report = {"status": "ok" if not failing else "failing", "failing": failing, "checks": checks}
    return not failing, report
