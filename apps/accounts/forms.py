from django import forms
from django.contrib.auth.forms import AuthenticationForm, PasswordResetForm
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from .tasks import password_reset_email_send


class EmailAuthenticationForm(AuthenticationForm):
    username = forms.EmailField(
        label=_("E-mail"),
        widget=forms.EmailInput(attrs={"autofocus": True, "autocomplete": "email"}),
    )

    def clean_username(self):
        return self.cleaned_data["username"].lower()


class QueuedPasswordResetForm(PasswordResetForm):
    """Sends the reset letter from a Celery worker, after the request has committed."""

    def save(self, domain_override=None, use_https=False, request=None, **kwargs):
        email = self.cleaned_data["email"]
        domain = domain_override or (request.get_host() if request else "localhost")
        language = getattr(request, "LANGUAGE_CODE", None)
        for user in self.get_users(email):
            transaction.on_commit(
                lambda user_id=user.pk: password_reset_email_send.delay(
                    user_id=user_id, domain=domain, use_https=use_https, language=language
                )
            )
