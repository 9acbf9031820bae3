"""The one registry of beat sweeps: each app registers its own in its AppConfig.ready().

A sweep is a periodic, idempotent task that catches up from the database. Registering
it is the only step it needs: the registry feeds beat's schedule (installed by
collabschool/celery.py once the apps are ready), the worker's start-up catch-up and
/healthz (each sweep's heartbeat, and its backlog if it reports one). Core knows no
domain app: the apps come to it, never the reverse. See docs/architecture.md#sweeps.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.core.exceptions import ImproperlyConfigured

# The worker's own heartbeat (apps/core/health.py): a beat entry, not a sweep. It is
# not run at a worker's start, so that a fresh `worker` row also proves beat alive.
HEARTBEAT_ENTRY = "core-heartbeat"
HEARTBEAT_TASK = "apps.core.tasks.core_heartbeat_task"
HEARTBEAT_SECONDS = 60.0


@dataclass(frozen=True)
class Sweep:
    """One beat sweep.

    name: the beat entry, and the heartbeat row its successful runs write.
    task: the Celery task's dotted name (a string: no task module is imported here).
    interval: seconds between runs.
    expires: seconds after which an unstarted run is dropped; just under the interval,
        so that a busy or stopped worker never finds a pile of the same sweep.
    backlog: optional callable() -> since when the oldest item this sweep owes has been
        waiting (None when nothing waits): one cheap, indexed query. /healthz fails when
        that is longer ago than the interval plus HEALTH_SWEEP_MARGIN.
    """

    name: str
    task: str
    interval: float
    expires: float
    backlog: Callable | None = None

    def __post_init__(self):
        if not 0 < self.expires < self.interval:
            raise ImproperlyConfigured(f"sweep {self.name}: expires must be positive and under the interval")


_registry = {}


def sweep_register(sweep):
    """Add `sweep` (an app's AppConfig.ready() calls this); registering the same sweep
    again is harmless, another one under a taken name is an error."""
    if sweep.name == HEARTBEAT_ENTRY:
        raise ImproperlyConfigured(f"{HEARTBEAT_ENTRY} is the worker's heartbeat, not a sweep")
    known = _registry.get(sweep.name)
    if known is not None and known != sweep:
        raise ImproperlyConfigured(f"two different sweeps are registered as {sweep.name}")
    _registry[sweep.name] = sweep
    return sweep


def sweep_unregister(name):
    """Remove a sweep (tests that register one of their own)."""
    _registry.pop(name, None)


def sweeps_registered():
    """Every registered sweep, by name."""
    return [_registry[name] for name in sorted(_registry)]


def sweeps_for_task(task_name):
    """The sweeps that run the task `task_name` (usually one, often none)."""
    return [sweep for sweep in sweeps_registered() if sweep.task == task_name]


def sweeps_beat_schedule(*, scale=1):
    """Beat's schedule: the worker's heartbeat and every registered sweep, each
    interval and expiry times `scale` (BEAT_INTERVAL_SCALE: 1 but in the fault tests)."""
    schedule = {
        HEARTBEAT_ENTRY: {
            "task": HEARTBEAT_TASK,
            "schedule": HEARTBEAT_SECONDS * scale,
            "options": {"expires": (HEARTBEAT_SECONDS - 5) * scale},
        }
    }
    for sweep in sweeps_registered():
        schedule[sweep.name] = {
            "task": sweep.task,
            "schedule": sweep.interval * scale,
            "options": {"expires": sweep.expires * scale},
        }
    return schedule
