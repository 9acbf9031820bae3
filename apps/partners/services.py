"""Writes of the social partnership: directions, partners and their stages,
contacts, agreements and joint activities. Every write is validated in full
before anything is saved."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from apps.core.dates import school_today
from apps.core.uploads import validate_upload

from .models import (
    SCAN_TYPES,
    Agreement,
    JointActivity,
    PartnerContact,
    PartnerDirection,
    PartnerOrganisation,
    StageChange,
)


def _full_clean(instance, **kwargs):
    instance.full_clean(**kwargs)
    instance.save()
    return instance


def directions_ensure_defaults(*, school):
    """The school's directions; the four usual ones (socio-pedagogical, civic-patriotic,
    sport and health, prevention) are created the first time a school has none. Idempotent."""
    directions = PartnerDirection.objects.for_school(school)
    if not directions.exists():
        PartnerDirection.objects.bulk_create(
            [PartnerDirection(school=school, name=name) for name in PartnerDirection.DEFAULTS],
            ignore_conflicts=True,
        )
    return directions.order_by("name", "pk")


def direction_create(*, school, name):
    return _full_clean(PartnerDirection(school=school, name=name))


def direction_rename(*, direction, name):
    direction.name = name
    return _full_clean(direction)


def _check_direction(school, direction):
    if direction is not None and direction.school_id != school.pk:
        raise ValidationError({"direction": _("Choose a direction of this school.")})


def partner_name_check(*, school, name, partner=None):
    """The name as kept (spaces tidied), refused when another partner of the school
    has it already, whatever the case of its letters."""
    name = " ".join(name.split())
    others = PartnerOrganisation.objects.for_school(school).filter(name__iexact=name)
    if partner is not None:
        others = others.exclude(pk=partner.pk)
    if others.exists():
        raise ValidationError({"name": _("This partner is already in the registry.")})
    return name


@transaction.atomic
def partner_create(
    *, school, name, kind, direction=None, address="", stage=None, stage_since=None, notes="", created_by=None
):
    """A new partner with its first stage recorded in the history."""
    _check_direction(school, direction)
    name = partner_name_check(school=school, name=name)
    if stage_since is not None and stage_since > school_today(school):
        raise ValidationError({"stage_since": _("The stage cannot start in the future.")})
    partner = PartnerOrganisation(
        school=school,
        name=name,
        kind=kind,
        direction=direction,
        address=address,
        stage=stage or PartnerOrganisation._meta.get_field("stage").default,
        notes=notes,
    )
    partner.full_clean()
    partner.save()
    StageChange.objects.create(
        partner=partner, stage=partner.stage, changed_on=stage_since or school_today(school), changed_by=created_by
    )
    return partner


def partner_update(*, partner, name, kind, direction=None, address="", notes="", is_active=True):
    """Change a partner's card; the stage moves only through `partner_stage_change`."""
    _check_direction(partner.school, direction)
    name = partner_name_check(school=partner.school, name=name, partner=partner)
    for field, value in {
        "name": name,
        "kind": kind,
        "direction": direction,
        "address": address,
        "notes": notes,
        "is_active": is_active,
    }.items():
        setattr(partner, field, value)
    return _full_clean(partner)


@transaction.atomic
def partner_stage_change(*, partner, stage, changed_on=None, changed_by=None):
    """Move a partner to another stage. The date is not in the future and not
    before the previous move, so the history reads in order."""
    today = school_today(partner.school)
    changed_on = changed_on or today
    if stage == partner.stage:
        raise ValidationError({"stage": _("The partner is already at this stage.")})
    if changed_on > today:
        raise ValidationError({"changed_on": _("The date is in the future.")})
    last = partner.stage_changes.order_by("-changed_on", "-pk").first()
    if last is not None and changed_on < last.changed_on:
        raise ValidationError(
            {"changed_on": _("The previous move was on %(date)s.") % {"date": last.changed_on.strftime("%d.%m.%Y")}}
        )
    partner.stage = stage
    partner.full_clean()
    partner.save(update_fields=["stage"])
    return StageChange.objects.create(partner=partner, stage=stage, changed_on=changed_on, changed_by=changed_by)


def contact_create(*, partner, name, role="", phone="", email=""):
    return _full_clean(PartnerContact(partner=partner, name=name, role=role, phone=phone.strip(), email=email))


