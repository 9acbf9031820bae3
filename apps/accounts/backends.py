"""The authentication backend: Django's ModelBackend, except that the user of a
signed-in request comes with their memberships: from the snapshot kept beside the
session while it is true, otherwise in one query (apps/accounts/snapshots.py)."""

from contextvars import ContextVar

from django.contrib.auth.backends import ModelBackend as DjangoModelBackend

from .snapshots import signed_in_user

# Sessions signed in before this backend existed name Django's own; they are carried
# over (AuthenticationMiddleware) rather than signed out.
LEGACY_BACKEND = "django.contrib.auth.backends.ModelBackend"
BACKEND = "apps.accounts.backends.ModelBackend"
# The request's session while its user is read (AuthenticationMiddleware sets it): its
# key, and whether it was read from the cache alone, so that its row must still exist
# for the user to be signed in.
SIGNED_IN_SESSION = ContextVar("signed_in_session", default=(None, False))


class ModelBackend(DjangoModelBackend):
    def get_user(self, user_id):
        session_key, from_cache = SIGNED_IN_SESSION.get()
        user = signed_in_user(user_id=user_id, session_key=session_key, confirm_session=from_cache)
        return user if user is not None and self.user_can_authenticate(user) else None
