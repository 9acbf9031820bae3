"""Is the app alive: database, broker, worker and the beat sweeps, for /healthz.

Background work proves itself through `Heartbeat` rows: the worker that runs beat's
`core_heartbeat_task` writes `worker`, and every registered sweep (apps/core/sweeps.py)
writes its name when it finishes without error (collabschool/celery.py). A row is
stale past HEALTH_WORKER_MAX_AGE for the worker, and 2 × the sweep's interval +
HEALTH_SWEEP_MARGIN for a sweep; a sweep that reports a backlog (the e-mail sweep's
oldest unsent letter) is late past its interval + HEALTH_SWEEP_MARGIN.
See docs/operations.md#health.
"""

import redis
from django.conf import settings
from django.db import DatabaseError, connection
from django.utils import timezone
from redis.backoff import NoBackoff
from redis.retry import Retry

from .models import Heartbeat
from .sweeps import sweeps_registered

WORKER = "worker"


def heartbeat_touch(*, name, now=None):
    """Record that `name` ran now: one INSERT … ON CONFLICT, safe under races."""
    Heartbeat.objects.bulk_create(
        [Heartbeat(name=name, beat_at=now or timezone.now())],
        update_conflicts=True,
        unique_fields=["name"],
        update_fields=["beat_at"],
    )


def sweep_intervals():
    """{sweep name: its interval in seconds} for every registered sweep."""
    return {sweep.name: float(sweep.interval) for sweep in sweeps_registered()}


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


def _backlog_check(since, max_age, now):
    if since is None:
        return {"status": "ok", "max_age_seconds": int(max_age)}
    age = max(0, int((now - since).total_seconds()))
    return {"status": "ok" if age <= max_age else "late", "oldest_seconds": age, "max_age_seconds": int(max_age)}


def health_report(*, now=None):
    """(healthy, report): every component with its status; two queries, and one
    more for each sweep that reports its backlog.

    The report names components and ages only: no host, address or error text.
    """
    now = now or timezone.now()
    checks = {
        "database": {"status": "ok" if _database_ok() else "down"},
        "broker": {"status": "ok" if _broker_ok() else "down"},
    }
    beats = backlogs = None
    sweeps = sweeps_registered()
    if checks["database"]["status"] == "ok":
        try:
            beats = dict(Heartbeat.objects.values_list("name", "beat_at"))
            backlogs = {sweep.name: sweep.backlog() for sweep in sweeps if sweep.backlog is not None}
        except DatabaseError:
            beats = backlogs = None

    margin = settings.HEALTH_SWEEP_MARGIN
    if beats is None:
        checks["worker"] = {"status": "unknown"}
        checks["sweeps"] = {sweep.name: {"status": "unknown"} for sweep in sweeps}
        checks["backlogs"] = {sweep.name: {"status": "unknown"} for sweep in sweeps if sweep.backlog is not None}
    else:
        checks["worker"] = _age_check(beats.get(WORKER), settings.HEALTH_WORKER_MAX_AGE, now)
        checks["sweeps"] = {
            sweep.name: _age_check(beats.get(sweep.name), 2 * sweep.interval + margin, now) for sweep in sweeps
        }
        checks["backlogs"] = {
            sweep.name: _backlog_check(backlogs[sweep.name], sweep.interval + margin, now)
            for sweep in sweeps
            if sweep.backlog is not None
        }

    failing = [name for name in ("database", "broker", "worker") if checks[name]["status"] != "ok"]
    for section in ("sweeps", "backlogs"):
        failing += [f"{section}.{name}" for name, check in checks[section].items() if check["status"] != "ok"]
    report = {"status": "ok" if not failing else "failing", "failing": failing, "checks": checks}
    return not failing, report
