"""Every page of the URL walk is valid HTML, by the Nu HTML Checker (vnu.jar, npm's
vnu-jar; it needs Java, which bin/setup.sh installs).

Each persona (teacher, curator, deputy head, administrator) opens every GET route
of the walk (apps/core/tests/test_url_walk.py) on a school where every object kind
of the walk exists, so lists have rows; the sign-in pages, the account pages, a
network's page, the two-factor code page and the error pages (403, 404, a failed
CSRF check, 413, 500) are added once. Every page that answers 200 with HTML (each
distinct page once) is written to a folder, and one run of the checker validates
them all: the test lists each error with the page, persona and URL it was found on. A page known to be invalid goes
into the same run, so that a checker that silently checks nothing fails the test.
See docs/testing.md#html-validation.
"""

import hashlib
import json
import shutil
import subprocess  # nosec B404 - runs the checker we ship, with fixed arguments
from pathlib import Path
from urllib.parse import unquote, urlparse

import pytest
from django.conf import settings
from django.test import Client, RequestFactory
from django.urls import reverse

from apps.accounts.models import Role
from apps.accounts.tests.factories import SchoolNetworkFactory, TOTPDeviceFactory, UserFactory
from apps.core.tests.test_url_walk import ACCOUNT_ROUTES, NETWORK_ROUTES, OBJECTS, PUBLIC_ROUTES, SCHOOL_ROUTES
from apps.core.tests.world import World, route_roles
from apps.core.views import server_error
from conftest import PERSONAS, client_for

pytestmark = [pytest.mark.html, pytest.mark.django_db]

VNU_JAR = Path(settings.BASE_DIR) / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"
# Proves the checker ran: it must report this page's stray end tag.
CANARY = "canary.html"
CANARY_HTML = "<!doctype html><html lang=ru><head><title>canary</title></head><body></div></body></html>"


@pytest.fixture
def world(school, teacher, curator, deputy_head, administrator):
    users = {Role.TEACHER: teacher, Role.CURATOR: curator, Role.DEPUTY_HEAD: deputy_head}
    return World(school, {**users, Role.ADMINISTRATOR: administrator})


class Pages:
    """The HTML pages to check, each distinct page once, with where it was seen."""

    def __init__(self, folder):
        self.folder = folder
        self.seen = {}  # file name -> [(who, url), ...]
        self._by_digest = {}

    def add(self, who, url, response, *, status=200):
        if response.status_code != status or response.streaming:
            return False
        if not response.get("Content-Type", "").startswith("text/html"):
            return False
        digest = hashlib.sha256(response.content).hexdigest()
        name = self._by_digest.get(digest)
        if name is None:
            name = self._by_digest[digest] = f"page-{len(self._by_digest):04d}.html"
            (self.folder / name).write_bytes(response.content)
            self.seen[name] = []
        self.seen[name].append((who, url))
        return True

    def where(self, name):
        places = self.seen.get(name, [])
        first = ", ".join(f"{who} {url}" for who, url in places[:3])
        return first + (f" (and {len(places) - 3} more)" if len(places) > 3 else "")


def _objects(world):
    """One object of each kind the GET routes name, all made before any page opens."""
    kinds = sorted({kind for method, kind, _who in SCHOOL_ROUTES.values() if kind and method == "get"})
    return {kind: OBJECTS[kind](world) for kind in kinds}


