"""Two-factor sign-in: an authenticator app (TOTP) with single-use recovery codes, and
the bookkeeping a session gets at sign-in.

A session counts as verified once it holds the id of the device that accepted a code
(django-otp's own session key). Whether a user owes a second factor is decided at
sign-in and kept in the session, so a page costs no query; it is decided again when
`User.twofactor_changed_at` is newer (two-factor turned on or off, a coordinator or
superuser named, a device deleted). Roles and the superuser flag are read on every
request from rows loaded anyway. See docs/security-and-privacy.md#two-factor-sign-in.
Reads (`twofactor_*` selectors) come first, writes (services) after.
"""

import base64
import functools
import time

import segno
from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django_otp import DEVICE_ID_SESSION_KEY, verify_token
from django_otp import login as otp_login
from django_otp.models import Device
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from apps.audit.services import audit_diff, audit_record_for_person, audit_snapshot

from .capabilities import TWO_FACTOR_ROLES
from .models import Membership, User

RECOVERY_CODE_COUNT = 10
# Set at sign-in: True when the user owed no second factor then.
EXEMPT_SESSION_KEY = "twofactor_exempt"
# Unix time (float) when EXEMPT_SESSION_KEY was decided.
EXEMPT_AT_SESSION_KEY = "twofactor_exempt_at"
# Wrong codes typed in this session.
ATTEMPTS_SESSION_KEY = "twofactor_attempts"
# Recovery codes just made, kept until the page that shows them once.
FRESH_CODES_SESSION_KEY = "twofactor_fresh_codes"
# Unix times of the sign-in and of the last request (see SessionTimeoutMiddleware).
SIGNED_IN_AT_SESSION_KEY = "signed_in_at"
SEEN_AT_SESSION_KEY = "seen_at"

TOTP_DEVICE_NAME = "authenticator"
RECOVERY_DEVICE_NAME = "recovery codes"


# --- Reads -------------------------------------------------------------------------


def twofactor_mandatory(*, user, memberships=None) -> bool:
    """Whether the user must use two-factor sign-in: administrators of any school
    (`capabilities.TWO_FACTOR_ROLES`), network coordinators and whoever may be let
    into the Django admin (superusers and staff users) do (while TWO_FACTOR_REQUIRED
    is on)."""
    if not settings.TWO_FACTOR_REQUIRED:
        return False
    if _admin_site_user(user):
        return True
    if memberships is not None:
        if any(role in TWO_FACTOR_ROLES for membership in memberships for role in membership.roles):
            return True
    elif Membership.objects.filter(user=user, roles__overlap=list(TWO_FACTOR_ROLES)).exists():
        return True
    return user.coordinated_networks.exists()


def twofactor_device(*, user):
    """The user's confirmed authenticator app, or None."""
    return TOTPDevice.objects.devices_for_user(user, confirmed=True).order_by("pk").first()


def totp_devices_of(*, user):
    """(the confirmed authenticator or None, the pending one or None) in one read, as
    `twofactor_device` and `totp_device_pending` pick them; each knows its user already
    (its otpauth address names them)."""
    confirmed = pending = None
    for device in TOTPDevice.objects.filter(user=user).order_by("pk"):
        device.user = user
        if device.confirmed:
            confirmed = confirmed or device
        else:
            pending = pending or device
    return confirmed, pending


def twofactor_needed(*, user) -> bool:
    """Whether this user is asked for a code at sign-in: they must use it, or chose to."""
    return twofactor_device(user=user) is not None or twofactor_mandatory(user=user)


def twofactor_recovery_codes_left(*, user) -> int:
    return StaticToken.objects.filter(device__user=user, device__confirmed=True).count()


def twofactor_session_verified(session) -> bool:
    return bool(session.get(DEVICE_ID_SESSION_KEY))


