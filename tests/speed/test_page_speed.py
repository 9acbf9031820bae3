"""Every page of the demo school, timed in-process as each persona opens it: the
walk of the browser suite (tests/demo_walk.py), each GET page that answers HTML
timed over repeated requests by one client. A page's median must stay within its
goal: 15 ms for lists, boards, forms and detail pages; the dashboards, which
aggregate a school's year, 25 ms. Run by `make bench` (marker `speed`; not part of
`make test`, whose busy machine would only measure its own load). The table of
every page goes to .data/bench/pages-PERSONA.md. See docs/performance.md#pages.
"""

import os
import statistics
import time
from pathlib import Path

import pytest
from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.template import Template
from django.test import utils as test_utils
from django.test.utils import CaptureQueriesContext

from apps.accounts.models import User
from conftest import client_for
from tests.demo_walk import COORDINATOR, DEMO_PERSONAS, DemoWorld, pages_for

pytestmark = [pytest.mark.speed, pytest.mark.django_db(transaction=True)]

PAGE_GOAL_MS = 15.0
DASHBOARD_GOAL_MS = 25.0
WARMUP = 3
REPEAT = int(os.environ.get("BENCH_PAGE_REPEAT", "15"))
OUTPUT = Path(os.environ.get("BENCH_PAGES_DIR", settings.BASE_DIR / ".data" / "bench"))


def goal_ms(route):
    return DASHBOARD_GOAL_MS if route.startswith("dashboards:") else PAGE_GOAL_MS


@pytest.fixture
def production_rendering(settings):
    """As in production: templates rendered without the test runner's signal per
    template (which copies every context), and the to-do counts cached."""
    settings.PERSON_CACHE_SECONDS = 60
    settings.SIGNED_IN_SNAPSHOT_SECONDS = 30  # the signed-in person kept beside the session
    cache.clear()  # the demo's ids repeat in every test's copy of it
    instrumented = Template._render
    Template._render = test_utils._TestState.saved_data.template_render
    yield
    Template._render = instrumented


QUIET_SHARE = 0.25  # of one core, used by everything else while we wait
QUIET_WAIT_SECONDS = 120


def _busy_share(seconds=1.0):
    """The share of one core the machine spent busy over `seconds` (we sleep meanwhile)."""

    def sample():
        with open("/proc/stat", encoding="ascii") as stat:
            fields = [int(value) for value in stat.readline().split()[1:]]
        return sum(fields), fields[3] + fields[4]  # total, idle + iowait

    total, idle = sample()
    time.sleep(seconds)
    total_after, idle_after = sample()
    cores = os.cpu_count() or 1
    spent = total_after - total
    return cores * (1 - (idle_after - idle) / spent) if spent else 0.0


def _autovacuum_running():
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pg_stat_activity WHERE backend_type = 'autovacuum worker'")
        return cursor.fetchone()[0] > 0


@pytest.fixture
def quiet_machine(demo):
    """Timing starts once the machine is quiet: no autovacuum of the freshly seeded demo
    and nothing else using a quarter of a core (the benchmark's own load run before this
    one takes a while to wind down). Waits for that condition, up to two minutes."""
    deadline = time.monotonic() + QUIET_WAIT_SECONDS
    while time.monotonic() < deadline:
        if not _autovacuum_running() and _busy_share() < QUIET_SHARE:
            return True
    return False


def _time(client, pages):
    """Each page's median and slowest of REPEAT requests, and its queries. The
    samples are taken in rounds, one request per page in each, so that a burst of
    the machine's own noise (a neighbour's work on a shared host) spreads over
    every page instead of landing on the few timed while it lasted."""
    for url in pages:
        for _ in range(WARMUP):
            client.get(url)
    samples = {url: [] for url in pages}
    for _ in range(REPEAT):
        for url in pages:
            started = time.perf_counter()
            client.get(url)
            samples[url].append((time.perf_counter() - started) * 1000)
    timings = {}
    for url in pages:
        with CaptureQueriesContext(connection) as captured:
            client.get(url)
        timings[url] = (statistics.median(samples[url]), max(samples[url]), len(captured))
    return timings


@pytest.mark.parametrize("visitor", [*DEMO_PERSONAS, "coordinator"])
def test_every_page_renders_within_its_goal(visitor, demo, production_rendering, quiet_machine):
    users = {role: User.objects.get(email=email) for role, email in DEMO_PERSONAS.items()}
    world = DemoWorld(demo, users)
    client = client_for(users.get(visitor) or User.objects.get(email=COORDINATOR))
    pages = {}
    for route, url in pages_for(visitor, world):
        response = client.get(url)
        if response.status_code != 200 or not response["Content-Type"].startswith("text/html"):
            continue  # a download, or a page this persona is sent away from
        pages[url] = (route, len(response.content))
    timings = _time(client, list(pages))
    rows, slow = [], []
    for url, (route, size) in pages.items():
        p50, slowest, queries = timings[url]
        rows.append((route, url, p50, slowest, queries, size))
        if p50 > goal_ms(route):
            slow.append(f"{route} {url}: p50 {p50:.1f} ms (goal ≤ {goal_ms(route):.0f} ms)")
    _record(visitor, rows, quiet=quiet_machine)
    assert rows, "no page was timed"
    assert not slow, f"{len(slow)} of {len(rows)} pages over their goal as {visitor}:\n" + "\n".join(slow)


def _record(visitor, rows, *, quiet):
    OUTPUT.mkdir(parents=True, exist_ok=True)
    lines = [
        f"Pages of the demo school as {visitor}, in-process, {REPEAT} requests each after {WARMUP} warm-ups"
        + ("." if quiet else f"; the machine was still busy after {QUIET_WAIT_SECONDS} s of waiting."),
        "",
        "| route | URL | p50 ms | slowest ms | queries | KB |",
        "|---|---|---:|---:|---:|---:|",
    ]
    for route, url, p50, slowest, queries, size in sorted(rows, key=lambda row: -row[2]):
        lines.append(f"| {route} | `{url}` | {p50:.1f} | {slowest:.1f} | {queries} | {size / 1024:.0f} |")
    (OUTPUT / f"pages-{visitor}.md").write_text("\n".join(lines) + "\n", encoding="utf-8")