def _collect_pages(world, outsider, pages):
    objects = _objects(world)
    for role, fixture in PERSONAS.items():
        client = client_for(world.users[role])
        for name, (method, kind, _who) in sorted(SCHOOL_ROUTES.items()):
            if method != "get":
                continue
            url = reverse(name, kwargs=objects[kind] if kind else {})
            pages.add(fixture, url, client.get(url))
        for name in sorted(ACCOUNT_ROUTES):
            url = reverse(name)
            pages.add(fixture, url, client.get(url))

    anonymous = client_for(None)
    for name, (method, kwargs) in sorted(PUBLIC_ROUTES.items()):
        if method == "get":
            url = reverse(name, kwargs=kwargs)
            pages.add("anonymous", url, anonymous.get(url))

    network = SchoolNetworkFactory()
    world.school.network = network
    world.school.save()
    coordinator = UserFactory()
    network.coordinators.add(coordinator)
    coordinating = client_for(coordinator)
    for name, method in sorted(NETWORK_ROUTES.items()):
        if method == "get":
            url = reverse(name, kwargs={"network_id": network.pk})
            pages.add("coordinator", url, coordinating.get(url))

    # The code page of a session that has typed only the password.
    unverified = Client()
    unverified.force_login(world.users[Role.ADMINISTRATOR])
    TOTPDeviceFactory(user=world.users[Role.ADMINISTRATOR])
    url = reverse("two_factor_verify")
    assert pages.add("administrator before the code", url, unverified.get(url))

    # The error pages, once each: 403, 404, a failed CSRF check, a form too long, 500.
    forbidden = next(
        name
        for name, (method, kind, who) in sorted(SCHOOL_ROUTES.items())
        if method == "get" and not kind and Role.TEACHER not in route_roles(who)
    )
    url = reverse(forbidden)
    assert pages.add("teacher", url, client_for(world.users[Role.TEACHER]).get(url), status=403)
    object_route, kind = next(
        (name, kind) for name, (method, kind, _who) in sorted(SCHOOL_ROUTES.items()) if method == "get" and kind
    )
    url = reverse(object_route, kwargs=objects[kind])
    assert pages.add("outsider", url, client_for(outsider).get(url), status=404)
    assert pages.add("anonymous", "/no-such-page/", anonymous.get("/no-such-page/"), status=404)
    login = reverse("login")
    csrf_checked = Client(enforce_csrf_checks=True)
    assert pages.add("anonymous without a CSRF token", login, csrf_checked.post(login, {}), status=403)
    too_long = {"username": "x" * (settings.DATA_UPLOAD_MAX_MEMORY_SIZE + 1)}
    assert pages.add("anonymous, too long a form", login, anonymous.post(login, too_long), status=413)
    assert pages.add("anonymous", "(a server error)", server_error(RequestFactory().get("/")), status=500)


def _validate(folder):
    """One run of the checker over every page in `folder`: its messages."""
    java = shutil.which("java")
    assert java, "no java on PATH: bin/setup.sh installs it (default-jre-headless)"
    assert VNU_JAR.is_file(), f"{VNU_JAR} is missing: bin/setup.sh installs it (npm ci)"
    result = subprocess.run(  # nosec B603 - fixed arguments, our own temporary folder
        [java, "-Xss8m", "-jar", str(VNU_JAR), "--format", "json", "--stdout", "--errors-only", str(folder)],
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert result.returncode in (0, 1), result.stderr
    return json.loads(result.stdout)["messages"]


@pytest.mark.timeout(1200)
def test_every_page_of_the_walk_is_valid_html(world, outsider, tmp_path):
    folder = tmp_path / "pages"
    folder.mkdir()
    pages = Pages(folder)
    _collect_pages(world, outsider, pages)
    (folder / CANARY).write_text(CANARY_HTML, encoding="utf-8")

    messages = _validate(folder)

    errors, canary_seen = [], False
    for message in messages:
        name = Path(unquote(urlparse(message.get("url", "")).path)).name
        if name == CANARY:
            canary_seen = True
            continue
        line = message.get("lastLine", "?")
        extract = " ".join(message.get("extract", "").split())
        errors.append(f"{pages.where(name) or name}, line {line}: {message['message']} [{extract}]")
    assert canary_seen, "the checker reported nothing on a page known to be invalid"
    assert len(pages.seen) > 100, f"only {len(pages.seen)} pages checked"
    assert errors == [], f"{len(errors)} HTML errors (the pages are in {folder}):\n" + "\n".join(sorted(errors))
