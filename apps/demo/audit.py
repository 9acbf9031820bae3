"""A demo audit trail: two working weeks of a school's administration, so that a
newcomer opening «Журнал аудита» sees what the trail records.

Rows are written by `apps.audit.services` as the real services would write them,
backdated at insert (`audit_backdated`) and never updated, since the trail is
append-only. Idempotence therefore comes from a marker: every demo row's request id
starts with `DEMO_REQUEST_PREFIX`, and the trail is written only if the main school
has no such row yet. No row carries text of lesson feedback.
See docs/security-and-privacy.md#audit-trail.
"""

import contextlib
import datetime
import random

from django.utils.translation import gettext as _

from apps.accounts.models import Membership, Role
from apps.audit.models import AuditEvent
from apps.audit.services import audit_backdated, audit_diff, audit_export, audit_record, audit_record_for_person
from apps.core.request_context import RequestContext, request_context_reset, request_context_set
from apps.mentoring.models import MentorGroup, MentorGroupMember
from apps.staff.models import CategoryAward, StaffMember

# The request id of every demo row begins with this: the marker of the demo trail.
DEMO_REQUEST_PREFIX = "demo-"
# How many working days back the registry was loaded ("set-up day"): the rows
# written while the demo is built are dated then, before the demo trail.
SETUP_WORKDAYS_BACK = 12

# Addresses from the ranges reserved for documentation (RFC 5737).
SCHOOL_IP = "203.0.113.17"  # the school's network
PARTNER_IP = "203.0.113.84"
HOME_IP = "198.51.100.23"  # a teacher at home
PHONE_IP = "192.0.2.141"  # a phone on mobile data


def workday(*, now, tz, back: int, at: str) -> datetime.datetime:
    """`back` working days (Monday to Friday) before `now`'s day in `tz`, at `at` ("HH:MM")."""
    day = now.astimezone(tz).date()
    while back > 0:
        day -= datetime.timedelta(days=1)
        if day.weekday() < 5:
            back -= 1
    hours, minutes = (int(part) for part in at.split(":"))
    return datetime.datetime.combine(day, datetime.time(hours, minutes), tzinfo=tz)


def setup_time(*, school, now) -> datetime.datetime:
    """When the demo school "loaded its registry": the time given to the rows that
    building the demo writes, so that they come before the demo trail."""
    return workday(now=now, tz=school.tzinfo, back=SETUP_WORKDAYS_BACK, at="16:00")


def demo_trail_exists(*, school) -> bool:
    return AuditEvent.objects.filter(school=school, request_id__startswith=DEMO_REQUEST_PREFIX).exists()


class _Trail:
    """Writes rows of one school as if in requests of its people, at given times."""

    def __init__(self, *, school, now, rng):
        self.school, self.now, self.rng = school, now, rng

    @contextlib.contextmanager
    def request(self, *, back, at, actor=None, ip=SCHOOL_IP):
        when = workday(now=self.now, tz=self.school.tzinfo, back=back, at=at)
        when += datetime.timedelta(seconds=self.rng.randint(0, 59))
        token = request_context_set(
            RequestContext(
                request_id=f"{DEMO_REQUEST_PREFIX}{self.rng.getrandbits(96):024x}",
                user_id=actor.pk if actor is not None else None,
                user=actor,
                school_id=self.school.pk,
                ip_address=ip,
            )
        )
        try:
            with audit_backdated(when):
                yield
        finally:
            request_context_reset(token)

    def sign_in(self, user, *, back, at, ip=SCHOOL_IP):
        with self.request(back=back, at=at, actor=user, ip=ip):
            audit_record_for_person(action=AuditEvent.Action.SIGN_IN_SUCCEEDED, user=user, actor=user)

    def sign_out(self, user, *, back, at, ip=SCHOOL_IP):
        with self.request(back=back, at=at, actor=user, ip=ip):
            audit_record_for_person(action=AuditEvent.Action.SIGN_OUT, user=user, actor=user)

    def sign_in_failed(self, user, *, back, at, ip=SCHOOL_IP):
        # As the sign-in receiver writes it: no actor, the e-mail that was tried.
        with self.request(back=back, at=at, ip=ip):
            audit_record_for_person(
                action=AuditEvent.Action.SIGN_IN_FAILED, user=user, actor=None, target_label=user.email
            )

    def record(self, actor, *, back, at, ip=SCHOOL_IP, **fields):
        with self.request(back=back, at=at, actor=actor, ip=ip):
            audit_record(school=self.school, actor=actor, **fields)

    def export(self, actor, *, back, at, ip=SCHOOL_IP, **fields):
        with self.request(back=back, at=at, actor=actor, ip=ip):
            audit_export(school=self.school, **fields)


