from django.contrib.auth import get_user_model
from django.db import transaction

from apps.audit.models import AuditEvent
from apps.audit.services import audit_record

from .models import Membership, School
from .selectors import membership_for_user_and_school

User = get_user_model()

# The session key that remembers the school a user works in now.
CURRENT_SCHOOL_SESSION_KEY = "current_school_id"


def current_school_set(*, request, school_id):
    """Remember the school the user works in now; returns the membership or None
    when the user does not belong to that school (the choice is then ignored)."""
    membership = membership_for_user_and_school(user=request.user, school_id=school_id)
    if membership is not None:
        request.session[CURRENT_SCHOOL_SESSION_KEY] = membership.school_id
    return membership


@transaction.atomic
def school_settings_update(*, school, **fields):
    """Change a school's own settings (names, time zone, load limit)."""
    for name, value in fields.items():
        setattr(school, name, value)
    school.full_clean()
    school.save()
    return school


@transaction.atomic
def user_ensure(*, email, first_name="", last_name="", patronymic="", password=None):
    """Get or create the user with this e-mail; a new user gets `password`."""
    email = email.lower()
    user = User.objects.filter(email=email).first()
    if user is None:
        user = User(email=email, first_name=first_name, last_name=last_name, patronymic=patronymic)
        if password:
            user.set_password(password)
        else:
            user.set_unusable_password()
        user.full_clean()
        user.save()
    return user


@transaction.atomic
def membership_grant(*, user, school: School, roles):
    """Give the user these roles in the school (adding to any they already hold).

    Access granted and roles added are written to the audit trail."""
    membership, created = Membership.objects.get_or_create(
        user=user, school=school, defaults={"roles": list(dict.fromkeys(roles))}
    )
    if created:
        audit_record(
            action=AuditEvent.Action.MEMBERSHIP_CREATED,
            school=school,
            target=user,
            changes={"roles": [None, membership.get_roles_display()]},
        )
    missing = [role for role in roles if role not in membership.roles]
    if missing:
        before = membership.get_roles_display()
        membership.roles = [*membership.roles, *missing]
        membership.full_clean()
        membership.save(update_fields=["roles"])
        audit_record(
            action=AuditEvent.Action.ROLES_CHANGED,
            school=school,
            target=user,
            changes={"roles": [before, membership.get_roles_display()]},
        )
    return membership
