"""The authentication backend: Django's ModelBackend, except that the user of a
signed-in request is read together with their memberships (one query where the
session's user and the current school took two)."""

from django.contrib.auth.backends import ModelBackend as DjangoModelBackend

from .selectors import user_with_memberships

# Sessions signed in before this backend existed name Django's own; they are carried
# over (AuthenticationMiddleware) rather than signed out.
LEGACY_BACKEND = "django.contrib.auth.backends.ModelBackend"
BACKEND = "apps.accounts.backends.ModelBackend"


class ModelBackend(DjangoModelBackend):
    def get_user(self, user_id):
        user = user_with_memberships(user_id=user_id)
        return user if user is not None and self.user_can_authenticate(user) else None