def contact_update(*, contact, name, role="", phone="", email=""):
    contact.name, contact.role, contact.phone, contact.email = name, role, phone.strip(), email
    return _full_clean(contact)


def contact_delete(*, contact):
    contact.delete()


def agreement_create(*, partner, number, signed_on, valid_until, subject, scan=None):
    """An agreement valid after it is signed; its scan is a document or an image."""
    if scan:
        try:
            validate_upload(scan, extensions=SCAN_TYPES)
        except ValidationError as error:
            raise ValidationError({"scan": error.messages}) from None
    agreement = Agreement(partner=partner, number=number, signed_on=signed_on, valid_until=valid_until, subject=subject)
    if scan:
        agreement.scan = scan
    if signed_on and valid_until and valid_until <= signed_on:
        raise ValidationError({"valid_until": _("The agreement must end after it is signed.")})
    agreement.full_clean()
    agreement.save()
    return agreement


@transaction.atomic
def agreement_update(*, agreement, number, signed_on, valid_until, subject, scan=None):
    """Correct an agreement; a new scan replaces the old one."""
    if scan:
        try:
            validate_upload(scan, extensions=SCAN_TYPES)
        except ValidationError as error:
            raise ValidationError({"scan": error.messages}) from None
    if signed_on and valid_until and valid_until <= signed_on:
        raise ValidationError({"valid_until": _("The agreement must end after it is signed.")})
    agreement.number, agreement.signed_on, agreement.valid_until, agreement.subject = (
        number,
        signed_on,
        valid_until,
        subject,
    )
    if scan:
        agreement.scan = scan
    elif scan is False:
        agreement.scan = ""
    agreement.full_clean()
    agreement.save()
    return agreement


def _check_problem_day(school, problem_day):
    if problem_day is not None and problem_day.school_id != school.pk:
        raise ValidationError({"problem_day": _("Choose a problem-theme day of this school.")})


def _check_activity(school, *, partners, teachers, responsible, product_file, starts_on=None, ends_on=None):
    errors = {}
    if starts_on and ends_on and ends_on < starts_on:
        errors["ends_on"] = _("The period ends before it starts.")
    partners = list(partners)
    if not partners:
        errors["partners"] = _("Choose at least one partner.")
    elif any(p.school_id != school.pk for p in partners):
        errors["partners"] = _("Choose partners of this school.")
    if any(t.school_id != school.pk for t in teachers):
        errors["teachers"] = _("Choose teachers of this school.")
    if responsible is not None and responsible.school_id != school.pk:
        errors["responsible"] = _("Choose a teacher of this school.")
    if product_file:
        try:
            validate_upload(product_file)
        except ValidationError as error:
            errors["product_file"] = error.messages
    if errors:
        raise ValidationError(errors)


ACTIVITY_FIELDS = (
    "title",
    "starts_on",
    "ends_on",
    "kind",
    "mechanism",
    "product_text",
    "product_link",
    "students_count",
    "parents_count",
    "responsible",
    "status",
    "problem_day",
)


@transaction.atomic
def activity_create(*, school, partners, teachers=(), product_file=None, **fields):
    """A joint activity with partners and teachers of its own school; the period
    does not end before it starts (the database checks this too)."""
    _check_problem_day(school, fields.get("problem_day"))
    _check_activity(
        school,
        partners=partners,
        teachers=teachers,
        responsible=fields.get("responsible"),
        product_file=product_file,
        starts_on=fields.get("starts_on"),
        ends_on=fields.get("ends_on"),
    )
    activity = JointActivity(school=school, **{k: v for k, v in fields.items() if k in ACTIVITY_FIELDS})
    if product_file:
        activity.product_file = product_file
    _full_clean(activity)
    activity.partners.set(partners)
    activity.teachers.set(teachers)
    return activity


@transaction.atomic
def activity_update(*, activity, partners, teachers=(), product_file=None, **fields):
    _check_problem_day(activity.school, fields.get("problem_day"))
    _check_activity(
        activity.school,
        partners=partners,
        teachers=teachers,
        responsible=fields.get("responsible"),
        product_file=product_file,
        starts_on=fields.get("starts_on"),
        ends_on=fields.get("ends_on"),
    )
    for field, value in fields.items():
        if field in ACTIVITY_FIELDS:
            setattr(activity, field, value)
    if product_file:
        activity.product_file = product_file
    _full_clean(activity)
    activity.partners.set(partners)
    activity.teachers.set(teachers)
    return activity
