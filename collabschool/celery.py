"""The Celery application: Redis is the broker, tasks are discovered in every app."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "collabschool.settings")

app = Celery("collabschool")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
