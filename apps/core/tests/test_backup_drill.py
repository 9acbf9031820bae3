"""The backup drill: bin/backup.sh then bin/restore.sh against the test
PostgreSQL, and every table of the restored database holds as many rows as
the source; plus the Docker Compose `backup` service's loop and retention,
run here with bash against the same server."""

import os
import re
import subprocess
import uuid
from pathlib import Path

import psycopg2
import pytest
import yaml
from django.conf import settings
from django.db import connection
from psycopg2 import sql

from apps.accounts.tests.factories import MembershipFactory
from apps.core.health import WORKER, heartbeat_touch
from apps.visits.tests.factories import FeedbackFactory

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.timeout(180)]

ROOT = Path(settings.BASE_DIR)


def pg_env(**extra):
    db = connection.settings_dict
    return {
        **os.environ,
        "POSTGRES_HOST": db["HOST"],
        "POSTGRES_PORT": str(db["PORT"]),
        "POSTGRES_USER": db["USER"],
        "POSTGRES_PASSWORD": db["PASSWORD"] or "",
        "POSTGRES_DB": db["NAME"],
        **extra,
    }


def run(*args, env, timeout=120):
    return subprocess.run(args, cwd=ROOT, env=env, capture_output=True, text=True, timeout=timeout)


def connect(dbname):
    db = connection.settings_dict
    return psycopg2.connect(
        dbname=dbname, host=db["HOST"], port=db["PORT"], user=db["USER"], password=db["PASSWORD"] or None
    )


def row_counts(dbname):
    """{table: rows} for every table of the public schema."""
    with connect(dbname) as conn, conn.cursor() as cursor:
        cursor.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename")
        tables = [name for (name,) in cursor.fetchall()]
        counts = {}
        for table in tables:
            cursor.execute(sql.SQL("SELECT count(*) FROM {}").format(sql.Identifier(table)))
            counts[table] = cursor.fetchone()[0]
    conn.close()
    return counts


def drop_database(name):
    conn = connect("postgres")
    conn.autocommit = True
    with conn.cursor() as cursor:
        cursor.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))
    conn.close()


def test_backup_and_restore_into_a_fresh_database_keep_every_row(tmp_path):
    feedback = FeedbackFactory.create_batch(3)
    MembershipFactory(school=feedback[0].visit.school)
    heartbeat_touch(name=WORKER)
    source = connection.settings_dict["NAME"]
    target = f"{source}_drill_{uuid.uuid4().hex[:8]}"
    env = pg_env(BACKUP_DIR=str(tmp_path), TARGET_DB=target)

    backup = run("bash", "bin/backup.sh", env=env)
    assert backup.returncode == 0, backup.stderr
    dump = Path(backup.stdout.strip())
    assert dump.parent == tmp_path and re.fullmatch(r"collabschool-\d{8}T\d{6}Z\.dump", dump.name)
    assert dump.read_bytes()[:5] == b"PGDMP"  # custom format
    assert oct(dump.stat().st_mode & 0o777) == "0o600"
    assert list(tmp_path.glob("*.partial")) == []

    try:
        restore = run("bash", "bin/restore.sh", str(dump), env=env)
        assert restore.returncode == 0, restore.stderr
        assert f"POSTGRES_DB={target}" in restore.stdout

        expected = row_counts(source)
        assert expected["visits_feedback"] == 3 and expected["accounts_membership"] >= 1
        assert expected["core_heartbeat"] == 1
        assert row_counts(target) == expected
        with connect(target) as conn, conn.cursor() as cursor:
            cursor.execute("SELECT facts FROM visits_feedback ORDER BY id")
            assert [facts for (facts,) in cursor.fetchall()] == [f.facts for f in feedback]
        conn.close()

        # The restored database now holds tables: a second restore into it is refused...
        again = run("bash", "bin/restore.sh", str(dump), env=env)
        assert again.returncode != 0 and "RESTORE_OVERWRITE=1" in again.stderr
        # ...and the live database is never a target, even when overwriting is asked for.
        live = run("bash", "bin/restore.sh", str(dump), env={**env, "TARGET_DB": source, "RESTORE_OVERWRITE": "1"})
        assert live.returncode != 0 and "is the live database" in live.stderr
        assert row_counts(source) == expected
        # Asked for: dropped and restored again.
        forced = run("bash", "bin/restore.sh", str(dump), env={**env, "RESTORE_OVERWRITE": "1"})
        assert forced.returncode == 0, forced.stderr
        assert row_counts(target) == expected
    finally:
        drop_database(target)


def test_a_failed_backup_exits_non_zero_and_leaves_no_file(tmp_path):
    result = run("bash", "bin/backup.sh", env=pg_env(BACKUP_DIR=str(tmp_path), POSTGRES_DB="no_such_database_h5"))
    assert result.returncode != 0
    assert result.stdout == ""
    assert list(tmp_path.iterdir()) == []


def test_restore_refuses_what_is_not_a_dump(tmp_path):
    fake = tmp_path / "collabschool-20260101T000000Z.dump"
    fake.write_text("not a dump")
    result = run("bash", "bin/restore.sh", str(fake), env=pg_env(TARGET_DB="never_created_h5"))
    assert result.returncode != 0 and "not a pg_dump custom-format archive" in result.stderr


