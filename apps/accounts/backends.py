"""The authentication backend: Django's ModelBackend, except that the user of a
signed-in request is read together with their memberships (one query where the
session's user and the current school took two)."""

from contextvars import ContextVar

from django.contrib.auth.backends import ModelBackend as DjangoModelBackend

from .selectors import user_with_memberships

# Sessions signed in before this backend existed name Django's own; they are carried
# over (AuthenticationMiddleware) rather than signed out.
LEGACY_BACKEND = "django.contrib.auth.backends.ModelBackend"
BACKEND = "apps.accounts.backends.ModelBackend"
# The key of a session read from the cache alone (AuthenticationMiddleware sets it while
# the request's user is read): its row must still exist, or the user is not signed in.
SESSION_TO_CONFIRM = ContextVar("session_to_confirm", default=None)


class ModelBackend(DjangoModelBackend):
    def get_user(self, user_id):
        user = user_with_memberships(user_id=user_id, session_key=SESSION_TO_CONFIRM.get())
        return user if user is not None and self.user_can_authenticate(user) else None
