import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import BACKEND_SESSION_KEY, SESSION_KEY, get_user, logout
from django.contrib.auth.middleware import AuthenticationMiddleware as DjangoAuthenticationMiddleware
from django.contrib.auth.views import redirect_to_login
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import SimpleLazyObject, cached_property
from django.utils.translation import gettext as _

from .backends import BACKEND, LEGACY_BACKEND, SIGNED_IN_SESSION
from .selectors import membership_current
from .services import CURRENT_SCHOOL_SESSION_KEY
from .twofactor import SEEN_AT_SESSION_KEY, SIGNED_IN_AT_SESSION_KEY, twofactor_device, twofactor_owed


class AuthenticationMiddleware(DjangoAuthenticationMiddleware):
    """Django's, with sessions signed in through Django's own ModelBackend carried over
    to ours (which also brings the memberships), so that nobody is signed out by the
    switch. The user is still checked by Django (active, session hash) on first use, and
    a session read from the cache alone by its row too (SIGNED_IN_SESSION)."""

    def process_request(self, request):
        if request.session.get(BACKEND_SESSION_KEY) == LEGACY_BACKEND:
            request.session[BACKEND_SESSION_KEY] = BACKEND
        super().process_request(request)
        request.user = SimpleLazyObject(lambda: _confirmed_user(request))


def _confirmed_user(request):
    if not hasattr(request, "_cached_user"):
        session = request.session
        token = SIGNED_IN_SESSION.set((session.session_key, getattr(session, "from_cache", False)))
        try:
            request._cached_user = get_user(request)
        finally:
            SIGNED_IN_SESSION.reset(token)
    return request._cached_user


class CurrentSchoolMiddleware:
    """Resolve the current school once per request and run the request in its time zone.

    Sets `request.membership` (None for anonymous users and users with no school),
    `request.school` and `request.memberships` (for the school switcher).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.membership = None
        request.school = None
        request.memberships = []
        if request.user.is_authenticated:
            memberships, current = membership_current(
                user=request.user, school_id=request.session.get(CURRENT_SCHOOL_SESSION_KEY)
            )
            request.memberships = memberships
            request.membership = current
            request.school = current.school if current else None
        if request.school is not None:
            timezone.activate(request.school.tzinfo)
        else:
            timezone.deactivate()
        try:
            return self.get_response(request)
        finally:
            timezone.deactivate()


class SessionTimeoutMiddleware:
    """Sign a user out after SESSION_IDLE_TIMEOUT seconds without a request, or
    SESSION_ABSOLUTE_TIMEOUT seconds after signing in, whichever comes first.

    The time of the last request is written at most once a minute, so that an
    ordinary page does not save the session on every request.
    """

    SEEN_GRANULARITY = 60

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        session = request.session
        if SESSION_KEY in session:
            now = int(time.time())
            signed_in_at = session.get(SIGNED_IN_AT_SESSION_KEY)
            seen_at = session.get(SEEN_AT_SESSION_KEY, signed_in_at)
            if signed_in_at is None:  # signed in before the timeouts existed: count from now
                session[SIGNED_IN_AT_SESSION_KEY] = session[SEEN_AT_SESSION_KEY] = now
            elif now - seen_at > settings.SESSION_IDLE_TIMEOUT:
                return self._end(request, _("You were away for too long, so you were signed out. Sign in again."))
            elif now - signed_in_at > settings.SESSION_ABSOLUTE_TIMEOUT:
                return self._end(request, _("Your session has lasted its longest allowed time. Sign in again."))
            elif now - seen_at >= self.SEEN_GRANULARITY:
                session[SEEN_AT_SESSION_KEY] = now
        return self.get_response(request)

    def _end(self, request, message):
        logout(request)
        messages.info(request, message)
        if request.method == "GET":
            return redirect_to_login(request.get_full_path())
        return redirect(settings.LOGIN_URL)


class TwoFactorMiddleware:
    """Send a signed-in user who owes a second factor to set it up (administrators and
    coordinators without an authenticator) or to type a code, whatever they ask for.

    Only the two-factor pages themselves, signing out, the language switch, the health
    check and static files stay open; the page asked for is passed on as `next`.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    @cached_property
    def open_paths(self):
        return tuple(
            [reverse(name) for name in ("two_factor_verify", "two_factor_setup", "logout", "set_language", "health")]
            + ["/" + settings.STATIC_URL.lstrip("/")]
        )

    def __call__(self, request):
        if (
            request.user.is_authenticated
            and not request.path_info.startswith(self.open_paths)
            and twofactor_owed(request)
        ):
            step = "two_factor_verify" if twofactor_device(user=request.user) is not None else "two_factor_setup"
            if request.method == "GET":
                return redirect_to_login(request.get_full_path(), reverse(step))
            return redirect(step)
        return self.get_response(request)
