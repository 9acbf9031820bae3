"""The benchmark (`make bench`): the pages it times, the bare view they
are compared with, the in-process timer and the wrk runner.

The bare view answers "ok" through the project's whole middleware stack, so a
page's ratio to it shows what the page itself costs on top of Django. It lives
in this module's own URLconf (the project's URLs plus `bench-bare/`), used both
in-process (`override_settings(ROOT_URLCONF=URLCONF)`) and under gunicorn
(`gunicorn 'apps.benchmark.timing:wsgi_application()'`), so the project's URLs
never carry a benchmark route.
"""

import http.client
import re
import statistics
import subprocess  # nosec B404 # wrk run with a fixed argv, no shell
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlencode

URLCONF = __name__
BARE_URL_NAME = "bench-bare"
BARE_LABEL = "bare Django view"
ERROR_HANDLERS = ("handler400", "handler403", "handler404", "handler500")


def __getattr__(name):
    """`urlpatterns` and the error handlers, built on first use.

    Lazy because gunicorn imports this module before Django is set up, and the
    project's URLconf imports views and models.
    """
    if name != "urlpatterns" and name not in ERROR_HANDLERS:
        raise AttributeError(name)
    from django.http import HttpResponse
    from django.urls import path

    from collabschool import urls as project_urls

    if name in ERROR_HANDLERS:
        return getattr(project_urls, name)

    def bare(request):
        return HttpResponse("ok")

    return [path("bench-bare/", bare, name=BARE_URL_NAME), *project_urls.urlpatterns]


def wsgi_application():
    """The project's WSGI application serving this module's URLconf (a gunicorn factory)."""
    from django.conf import settings
    from django.core.wsgi import get_wsgi_application

    application = get_wsgi_application()
    settings.ROOT_URLCONF = URLCONF
    return application


def minimal_wsgi_application():
    """Django with no middleware at all answering the bare view (a gunicorn factory): the
    ceiling the signed-in floor's requests/s are compared with under wrk."""
    import django
    from django.conf import settings
    from django.core.handlers.wsgi import WSGIHandler

    django.setup(set_prefix=False)
    settings.MIDDLEWARE = []
    settings.ROOT_URLCONF = URLCONF
    return WSGIHandler()


MINIMAL_LABEL = "minimal Django view (no middleware)"
# Under wrk the signed-in bare view should serve at least this share of the minimal view's requests/s.
FLOOR_LOAD_SHARE = 0.30


@dataclass(frozen=True)
class Page:
    """A page to time: its label, URL name, who opens it (`admin` of one school, the
    `curator` of that school's network pair, or the `coordinator` of the 20-school
    network, whose id the URL takes) and its p95 goal in milliseconds, if it has one."""

    label: str
    url_name: str
    persona: str = "admin"
    goal_ms: float | None = None
    # The demo's pages: the in-process median's goal, and under wrk the least share
    # of the minimal view's requests/s.
    p50_goal_ms: float | None = None
    share_goal: float | None = None
    # A query string added to the URL (a search's words and filters).
    query: str = ""


SCHOOL_GOAL_MS = 150.0
NETWORK_GOAL_MS = 500.0
# The deadline board is opened many times a day by every curator and the administration.
BOARD_GOAL_MS = 50.0
# A search with filters across the community, at 100,000 materials and 500,000 comments.
SEARCH_GOAL_MS = 50.0

# The bare view first: every ratio is taken against it.
PAGES = (
    Page(BARE_LABEL, BARE_URL_NAME),
    Page("dashboard: categories", "dashboards:categories", goal_ms=SCHOOL_GOAL_MS),
    Page("dashboard: participation", "dashboards:participation", goal_ms=SCHOOL_GOAL_MS),
    Page("dashboard: timeliness", "dashboards:timeliness", goal_ms=SCHOOL_GOAL_MS),
    Page("dashboard: collaboration", "dashboards:collaboration", goal_ms=SCHOOL_GOAL_MS),
    Page("dashboard: annual report", "dashboards:annual_report", goal_ms=SCHOOL_GOAL_MS),
    Page("dashboard: network (20 schools)", "dashboards:network", "coordinator", goal_ms=NETWORK_GOAL_MS),
    Page("list: staff registry", "staff:list"),
    Page("board: visit deadlines (administrator)", "visits:deadlines", goal_ms=BOARD_GOAL_MS),
    Page("board: visit deadlines (curator)", "visits:deadlines", "curator", goal_ms=BOARD_GOAL_MS),
    Page("list: mentor groups", "mentoring:group_list"),
    Page("board: mentoring", "mentoring:board"),
    Page("list: task teams", "teams:team_list"),
    Page("list: partners registry", "partners:registry"),
    Page("list: joint activities", "partners:activity_list"),
    Page("list: problem-theme days", "problemdays:day_list"),
    # Searched by a teacher with an association in the first network's leader school (the curator).
    Page(
        "search: rare phrase + subject + grade",
        "community:search",
        "curator",
        goal_ms=SEARCH_GOAL_MS,
        query=urlencode({"q": "фенологические наблюдения", "subject": "Биология", "grade": 7}),
    ),
    Page(
        "search: common word (урок)",
        "community:search",
        "curator",
        goal_ms=SEARCH_GOAL_MS,
        query=urlencode({"q": "урок"}),
    ),
    Page(
        "search: filters only (network circle, subject)",
        "community:search",
        "curator",
        goal_ms=SEARCH_GOAL_MS,
        query=urlencode({"circle": "network", "subject": "Математика"}),
    ),
    Page(
        "search: questions only",
        "community:search",
        "curator",
        goal_ms=SEARCH_GOAL_MS,
        query=urlencode({"what": "questions", "q": "работа в группах"}),
    ),
    Page("list: materials", "community:material_list", "curator", goal_ms=SCHOOL_GOAL_MS),
)


