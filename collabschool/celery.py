"""The Celery application: Redis is the broker, tasks are discovered in every app.

The sweeps come from one registry (apps/core/sweeps.py) that the apps fill in as
Django starts: beat's schedule, the worker's start-up catch-up and the heartbeats
that /healthz reads are all built from it, so a sweep registered there gets all three.
"""

import logging
import os

from celery import Celery
from celery.signals import import_modules, task_success, worker_ready

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "collabschool.settings")

app = Celery("collabschool")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

logger = logging.getLogger(__name__)


@import_modules.connect(sender=app)
def schedule_the_sweeps(sender, **kwargs):
    """Beat's schedule, from the registry of sweeps.

    A worker or beat sends import_modules as it starts, after Celery's Django fixup
    (connected before this) has set Django up, so every app has registered its
    sweeps by now; beat reads the schedule only after this. Tests of beat
    (tests/faults) run it faster: every interval and expiry times
    settings.BEAT_INTERVAL_SCALE."""
    from django.apps import apps
    from django.conf import settings

    from apps.core.sweeps import sweeps_beat_schedule

    apps.check_apps_ready()  # an empty schedule would be silent: fail loudly instead
    sender.conf.beat_schedule = sweeps_beat_schedule(scale=settings.BEAT_INTERVAL_SCALE)


@worker_ready.connect
def catch_up_on_start(sender, **kwargs):
    """A worker that was down catches up at once instead of waiting for beat: it runs
    every registered sweep (they are idempotent, so one extra run is harmless), and
    each writes its heartbeat, so /healthz is whole within minutes of a fresh start."""
    from apps.core.sweeps import sweeps_registered

    for sweep in sweeps_registered():
        sender.app.send_task(sweep.task)


@task_success.connect
def record_sweep_run(sender=None, **kwargs):
    """A sweep that finished writes its heartbeat (the age /healthz shows).

    One place for every registered sweep, whichever app it lives in; a sweep that
    raises writes nothing, so a sweep that keeps failing shows as stale."""
    from apps.core.health import heartbeat_touch
    from apps.core.sweeps import sweeps_for_task
    from apps.core.todos import todos_changed

    sweeps = sweeps_for_task(getattr(sender, "name", None))
    for sweep in sweeps:
        try:
            heartbeat_touch(name=sweep.name)
        except Exception:
            logger.warning("could not record the heartbeat of %s", sweep.name, exc_info=True)
    if sweeps:
        # A sweep moves deadlines and sends reminders: everybody's to-dos may have changed.
        todos_changed()
