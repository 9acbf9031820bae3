"""Structured logs: one JSON object a line with the request's id, user and
school (or the Celery task's id), and never a password or feedback text."""

import io
import json
import logging
import logging.config
import os
import subprocess
import sys

import pytest
from celery import shared_task
from django.conf import settings
from django.contrib.auth.backends import ModelBackend
from django.core import mail
from django.db import transaction
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from apps.core.logs import MASK, ExceptionReporterFilter, PlainFormatter
from apps.visits import services
from apps.visits.models import Feedback
from apps.visits.tests.test_pages import feedback_data, held_visit, pair  # noqa: F401 - `pair` is a fixture
from conftest import client_for

# Long enough to be searched for, with a line break as browsers send it.
SECRET_FACTS = "Учитель трижды перебил Машу\r\nи не дал договорить Пете"
SECRET_REFLECTION = "Мне было стыдно за этот урок, я не спала ночь"
PASSWORD = "Very-Secret-Pa55word!"


@pytest.fixture
def json_log():
    """The console handler as production configures it (its filters, the json
    formatter from settings.LOGGING), writing into a buffer; returns a reader
    of the parsed lines."""
    console = next(h for h in logging.getLogger().handlers if h.name == "console")
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    configurator = logging.config.DictConfigurator({})
    handler.setFormatter(configurator.configure_formatter(dict(settings.LOGGING["formatters"]["json"])))
    for log_filter in console.filters:
        handler.addFilter(log_filter)
    root = logging.getLogger()
    root.addHandler(handler)
    try:
        yield lambda: [json.loads(line) for line in stream.getvalue().splitlines()]
    finally:
        root.removeHandler(handler)


def test_settings_wire_the_filters_and_switch_the_format_by_environment():
    console = next(h for h in logging.getLogger().handlers if h.name == "console")
    assert {type(f).__name__ for f in console.filters} == {"ContextFilter", "RedactFilter"}
    assert isinstance(console.formatter, PlainFormatter)  # development
    code = (
        "import django, logging; django.setup();"
        "from apps.core.request_context import RequestContext, request_context_set;"
        "request_context_set(RequestContext(request_id='req-12345678', user_id=7, school_id=3));"
        "logging.getLogger('apps.demo').warning('saved %s', 'it', extra={'password': 'hunter22', 'visit_id': 5})"
    )
    env = {**os.environ, "DJANGO_LOG_FORMAT": "json"}
    result = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=60)
    line = json.loads(result.stderr.strip().splitlines()[-1])
    assert line["level"] == "WARNING" and line["logger"] == "apps.demo" and line["message"] == "saved it"
    assert (line["request_id"], line["user_id"], line["school_id"]) == ("req-12345678", 7, 3)
    assert line["visit_id"] == 5 and line["password"] == MASK
    assert line["timestamp"].endswith("+00:00")


def test_a_request_logs_a_json_line_with_its_request_id_user_and_school(json_log, school, teacher):
    response = client_for(teacher).get(reverse("home"))
    assert response.status_code == 200
    lines = [line for line in json_log() if line["logger"] == "collabschool.request"]
    assert len(lines) == 1
    line = lines[0]
    assert line["request_id"] == response["X-Request-ID"]
    assert line["school_id"] == school.pk and line["user_id"] == teacher.pk
    assert line["message"] == "GET / 200" and line["status_code"] == 200 and line["level"] == "INFO"
    assert set(line) >= {"timestamp", "level", "logger", "message", "request_id", "user_id", "school_id"}


def test_the_proxy_request_id_is_kept_and_a_reset_token_never_logged(json_log, db):
    response = Client().get(
        reverse("password_reset_confirm", kwargs={"uidb64": "MQ", "token": "abc-secret-reset-token"}),
        headers={"X-Request-ID": "proxy-req-0001"},
    )
    assert response["X-Request-ID"] == "proxy-req-0001"
    (line,) = [line for line in json_log() if line["logger"] == "collabschool.request"]
    assert line["request_id"] == "proxy-req-0001"
    assert line["path"] == "/accounts/reset/<uidb64>/<token>/"
    assert "abc-secret-reset-token" not in json.dumps(json_log())


def _everything(lines):
    return json.dumps(lines, ensure_ascii=False)


def test_a_500_on_a_feedback_post_logs_no_feedback_text(json_log, school, pair, monkeypatch):  # noqa: F811
    """The service breaks a check constraint: PostgreSQL's error quotes the
    failing row, feedback included; the log keeps the error, not the text."""
    visit = held_visit(pair)

    def broken_submit(*, visit, observer, **fields):
        with transaction.atomic():
            Feedback.objects.create(
                visit=visit,
                observer=observer,
                facts="",
                toward_goal=fields["toward_goal"],
                reconsider=fields["reconsider"],
                submitted_at=timezone.now(),
            )

    monkeypatch.setattr(services, "feedback_submit", broken_submit)
    data = feedback_data(visit, school, facts=SECRET_FACTS, toward_goal="Цель сформулировала Маша Иванова сама")
    client = client_for(pair["observer_user"])
    client.raise_request_exception = False
    response = client.post(reverse("visits:feedback", args=[visit.pk]), data)

    assert response.status_code == 500
    lines = json_log()
    (error,) = [line for line in lines if line["logger"] == "django.request"]
    assert error["level"] == "ERROR" and error["request_id"] == response["X-Request-ID"]
    assert error["school_id"] == school.pk
    assert "feedback_submitted_has_facts" in error["exc_info"]  # the error itself is kept
    assert "DETAIL: [redacted]" in error["exc_info"]
    logged = _everything(lines)
    for text in (SECRET_FACTS, "Маша Иванова", "Учитель трижды", data["reconsider"][:20]):
        assert text not in logged


