"""Enqueueing Celery tasks safely; the worker's heartbeat.

Every task the app sends goes through `enqueue` (or `enqueue_on_commit`), so a
broker that is down never fails or holds up a request: the work it stands for
is in the database, and the beat sweeps pick it up once Redis is back. How long
one attempt may take is bounded in settings (CELERY_BROKER_CONNECTION_TIMEOUT,
the socket timeouts in CELERY_BROKER_TRANSPORT_OPTIONS, one publish retry);
after a failure the process does not try again for ENQUEUE_BACKOFF_SECONDS,
so a request that would send several tasks pays for one timeout at most.
"""

import logging
import time

from celery import shared_task
from django.conf import settings
from django.db import transaction
from kombu.exceptions import OperationalError
from redis.exceptions import RedisError

from .health import WORKER, heartbeat_touch

logger = logging.getLogger(__name__)

# What a broker that is down, frozen or restarting raises on publish.
BROKER_ERRORS = (OperationalError, RedisError, OSError)

# The time (time.time()) until which this process takes the broker for down.
_broker_down_until = 0.0


def _backing_off(now):
    # A clock set back never stretches the pause beyond its length.
    return now < _broker_down_until <= now + settings.ENQUEUE_BACKOFF_SECONDS


def enqueue_backoff_reset():
    """Forget a broker failure (tests, or after the broker is known to be back)."""
    global _broker_down_until
    _broker_down_until = 0.0


def enqueue(task, **kwargs):
    """Send `task` with keyword arguments (ids, never texts) to the broker now.

    Returns True when the broker took it. If the broker is down it returns False
    and logs an error, and whoever called goes on: the sweeps catch up.
    """
    global _broker_down_until
    if _backing_off(time.time()):
        logger.error("broker unavailable, %s not enqueued (%s); the sweeps will catch up", task.name, kwargs)
        return False
    try:
        task.apply_async(kwargs=kwargs)
    except BROKER_ERRORS as error:
        _broker_down_until = time.time() + settings.ENQUEUE_BACKOFF_SECONDS
        logger.error(
            "broker unavailable, %s not enqueued (%s); the sweeps will catch up: %s: %s",
            task.name,
            kwargs,
            type(error).__name__,
            error,
        )
        return False
    return True


def enqueue_on_commit(task, **kwargs):
    """`enqueue` once the current transaction commits (nothing if it rolls back)."""
    transaction.on_commit(lambda: enqueue(task, **kwargs))


@shared_task(ignore_result=True)
def core_heartbeat_task():
    """Sent by beat every minute: the worker that runs it is alive, and so is
    beat (see apps.core.health)."""
    heartbeat_touch(name=WORKER)
