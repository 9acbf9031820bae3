"""Sign-in, sign-in failure and sign-out into the audit trail.

Django's authentication signals are the one hook this project takes from
signals: the sign-in view belongs to Django, so there is no service to call.
A person belongs to schools, not the other way round, so the row is written
once for each school the person works in (each school's administrators see it),
and once without a school for someone who works in none.
"""

from django.contrib.auth import get_user_model
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

from apps.accounts.models import Membership

from .models import AuditEvent
from .services import audit_record


def _record_for_each_school(*, action, user, actor, target_label=None):
    schools = [m.school for m in Membership.objects.filter(user=user).select_related("school")] if user else []
    for school in schools or [None]:
        audit_record(action=action, school=school, actor=actor, target=user, target_label=target_label)


@receiver(user_logged_in, dispatch_uid="audit_sign_in_succeeded")
def audit_sign_in_succeeded(sender, request, user, **kwargs):
    _record_for_each_school(action=AuditEvent.Action.SIGN_IN_SUCCEEDED, user=user, actor=user)


@receiver(user_logged_out, dispatch_uid="audit_sign_out")
def audit_sign_out(sender, request, user, **kwargs):
    if user is None:  # an anonymous visitor pressed "sign out"
        return
    _record_for_each_school(action=AuditEvent.Action.SIGN_OUT, user=user, actor=user)


@receiver(user_login_failed, dispatch_uid="audit_sign_in_failed")
def audit_sign_in_failed(sender, credentials, request=None, **kwargs):
    # Only the e-mail that was tried is kept; the password never reaches the trail.
    email = str(credentials.get("username") or credentials.get("email") or "").strip().lower()[:254]
    user = get_user_model().objects.filter(email=email).first() if email else None
    _record_for_each_school(action=AuditEvent.Action.SIGN_IN_FAILED, user=user, actor=None, target_label=email)
