"""Production settings refuse unsafe values, and `check --deploy` is clean."""

import os
import subprocess
import sys

from django.conf import settings

GOOD_KEY = "k8#Qz1-collabschool-production-secret-with-enough-entropy-9vX!pL2"


def run_manage(*args, **env):
    # A production environment: none of the test run's own switches leak in.
    base = {k: v for k, v in os.environ.items() if k not in {"DJANGO_ALLOW_ASYNC_UNSAFE", "DJANGO_DEBUG"}}
    full_env = {**base, "DJANGO_ENV": "production", "DJANGO_ALLOWED_HOSTS": "school.example.ru", **env}
    return subprocess.run(
        [sys.executable, "manage.py", *args], env=full_env, capture_output=True, text=True, cwd=settings.BASE_DIR
    )


def test_production_refuses_debug():
    result = run_manage("check", DJANGO_SECRET_KEY=GOOD_KEY, DJANGO_DEBUG="1")
    assert result.returncode != 0
    assert "DJANGO_DEBUG must be off" in result.stderr


def test_production_refuses_the_development_secret_key():
    result = run_manage("check")
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY" in result.stderr


def test_check_deploy_reports_nothing_with_production_settings():
    result = run_manage("check", "--deploy", "--fail-level", "WARNING", DJANGO_SECRET_KEY=GOOD_KEY)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_only_postgresql_is_configured():
    assert settings.DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql"
    assert settings.CELERY_BROKER_URL.startswith("redis://")


def test_beat_schedule_names_registered_tasks():
    from collabschool.celery import app

    app.loader.import_default_modules()  # as a worker or beat starts: builds the schedule
    assert len(app.conf.beat_schedule) >= 10
    for entry in app.conf.beat_schedule.values():
        assert entry["task"] in app.tasks
        assert entry["options"]["expires"] < entry["schedule"]


def test_server_error_page_speaks_russian(rf):
    from apps.core import views

    response = views.server_error(rf.get("/"))
    assert response.status_code == 500
    assert "Что-то пошло не так" in response.content.decode()


def test_forbidden_page_speaks_russian(teacher):
    from django.urls import reverse

    from conftest import client_for

    response = client_for(teacher).get(reverse("staff:list"))
    assert response.status_code == 403
    assert "Доступ запрещён" in response.content.decode()


def test_network_scoped_rows_belong_to_both_schools_and_no_other(school, other_school):
    from apps.accounts.tests.factories import SchoolFactory
    from apps.mentoring.models import MentorGroup, MentorGroupMember
    from apps.mentoring.tests.factories import MentorGroupFactory
    from apps.staff.tests.factories import StaffMemberFactory

    partner = SchoolFactory()
    group = MentorGroupFactory(
        school=school,
        partner_school=partner,
        members=[StaffMemberFactory(school=school), StaffMemberFactory(school=partner)],
    )
    assert list(MentorGroup.objects.for_school(partner)) == [group]
    assert MentorGroupMember.objects.for_school(partner).count() == 2
    assert not MentorGroup.objects.for_school(other_school).exists()
    assert not MentorGroup.objects.for_school(None).exists()


def test_hsts_and_the_other_security_headers_in_production():
    """Production adds HSTS to the headers every environment sends (the URL walk
    checks those on every page); development and the tests send no HSTS."""
    import json

    from apps.core.tests.headers import parse_csp

    # An anonymous request for the start page: a redirect to the login page, no database or templates needed.
    script = (
        "import json; from django.test import Client; "
        "r = Client().get('/', secure=True, headers={'host': 'school.example.ru'}); "
        "print(json.dumps({'status': r.status_code, **dict(r.headers)}))"
    )
    result = run_manage("shell", "-c", script, DJANGO_SECRET_KEY=GOOD_KEY)
    assert result.returncode == 0, result.stderr
    headers = json.loads(result.stdout.strip().splitlines()[-1])
    assert headers["status"] == 302
    assert headers["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains; preload"
    assert headers["X-Frame-Options"] == "DENY"
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"] == "same-origin"
    assert headers["Cross-Origin-Opener-Policy"] == "same-origin"
    assert parse_csp(headers["Content-Security-Policy"])["script-src"] == ["'self'"]

    from django.test import Client

    development = Client().get("/", secure=True)
    assert "Strict-Transport-Security" not in development.headers
    assert development["X-Frame-Options"] == "DENY"


def test_docker_compose_requires_what_production_cannot_guess():
    """Letters link to SITE_URL: left at its local default, every link would point at
    127.0.0.1. Compose refuses to start without it, as without the secret key."""
    import yaml

    compose = yaml.safe_load((settings.BASE_DIR / "docker-compose.yml").read_text())
    environment = compose["x-app"]["environment"]
    for name in ("SITE_URL", "DJANGO_SECRET_KEY", "POSTGRES_PASSWORD"):
        assert environment[name].startswith(f"${{{name}:?"), name


def test_docker_compose_redis_keeps_queued_work_across_a_restart():
    """Queued letters and tasks live in Redis: with append-only persistence on a
    volume, a broker that restarts (or a container recreated) still has them."""
    import yaml

    compose = yaml.safe_load((settings.BASE_DIR / "docker-compose.yml").read_text())
    redis = compose["services"]["redis"]
    command = redis["command"]
    assert command[0] == "redis-server"
    assert command[command.index("--appendonly") + 1] == "yes"
    volume = next(v.split(":")[0] for v in redis["volumes"] if v.split(":")[1] == "/data")
    assert volume in compose["volumes"]  # a named volume, not the container's own layer
    assert redis["restart"] == "unless-stopped"
