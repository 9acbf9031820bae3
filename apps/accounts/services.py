from django.contrib.auth import get_user_model
from django.db import transaction

from apps.audit.models import AuditEvent
from apps.audit.services import NO_SCHOOL, audit_diff, audit_record, audit_record_for_person, audit_snapshot

from .models import Membership, School, SchoolNetwork
from .selectors import membership_for_user_and_school
from .twofactor import twofactor_changed_stamp

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


@transaction.atomic
def membership_save(*, membership):
    """Save a membership made or edited by hand (the Django admin): access granted,
    roles added or removed, or moved to another person or school, each written to
    the school's audit trail."""
    stored = (
        Membership.objects.select_related("user", "school").filter(pk=membership.pk).first() if membership.pk else None
    )
    membership.roles = list(dict.fromkeys(membership.roles))
    membership.full_clean()
    membership.save()
    if stored is not None and (stored.user_id, stored.school_id) == (membership.user_id, membership.school_id):
        if set(stored.roles) != set(membership.roles):
            audit_record(
                action=AuditEvent.Action.ROLES_CHANGED,
                school=membership.school,
                target=membership.user,
                changes={"roles": [stored.get_roles_display(), membership.get_roles_display()]},
            )
        return membership
    if stored is not None:
        _audit_membership_deleted(stored)
    audit_record(
        action=AuditEvent.Action.MEMBERSHIP_CREATED,
        school=membership.school,
        target=membership.user,
        changes={"roles": [None, membership.get_roles_display()]},
    )
    return membership


@transaction.atomic
def membership_delete(*, membership):
    """Remove a person's access to a school, writing it to the school's trail."""
    _audit_membership_deleted(membership)
    membership.delete()


def _audit_membership_deleted(membership):
    audit_record(
        action=AuditEvent.Action.MEMBERSHIP_DELETED,
        school=membership.school,
        target=membership.user,
        changes={"roles": [membership.get_roles_display(), None]},
    )


# What the trail records of a change to an account in the Django admin (the
# password is recorded by the password views, never its value).
AUDITED_USER_FIELDS = ("email", "last_name", "first_name", "patronymic", "is_active", "is_staff", "is_superuser")


@transaction.atomic
def user_admin_save(*, user):
    """Save an account added or edited by a superuser in the Django admin: the e-mail,
    names, and whether it may sign in or enter the admin, each change written to
    every school of the person. Whoever becomes a superuser or staff user owes a
    second factor from their next request on."""
    stored = User.objects.filter(pk=user.pk).first() if user.pk else None
    before = audit_snapshot(stored, AUDITED_USER_FIELDS) if stored is not None else {}
    user.email = user.email.lower()  # sign-in looks e-mails up lower-cased
    user.save()
    after = audit_snapshot(user, AUDITED_USER_FIELDS)
    if stored is None:  # a new account: its filled-in fields
        after = {name: value for name, value in after.items() if value not in (None, "", False)}
    if (user.is_superuser or user.is_staff) and not (stored and (stored.is_superuser or stored.is_staff)):
        twofactor_changed_stamp(user=user)
    changes = audit_diff(before=before, after=after)
    if changes:
        audit_record_for_person(action=AuditEvent.Action.ACCOUNT_CHANGED, user=user, changes=changes)
    return user


def user_password_admin_changed(*, user):
    """A superuser set (or turned off) someone's password in the Django admin: the
    trail of each of their schools says so, never the password."""
    usable = user.has_usable_password()
    audit_record_for_person(
        action=AuditEvent.Action.PASSWORD_CHANGED, user=user, changes={"usable": [None, usable], "by": "admin"}
    )


@transaction.atomic
def user_delete(*, user):
    """Delete an account (the Django admin): its access to each school and each
    network it coordinated ends in the trail first. The trail keeps the rows about
    the person; an account that the trail names as having acted cannot be deleted
    (erase the person instead)."""
    for membership in user.memberships.select_related("school", "user"):
        membership_delete(membership=membership)
    for network in user.coordinated_networks.all():
        school_network_coordinators_set(
            network=network, users=[other for other in network.coordinators.all() if other.pk != user.pk]
        )
    user.delete()


@transaction.atomic
def school_admin_save(*, school):
    """Save a school added or edited by a superuser in the Django admin. Moving it into,
    out of or between networks gives or takes the coordinators' view of it: the
    school's trail says so."""
    stored_network_id = School.objects.filter(pk=school.pk).values_list("network", flat=True).first()
    stored_network = SchoolNetwork.objects.filter(pk=stored_network_id).first() if stored_network_id else None
    school.save()
    if stored_network_id != school.network_id:
        audit_record(
            action=AuditEvent.Action.ROLES_CHANGED,
            school=school,
            target=school,
            changes={"network": [stored_network, school.network]},
        )
    return school


@transaction.atomic
def school_network_coordinators_set(*, network, users):
    """Make exactly `users` the coordinators of `network`. Each one named or removed
    is written to the trail of every school of the network (the figures they see);
    one named owes a second factor from their next request on."""
    before = {user.pk: user for user in network.coordinators.all()}
    after = {user.pk: user for user in users}
    network.coordinators.set(after.values())
    schools = list(network.schools.all()) or [NO_SCHOOL]
    for pk in after.keys() - before.keys():
        twofactor_changed_stamp(user=after[pk])
        for school in schools:
            audit_record(
                action=AuditEvent.Action.ROLES_CHANGED,
                school=school,
                target=after[pk],
                changes={"network_coordinator": [None, network.name]},
            )
    for pk in before.keys() - after.keys():
        for school in schools:
            audit_record(
                action=AuditEvent.Action.ROLES_CHANGED,
                school=school,
                target=before[pk],
                changes={"network_coordinator": [network.name, None]},
            )