def twofactor_owed(request) -> bool:
    """Whether the signed-in user of this request still has to pass the second factor."""
    session = request.session
    changed_at = request.user.twofactor_changed_at
    changed = changed_at is not None and changed_at.timestamp() > session.get(EXEMPT_AT_SESSION_KEY, 0)
    if twofactor_session_verified(session):
        if not changed or _session_device_confirmed(session, user=request.user):
            return False
        # The device that passed this session was deleted or unconfirmed since (a lost
        # phone deleted in the admin): the session has passed nothing any more.
        session.pop(DEVICE_ID_SESSION_KEY, None)
        exempt = _session_exempt_decide(session, user=request.user)
    else:
        exempt = session.get(EXEMPT_SESSION_KEY)
        # A session signed in before two-factor sign-in existed, or before the user
        # turned it on or off in another session (or was given the duty to use it).
        if exempt is None or changed:
            exempt = _session_exempt_decide(session, user=request.user)
    if not exempt:
        return True
    # Made an administrator or a superuser since signing in: from the memberships and
    # the user row already loaded.
    return settings.TWO_FACTOR_REQUIRED and (
        _admin_site_user(request.user)
        or any(
            role in TWO_FACTOR_ROLES for membership in getattr(request, "memberships", []) for role in membership.roles
        )
    )


def _admin_site_user(user) -> bool:
    return bool(user.is_superuser or user.is_staff)


def _session_exempt_decide(session, *, user) -> bool:
    # The time before reading: a change committed after the reads is stamped later.
    decided_at = time.time()
    exempt = not twofactor_needed(user=user)
    session[EXEMPT_SESSION_KEY] = exempt
    session[EXEMPT_AT_SESSION_KEY] = decided_at
    return exempt


def _session_device_confirmed(session, *, user) -> bool:
    """Whether the device that passed this verified session is still the user's and
    confirmed (one query, made only after the user's two-factor sign-in changed)."""
    checked_at = time.time()
    device = Device.from_persistent_id(session[DEVICE_ID_SESSION_KEY])
    if device is None or not device.confirmed or device.user_id != user.pk:
        return False
    session[EXEMPT_AT_SESSION_KEY] = checked_at
    return True


def totp_secret(device) -> str:
    """The device's key in base32, as authenticator apps take it when typed in."""
    return base64.b32encode(device.bin_key).decode("ascii").rstrip("=")


def totp_secret_grouped(device) -> str:
    secret = totp_secret(device)
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


def totp_qr_svg(device) -> str:
    """The device's otpauth:// address as an inline SVG QR code (no script, no image file)."""
    return _qr_svg(device.config_url)


@functools.lru_cache(maxsize=32)
def _qr_svg(address: str) -> str:
    # Drawing the code costs ~15 ms; the setup page is reloaded with the same pending
    # key while the person fetches their phone, so the drawing is kept per address.
    return segno.make(address, error="m").svg_inline(scale=5, svgclass="totp-qr", lineclass=None)


def twofactor_code_normalise(code: str) -> str:
    """Codes are typed with spaces or dashes and in any case: compare without them."""
    return "".join((code or "").split()).replace("-", "").lower()


# --- Writes ------------------------------------------------------------------------


def signin_session_start(*, request, user):
    """Called at every sign-in (Django's user_logged_in signal): stamp the session with
    the time, and decide once whether this user owes a second factor."""
    now = int(time.time())
    request.session[SIGNED_IN_AT_SESSION_KEY] = now
    request.session[SEEN_AT_SESSION_KEY] = now
    _session_exempt_decide(request.session, user=user)
    request.session.pop(ATTEMPTS_SESSION_KEY, None)


