"""Enqueueing Celery tasks safely; the worker's heartbeat."""

import logging

from celery import shared_task
from django.db import transaction

from .health import WORKER, heartbeat_touch

logger = logging.getLogger(__name__)


def enqueue_on_commit(task, **kwargs):
    """Send `task` to the broker once the current transaction commits.

    Robust: if Redis is down the request still succeeds (the data is saved); the
    periodic sweeps pick the work up from the database later.
    """

    def send():
        try:
            task.apply_async(kwargs=kwargs)
        except Exception:
            logger.warning("could not enqueue %s(%s); a sweep will catch up", task.name, kwargs, exc_info=True)

    transaction.on_commit(send)


@shared_task(ignore_result=True)
def core_heartbeat_task():
    """Sent by beat every minute: the worker that runs it is alive, and so is
    beat (see apps.core.health)."""
    heartbeat_touch(name=WORKER)