# The demo school (`bench_run --demo` on a database where seed_demo ran): the pages
# people open most, as the person who opens them, in-process and under wrk.
DEMO_LOGINS = {
    "teacher": "teacher@berezovka.demo",
    "curator": "curator@berezovka.demo",
    "deputy_head": "zavuch@berezovka.demo",
    "admin": "director@berezovka.demo",
}
PAGE_P50_GOAL_MS = 15.0
PAGE_SHARE_GOAL = 0.05
DASHBOARD_SHARE_GOAL = 0.02
ANONYMOUS_BARE_LABEL = "bare Django view, anonymous"
DEMO_PAGES = (
    Page(BARE_LABEL, BARE_URL_NAME, share_goal=FLOOR_LOAD_SHARE),
    Page(ANONYMOUS_BARE_LABEL, BARE_URL_NAME, persona="anonymous"),
    Page("/staff/ (deputy head)", "staff:list", "deputy_head", None, PAGE_P50_GOAL_MS, PAGE_SHARE_GOAL),
    Page("/visits/my/ (teacher)", "visits:my", "teacher", None, PAGE_P50_GOAL_MS, PAGE_SHARE_GOAL),
    Page("/visits/deadlines/ (curator)", "visits:deadlines", "curator", None, PAGE_P50_GOAL_MS, PAGE_SHARE_GOAL),
    Page("/mentoring/board/ (curator)", "mentoring:board", "curator", None, PAGE_P50_GOAL_MS, PAGE_SHARE_GOAL),
    Page("/partners/ (deputy head)", "partners:registry", "deputy_head", None, PAGE_P50_GOAL_MS, PAGE_SHARE_GOAL),
    Page("/teams/ (deputy head)", "teams:team_list", "deputy_head", None, PAGE_P50_GOAL_MS, PAGE_SHARE_GOAL),
    Page("/ (teacher)", "home", "teacher", None, PAGE_P50_GOAL_MS, PAGE_SHARE_GOAL),
    Page("/dashboards/categories/ (administrator)", "dashboards:categories", "admin", None, None, DASHBOARD_SHARE_GOAL),
)


def pages_resolve(pages, *, network_id):
    """The pages whose URL exists now, with their URL, and a note for each missing one.

    Dashboards are being built while the benchmark is; a page that is not there
    yet is skipped rather than failing the run.
    """
    from django.test import override_settings
    from django.urls import NoReverseMatch, reverse

    resolved, missing = [], []
    with override_settings(ROOT_URLCONF=URLCONF):
        for page in pages:
            kwargs = {"network_id": network_id} if page.persona == "coordinator" else {}
            try:
                url = reverse(page.url_name, kwargs=kwargs)
                resolved.append((page, f"{url}?{page.query}" if page.query else url))
            except NoReverseMatch:
                missing.append(f"{page.label}: no URL named {page.url_name!r} yet, skipped")
    return resolved, missing


# The floor: the bare view signed in (session, user, school, two-factor, audit context
# and logs, nothing of a page's own), timed over more requests than a page since it
# is short. `make bench` fails when its median is over the goal.
FLOOR_LABEL = "signed-in floor (bare view)"
FLOOR_GOAL_MS = 1.5
FLOOR_WARMUP = 20
FLOOR_REPEAT = 300


