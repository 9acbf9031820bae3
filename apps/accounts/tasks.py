from celery import shared_task
from django.contrib.auth import get_user_model
from django.contrib.auth.tokens import default_token_generator
from django.utils import translation
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from apps.core.mail import letter_build


@shared_task(ignore_result=True)
def password_reset_email_send(*, user_id, language=None, domain=None, use_https=False):
    """Send a password reset letter to one user.

    The token is made here, in the worker, from the user's current state, so a
    letter sent late still carries a link that works (or none, if the user was
    deactivated meanwhile). The link is on SITE_URL, never on the Host the request
    came with (a forged Host would send the token elsewhere); `domain` and
    `use_https` are accepted for tasks queued before, and ignored.
    """
    user = get_user_model().objects.filter(pk=user_id, is_active=True).first()
    if user is None or not user.has_usable_password():
        return
    with translation.override(language or "ru"):
        context = {
            "uid": urlsafe_base64_encode(force_bytes(user.pk)),
            "user": user,
            "token": default_token_generator.make_token(user),
        }
        letter_build("registration/letters/password_reset.html", context, to=[user.email]).send()
