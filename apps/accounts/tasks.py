from celery import shared_task
from django.contrib.auth import get_user_model
from django.contrib.auth.tokens import default_token_generator
from django.core.mail import EmailMultiAlternatives
from django.template import loader
from django.utils import translation
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode


@shared_task(ignore_result=True)
def password_reset_email_send(*, user_id, domain, use_https=False, language=None):
    """Send a password reset letter to one user.

    The token is made here, in the worker, from the user's current state, so a
    letter sent late still carries a link that works (or none, if the user was
    deactivated meanwhile).
    """
    user = get_user_model().objects.filter(pk=user_id, is_active=True).first()
    if user is None or not user.has_usable_password():
        return
    with translation.override(language or "ru"):
        context = {
            "email": user.email,
            "domain": domain,
            "site_name": "collabschool",
            "uid": urlsafe_base64_encode(force_bytes(user.pk)),
            "user": user,
            "token": default_token_generator.make_token(user),
            "protocol": "https" if use_https else "http",
        }
        subject = loader.render_to_string("registration/password_reset_subject.txt", context)
        subject = "".join(subject.splitlines())
        body = loader.render_to_string("registration/password_reset_email.html", context)
        EmailMultiAlternatives(subject, body, None, [user.email]).send()