def floor_time(client, anonymous_client, *, warmup=FLOOR_WARMUP, repeat=FLOOR_REPEAT):
    """The bare view's timing signed in (`client`) and anonymous, in-process."""
    from django.test import override_settings
    from django.urls import reverse

    with override_settings(ROOT_URLCONF=URLCONF):
        url = reverse(BARE_URL_NAME)
    page = Page(FLOOR_LABEL, BARE_URL_NAME)
    anonymous = Page("anonymous bare view", BARE_URL_NAME, persona="anonymous")
    clients = {"admin": client, "anonymous": anonymous_client}
    return time_in_process([(page, url), (anonymous, url)], clients, warmup=warmup, repeat=repeat)


def floor_check(timings):
    """(ok, line) for the signed-in floor's median against FLOOR_GOAL_MS."""
    signed_in, anonymous = timings[FLOOR_LABEL], timings["anonymous bare view"]
    ok = signed_in.p50_ms <= FLOOR_GOAL_MS
    return ok, (
        f"{'PASS' if ok else 'FAIL'} {FLOOR_LABEL}: p50 {signed_in.p50_ms:.2f} ms, p95 {signed_in.p95_ms:.2f} ms"
        f" over {signed_in.requests} requests (goal p50 ≤ {FLOOR_GOAL_MS} ms; anonymous p50"
        f" {anonymous.p50_ms:.2f} ms)"
    )


def percentile(samples, pct):
    """The pct-th percentile of samples, linearly interpolated (pct 50 is the median)."""
    ordered = sorted(samples)
    if len(ordered) == 1:
        return ordered[0]
    return statistics.quantiles(ordered, n=100, method="inclusive")[pct - 1]


@dataclass
class Timing:
    p50_ms: float
    p95_ms: float
    requests: int
    requests_per_s: float | None = None


def time_in_process(targets, clients, *, warmup, repeat):
    """p50 and p95 of `repeat` sequential requests per page, after `warmup` untimed ones.

    `targets` are (Page, url) pairs, `clients` a django.test.Client per persona.
    A response other than 200 stops the run: timing a redirect to the login page
    or an error page would measure the wrong thing.
    """
    from django.test import override_settings

    results = {}
    with override_settings(ROOT_URLCONF=URLCONF):
        for page, url in targets:
            client = clients[page.persona]
            samples = []
            for i in range(warmup + repeat):
                started = time.perf_counter()
                response = client.get(url)
                elapsed = time.perf_counter() - started
                if response.status_code != 200:
                    raise RuntimeError(f"{page.label}: GET {url} answered {response.status_code}, not 200")
                if i >= warmup:
                    samples.append(elapsed * 1000)
            results[page.label] = Timing(percentile(samples, 50), percentile(samples, 95), len(samples))
    return results


# wrk's done() hook prints one parsable line; latencies are in microseconds.
WRK_SCRIPT = """
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format("BENCH requests=%d duration_us=%d socket_errors=%d status_errors=%d p50=%d p95=%d\\n",
    summary.requests, summary.duration, e.connect + e.read + e.write + e.timeout, e.status,
    latency:percentile(50), latency:percentile(95)))
end
"""
WRK_WARMUP_S = 2
WRK_LINE = re.compile(
    r"BENCH requests=(\d+) duration_us=(\d+) socket_errors=(\d+) status_errors=(\d+) p50=(\d+) p95=(\d+)"
)


def status_check(host, port, url, cookie):
    """The status of one GET through the server, redirects not followed.

    wrk counts only 4xx/5xx as errors, so a 302 to the login page would pass as
    fast successes; this check catches it first.
    """
    connection = http.client.HTTPConnection(host, port, timeout=60)
    try:
        connection.request("GET", url, headers={"Cookie": cookie})
        response = connection.getresponse()
        response.read()
        return response.status
    finally:
        connection.close()


def time_under_load(targets, cookies, *, host, port, connections, threads, duration_s):
    """Requests/s, p50 and p95 per page from wrk at `connections` concurrent clients."""
    results = {}
    with tempfile.NamedTemporaryFile("w", suffix=".lua", prefix="bench-wrk-") as script:
        script.write(WRK_SCRIPT)
        script.flush()
        for page, url in targets:
            cookie = cookies[page.persona]
            status = status_check(host, port, url, cookie)
            if status != 200:
                raise RuntimeError(f"{page.label}: GET {url} through gunicorn answered {status}, not 200")
            command = ["wrk", f"-t{threads}", f"-c{connections}", "--timeout", "30s", "-s", script.name]
            command += ["-H", f"Cookie: {cookie}", f"http://{host}:{port}{url}"]
            # A short untimed round first, so that every worker has compiled the templates and connected.
            subprocess.run([*command, f"-d{WRK_WARMUP_S}s"], capture_output=True, check=True)  # nosec B603 # fixed argv
            output = subprocess.run(  # nosec B603 # fixed argv: wrk against a loopback URL
                [*command, f"-d{duration_s}s"], capture_output=True, text=True, check=True
            ).stdout
            match = WRK_LINE.search(output)
            if match is None:
                raise RuntimeError(f"{page.label}: no result line in wrk's output:\n{output}")
            requests, duration_us, socket_errors, status_errors, p50_us, p95_us = map(int, match.groups())
            if socket_errors or status_errors:
                raise RuntimeError(
                    f"{page.label}: wrk saw {socket_errors} socket errors and {status_errors} non-2xx/3xx answers"
                )
            results[page.label] = Timing(p50_us / 1000, p95_us / 1000, requests, requests / (duration_us / 1e6))
    return results


