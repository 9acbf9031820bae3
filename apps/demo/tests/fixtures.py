"""The demo for tests, seeded once per session (a pytest plugin, loaded by the root conftest).

Seeding the whole demo takes seconds; copying a database takes a fraction of one.
So the demo is seeded once into a template database, and each test that asks for
`demo` (or `demo_database`) runs against its own copy of it (CREATE DATABASE …
TEMPLATE), dropped when the next is made: what a test changes, even committed or
by seeding again, never reaches another test. The template starts as a copy of the migrated test
database, taken before any test runs, when nobody else is connected to it.
"""

import contextlib
import io
import zoneinfo

import pytest
from django.core.management import call_command
from django.db import connection, transaction
from django.test import override_settings
from django.utils import timezone

from apps.accounts.models import School
from apps.demo.accounts import MAIN_SCHOOL

DEMO_TEST_PASSWORD = "demo-pass-1"
# The tests' own fast hasher (conftest.py), for the logins the template holds.
FAST_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def _main_school_today():
    return timezone.now().astimezone(zoneinfo.ZoneInfo(MAIN_SCHOOL["time_zone"])).date()


def _database_create(name, *, template):
    """Needs nobody connected to `template`; this connection is closed first."""
    connection.close()
    quote = connection.ops.quote_name
    with connection._nodb_cursor() as cursor:
        cursor.execute(f"DROP DATABASE IF EXISTS {quote(name)} WITH (FORCE)")
        cursor.execute(f"CREATE DATABASE {quote(name)} TEMPLATE {quote(template)}")


def _database_drop(name):
    with connection._nodb_cursor() as cursor:
        cursor.execute(f"DROP DATABASE IF EXISTS {connection.ops.quote_name(name)} WITH (FORCE)")


@contextlib.contextmanager
def _connected_to(name):
    """Point the connection (and every thread's next one: they share settings_dict) at `name`."""
    original = connection.settings_dict["NAME"]
    connection.close()
    connection.settings_dict["NAME"] = name
    try:
        yield
    finally:
        connection.close()
        connection.settings_dict["NAME"] = original


class DemoDatabases:
    """The databases next to the test database: `pristine` (as migrated), `template`
    (the seeded demo) and `run` (the copy the current demo test uses)."""

    password = DEMO_TEST_PASSWORD

    def __init__(self, test_database):
        self.pristine = f"{test_database}_pristine"
        self.template = f"{test_database}_demo"
        self.run = f"{test_database}_demo_run"
        self.output = ""  # what seed_demo printed: the logins and the two-factor key
        self.seeded_on = None

    def seed(self):
        _database_create(self.template, template=self.pristine)
        out = io.StringIO()
        with _connected_to(self.template), override_settings(PASSWORD_HASHERS=FAST_HASHERS):
            seeded_on = _main_school_today()
            with transaction.atomic():
                call_command("seed_demo", password=self.password, stdout=out)
                # As inside a test's own transaction: what is meant for after the commit
                # (mail to enqueue for the worker) never runs, so no task of the
                # template reaches the test Redis.
                connection.run_on_commit.clear()
            # Statistics, as autovacuum keeps them in a running database: every copy
            # inherits them, so its plans do not change when autovacuum gets to it mid-test.
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
        self.output, self.seeded_on = out.getvalue(), seeded_on

    def copy_for_test(self):
        if self.seeded_on != _main_school_today():
            # The demo is dated from the school's today, which has turned since seeding.
            self.seed()
        _database_create(self.run, template=self.template)

    def drop(self):
        for name in (self.run, self.template, self.pristine):
            _database_drop(name)


@pytest.fixture(scope="session", autouse=True)
def _demo_databases(request, django_db_blocker):
    """When demo tests are selected, the pristine copy of the freshly migrated test
    database, taken now: later, other sessions (a worker's, a live server's) may hold
    the test database, and a database in use cannot be copied."""
    if not any("demo_template" in getattr(item, "fixturenames", ()) for item in request.session.items):
        yield None
        return
    request.getfixturevalue("django_db_setup")
    databases = DemoDatabases(connection.settings_dict["NAME"])
    with django_db_blocker.unblock():
        _database_create(databases.pristine, template=connection.settings_dict["NAME"])
    yield databases
    with django_db_blocker.unblock():
        databases.drop()


@pytest.fixture(scope="session")
def demo_template(_demo_databases, django_db_blocker):
    """The seeded demo, built at first use; `.output` is what seed_demo printed."""
    with django_db_blocker.unblock():
        _demo_databases.seed()
    return _demo_databases


@pytest.fixture
def demo_database(demo_template, django_db_blocker):
    """This test's own copy of the seeded demo. Asked for before `db` (as `demo`
    does), so that the test's transaction opens on the copy."""
    if connection.in_atomic_block:
        pytest.fail("ask for `demo` or `demo_database` before `db` and any fixture that writes to the database")
    with django_db_blocker.unblock():
        demo_template.copy_for_test()
    with _connected_to(demo_template.run):
        yield demo_template
    # The copy is dropped when the next one is made, or at the end of the session.


@pytest.fixture
def demo(demo_database, db):
    """The demo's main school, in this test's own copy of the seeded demo."""
    return School.objects.get(short_name=MAIN_SCHOOL["short_name"])
