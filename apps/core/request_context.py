"""Who is acting, in which request: the request id, user, school and client
address of the request being served, for the audit trail and the logs.

Set once per request by `RequestContextMiddleware` (after authentication and
the current school are known) and cleared when the response leaves. Outside a
request (Celery tasks, management commands) every value is None, which the
audit trail reads as "the system".
"""

import contextvars
import ipaddress
import re
import uuid
from dataclasses import dataclass, field

from django.conf import settings

_REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{8,64}$")


@dataclass(frozen=True)
class RequestContext:
    request_id: str | None = None
    user_id: int | None = None
    school_id: int | None = None
    ip_address: str | None = None
    # The signed-in user object itself, so that the audit trail names the actor
    # without fetching the user again; None outside a request.
    user: object | None = field(default=None, compare=False, repr=False)


_NOBODY = RequestContext()
_current: contextvars.ContextVar[RequestContext | None] = contextvars.ContextVar(
    "collabschool_request_context", default=None
)


def request_context_current() -> RequestContext:
    return _current.get() or _NOBODY


def request_context_set(context: RequestContext):
    """Install `context`; returns the token that `request_context_reset` takes."""
    return _current.set(context)


def request_context_reset(token) -> None:
    _current.reset(token)


def request_id_from(request) -> str:
    """The proxy's X-Request-ID when it looks like one, else a fresh id."""
    candidate = request.headers.get("X-Request-ID", "")
    return candidate if _REQUEST_ID.match(candidate) else uuid.uuid4().hex


def client_ip(request) -> str | None:
    """The client's address, for login throttling (axes calls this too), the audit
    trail and the logs.

    Behind PROXY_COUNT proxies, each appends the address it saw to X-Forwarded-For,
    so the client is that many entries from the right; whatever stands further left
    was sent by the client and is not trusted. With no proxy, or a header too short
    or not an address, it is the socket's address (REMOTE_ADDR).
    """
    count = settings.PROXY_COUNT
    if count > 0:
        hops = [hop.strip() for hop in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
        if len(hops) >= count and hops[-count]:
            candidate = hops[-count]
            try:
                return str(ipaddress.ip_address(candidate))
            except ValueError:
                pass
    return request.META.get("REMOTE_ADDR") or None


class RequestContextMiddleware:
    """Give the request an id (echoed in X-Request-ID) and publish who acts in
    which school for the audit trail and the log formatter."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.request_id = request_id_from(request)
        user = getattr(request, "user", None)
        school = getattr(request, "school", None)
        token = request_context_set(
            RequestContext(
                request_id=request.request_id,
                user_id=user.pk if user is not None and user.is_authenticated else None,
                user=user if user is not None and user.is_authenticated else None,
                school_id=school.pk if school is not None else None,
                ip_address=client_ip(request),
            )
        )
        try:
            response = self.get_response(request)
        finally:
            request_context_reset(token)
        response.headers.setdefault("X-Request-ID", request.request_id)
        return response