def report_table(targets, in_process, under_load):
    """The results as a Markdown table, with each page's ratio to the bare view."""
    bare_in = in_process.get(BARE_LABEL)
    bare_load = under_load.get(BARE_LABEL)

    def ratio(timing, bare):
        return f"{timing.p50_ms / bare.p50_ms:.1f}×" if timing and bare else "–"

    def ms(value):
        return f"{value:.1f}"

    lines = [
        "| page | in-process p50 ms | p95 ms | p50 ÷ bare | wrk req/s | wrk p50 ms | wrk p95 ms | wrk p50 ÷ bare"
        " | share of the minimal view |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    minimal = under_load.get(MINIMAL_LABEL)
    for page, _url in targets:
        one = in_process.get(page.label)
        load = under_load.get(page.label)
        lines.append(
            "| "
            + " | ".join(
                [
                    page.label,
                    ms(one.p50_ms) if one else "–",
                    ms(one.p95_ms) if one else "–",
                    ratio(one, bare_in),
                    f"{load.requests_per_s:.0f}" if load else "–",
                    ms(load.p50_ms) if load else "–",
                    ms(load.p95_ms) if load else "–",
                    ratio(load, bare_load),
                    f"{load.requests_per_s / minimal.requests_per_s:.1%}" if load and minimal else "–",
                ]
            )
            + " |"
        )
    return "\n".join(lines)


def goals_check(targets, in_process):
    """PASS/FAIL lines for the pages with a goal (p95 at one client, in-process)."""
    verdicts = []
    for page, _url in targets:
        if page.goal_ms is None or page.label not in in_process:
            continue
        p95 = in_process[page.label].p95_ms
        verdict = "PASS" if p95 <= page.goal_ms else "FAIL"
        verdicts.append((verdict == "PASS", f"{verdict} {page.label}: p95 {p95:.1f} ms (goal ≤ {page.goal_ms:.0f} ms)"))
    return verdicts


def demo_goals_check(targets, in_process, under_load):
    """PASS/FAIL lines for the demo's pages: the in-process median, and under wrk the
    share of the minimal view's requests/s (both taken in the same run)."""
    verdicts = []
    minimal = under_load.get(MINIMAL_LABEL)
    for page, _url in targets:
        one = in_process.get(page.label)
        if page.p50_goal_ms is not None and one is not None:
            ok = one.p50_ms <= page.p50_goal_ms
            line = f"{page.label}: p50 {one.p50_ms:.1f} ms (goal ≤ {page.p50_goal_ms:.0f} ms)"
            verdicts.append((ok, f"{'PASS' if ok else 'FAIL'} {line}"))
        load = under_load.get(page.label)
        if page.share_goal is not None and load is not None and minimal is not None:
            share = load.requests_per_s / minimal.requests_per_s
            ok = share >= page.share_goal
            verdicts.append(
                (
                    ok,
                    f"{'PASS' if ok else 'FAIL'} {page.label} under wrk: {load.requests_per_s:.0f} req/s, {share:.1%}"
                    f" of the minimal view's {minimal.requests_per_s:.0f} (goal ≥ {page.share_goal:.0%})",
                )
            )
    return verdicts


def load_share_line(under_load):
    """The signed-in bare view's requests/s as a share of the minimal view's, as a line
    (not a verdict: on a shared machine the other load moves it), or None."""
    bare, minimal = under_load.get(BARE_LABEL), under_load.get(MINIMAL_LABEL)
    if bare is None or minimal is None:
        return None
    share = bare.requests_per_s / minimal.requests_per_s
    return (
        f"{'MET' if share >= FLOOR_LOAD_SHARE else 'BELOW'} signed-in bare view under wrk:"
        f" {bare.requests_per_s:.0f} req/s, {share:.0%} of the {minimal.requests_per_s:.0f} of the {MINIMAL_LABEL}"
        f" (goal ≥ {FLOOR_LOAD_SHARE:.0%}, not enforced)"
    )


def report_write(path, text):
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
