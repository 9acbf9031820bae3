"""Real processes for the fault tests: a Redis server of the test's own (on a free
loopback port, so it can be stopped, frozen and restarted), Celery workers and
beats on it and on the test database, and the letters they write to files.

Every process is ended in the fixtures' teardown, whatever the test did.
"""

import contextlib
import email
import email.policy
import os
import re
import signal
import socket
import subprocess
import sys
import time
import uuid
from collections import Counter
from pathlib import Path

import pytest
import redis

from apps.core.tasks import enqueue_backoff_reset

ROOT = Path(__file__).resolve().parents[2]
LETTER_SEPARATOR = b"\n" + b"-" * 79 + b"\n"
# A worker's log lines of a task received and of how it ended (celery.app.trace), by
# task id; a task that expired is discarded, before or after it was received.
TASK_RECEIVED = re.compile(r"Task \S+\[([0-9a-f-]{36})\] received")
TASK_ENDED = re.compile(
    r"Task \S+\[([0-9a-f-]{36})\] (?:succeeded in|raised unexpected|retry:|ignored|INTERNAL ERROR)"
    r"|Discarding revoked task: \S+\[([0-9a-f-]{36})\]"
)


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_for(condition, *, timeout, what, processes=()):
    """Poll `condition` until it holds; fail with `what` (and the logs of any
    process that died meanwhile) after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while True:
        if condition():
            return
        for process in processes:
            if process.poll() is not None:
                pytest.fail(f"{process.name} exited ({process.returncode}) while waiting for {what}:\n{process.tail()}")
        if time.monotonic() > deadline:
            logs = "\n".join(process.tail() for process in processes)
            pytest.fail(f"timed out after {timeout} s waiting for {what}\n{logs}")
        time.sleep(0.1)


def run_tasks(worker, *names, timeout=30):
    """Send the tasks `names` as beat would and wait until `worker` has run each of
    them to success (not merely taken it off the queue)."""
    from collabschool.celery import app

    ids = [app.send_task(name).id for name in names]
    wait_for(
        lambda: all(worker.succeeded(task_id) for task_id in ids),
        timeout=timeout,
        what=f"{', '.join(names)} to succeed",
        processes=[worker],
    )


def wait_until_idle(worker, redis_server, *, timeout=30, settle=0.5):
    """Wait until nothing is queued and `worker` has finished every task it took
    (the letters a sweep enqueued too), and both stay so for `settle` seconds."""
    idle_since = []

    def settled():
        if redis_server.queue_length() or worker.busy():
            idle_since.clear()
            return False
        idle_since[:] = idle_since or [time.monotonic()]
        return time.monotonic() - idle_since[0] >= settle

    wait_for(settled, timeout=timeout, what=f"{worker.name} to work off its queue", processes=[worker])


class RedisServer:
    """redis-server in the foreground, owned by the test: start, stop, freeze."""

    def __init__(self, folder):
        self.folder = folder
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.process = None

    def client(self):
        return redis.Redis(host="127.0.0.1", port=self.port, socket_timeout=2, socket_connect_timeout=2)

    def start(self):
        self.process = subprocess.Popen(
            ["redis-server", "--bind", "127.0.0.1", "--port", str(self.port), "--dir", str(self.folder)]
            + ["--save", "", "--appendonly", "no", "--logfile", str(self.folder / "redis.log")],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )

        def answers():
            with contextlib.suppress(redis.RedisError):
                return self.client().ping()
            return False

        wait_for(answers, timeout=15, what=f"redis-server on port {self.port}")

    def stop(self):
        if self.process is None:
            return
        with contextlib.suppress(ProcessLookupError):
            self.process.send_signal(signal.SIGCONT)
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=10)
        self.process = None

    def freeze(self):
        """The process stays, its socket accepts connections, nothing answers."""
        self.process.send_signal(signal.SIGSTOP)

    def thaw(self):
        self.process.send_signal(signal.SIGCONT)

    def queue_length(self):
        return self.client().llen("celery")


class CeleryProcess:
    """One `celery -A collabschool …` process with its own log file."""

    def __init__(self, name, args, env, log_path):
        self.name = name
        self.log_path = log_path
        self._log = open(log_path, "w")  # noqa: SIM115 - closed in stop()
        self.process = subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "collabschool", *args],
            cwd=ROOT,
            env=env,
            stdout=self._log,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its pool's children can be ended with it
        )
        self.pid = self.process.pid

    def poll(self):
        return self.process.poll()

    @property
    def returncode(self):
        return self.process.returncode

    def tail(self, lines=40):
        try:
            text = Path(self.log_path).read_text(errors="replace")
        except OSError:
            return ""
        return f"--- {self.name} ({self.log_path}) ---\n" + "\n".join(text.splitlines()[-lines:])

    def log_text(self):
        return Path(self.log_path).read_text(errors="replace")

    def succeeded(self, task_id):
        """Whether this worker has run the task `task_id` to success (its log says so)."""
        return f"[{task_id}] succeeded in " in self.log_text()

    def busy(self):
        """Whether this worker holds a task it has not finished: every task it
        received is logged as received and then with its outcome (a retry is
        received again, under the same id, after its outcome `retry:`), or as
        discarded when it expired meanwhile."""
        text = self.log_text()
        received = Counter(TASK_RECEIVED.findall(text))
        ended = Counter(traced or discarded for traced, discarded in TASK_ENDED.findall(text))
        return any(count > ended[task_id] for task_id, count in received.items())

    def kill(self):
        """SIGKILL, as an out-of-memory killer or a pulled plug would."""
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.pid, signal.SIGKILL)
        self.process.wait(timeout=10)
        self._log.close()

    def stop(self):
        if self.process.poll() is None:
            self.process.terminate()  # a warm shutdown: the main process ends its pool
            with contextlib.suppress(subprocess.TimeoutExpired):
                self.process.wait(timeout=15)
        # Whatever is left of the group (a pool child, a hung send) goes now.
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.pid, signal.SIGKILL)
        with contextlib.suppress(subprocess.TimeoutExpired):
            self.process.wait(timeout=10)
        self._log.close()


class Processes:
    """Starts workers and beats on one Redis and the test database; stops them all."""

    def __init__(self, folder, redis_server, database):
        self.folder = folder
        self.redis = redis_server
        self.database = database
        self.mail_dir = folder / "mail"
        self.mail_dir.mkdir()
        self.started = []

    def env(self, **extra):
        env = {
            **os.environ,
            "POSTGRES_DB": self.database,
            "POSTGRES_CONN_MAX_AGE": "0",
            "REDIS_URL": self.redis.url,
            "CACHE_REDIS_URL": self.redis.url.rsplit("/", 1)[0] + "/1",
            "EMAIL_BACKEND": "tests.faults.mail.HangingEmailBackend",
            "EMAIL_FILE_PATH": str(self.mail_dir),
            "DJANGO_LOG_FORMAT": "plain",
        }
        env.pop("EMAIL_HOST", None)
        env.pop("CELERY_BROKER_URL", None)
        env.update({key: str(value) for key, value in extra.items()})
        return env

    def worker(self, *, pool="solo", concurrency=1, **env):
        name = f"faults-{uuid.uuid4().hex[:8]}@localhost"
        args = ["worker", f"--pool={pool}", f"--concurrency={concurrency}", "-n", name, "-l", "INFO"]
        args += ["--without-mingle", "--without-gossip"]  # alone on its Redis: start at once
        process = CeleryProcess(name, args, self.env(**env), self.folder / f"{name}.log")
        self.started.append(process)
        return process

    def beat(self, label, **env):
        args = ["beat", "-l", "INFO", "-s", str(self.folder / f"{label}-schedule")]
        args += ["--pidfile", str(self.folder / f"{label}.pid")]
        process = CeleryProcess(f"beat {label}", args, self.env(**env), self.folder / f"beat-{label}.log")
        self.started.append(process)
        return process

    def stop_all(self):
        for process in reversed(self.started):
            process.stop()

    def letters(self):
        """Counter of (recipient, subject) over every letter the workers wrote."""
        found = Counter()
        for path in self.mail_dir.glob("*.log"):
            for chunk in path.read_bytes().split(LETTER_SEPARATOR):
                if chunk.strip():
                    message = email.message_from_bytes(chunk, policy=email.policy.default)
                    found[(str(message["To"]).strip(), str(message["Subject"]).strip())] += 1
        return found


@pytest.fixture
def redis_server(tmp_path):
    server = RedisServer(tmp_path)
    server.start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def broker_at():
    """Point this process's Celery app at another broker for the test (its
    connection pools are swapped, and put back afterwards)."""
    from collabschool.celery import app

    saved = (app.conf.broker_url, app._pool, app.amqp._producer_pool)
    swapped = []

    def point(url):
        app.conf.broker_url = url
        app._pool = None
        app.amqp._producer_pool = None
        swapped.append(True)
        enqueue_backoff_reset()

    yield point
    if swapped:
        with contextlib.suppress(Exception):
            app.amqp._producer_pool and app.amqp._producer_pool.force_close_all()
        with contextlib.suppress(Exception):
            app._pool and app._pool.force_close_all()
        app.conf.broker_url, app._pool, app.amqp._producer_pool = saved
    enqueue_backoff_reset()


@pytest.fixture
def processes(transactional_db, tmp_path, redis_server):
    """Workers and beats for the test; all of them are ended before the test
    database is flushed."""
    from django.db import connection

    started = Processes(tmp_path, redis_server, connection.settings_dict["NAME"])
    try:
        yield started
    finally:
        started.stop_all()


@pytest.fixture(autouse=True)
def _signed_in_person_kept(signed_in_person_kept):
    """The signed-in person kept beside the session, as in production."""