@transaction.atomic
def totp_device_pending(*, user):
    """The unconfirmed authenticator the user is setting up (made on first call, so the
    QR code stays the same when the page is reloaded)."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("pk").first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=TOTP_DEVICE_NAME, confirmed=False)
    return device


@transaction.atomic
def totp_device_confirm(*, user, code):
    """Confirm the pending authenticator with a code it shows; returns (device, recovery
    codes) or None when the code is wrong.

    A user holds at most one confirmed authenticator: this refuses to add a second one
    (setting up is not a way round the code of the first).
    """
    if TOTPDevice.objects.select_for_update().filter(user=user, confirmed=True).exists():
        return None
    device = TOTPDevice.objects.select_for_update().filter(user=user, confirmed=False).order_by("pk").first()
    if device is None or not device.verify_token(twofactor_code_normalise(code)):
        return None
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    TOTPDevice.objects.filter(user=user, confirmed=False).delete()
    codes = twofactor_recovery_codes_regenerate(user=user)
    twofactor_changed_stamp(user=user)
    _audit(action="two_factor_changed", user=user, changes={"two_factor": [False, True]})
    return device, codes


@transaction.atomic
def twofactor_recovery_codes_regenerate(*, user) -> list[str]:
    """Replace the user's recovery codes by RECOVERY_CODE_COUNT new single-use ones."""
    device, _ = StaticDevice.objects.get_or_create(user=user, name=RECOVERY_DEVICE_NAME, defaults={"confirmed": True})
    device.token_set.all().delete()
    codes = [StaticToken.random_token() for _ in range(RECOVERY_CODE_COUNT)]
    StaticToken.objects.bulk_create(StaticToken(device=device, token=code) for code in codes)
    return codes


@transaction.atomic
def twofactor_disable(*, user):
    """Remove the user's authenticator and recovery codes."""
    TOTPDevice.objects.filter(user=user).delete()
    StaticDevice.objects.filter(user=user).delete()
    twofactor_changed_stamp(user=user)
    _audit(action="two_factor_changed", user=user, changes={"two_factor": [True, False]})


def twofactor_session_forget(*, request):
    """This session, whose user just turned two-factor sign-in off, owes no code."""
    request.session.pop(DEVICE_ID_SESSION_KEY, None)
    _session_exempt_decide(request.session, user=request.user)


def twofactor_changed_stamp(*, user):
    """Note that the user's two-factor sign-in, or their duty to use it, changed now:
    their sessions that owed no code decide again on their next request, and their
    verified sessions check that the device that passed them is still there.

    Called inside the transaction making the change, the stamp is written again
    right after it commits: a session deciding in between (not yet seeing the new
    device or role) keeps a time earlier than the second stamp, so it decides again
    (the first one still holds should the process die between the two)."""
    user.twofactor_changed_at = timezone.now()
    User.objects.filter(pk=user.pk).update(twofactor_changed_at=user.twofactor_changed_at)
    if transaction.get_connection().in_atomic_block:
        pk = user.pk
        transaction.on_commit(lambda: User.objects.filter(pk=pk).update(twofactor_changed_at=timezone.now()))


def twofactor_code_check(*, user, code):
    """The device that accepts this code (the authenticator for digits, otherwise a
    recovery code, which is used up), or None. Each device also throttles itself after
    failures (django-otp doubles the wait each time), across all sessions."""
    code = twofactor_code_normalise(code)
    if not code:
        return None
    if code.isascii() and code.isdigit():
        devices = TOTPDevice.objects.devices_for_user(user, confirmed=True)
    else:
        devices = StaticDevice.objects.devices_for_user(user, confirmed=True)
    for device in devices.order_by("pk"):
        verified = verify_token(user, device.persistent_id, code)
        if verified is not None:
            return verified
    return None


def twofactor_session_verify(*, request, device):
    """Count the session as having passed the second factor: a new session key (the
    one seen before the code is worth nothing after it), then django-otp's marker."""
    request.session.cycle_key()
    otp_login(request, device)
    request.session.pop(ATTEMPTS_SESSION_KEY, None)
    request.session[EXEMPT_SESSION_KEY] = False
    request.session[EXEMPT_AT_SESSION_KEY] = time.time()