def test_a_500_that_quotes_the_typed_text_in_its_message_is_masked(json_log, school, pair, monkeypatch):  # noqa: F811
    visit = held_visit(pair)

    def broken_submit(*, visit, observer, **fields):
        raise ValueError(f"cannot save {fields['facts']}")

    monkeypatch.setattr(services, "feedback_submit", broken_submit)
    client = client_for(pair["observer_user"])
    client.raise_request_exception = False
    response = client.post(
        reverse("visits:feedback", args=[visit.pk]), feedback_data(visit, school, facts=SECRET_FACTS)
    )

    assert response.status_code == 500
    logged = _everything(json_log())
    assert "cannot save" in logged
    assert "Учитель трижды" not in logged and "не дал договорить" not in logged


def test_a_500_during_sign_in_logs_no_password(json_log, teacher, monkeypatch):
    def broken_authenticate(self, request, username=None, password=None, **kwargs):
        raise RuntimeError(f"backend failed for {username} with {password}")

    monkeypatch.setattr(ModelBackend, "authenticate", broken_authenticate)
    client = Client(raise_request_exception=False)
    response = client.post(reverse("login"), {"username": teacher.email, "password": PASSWORD})

    assert response.status_code == 500
    lines = json_log()
    assert any(line["logger"] == "django.request" for line in lines)
    logged = _everything(lines)
    assert "backend failed" in logged
    assert PASSWORD not in logged


def test_extra_and_dict_messages_are_masked_at_any_depth(json_log, db):
    log = logging.getLogger("apps.demo")
    log.warning(
        "import done",
        extra={"payload": {"user": {"password": "x-secret-1"}, "rows": 3}, "api_token": "x-secret-2", "facts": "x"},
    )
    log.warning({"event": "feedback", "feedback": {"next_step": "x-secret-3"}, "questions": "x-secret-4"})
    first, second = json_log()
    assert first["payload"] == {"user": {"password": MASK}, "rows": 3}
    assert first["api_token"] == MASK and first["facts"] == MASK
    assert second["event"] == "feedback" and second["feedback"] == MASK and second["questions"] == MASK
    assert "x-secret" not in _everything([first, second])


@shared_task(name="apps.core.tests.test_logging.log_inside_a_task")
def log_inside_a_task():
    logging.getLogger("apps.demo").warning("working")


def test_a_celery_task_logs_with_its_task_id(json_log, db):
    log_inside_a_task.apply(task_id="task-0001")
    (line,) = [line for line in json_log() if line["message"] == "working"]
    assert line["task_id"] == "task-0001"
    assert line["task_name"] == "apps.core.tests.test_logging.log_inside_a_task"
    assert line["request_id"] is None


def test_error_reports_hide_feedback_and_passwords_even_without_the_decorator(rf):
    request = rf.post("/x/", {"text": SECRET_REFLECTION, "new_password1": PASSWORD, "grade": "7Б"})
    cleansed = ExceptionReporterFilter().get_post_parameters(request)
    assert cleansed["text"] != SECRET_REFLECTION and cleansed["new_password1"] != PASSWORD
    assert cleansed["grade"] == "7Б"
    assert settings.DEFAULT_EXCEPTION_REPORTER_FILTER == "apps.core.logs.ExceptionReporterFilter"


def test_the_plain_format_carries_the_context_too():
    record = logging.LogRecord("apps.demo", logging.INFO, __file__, 1, "hello", (), None)
    record.request_id, record.user_id, record.school_id, record.task_id, record.task_name = "r-1", 2, 3, None, None
    line = PlainFormatter("%(levelname)s %(name)s %(message)s").format(record)
    assert line == "INFO apps.demo hello [request_id=r-1 user_id=2 school_id=3]"


def test_an_error_goes_only_to_the_redacting_console_never_by_mail(settings, json_log):
    """Django's own handlers (a console one when DEBUG is on, mail to ADMINS) would
    send the traceback, PostgreSQL's DETAIL in it, around the redaction."""
    settings.ADMINS = [("Ops", "ops@school.test")]
    assert logging.getLogger("django").handlers == [] and logging.getLogger("django.request").handlers == []
    try:
        raise ValueError(f"duplicate key\nDETAIL:  Key (facts)=({SECRET_FACTS}) already exists.")
    except ValueError:
        logging.getLogger("django.request").error("Internal Server Error: /visits/1/", exc_info=True)
    assert mail.outbox == []
    (line,) = [line for line in json_log() if line["logger"] == "django.request"]
    assert "Машу" not in json.dumps(line, ensure_ascii=False) and MASK in line["exc_info"]


def test_a_traceback_cached_unredacted_by_another_formatter_is_redacted_again():
    try:
        raise ValueError(f"boom\nDETAIL:  Key (facts)=({SECRET_FACTS}) already exists.")
    except ValueError:
        record = logging.LogRecord("x", logging.ERROR, __file__, 1, "failed", None, sys.exc_info())
    logging.Formatter().format(record)  # caches record.exc_text, unredacted
    assert "Маш" in record.exc_text
    assert "Маш" not in PlainFormatter().format(record)
