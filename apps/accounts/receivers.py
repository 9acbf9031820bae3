"""Django's sign-in signal: the one hook this app listens to."""

from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver

from .twofactor import signin_session_start


@receiver(user_logged_in, dispatch_uid="accounts_signin_session_start")
def _signin_session_start(sender, request, user, **kwargs):
    if request is not None and hasattr(request, "session"):
        signin_session_start(request=request, user=user)