def server_version():
    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        return cursor.fetchone()[0]  # e.g. "15.18 (Debian 15.18-0+deb12u1)"


def as_dumped_from_another_major(dump, tmp_path):
    """A copy of a real dump whose header names another major version of the
    server it came from, as a dump of another PostgreSQL would: the header's
    version string, "15.18 …" made "14.18 …" (the same length, so nothing after
    it moves). pg_restore reads the copy as before."""
    version = server_version()
    major = version.split(".")[0]
    other = str(int(major) - 1) if len(str(int(major) - 1)) == len(major) else str(int(major) + 1)
    data = dump.read_bytes()
    # The first copy of the version is the server's; the pg_dump's own follows it.
    at = data.index(version.encode())
    assert at < 200, "the server's version is in the archive's header"
    other_dump = tmp_path / "collabschool-other-major.dump"
    other_dump.write_bytes(data[:at] + other.encode() + data[at + len(major) :])
    return other_dump, major, other


def database_exists(name):
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
        return cursor.fetchone() is not None


def test_restore_refuses_a_dump_of_another_major_version_unless_asked(tmp_path):
    FeedbackFactory.create_batch(2)
    source = connection.settings_dict["NAME"]
    target = f"{source}_major_{uuid.uuid4().hex[:8]}"
    env = pg_env(BACKUP_DIR=str(tmp_path), TARGET_DB=target)
    backup = run("bash", "bin/backup.sh", env=env)
    assert backup.returncode == 0, backup.stderr
    dump, major, other = as_dumped_from_another_major(Path(backup.stdout.strip()), tmp_path)
    pg_restore = f"/usr/lib/postgresql/{major}/bin/pg_restore"
    listing = subprocess.run([pg_restore, "--list", str(dump)], capture_output=True, text=True, check=True).stdout
    assert f"Dumped from database version: {other}." in listing

    try:
        refused = run("bash", "bin/restore.sh", str(dump), env=env)
        assert refused.returncode != 0
        assert f"dumped from PostgreSQL {other} but the server is {major}" in refused.stderr
        assert "RESTORE_ANY_VERSION=1" in refused.stderr
        assert not database_exists(target)

        forced = run("bash", "bin/restore.sh", str(dump), env={**env, "RESTORE_ANY_VERSION": "1"})
        assert forced.returncode == 0, forced.stderr
        assert f"POSTGRES_DB={target}" in forced.stdout
        assert row_counts(target)["visits_feedback"] == 2
    finally:
        drop_database(target)


def compose():
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text())


def test_compose_backup_service_dumps_daily_and_keeps_the_newest(tmp_path):
    """The service's own script, run once: a real dump, then retention. Its
    `sleep 86400` is a stub that stops the loop as `docker stop` would."""
    services = compose()["services"]
    backup = services["backup"]
    assert backup["image"] == services["postgres"]["image"]  # pg_dump of the server's version
    assert "backups:/backups" in backup["volumes"]
    assert backup["environment"]["BACKUP_KEEP"] == "${BACKUP_KEEP:-14}"
    script = backup["command"][0]
    assert "sleep 86400" in script and "pg_dump --format=custom" in script

    folder = tmp_path / "backups"
    folder.mkdir()
    for day in range(1, 16):  # fifteen older dumps
        old = folder / f"collabschool-202501{day:02d}T030000Z.dump"
        old.write_text("old")
        os.utime(old, (1736000000 + day * 86400,) * 2)
    stubs = tmp_path / "bin"
    stubs.mkdir()
    (stubs / "sleep").write_text("#!/bin/sh\nkill -TERM $PPID\n")
    (stubs / "sleep").chmod(0o755)
    db = connection.settings_dict
    env = {
        "PATH": f"{stubs}:/usr/lib/postgresql/15/bin:{os.environ['PATH']}",
        "PGHOST": db["HOST"],
        "PGPORT": str(db["PORT"]),
        "PGUSER": db["USER"],
        "PGPASSWORD": db["PASSWORD"] or "",
        "PGDATABASE": db["NAME"],
        "BACKUP_KEEP": "14",
    }
    # Compose turns $$ into $; the volume is a folder here.
    body = script.replace("$$", "$").replace("/backups", str(folder))
    result = subprocess.run(["bash", "-c", body], env=env, capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr

    dumps = sorted(path.name for path in folder.iterdir())
    assert len(dumps) == 14
    newest = folder / dumps[-1]
    assert newest.name.startswith("collabschool-2") and newest.read_bytes()[:5] == b"PGDMP"
    assert "collabschool-20250101T030000Z.dump" not in dumps and "collabschool-20250102T030000Z.dump" not in dumps

    # The healthcheck: healthy with a fresh dump, unhealthy when the newest is two days old.
    check = backup["healthcheck"]["test"][1].replace("/backups", str(folder))
    assert subprocess.run(["sh", "-c", check], check=False).returncode == 0
    subprocess.run(["touch", "-d", "2 days ago", str(newest)], check=True)
    assert subprocess.run(["sh", "-c", check], check=False).returncode != 0
