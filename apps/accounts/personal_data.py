"""What the accounts hold about a person (see apps/core/personal_data.py).

The export shows the account and this school's membership, never the password hash
nor the person's places in other schools. Erasure removes this school's membership;
an account with no place elsewhere is anonymised, cannot sign in, and loses its
sessions, two-factor devices and sign-in attempts. Accounts are never rewritten by
the name sweep: a namesake's account must keep its name.
"""

import logging
from importlib import import_module

from django.apps import apps
from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.contrib.sessions.backends.db import SessionStore as DBStore
from django.contrib.sessions.models import Session
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_otp import devices_for_user

from apps.core.forget import cache_forget
from apps.core.personal_data import EVERY_MODEL, PersonalDataSource, Section

from .models import Membership, Role, SchoolNetwork

logger = logging.getLogger(__name__)

# Sessions decoded per fetch when looking for the person's own.
SESSION_CHUNK = 2000


def erased_email(user_id) -> str:
    # .invalid is reserved (RFC 2606): no mail is ever delivered there.
    return f"erased-{user_id}@erased.invalid"


def _role_labels(roles):
    labels = dict(Role.choices)
    return ", ".join(str(labels.get(role, role)) for role in roles)


def collect(*, staff, local_time):
    section = Section(
        "account",
        _("User account"),
        [
            ("email", _("e-mail")),
            ("last_name", _("surname")),
            ("first_name", _("first name")),
            ("patronymic", _("patronymic")),
            ("is_active", _("may sign in")),
            ("date_joined", _("account created")),
            ("last_login", _("last sign-in")),
            ("school", _("school")),
            ("roles", _("roles")),
            ("member_since", _("member since")),
        ],
    )
    user = staff.user
    if user is None:
        return [section]
    # Only this school's membership: the person's places in other schools are not this school's data.
    memberships = list(Membership.objects.filter(user=user, school_id=staff.school_id)) or [None]
    for membership in memberships:
        section.rows.append(
            {
                # Never the password hash: only whether the account may sign in.
                "email": user.email,
                "last_name": user.last_name,
                "first_name": user.first_name,
                "patronymic": user.patronymic,
                "is_active": user.is_active,
                "date_joined": local_time(user.date_joined),
                "last_login": local_time(user.last_login),
                "school": staff.school.name if membership else "",
                "roles": _role_labels(membership.roles) if membership else "",
                "member_since": local_time(membership.created_at) if membership else None,
            }
        )
    return [section]


def _sessions_delete(user) -> int:
    """Delete the user's open sessions; returns how many.

    Session data are signed and compressed, so the user id cannot be looked
    for in SQL: each live session is decoded here, reading only its key and
    data, in chunks, with one session store (about 45 µs a session, so 10,000
    open sessions take half a second). That runs while the card row is locked,
    which holds back changes to this one card only, and keeps the erasure all
    or nothing: a failed erasure leaves the person signed in as before.
    """
    store = import_module(settings.SESSION_ENGINE).SessionStore()
    if not isinstance(store, DBStore):
        return 0  # other engines: the unusable password already voids the session's auth hash
    wanted = str(user.pk)
    live = Session.objects.filter(expire_date__gt=timezone.now()).values_list("session_key", "session_data")
    doomed = [
        key
        for key, data in live.iterator(chunk_size=SESSION_CHUNK)
        if str(store.decode(data).get(SESSION_KEY)) == wanted
    ]
    Session.objects.filter(pk__in=doomed).delete()
    if hasattr(store, "cache_keys"):
        # Sessions read from the cache (apps/core/sessions.py) are forgotten there too,
        # with their snapshots, now and once the erasure commits; with Redis down this
        # process owes the deletes and reads the database until they are done.
        keys = store.cache_keys(doomed)
        cache_forget(keys)
        transaction.on_commit(lambda: cache_forget(keys))
    return len(doomed)


def _otp_devices_delete(user) -> int:
    if not apps.is_installed("django_otp"):
        return 0
    devices = list(devices_for_user(user, confirmed=None))
    for device in devices:
        device.delete()
    return len(devices)


def _sign_in_attempts_delete(emails) -> int:
    if not apps.is_installed("axes"):
        return 0
    deleted = 0
    for name in ("AccessAttempt", "AccessLog", "AccessFailureLog"):
        try:
            model = apps.get_model("axes", name)
        except LookupError:
            continue
        condition = Q(pk__in=[])
        for email in emails:
            condition |= Q(username__iexact=email)
        deleted += model.objects.filter(condition).delete()[0]
    return deleted


def erase(*, erasure):
    user = erasure.user
    if user is None:
        return
    erasure.deleted("memberships", Membership.objects.filter(user=user, school=erasure.school).delete()[0])
    if not erasure.account_erased:
        return
    old_email = user.email
    erasure.deleted("two_factor_devices", _otp_devices_delete(user))
    erasure.deleted("sessions", _sessions_delete(user))
    erasure.deleted("sign_in_attempts", _sign_in_attempts_delete({old_email, erasure.staff.email} - {""}))
    user.email = erased_email(user.pk)
    user.first_name = user.last_name = user.patronymic = ""
    user.is_active = user.is_staff = user.is_superuser = False
    user.last_login = None
    user.set_unusable_password()
    user.save()
    user.groups.clear()
    user.user_permissions.clear()
    erasure.anonymised("user_account", 1)


SOURCE = PersonalDataSource(
    app_label="accounts",
    order=20,
    # The networks' coordinators: an account coordinating one is kept (user_works_elsewhere).
    person_models=(Membership, SchoolNetwork),
    collect=collect,
    erase=erase,
    categories={
        "user_account": gettext_lazy("user account: e-mail, names, password, sign-in"),
        "memberships": gettext_lazy("access to the school and roles"),
        "sessions": gettext_lazy("open sessions"),
        "two_factor_devices": gettext_lazy("two-factor devices and recovery codes"),
        "sign_in_attempts": gettext_lazy("sign-in attempts"),
    },
    sweep_exempt=EVERY_MODEL,
)