def _roles_label(roles) -> str:
    # As Membership.get_roles_display() writes them.
    labels = dict(Role.choices)
    return ", ".join(str(labels[role]) for role in roles)


def _award_changes(award) -> dict:
    # The fields the category service records.
    after = {
        "category": award.get_category_display(),
        "awarded_on": award.awarded_on,
        "valid_until": award.valid_until,
        "order_number": award.order_number or None,
    }
    return audit_diff(before={}, after={name: value for name, value in after.items() if value is not None})


def _seed_main(trail, *, users):
    school = trail.school
    director = users["director@berezovka.demo"]
    zavuch = users["zavuch@berezovka.demo"]
    curator = users["curator@berezovka.demo"]
    teacher = users["teacher@berezovka.demo"]
    staff = StaffMember.objects.for_school(school)

    # The director signs in, turns on two-factor sign-in (administrators must).
    trail.sign_in(director, back=10, at="08:12")
    trail.record(
        director,
        back=10,
        at="08:15",
        action=AuditEvent.Action.TWO_FACTOR_CHANGED,
        target=director,
        changes={"two_factor": [False, True]},
    )
    # The imported registry still listed people who had left: the deputy head marks them.
    trail.sign_in(zavuch, back=10, at="09:40")
    departed = list(staff.filter(is_active=False, left_on__isnull=False).order_by("left_on", "pk"))
    # One leaving date is first typed as the end of the school year, then corrected from the order.
    corrected = next((card for card in departed if card.left_on.month in (7, 8)), None)
    for index, card in enumerate(departed):
        left_on = card.left_on.replace(month=6, day=30) if card == corrected else card.left_on
        trail.record(
            zavuch,
            back=10,
            at=f"09:{44 + 2 * index:02d}",
            action=AuditEvent.Action.STAFF_DEACTIVATED,
            target=card,
            changes=audit_diff(
                before={"is_active": True, "left_on": None}, after={"is_active": False, "left_on": left_on}
            ),
        )
    if corrected is not None:
        trail.record(
            zavuch,
            back=10,
            at="10:02",
            action=AuditEvent.Action.STAFF_UPDATED,
            target=corrected,
            changes=audit_diff(
                before={"left_on": corrected.left_on.replace(month=6, day=30)}, after={"left_on": corrected.left_on}
            ),
        )
    trail.sign_out(zavuch, back=10, at="10:05")

    # The young teacher mistypes her password at home, twice, then gets in.
    trail.sign_in_failed(teacher, back=9, at="19:31", ip=HOME_IP)
    trail.sign_in_failed(teacher, back=9, at="19:32", ip=HOME_IP)
    trail.sign_in(teacher, back=9, at="19:34", ip=HOME_IP)
    trail.sign_out(teacher, back=9, at="20:02", ip=HOME_IP)

    # The curator goes on a course for a week: the deputy head coordinates the pairs meanwhile.
    membership = Membership.objects.get(user=zavuch, school=school)
    with_curator = [*membership.roles, Role.CURATOR] if Role.CURATOR not in membership.roles else membership.roles
    trail.sign_in(director, back=8, at="08:05")
    trail.record(
        director,
        back=8,
        at="08:09",
        action=AuditEvent.Action.ROLES_CHANGED,
        target=zavuch,
        changes={"roles": [_roles_label(membership.roles), _roles_label(with_curator)]},
    )
    # The staff registry for the municipal report, as a spreadsheet.
    today = workday(now=trail.now, tz=school.tzinfo, back=8, at="08:20").date()
    trail.export(
        director,
        back=8,
        at="08:20",
        what=_("Staff registry"),
        file_name=f"staff-{today:%Y-%m-%d}.xlsx",
        filters={"status": "active"},
    )
    trail.sign_out(director, back=8, at="08:41")

    # A new attestation order is entered in the registry.
    award = CategoryAward.objects.filter(staff__school=school).order_by("-awarded_on", "-pk").first()
    trail.sign_in(zavuch, back=7, at="13:10")
    if award is not None:
        trail.record(
            zavuch,
            back=7,
            at="13:16",
            action=AuditEvent.Action.CATEGORY_AWARDED,
            target=award.staff,
            changes=_award_changes(award),
        )

    # A triad is arranged afresh: its last member takes a new place in it.
    triad = MentorGroup.objects.filter(school=school, kind=MentorGroup.Kind.TRIAD).order_by("pk").first()
    member = triad.members.select_related("staff").order_by("-slot").first() if triad else None
    if member is not None:
        old_role = (
            MentorGroupMember.Role.PEER if member.role != MentorGroupMember.Role.PEER else MentorGroupMember.Role.MENTEE
        )
        trail.record(
            zavuch,
            back=7,
            at="13:25",
            action=AuditEvent.Action.GROUP_MEMBERSHIP_CHANGED,
            target=member.staff,
            changes={
                "mentor_group": [
                    f"{triad}: {MentorGroupMember.Role(old_role).label}",
                    f"{triad}: {MentorGroupMember.Role(member.role).label}",
                ]
            },
        )
    trail.sign_out(zavuch, back=7, at="13:40")

    trail.sign_in(curator, back=6, at="07:48", ip=PHONE_IP)
    trail.sign_in(director, back=5, at="11:02")
    trail.sign_out(director, back=5, at="11:30")
    trail.sign_in(teacher, back=4, at="15:05")

    # The young teacher asks for a copy of her personal data (152-FZ, art. 14).
    trail.sign_in(director, back=3, at="10:15")
    own_card = staff.filter(user=teacher).first()
    if own_card is not None:
        trail.record(director, back=3, at="10:21", action=AuditEvent.Action.PERSONAL_DATA_EXPORTED, target=own_card)
    # The curator is back: the deputy head's roles are as before.
    trail.record(
        director,
        back=3,
        at="10:24",
        action=AuditEvent.Action.ROLES_CHANGED,
        target=zavuch,
        changes={"roles": [_roles_label(with_curator), _roles_label(membership.roles)]},
    )
    trail.sign_out(director, back=3, at="10:30")

    trail.sign_in(director, back=2, at="15:08")
    trail.sign_in_failed(zavuch, back=1, at="08:01")
    trail.sign_in(zavuch, back=1, at="08:02")
    trail.sign_in(curator, back=1, at="12:37")


