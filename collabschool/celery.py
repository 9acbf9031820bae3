"""The Celery application: Redis is the broker, tasks are discovered in every app."""

import logging
import os

from celery import Celery
from celery.signals import task_success, worker_ready

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "collabschool.settings")

app = Celery("collabschool")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

logger = logging.getLogger(__name__)


@app.on_after_configure.connect
def scale_beat_schedule(sender, source, **kwargs):
    """Tests of beat (tests/faults) run the whole schedule faster: every interval
    and expiry times settings.BEAT_INTERVAL_SCALE (1 outside those tests)."""
    from django.conf import settings

    scale = getattr(settings, "BEAT_INTERVAL_SCALE", 1)
    if scale == 1:
        return
    scaled = {}
    for name, entry in source.beat_schedule.items():
        entry = {**entry, "options": {**entry.get("options", {})}}
        if isinstance(entry["schedule"], int | float):
            entry["schedule"] = entry["schedule"] * scale
        if "expires" in entry["options"]:
            entry["options"]["expires"] = entry["options"]["expires"] * scale
        scaled[name] = entry
    source.beat_schedule = scaled


@worker_ready.connect
def catch_up_on_start(sender, **kwargs):
    """A worker that was down catches up at once instead of waiting for beat:
    the sweeps are idempotent, so running them one extra time is harmless."""
    for task in (
        "apps.visits.tasks.visits_deadline_sweep_task",
        "apps.teams.tasks.teams_deadline_sweep_task",
        "apps.partners.tasks.agreements_expiry_sweep_task",
        "apps.problemdays.tasks.problem_day_duties_sweep_task",
        "apps.notifications.tasks.notifications_email_sweep",
        "apps.dashboards.tasks.summaries_refresh_task",
        "apps.dashboards.tasks.report_exports_sweep_task",
        "apps.surveys.tasks.surveys_sweep_task",
    ):
        sender.app.send_task(task)


@task_success.connect
def record_sweep_run(sender=None, **kwargs):
    """A beat sweep that finished writes its heartbeat (the age /healthz shows).

    One place for every sweep in CELERY_BEAT_SCHEDULE, whichever app it lives
    in; a sweep that raises writes nothing, so a sweep that keeps failing
    shows as stale."""
    from apps.core.health import heartbeat_touch, sweep_entries_for_task

    for name in sweep_entries_for_task(getattr(sender, "name", None)):
        try:
            heartbeat_touch(name=name)
        except Exception:
            logger.warning("could not record the heartbeat of %s", name, exc_info=True)
