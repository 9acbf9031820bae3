"""The one registry of sweeps: registering a sweep is all it takes for beat to
schedule it, for a starting worker to run it at once and for /healthz to watch it."""

import ast
import datetime
import re
from pathlib import Path
from types import SimpleNamespace

import pytest
from celery.beat import Scheduler
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.utils import timezone

from apps.core.health import WORKER, health_report, heartbeat_touch
from apps.core.models import Heartbeat
from apps.core.sweeps import (
    HEARTBEAT_ENTRY,
    Sweep,
    sweep_register,
    sweep_unregister,
    sweeps_beat_schedule,
    sweeps_registered,
)
from collabschool.celery import app, catch_up_on_start, record_sweep_run

DUMMY = Sweep(name="dummy-sweep", task="apps.core.tests.dummy_sweep_task", interval=300, expires=290)


@pytest.fixture
def dummy():
    """A sweep of the test's own, gone again after it."""
    sweep_register(DUMMY)
    yield DUMMY
    sweep_unregister(DUMMY.name)


def beat_entries():
    """What a starting beat schedules: the app's schedule built as a worker or beat
    builds it, read by Celery's own scheduler."""
    app.loader.import_default_modules()
    return Scheduler(app=app).schedule


def caught_up():
    """The tasks a worker sends as it becomes ready."""
    sent = []
    catch_up_on_start(sender=SimpleNamespace(app=SimpleNamespace(send_task=sent.append)))
    return sent


def test_a_registered_sweep_is_scheduled_caught_up_and_watched(db, dummy):
    entry = beat_entries()[DUMMY.name]
    assert entry.task == DUMMY.task
    assert entry.schedule.run_every == datetime.timedelta(seconds=300)
    assert entry.options["expires"] == 290
    assert DUMMY.task in caught_up()

    healthy, report = health_report()
    assert report["checks"]["sweeps"][DUMMY.name]["status"] == "missing"
    assert f"sweeps.{DUMMY.name}" in report["failing"]
    # Its first successful run writes its heartbeat.
    record_sweep_run(sender=SimpleNamespace(name=DUMMY.task))
    assert Heartbeat.objects.filter(name=DUMMY.name).exists()
    healthy, report = health_report()
    assert report["checks"]["sweeps"][DUMMY.name]["status"] == "ok"


def test_a_sweep_that_reports_a_backlog_gets_its_own_check(db):
    since = timezone.now() - datetime.timedelta(minutes=20)
    sweep = Sweep(
        name="dummy-backlog-sweep",
        task="apps.core.tests.dummy_sweep_task",
        interval=60,
        expires=55,
        backlog=lambda: since,
    )
    sweep_register(sweep)
    try:
        healthy, report = health_report()
    finally:
        sweep_unregister(sweep.name)
    check = report["checks"]["backlogs"][sweep.name]
    assert check["status"] == "late" and check["max_age_seconds"] == 60 + settings.HEALTH_SWEEP_MARGIN
    assert f"backlogs.{sweep.name}" in report["failing"]


def test_every_sweep_runs_when_a_worker_starts_and_is_watched(db):
    """The hourly staff-imports sweep was once left out of the start-up catch-up, and
    /healthz called it missing for an hour after every fresh start."""
    scheduled = {entry.task for name, entry in beat_entries().items() if name != HEARTBEAT_ENTRY}
    assert "apps.staff.tasks.staff_imports_sweep" in scheduled
    assert set(caught_up()) == scheduled
    _, report = health_report()
    assert set(report["checks"]["sweeps"]) == {sweep.name for sweep in sweeps_registered()}


def test_a_fresh_start_is_healthy_once_the_catch_up_ran_and_beat_beat(db):
    Heartbeat.objects.all().delete()
    for task in caught_up():
        record_sweep_run(sender=SimpleNamespace(name=task))
    heartbeat_touch(name=WORKER)
    healthy, report = health_report()
    assert healthy, report["failing"]


def test_beat_interval_scale_shortens_every_interval_and_expiry():
    schedule = sweeps_beat_schedule(scale=1 / 60)
    assert schedule["visits-deadline-sweep"]["schedule"] == 2
    assert schedule["visits-deadline-sweep"]["options"]["expires"] == pytest.approx(110 / 60)
    assert schedule[HEARTBEAT_ENTRY]["schedule"] == 1


def test_two_different_sweeps_under_one_name_are_refused(dummy):
    sweep_register(DUMMY)  # the same one again: harmless
    with pytest.raises(ImproperlyConfigured):
        sweep_register(Sweep(name=DUMMY.name, task="apps.core.tests.other_task", interval=300, expires=290))
    with pytest.raises(ImproperlyConfigured):
        sweep_register(Sweep(name=HEARTBEAT_ENTRY, task="apps.core.tests.other_task", interval=300, expires=290))


def test_a_sweep_expires_before_its_next_run():
    with pytest.raises(ImproperlyConfigured):
        Sweep(name="late", task="apps.core.tests.dummy_sweep_task", interval=60, expires=60)


def domain_apps_named(path):
    """The domain apps a module imports or names in a string (a task's dotted name, say)."""
    names = []
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            names += [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0:
            names.append(node.module)
        elif isinstance(node, ast.Constant) and isinstance(node.value, str):
            names.append(node.value)
    return [name for name in names if re.match(r"apps\.(?!core\b)[a-z_]+", name or "")]


def test_core_and_the_celery_app_name_no_domain_app():
    """Apps register their sweeps with core; core and the Celery app never list them."""
    root = Path(settings.BASE_DIR)
    files = [root / "collabschool" / "celery.py"] + [
        path
        for path in (root / "apps" / "core").rglob("*.py")
        if not {"tests", "management", "migrations"} & set(path.parts)
    ]
    named = {str(path.relative_to(root)): domain_apps_named(path) for path in files}
    assert {path: found for path, found in named.items() if found} == {}
