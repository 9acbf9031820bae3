"""`make run` serves the site as people see it: its web process (the Procfile's
`web` line, run as honcho runs it) answers a missing object with the site's own
Russian 404 page, not Django's debug page, and still serves the static files and
the icon without collectstatic."""

import os
import signal
import socket
import subprocess  # nosec B404 - starts the Procfile's own web command
import sys
import time
import urllib.error
import urllib.request
from contextlib import contextmanager
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

from conftest import client_for

PROCFILE = Path(settings.BASE_DIR) / "Procfile"


def _procfile_command(name):
    for line in PROCFILE.read_text(encoding="utf-8").splitlines():
        if line.startswith(f"{name}:"):
            return line.split(":", 1)[1].strip()
    raise AssertionError(f"no {name} process in {PROCFILE}")


def _free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _get(url, cookie=None):
    request = urllib.request.Request(url, headers={"Cookie": cookie} if cookie else {})
    try:
        with urllib.request.urlopen(request, timeout=30) as response:  # nosec B310 - our own server on 127.0.0.1
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


@contextmanager
def _make_run_web(log_path):
    """The Procfile's web process on a free port, on the test database; the DEBUG
    it runs with is the Procfile's own (none from the test's environment)."""
    port = _free_port()
    env = {
        **os.environ,
        "HOST": "127.0.0.1",
        "PORT": str(port),
        "POSTGRES_DB": connection.settings_dict["NAME"],
        "POSTGRES_CONN_MAX_AGE": "0",
        "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}",
    }
    env.pop("DJANGO_DEBUG", None)
    with open(log_path, "w") as log:
        process = subprocess.Popen(  # nosec B603 - the Procfile's command, as honcho runs it (through /bin/sh)
            ["/bin/sh", "-c", _procfile_command("web")],
            cwd=settings.BASE_DIR,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # runserver's reloader and its child end with the group
        )
        try:
            base = f"http://127.0.0.1:{port}"
            deadline = time.monotonic() + 120
            while True:
                assert process.poll() is None, f"the web process ended: {log_path.read_text()}"
                try:
                    with socket.create_connection(("127.0.0.1", port), timeout=1):
                        break
                except OSError:
                    assert time.monotonic() < deadline, f"the web process never listened: {log_path.read_text()}"
                    time.sleep(0.2)
            yield base
        finally:
            os.killpg(process.pid, signal.SIGTERM)
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait(timeout=20)


@pytest.mark.timeout(300)
def test_make_run_shows_the_russian_404_page_for_a_missing_object(transactional_db, teacher, tmp_path):
    session = client_for(teacher).cookies[settings.SESSION_COOKIE_NAME].value
    cookie = f"{settings.SESSION_COOKIE_NAME}={session}"

    with _make_run_web(tmp_path / "web.log") as base:
        status, body = _get(f"{base}/visits/999999/", cookie)
        page = body.decode()
        assert status == 404
        assert '<html lang="ru">' in page
        assert "Страница не найдена" in page
        assert "DEBUG = True" not in page  # Django's debug page says why it shows

        # What else a page needs is served too: static files without collectstatic (the built
        # stylesheet and icon sprite among them), the favicon.
        for path in ("/static/build/site.css", "/static/build/icons.svg", "/static/js/app.js", "/favicon.ico"):
            assert _get(f"{base}{path}")[0] == 200, path
        status, body = _get(f"{base}/", cookie)
        assert status == 200 and "Страница не найдена" not in body.decode()
