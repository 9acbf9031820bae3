"""Structured logs: who, in which request or task, and nothing confidential.

Settings wire these into LOGGING (DJANGO_LOG_FORMAT: `json` in production, `plain`
in development): `ContextFilter` adds request, user, school and task ids to every
record; `RedactFilter` masks passwords, tokens and feedback texts (SENSITIVE_NAMES,
and whatever the request POSTed under such a name), and drops PostgreSQL's DETAIL;
`JsonFormatter` and `PlainFormatter` redact tracebacks the same way;
`RequestLogMiddleware` logs one line per request. See docs/operations.md#logging.
"""

import contextvars
import logging
import re
import time

from django.views.debug import SafeExceptionReporterFilter
from pythonjsonlogger.core import RESERVED_ATTRS
from pythonjsonlogger.json import JsonFormatter as _JsonFormatter

from .request_context import request_context_current

MASK = "[redacted]"

# Keys whose values never reach a log, matched case-insensitively: exact names
# (the feedback and self-reflection fields of apps.visits) and parts of names.
SENSITIVE_NAMES = frozenset(
    {
        "facts",
        "toward_goal",
        "reconsider",
        "questions",
        "next_step",
        "text",
        "feedback",
        "reflection",
        "self_reflection",
    }
)
SENSITIVE_PARTS = ("password", "passwd", "secret", "token", "otp", "cookie", "authorization", "session", "api_key")

# Values this short are not searched for in log text (they would mask digits).
MIN_SECRET_LENGTH = 4

CONTEXT_FIELDS = ("request_id", "user_id", "school_id", "task_id", "task_name")

# PostgreSQL's DETAIL (e.g. "Failing row contains (…)", "Key (…)=(…)") up to
# the end of the message: the next chained exception or the end of the text.
_PG_DETAIL = re.compile(
    r"^(DETAIL|CONTEXT|LINE \d+):.*?(?=\n\nThe above exception|\n\nDuring handling of the above|\Z)",
    re.S | re.M,
)

_current_request = contextvars.ContextVar("collabschool_log_request", default=None)

_STANDARD_ATTRS = frozenset(logging.LogRecord("", 0, "", 0, "", (), None).__dict__) | {
    "message",
    "asctime",
    "request",  # Django's django.request records: the request object itself
    *CONTEXT_FIELDS,
}


def is_sensitive(key) -> bool:
    name = str(key).lower()
    return name in SENSITIVE_NAMES or any(part in name for part in SENSITIVE_PARTS)


def _request_secrets():
    """Values the current request POSTed under sensitive names, longest first."""
    request = _current_request.get()
    if request is None or request.method != "POST":
        return []
    declared = getattr(request, "sensitive_post_parameters", None) or ()
    try:
        post = request.POST
    except Exception:  # an unreadable body: nothing to look for
        return []
    values = set()
    for key in post:
        if declared == "__ALL__" or key in declared or is_sensitive(key):
            for value in post.getlist(key):
                if isinstance(value, str) and len(value.strip()) >= MIN_SECRET_LENGTH:
                    values.add(value)
                    values.add(value.replace("'", "''"))  # as quoted in SQL
                    values.update(line for line in value.splitlines() if len(line.strip()) >= MIN_SECRET_LENGTH)
    return sorted(values, key=len, reverse=True)


def redact_text(text: str) -> str:
    """`text` without PostgreSQL's DETAIL and without the request's secrets."""
    if not text:
        return text
    text = _PG_DETAIL.sub(lambda m: f"{m.group(1)}: {MASK}", text)
    for secret in _request_secrets():
        text = text.replace(secret, MASK)
    return text


