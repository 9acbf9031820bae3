"""Time the dashboards and the main list pages on the benchmark dataset.

First in-process (django.test.Client, one client, p50 and p95 of repeated
requests), then under gunicorn with wrk at 8 concurrent clients; both next to a
bare Django view measured in the same run. Prints the table, PASS/FAIL against
the goals, and writes the table to .data/bench/last.md (for docs/performance.md).
"""

import contextlib
import http.client
import os
import socket
import subprocess  # nosec B404 # gunicorn started with a fixed argv, no shell
import sys
import time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.test import Client
from django.utils import timezone
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from apps.accounts.models import School, User
from apps.accounts.services import CURRENT_SCHOOL_SESSION_KEY
from apps.accounts.twofactor import twofactor_device, twofactor_needed
from apps.benchmark import timing
from apps.benchmark.management.commands.bench_generate import BENCH_DOMAIN
from apps.community.models import Material, MaterialComment
from apps.visits.models import LessonVisit

HOST = "127.0.0.1"


def free_port():
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


class Command(BaseCommand):
    help = "Time the dashboards and list pages in-process and under gunicorn + wrk, next to a bare view."
    default_output = str(settings.BASE_DIR / ".data" / "bench" / "last.md")

    def add_arguments(self, parser):
        parser.add_argument("--warmup", type=int, default=5)
        parser.add_argument("--repeat", type=int, default=50)
        parser.add_argument("--connections", type=int, default=8)
        parser.add_argument("--duration", type=int, default=10, help="Seconds of wrk per page.")
        parser.add_argument("--workers", type=int, default=2, help="gunicorn workers.")
        parser.add_argument("--no-load", action="store_true", help="Skip gunicorn and wrk.")
        parser.add_argument("--output", default=self.default_output)
        parser.add_argument(
            "--floor-repeat", type=int, default=timing.FLOOR_REPEAT, help="Timed requests of the signed-in floor."
        )
        parser.add_argument("--floor-only", action="store_true", help="Time the signed-in floor only.")
        parser.add_argument(
            "--demo",
            action="store_true",
            help="Time the demo school's pages (a database where seed_demo ran) against their goals.",
        )

    def handle(self, *args, **options):
        if options["demo"]:
            return self.handle_demo(options)
        admin, school, curator, coordinator, network = self.personas()
        targets, missing = timing.pages_resolve(timing.PAGES, network_id=network.pk)
        for note in missing:
            self.stdout.write(f"bench_run: {note}")
        clients = {
            "admin": self.client_for(admin, school),
            "curator": self.client_for(curator, school),
            "coordinator": self.client_for(coordinator, school),
        }
        floor = timing.floor_time(clients["admin"], Client(SERVER_NAME=HOST), repeat=options["floor_repeat"])
        floor_verdict = timing.floor_check(floor)
        self.stdout.write(f"bench_run: {floor_verdict[1]}")
        if options["floor_only"]:
            if not floor_verdict[0]:
                raise CommandError("the signed-in floor misses its goal")
            return
        self.stdout.write(
            f"bench_run: in-process, {options['warmup']} warm-up + {options['repeat']} timed requests per page"
            f" as {admin.email}, {curator.email} ({school.short_name}) and {coordinator.email} (network of"
            f" {network.schools.count()} schools)"
        )
        in_process = timing.time_in_process(targets, clients, warmup=options["warmup"], repeat=options["repeat"])
        under_load = {}
        if not options["no_load"]:
            cookies = {persona: self.cookie(client) for persona, client in clients.items()}
            under_load = self.load(targets, cookies, options)

        table = timing.report_table(targets, in_process, under_load)
        verdicts = [floor_verdict, *timing.goals_check(targets, in_process)]
        share_line = timing.load_share_line(under_load)
        context = (
            f"Run {timezone.now():%Y-%m-%d %H:%M} UTC on {os.cpu_count()} CPUs, DEBUG={settings.DEBUG}:"
            f" {School.objects.count()} schools, {LessonVisit.objects.count()} lesson visits,"
            f" {Material.objects.count()} materials, {MaterialComment.objects.count()} comments."
            f" In-process: one client, {options['repeat']} requests per page."
            + (
                ""
                if options["no_load"]
                else f" Load: gunicorn with {options['workers']} workers, wrk at {options['connections']}"
                f" connections for {options['duration']} s per page."
            )
        )
        # Informative here: the demo's run (--demo) holds the signed-in floor's share to its goal.
        verdicts += [(True, share_line)] if share_line else []
        return self.report(context, table, verdicts, missing, options)

    def handle_demo(self, options):
        """The demo school's most used pages as the people who open them: in-process,
        then under gunicorn and wrk beside the minimal view, each against its goal."""
        users = {}
        for persona, email in timing.DEMO_LOGINS.items():
            users[persona] = User.objects.filter(email=email).first()
            if users[persona] is None:
                raise CommandError(f"No demo school here ({email} is missing): run manage.py seed_demo first.")
        school = users["admin"].memberships.select_related("school").get().school
        targets, missing = timing.pages_resolve(timing.DEMO_PAGES, network_id=None)
        clients = {persona: self.client_for(user, school) for persona, user in users.items()}
        clients["anonymous"] = Client(SERVER_NAME=HOST)
        floor = timing.floor_time(clients["admin"], clients["anonymous"], repeat=options["floor_repeat"])
        floor_verdict = timing.floor_check(floor)
        self.stdout.write(f"bench_run: {floor_verdict[1]}")
        in_process = timing.time_in_process(targets, clients, warmup=options["warmup"], repeat=options["repeat"])
        under_load = {}
        if not options["no_load"]:
            cookies = {persona: self.cookie(client) for persona, client in clients.items()}
            under_load = self.load(targets, cookies, options)
        verdicts = [floor_verdict, *timing.demo_goals_check(targets, in_process, under_load)]
        context = (
            f"Demo school {school.short_name!r}, run {timezone.now():%Y-%m-%d %H:%M} UTC on {os.cpu_count()} CPUs,"
            f" DEBUG={settings.DEBUG}, load average {' / '.join(f'{n:.1f}' for n in os.getloadavg())}."
            f" In-process: one client, {options['repeat']} requests per page."
            + (
                ""
                if options["no_load"]
                else f" Load: gunicorn with {options['workers']} workers, wrk at {options['connections']}"
                f" connections for {options['duration']} s per page."
            )
        )
        return self.report(context, timing.report_table(targets, in_process, under_load), verdicts, missing, options)

    def report(self, context, table, verdicts, missing, options):
        text = "\n\n".join([context, table, "\n".join(line for _ok, line in verdicts), *missing]).strip() + "\n"
        self.stdout.write("\n" + text)
        output = options["output"]
        if options["demo"] and output == self.default_output:
            output = str(settings.BASE_DIR / ".data" / "bench" / "demo.md")
        timing.report_write(output, text)
        self.stdout.write(f"bench_run: written to {output}")
        if not all(ok for ok, _line in verdicts):
            raise CommandError("some pages miss their goal")

    def personas(self):
        """The administrator of the first network's leader school (a mid-size one: its staff count is
        the mean; other schools' network pairs visit it too), the curator of its network pair of this
        year, and the coordinator of that network."""
        coordinator = User.objects.filter(email=f"coordinator@{BENCH_DOMAIN}").first()
        if coordinator is None:
            raise CommandError("No benchmark dataset here: run manage.py bench_generate first.")
        school = School.objects.filter(is_network_leader=True).order_by("pk").first()
        admin = User.objects.get(memberships__school=school, email__startswith="admin-")
        curator = User.objects.filter(memberships__school=school, email__startswith="curator-").first()
        if curator is None:
            raise CommandError("The dataset has no curator logins: run manage.py bench_generate --force again.")
        return admin, school, curator, coordinator, school.network

    def client_for(self, user, school):
        client = Client(SERVER_NAME=HOST)  # an allowed host, unlike the default "testserver"
        client.force_login(user)
        session = client.session
        session[CURRENT_SCHOOL_SESSION_KEY] = school.pk
        if twofactor_needed(user=user):
            # The benchmark's own synthetic users: an authenticator, and a session that has
            # passed it, as after a real sign-in (pages are timed, not the sign-in).
            device = twofactor_device(user=user) or TOTPDevice.objects.create(user=user, name="bench", confirmed=True)
            session[DEVICE_ID_SESSION_KEY] = device.persistent_id
        session.save()
        return client

    def cookie(self, client):
        if settings.SESSION_COOKIE_NAME not in client.cookies:
            return f"{settings.LANGUAGE_COOKIE_NAME}=ru"
        return (
            f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value};"
            f" {settings.LANGUAGE_COOKIE_NAME}=ru"
        )

    def load(self, targets, cookies, options):
        """Start gunicorn on a free port, run wrk against each page, stop gunicorn; then the
        same for the minimal Django view (no middleware), the ceiling of the bare view."""
        with self.gunicorn("apps.benchmark.timing:wsgi_application()", options) as port:
            self.stdout.write(
                f"bench_run: under load, gunicorn with {options['workers']} workers on {HOST}:{port},"
                f" wrk at {options['connections']} connections for {options['duration']} s per page"
            )
            results = self.wrk(targets, cookies, port, options)
        bare_url = next(url for page, url in targets if page.label == timing.BARE_LABEL)
        minimal = timing.Page(timing.MINIMAL_LABEL, timing.BARE_URL_NAME, persona="anonymous")
        with self.gunicorn("apps.benchmark.timing:minimal_wsgi_application()", options) as port:
            results.update(self.wrk([(minimal, bare_url)], {"anonymous": ""}, port, options))
        return results

    def wrk(self, targets, cookies, port, options):
        return timing.time_under_load(
            targets,
            cookies,
            host=HOST,
            port=port,
            connections=options["connections"],
            threads=min(2, options["connections"]),
            duration_s=options["duration"],
        )

    @contextlib.contextmanager
    def gunicorn(self, app, options):
        port = free_port()
        command = [
            sys.executable,
            "-m",
            "gunicorn",
            app,
            "--bind",
            f"{HOST}:{port}",
            "--workers",
            str(options["workers"]),
            "--log-level",
            "warning",
        ]
        server = subprocess.Popen(command, env={**os.environ, "DJANGO_LOG_LEVEL": "WARNING"})  # nosec B603 # fixed argv
        try:
            self.wait_until_up(server, port)
            yield port
        finally:
            server.terminate()
            try:
                server.wait(timeout=30)
            except subprocess.TimeoutExpired:
                server.kill()

    def wait_until_up(self, server, port):
        deadline = time.monotonic() + 60
        while True:
            if server.poll() is not None:
                raise CommandError(f"gunicorn exited with {server.returncode}")
            connection = http.client.HTTPConnection(HOST, port, timeout=2)
            try:
                connection.request("GET", "/healthz/")
                # Any answer will do: without a worker /healthz says 503.
                connection.getresponse()
                return
            except (OSError, http.client.HTTPException):
                pass  # not answering yet
            finally:
                connection.close()
            if time.monotonic() > deadline:
                raise CommandError("gunicorn did not answer within 60 s")
            time.sleep(0.3)
