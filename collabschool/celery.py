"""The Celery application: Redis is the broker, tasks are discovered in every app."""

import os

from celery import Celery
from celery.signals import worker_ready

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "collabschool.settings")

app = Celery("collabschool")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


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