def twofactor_attempt_failed(*, request) -> int:
    """Count a wrong code in this session and write it to the audit trail; returns how
    many attempts are left (0: the session must sign in again)."""
    attempts = request.session.get(ATTEMPTS_SESSION_KEY, 0) + 1
    request.session[ATTEMPTS_SESSION_KEY] = attempts
    _audit(action="two_factor_failed", user=request.user, changes={"attempt": attempts})
    return max(settings.TWO_FACTOR_MAX_ATTEMPTS - attempts, 0)


@transaction.atomic
def twofactor_device_admin_delete(*, device):
    """A superuser deletes someone's authenticator or recovery codes in the Django
    admin (a lost phone): the trail of each of the person's schools says so."""
    user = device.user
    if isinstance(device, StaticDevice):
        changes = {"recovery_codes": [device.token_set.count(), 0]}
    else:
        changes = {"two_factor": [device.confirmed, False]}
    device.delete()
    twofactor_changed_stamp(user=user)
    _audit(action="two_factor_changed", user=user, changes={**changes, "by": "admin"})


# Fields of a device never diffed by value: its own id, who owns it (recorded apart),
# whether it is usable (likewise) and the key (only that it changed).
_DEVICE_FIELDS_APART = {"id", "user", "confirmed", "key"}


@transaction.atomic
def twofactor_device_admin_save(*, device):
    """A superuser adds or edits someone's authenticator or recovery-code device in the
    Django admin. The trail says what changed, every field (the tolerance, digits, step,
    drift, and the throttling counters: clearing them lifts the lockout after wrong
    codes), but of the key only that it changed, never its value."""
    stored = type(device).objects.select_related("user").filter(pk=device.pk).first() if device.pk else None
    device.save()
    was_confirmed = stored is not None and stored.confirmed and stored.user_id == device.user_id
    changes = {}
    if was_confirmed != device.confirmed:
        changes["two_factor" if isinstance(device, TOTPDevice) else "recovery_codes_usable"] = [
            was_confirmed,
            device.confirmed,
        ]
    if stored is not None:
        fields = [f.name for f in device._meta.concrete_fields if f.name not in _DEVICE_FIELDS_APART]
        changes.update(audit_diff(before=audit_snapshot(stored, fields), after=audit_snapshot(device, fields)))
        if isinstance(device, TOTPDevice) and stored.key != device.key:
            changes["key"] = ["old", "new"]
    if stored is not None and stored.user_id != device.user_id:
        twofactor_changed_stamp(user=stored.user)
        _audit(action="two_factor_changed", user=stored.user, changes={"device": [device.name, None], "by": "admin"})
        changes["device"] = [None, device.name]
    if changes:
        twofactor_changed_stamp(user=device.user)
        _audit(action="two_factor_changed", user=device.user, changes={**changes, "by": "admin"})
    return device


def twofactor_recovery_codes_snapshot(*, device) -> frozenset:
    """The recovery codes of `device` as they are, to compare after an admin's edit
    (kept in memory only: codes never reach the trail)."""
    return frozenset(device.token_set.values_list("token", flat=True)) if device.pk else frozenset()


def twofactor_recovery_codes_admin_changed(*, device, before: frozenset):
    """After a superuser added, removed or replaced recovery codes of `device` in the
    Django admin (`before`: `twofactor_recovery_codes_snapshot` of them): the trail
    says how many there are now and that they changed, never a code."""
    after = twofactor_recovery_codes_snapshot(device=device)
    if after != before:
        _audit(
            action="two_factor_changed",
            user=device.user,
            changes={"recovery_codes": [len(before), len(after)], "recovery_codes_changed": True, "by": "admin"},
        )


def _audit(*, action, user, changes):
    # A person's own two-factor sign-in is written to each of their schools (a
    # coordinator without one: to none).
    audit_record_for_person(action=action, user=user, changes=changes)