def _seed_partner(trail, *, users):
    director = users["director@olkhovka.demo"]
    teacher = users["teacher@olkhovka.demo"]
    trail.sign_in(director, back=9, at="09:05", ip=PARTNER_IP)
    trail.record(
        director,
        back=9,
        at="09:09",
        action=AuditEvent.Action.TWO_FACTOR_CHANGED,
        target=director,
        changes={"two_factor": [False, True]},
        ip=PARTNER_IP,
    )
    trail.sign_out(director, back=9, at="09:30", ip=PARTNER_IP)
    trail.sign_in_failed(teacher, back=4, at="14:12", ip=PARTNER_IP)
    trail.sign_in(teacher, back=4, at="14:13", ip=PARTNER_IP)


def seed_audit(*, schools, users, now) -> bool:
    """Write the demo trail of the main school (and a few rows of the partner
    school) over the last two working weeks before `now`; nothing if the main
    school already has it. Returns whether it was written."""
    main = schools["main"]
    if demo_trail_exists(school=main):
        return False
    rng = random.Random(2026)  # nosec B311 # reproducible demo data, not a secret
    _seed_main(_Trail(school=main, now=now, rng=rng), users=users)
    _seed_partner(_Trail(school=schools["partner"], now=now, rng=rng), users=users)
    return True
