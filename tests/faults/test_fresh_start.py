"""A fresh start: on a database that has never seen a worker, /healthz answers 200
within two minutes of a worker and beat starting, on the real schedule.

The worker runs every registered sweep as it starts (each writes its heartbeat),
and beat's first heartbeat task comes a minute later: nothing waits for an hourly
sweep's first run.
"""

import time

import pytest
from django.urls import reverse

from apps.core.health import health_report
from apps.core.models import Heartbeat
from conftest import client_for

from .conftest import wait_for

pytestmark = [pytest.mark.faults, pytest.mark.django_db(transaction=True)]

HEALTHY_WITHIN = 120


def test_a_fresh_start_answers_200_within_two_minutes(processes, settings):
    settings.CELERY_BROKER_URL = processes.redis.url  # the broker /healthz pings
    assert not Heartbeat.objects.exists()
    healthy, report = health_report()
    assert not healthy and "worker" in report["failing"]

    started = time.monotonic()
    worker = processes.worker()
    beat = processes.beat("fresh")
    last = {}

    def healthy():
        ok, last["report"] = health_report()
        return ok

    try:
        wait_for(healthy, timeout=HEALTHY_WITHIN, what="/healthz to answer 200", processes=[worker, beat])
    except pytest.fail.Exception as failed:
        pytest.fail(f"{failed}\nstill failing: {last['report']['failing']}")
    assert time.monotonic() - started <= HEALTHY_WITHIN
    response = client_for(None).get(reverse("health"))
    assert response.status_code == 200, response.json()["failing"]
