"""Sign-in, sign-in failure and sign-out into the audit trail.

Django's authentication signals are the one hook this project takes from
signals: the sign-in view belongs to Django, so there is no service to call.
Each row is written once for each school the person works in
(`audit_record_for_person`). Password changes are recorded by the password views.
"""

from django.contrib.auth import get_user_model
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

from .models import AuditEvent
from .services import audit_record_for_person


@receiver(user_logged_in, dispatch_uid="audit_sign_in_succeeded")
def audit_sign_in_succeeded(sender, request, user, **kwargs):
    audit_record_for_person(action=AuditEvent.Action.SIGN_IN_SUCCEEDED, user=user, actor=user)


@receiver(user_logged_out, dispatch_uid="audit_sign_out")
def audit_sign_out(sender, request, user, **kwargs):
    if user is None:  # an anonymous visitor pressed "sign out"
        return
    audit_record_for_person(action=AuditEvent.Action.SIGN_OUT, user=user, actor=user)


@receiver(user_login_failed, dispatch_uid="audit_sign_in_failed")
def audit_sign_in_failed(sender, credentials, request=None, **kwargs):
    # Only the e-mail that was tried is kept; the password never reaches the trail.
    email = str(credentials.get("username") or credentials.get("email") or "").strip().lower()[:254]
    user = get_user_model().objects.filter(email=email).first() if email else None
    audit_record_for_person(action=AuditEvent.Action.SIGN_IN_FAILED, user=user, actor=None, target_label=email)
