"""Shared fixtures: schools and the personas every view is tried with.

Personas: teacher, curator, deputy head, administrator of `school`, and an
outsider who administers `other_school` and nothing in `school`.
"""

import os
import subprocess
import sys
import time
import uuid

import pytest
from django.test import Client
from django_otp import DEVICE_ID_SESSION_KEY

from apps.accounts.models import Role
from apps.accounts.tests.factories import MembershipFactory, SchoolFactory, TOTPDeviceFactory, UserFactory
from apps.accounts.twofactor import twofactor_device, twofactor_needed

# `demo` and `demo_database`: the demo seeded once per session, a copy for each test.
pytest_plugins = ["apps.demo.tests.fixtures"]


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _todos_uncached(settings):
    """To-dos are counted afresh on every page, as the query counts pinned by the
    tests expect; apps/core/tests/test_todos_cache.py turns the cache on."""
    settings.PERSON_CACHE_SECONDS = 0


@pytest.fixture(autouse=True)
def _signed_in_person_unkept(settings):
    """The signed-in person is read from PostgreSQL on every request, so that a page's
    pinned query count does not depend on whether an earlier request kept it. Their
    own tests, the floor's, the browser, fault and speed suites keep it as in
    production (`signed_in_person_kept`)."""
    settings.SIGNED_IN_SNAPSHOT_SECONDS = 0


@pytest.fixture
def signed_in_person_kept(settings):
    settings.SIGNED_IN_SNAPSHOT_SECONDS = 30


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    """Uploaded files of a test land in its own temporary folder."""
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(autouse=True)
def _broker_backoff_reset():
    """A test that made the broker fail leaves no pause on enqueueing to the next."""
    from apps.core.tasks import enqueue_backoff_reset

    yield
    enqueue_backoff_reset()


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """Transactional tests end with Django's flush, a TRUNCATE of every table,
    which the audit trail's trigger refuses; in the test database only, that one
    trigger is off (apps/audit/tests turn it back on to prove it works)."""
    from django.db import connection

    with django_db_blocker.unblock(), connection.cursor() as cursor:
        cursor.execute("ALTER TABLE audit_auditevent DISABLE TRIGGER audit_event_no_truncate")
    yield
    # Processes the tests started (workers, beats, killed ones among them) may still
    # hold a session for a moment; dropping the test database then fails with
    # "being accessed by other users". Nothing else uses this database.
    with django_db_blocker.unblock():
        _end_other_sessions()


@pytest.fixture
def school(db):
    return SchoolFactory(short_name="Берёзовская СОШ", time_zone="Europe/Samara")


@pytest.fixture
def other_school(db):
    return SchoolFactory(short_name="Чужая СОШ")


def _member(school, *roles, **user_fields):
    return MembershipFactory(school=school, roles=list(roles), user=UserFactory(**user_fields)).user


@pytest.fixture
def teacher(school):
    return _member(school, Role.TEACHER)


@pytest.fixture
def curator(school):
    return _member(school, Role.CURATOR)


@pytest.fixture
def deputy_head(school):
    return _member(school, Role.DEPUTY_HEAD)


@pytest.fixture
def administrator(school):
    return _member(school, Role.ADMINISTRATOR)


@pytest.fixture
def outsider(other_school):
    """Holds every role, but in another school."""
    return _member(other_school, *Role.values)


PERSONAS = {
    Role.TEACHER: "teacher",
    Role.CURATOR: "curator",
    Role.DEPUTY_HEAD: "deputy_head",
    Role.ADMINISTRATOR: "administrator",
}


def client_for(user):
    """A client signed in as `user`; one who must use two-factor sign-in (an
    administrator, a coordinator, anyone with an authenticator) has passed it too,
    with a confirmed authenticator, the way django_otp.login marks the session."""
    client = Client()
    if user is not None:
        client.force_login(user)
        if twofactor_needed(user=user):
            device = twofactor_device(user=user) or TOTPDeviceFactory(user=user)
            session = client.session
            session[DEVICE_ID_SESSION_KEY] = device.persistent_id
            session.save()
    return client


@pytest.fixture(scope="session")
def celery_worker_process(django_db_setup, django_db_blocker, tmp_path_factory):
    """A real Celery worker process on the test Redis and the test database.

    Mail it sends goes to files in `mail_dir`, since it runs in its own process.
    """
    from django.db import connection

    from collabschool.celery import app

    mail_dir = tmp_path_factory.mktemp("worker-mail")
    name = f"test-{uuid.uuid4().hex[:8]}@localhost"
    env = {
        **os.environ,
        "POSTGRES_DB": connection.settings_dict["NAME"],
        "EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
        "EMAIL_FILE_PATH": str(mail_dir),
        "POSTGRES_CONN_MAX_AGE": "0",
        # Names its PostgreSQL sessions, so teardown can wait for them to end.
        "PGAPPNAME": WORKER_APP_NAME,
    }
    env.pop("EMAIL_HOST", None)
    log = open(mail_dir.parent / "worker.log", "w")  # noqa: SIM115 - kept open for the worker's lifetime
    process = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "collabschool", "worker", "--pool=solo", "-n", name, "-l", "INFO"],
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        deadline = time.monotonic() + 60
        while not app.control.ping(destination=[name], timeout=1):
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"Celery worker did not start; see {log.name}")
        yield {"mail_dir": mail_dir, "name": name}
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=20)
        log.close()
        # PostgreSQL ends a dead client's session a moment later; dropping the
        # test database before that fails ("being accessed by other users").
        with django_db_blocker.unblock():
            _end_worker_sessions()


WORKER_APP_NAME = "collabschool-test-worker"


def _end_other_sessions(timeout=10):
    """End every other session on the test database and wait until they are gone."""
    from django.db import connection

    where = "WHERE datname = current_database() AND pid <> pg_backend_pid()"
    deadline = time.monotonic() + timeout
    with connection.cursor() as cursor:
        while True:
            cursor.execute("SELECT count(*) FROM pg_stat_activity " + where)
            if cursor.fetchone()[0] == 0 or time.monotonic() > deadline:
                break
            cursor.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity " + where)
            time.sleep(0.1)
    connection.close()


def _end_worker_sessions(timeout=10):
    """Wait until the worker's PostgreSQL sessions are gone; end any left."""
    from django.db import connection

    where = "WHERE datname = current_database() AND application_name = %s"
    count = "SELECT count(*) FROM pg_stat_activity " + where
    terminate = "SELECT pg_terminate_backend(pid) FROM pg_stat_activity " + where
    deadline = time.monotonic() + timeout
    with connection.cursor() as cursor:
        while True:
            cursor.execute(count, [WORKER_APP_NAME])
            if cursor.fetchone()[0] == 0:
                break
            if time.monotonic() > deadline:
                cursor.execute(terminate, [WORKER_APP_NAME])
                break
            time.sleep(0.1)
    connection.close()