def redact_value(value, depth=0):
    """Dicts (at any depth) with sensitive keys masked; strings redacted."""
    if depth > 6:
        return value
    if isinstance(value, dict):
        return {k: MASK if is_sensitive(k) else redact_value(v, depth + 1) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return type(value)(redact_value(v, depth + 1) for v in value)
    if isinstance(value, str):
        return redact_text(value)
    return value


class ContextFilter(logging.Filter):
    """Adds the request's (or the Celery task's) identity to every record."""

    def filter(self, record):
        context = request_context_current()
        request_id, user_id, school_id = context.request_id, context.user_id, context.school_id
        request = getattr(record, "request", None)
        if request_id is None and request is not None:
            # django.request logs a 4xx after the middleware has left.
            request_id = getattr(request, "request_id", None)
            user = getattr(request, "user", None)
            user_id = user.pk if user is not None and user.is_authenticated else None
            school = getattr(request, "school", None)
            school_id = school.pk if school is not None else None
        record.request_id = request_id
        record.user_id = user_id
        record.school_id = school_id
        record.task_id = record.task_name = None
        task = _current_celery_task()
        if task is not None and task.request.id:
            record.task_id = task.request.id
            record.task_name = task.name
        return True


def _current_celery_task():
    """The Celery task this thread runs, if any."""
    from celery import current_task

    return current_task._get_current_object() if current_task else None


class RedactFilter(logging.Filter):
    """Masks sensitive values in the message, its arguments and `extra`."""

    def filter(self, record):
        try:
            if isinstance(record.msg, dict):
                record.msg = redact_value(record.msg)
            else:
                message = record.getMessage()
                redacted = redact_text(message) if isinstance(message, str) else message
                if isinstance(record.args, dict) and any(is_sensitive(k) for k in record.args):
                    redacted = redact_text(record.msg % redact_value(record.args))
                record.msg, record.args = redacted, ()
            for key, value in list(record.__dict__.items()):
                if key in _STANDARD_ATTRS or key.startswith("_"):
                    continue
                record.__dict__[key] = MASK if is_sensitive(key) else redact_value(value)
        except Exception:
            # Never let a broken record through unredacted, nor break the caller.
            record.msg, record.args = "[log message could not be redacted]", ()
        return True


class JsonFormatter(_JsonFormatter):
    """One JSON object a line: timestamp, level, logger, message, the context
    fields, any `extra`, and exc_info (redacted)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("rename_fields", {"levelname": "level", "name": "logger"})
        kwargs.setdefault("timestamp", True)
        kwargs.setdefault("reserved_attrs", [*RESERVED_ATTRS, "request", "taskName"])
        kwargs.setdefault("json_ensure_ascii", False)
        super().__init__(*args, **kwargs)

    def formatException(self, ei):
        return redact_text(super().formatException(ei))

    def format(self, record):
        record.exc_text = None  # a traceback another formatter cached may be unredacted
        return super().format(record)

    def process_log_record(self, log_data):
        # The timestamp first, for people reading the lines.
        return {"timestamp": log_data.pop("timestamp", None), **log_data}


class PlainFormatter(logging.Formatter):
    """`time LEVEL logger message [request_id=… school_id=… …]` for development."""

    def format(self, record):
        record.exc_text = None  # a traceback another formatter cached may be unredacted
        line = super().format(record)
        context = " ".join(
            f"{name}={getattr(record, name)}" for name in CONTEXT_FIELDS if getattr(record, name, None) is not None
        )
        if not context:
            return line
        head, sep, tail = line.partition("\n")
        return f"{head} [{context}]{sep}{tail}"

    def formatException(self, ei):
        return redact_text(super().formatException(ei))


class ExceptionReporterFilter(SafeExceptionReporterFilter):
    """Django's error reports (the debug page, mail to ADMINS) hide POST values
    under sensitive names even where a view forgot `sensitive_post_parameters`."""

    def get_post_parameters(self, request):
        post = super().get_post_parameters(request)
        if request is None or not any(is_sensitive(key) for key in post):
            return post
        cleansed = post.copy()
        for key in post:
            if is_sensitive(key):
                cleansed[key] = self.cleansed_substitute
        return cleansed


request_logger = logging.getLogger("collabschool.request")


class RequestLogMiddleware:
    """One log line per request, and the request for RedactFilter to read.

    Goes right after RequestContextMiddleware so the line carries the request
    id, user and school. The path is logged without its query string, and as
    the URL pattern when the URL carries a token (password reset links)."""

    QUIET_PATHS = ("/healthz/",)

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = _current_request.set(request)
        started = time.monotonic()
        try:
            response = self.get_response(request)
            self._log(request, response.status_code, started)
            return response
        finally:
            _current_request.reset(token)

    def _log(self, request, status, started):
        level = logging.DEBUG if request.path in self.QUIET_PATHS else logging.INFO
        if not request_logger.isEnabledFor(level):
            return
        path = request.path
        match = getattr(request, "resolver_match", None)
        if match is not None and any(is_sensitive(name) for name in match.kwargs):
            path = "/" + match.route
        request_logger.log(
            level,
            "%s %s %s",
            request.method,
            path,
            status,
            extra={
                "method": request.method,
                "path": path,
                "status_code": status,
                "duration_ms": round((time.monotonic() - started) * 1000, 1),
            },
        )
