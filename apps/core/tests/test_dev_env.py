"""`make run` (bin/dev.sh): the letters it sends link to the address it serves on."""

import os
import subprocess

import pytest
from django.conf import settings


def dev_env(**env):
    """The environment bin/dev.sh gives its commands, as `bin/dev.sh env` prints it."""
    unset = {"PORT", "HOST", "SITE_URL", "DEV_SITE_URL", "DJANGO_ALLOWED_HOSTS"}
    base = {k: v for k, v in os.environ.items() if k not in unset}
    result = subprocess.run(
        ["bash", "bin/dev.sh", "env"],
        env={**base, **env},
        capture_output=True,
        text=True,
        cwd=settings.BASE_DIR,
        check=True,
        timeout=30,
    )
    return dict(line.split("=", 1) for line in result.stdout.splitlines())


def test_site_url_is_the_default_address_by_default():
    assert dev_env()["SITE_URL"] == "http://127.0.0.1:8000"


@pytest.mark.parametrize("port", ["8123", "9000"])
def test_site_url_follows_the_port_make_run_serves_on(port):
    env = dev_env(PORT=port)
    assert env["PORT"] == port
    assert env["SITE_URL"] == f"http://127.0.0.1:{port}"


def test_site_url_follows_the_host_and_names_the_machine_for_a_wildcard():
    lan = dev_env(HOST="192.168.1.20", PORT="8001")
    assert lan["SITE_URL"] == "http://192.168.1.20:8001"
    wildcard = dev_env(HOST="0.0.0.0", PORT="8001")
    assert wildcard["SITE_URL"].endswith(":8001") and "0.0.0.0" not in wildcard["SITE_URL"]
    # The site answers at the address its letters link to.
    assert "192.168.1.20" in lan["DJANGO_ALLOWED_HOSTS"].split(",")
    machine = wildcard["SITE_URL"].removeprefix("http://").removesuffix(":8001")
    assert machine in wildcard["DJANGO_ALLOWED_HOSTS"].split(",")
    assert dev_env()["DJANGO_ALLOWED_HOSTS"] == "localhost,127.0.0.1,[::1]"


def test_a_shells_site_url_does_not_leak_in_but_dev_site_url_wins():
    assert dev_env(SITE_URL="https://prod.example.org", PORT="8002")["SITE_URL"] == "http://127.0.0.1:8002"
    assert dev_env(DEV_SITE_URL="https://tunnel.example.org")["SITE_URL"] == "https://tunnel.example.org"


def test_the_web_process_serves_on_the_same_host_and_port():
    web = next(line for line in (settings.BASE_DIR / "Procfile").read_text().splitlines() if line.startswith("web:"))
    assert "${HOST:-127.0.0.1}:${PORT:-8000}" in web
