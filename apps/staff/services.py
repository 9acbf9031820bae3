"""Writes to the staff registry. Each service validates with full_clean() before saving."""

import datetime

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from apps.audit.models import AuditEvent
from apps.audit.services import audit_diff, audit_record, audit_record_many, audit_snapshot
from apps.core.dates import add_years, school_today
from apps.core.forms import DateRangeValidator
from apps.core.prepared import Param, prepared_query
from apps.core.validation import full_clean_on_fields

from .importing import name_key, staff_rows_parse
from .models import (
    CATEGORY_VALIDITY_YEARS,
    EARLIEST_DATE,
    VIOLATION_FIELDS,
    Achievement,
    CategoryAward,
    ErasureRecord,
    QualificationCategory,
    StaffImport,
    StaffMember,
    Subject,
    SubjectAssociation,
)

STAFF_FIELDS = (
    "last_name",
    "first_name",
    "patronymic",
    "email",
    "position",
    "association",
    "teaching_since",
    "hired_on",
    "user",
)

# What the audit trail records of a card: every field of personal data and employment.
AUDITED_STAFF_FIELDS = (*STAFF_FIELDS, "is_active", "left_on")


def _stored_snapshot(staff, fields):
    """The card's fields as stored, before a change. Read from the database, since
    a bound ModelForm has already copied the new values onto `staff`."""
    stored = StaffMember.objects.select_related("association", "user").get(pk=staff.pk)
    return audit_snapshot(stored, fields)


def _audit_staff(action, staff, before, *, subjects_changed=False, target_label=None):
    """Write the trail row of a change to `staff` since `before` (a snapshot)."""
    fields = (*AUDITED_STAFF_FIELDS, "subjects") if subjects_changed else AUDITED_STAFF_FIELDS
    after = audit_snapshot(staff, fields)
    if not before:  # a new card: its filled-in fields
        after = {name: value for name, value in after.items() if value not in (None, "", [])}
    audit_record(
        action=action,
        school=staff.school,
        target=staff,
        changes=audit_diff(before=before, after=after),
        target_label=target_label,
    )


class StaffErased(ValidationError):
    """The card's person was erased (apps.privacy.erasure): the card is not changed again."""


def staff_member_ensure_not_erased(*, staff: StaffMember) -> None:
    """Raise `StaffErased` if the personal data of `staff` were erased.

    An erased card keeps only what the school's figures need; editing it,
    bringing it back, or adding and deleting its categories or achievements
    would put a person's data back or change the figures behind the act. Inside
    a transaction the card is locked first, so an erasure running at the same
    time either finishes before the check or waits for the change to commit.
    """
    if transaction.get_connection().in_atomic_block:
        list(StaffMember.objects.select_for_update().filter(pk=staff.pk).values_list("pk"))
    if _erasure_of.rows(staff_id=staff.pk):
        raise StaffErased(_("The personal data of this person were erased; the card cannot be changed."), code="erased")


@prepared_query
def _erasure_of():
    # Asked before every change of a card: compiled once per process.
    return ErasureRecord.objects.filter(staff_id=Param("staff_id")).order_by().values_list("pk")[:1]


def _full_clean(instance, **kwargs):
    """full_clean(), with a database constraint's violation shown next to its field."""
    full_clean_on_fields(instance, VIOLATION_FIELDS, **kwargs)


def registry_date_range(school):
    """(earliest, latest) date the registry takes: from 1940 to a year after the school's today."""
    return EARLIEST_DATE, add_years(school_today(school), 1)


def _check_dates(school, **dates):
    validator = DateRangeValidator(*registry_date_range(school))
    errors = {}
    for name, value in dates.items():
        try:
            if isinstance(value, datetime.date):
                validator(value)
        except ValidationError as error:
            errors[name] = error
    if errors:
        raise ValidationError(errors)


def _check_same_school(school, *, association=None, subjects=()):
    if association is not None and association.school_id != school.pk:
        raise ValidationError({"association": _("This association belongs to another school.")})
    if any(subject.school_id != school.pk for subject in subjects):
        raise ValidationError({"subjects": _("A subject belongs to another school.")})


@transaction.atomic
def staff_member_create(*, school, subjects=(), **fields) -> StaffMember:
    """Add a person to the registry; subjects and association must be the school's own."""
    unknown = set(fields) - set(STAFF_FIELDS)
    if unknown:
        raise TypeError(f"unknown fields: {sorted(unknown)}")
    _check_same_school(school, association=fields.get("association"), subjects=subjects)
    _check_dates(school, teaching_since=fields.get("teaching_since"), hired_on=fields.get("hired_on"))
    staff = StaffMember(school=school, **fields)
    _full_clean(staff)
    staff.save()
    staff.subjects.set(subjects)
    _audit_staff(AuditEvent.Action.STAFF_CREATED, staff, {}, subjects_changed=bool(subjects))
    return staff


@transaction.atomic
def staff_member_update(*, staff: StaffMember, subjects=None, **fields) -> StaffMember:
    unknown = set(fields) - set(STAFF_FIELDS)
    if unknown:
        raise TypeError(f"unknown fields: {sorted(unknown)}")
    staff_member_ensure_not_erased(staff=staff)
    _check_same_school(staff.school, association=fields.get("association"), subjects=subjects or ())
    _check_dates(staff.school, teaching_since=fields.get("teaching_since"), hired_on=fields.get("hired_on"))
    audited = (*AUDITED_STAFF_FIELDS, "subjects") if subjects is not None else AUDITED_STAFF_FIELDS
    before = _stored_snapshot(staff, audited)
    for name, value in fields.items():
        setattr(staff, name, value)
    _full_clean(staff)
    staff.save()
    if subjects is not None:
        staff.subjects.set(subjects)
    _audit_staff(AuditEvent.Action.STAFF_UPDATED, staff, before, subjects_changed=subjects is not None)
    return staff


@transaction.atomic
def staff_member_deactivate(*, staff: StaffMember, left_on: datetime.date) -> StaffMember:
    """Mark a person as having left on `left_on`. Nothing of their history is deleted."""
    staff_member_ensure_not_erased(staff=staff)
    _check_dates(staff.school, left_on=left_on)
    if left_on < staff.hired_on:
        raise ValidationError({"left_on": _("The leaving date cannot be before the hire date.")})
    before = _stored_snapshot(staff, AUDITED_STAFF_FIELDS)
    staff.is_active = False
    staff.left_on = left_on
    _full_clean(staff)
    staff.save(update_fields=["is_active", "left_on", "updated_at"])
    _audit_staff(AuditEvent.Action.STAFF_DEACTIVATED, staff, before)
    return staff


@transaction.atomic
def staff_member_reactivate(*, staff: StaffMember) -> StaffMember:
    staff_member_ensure_not_erased(staff=staff)
    before = _stored_snapshot(staff, AUDITED_STAFF_FIELDS)
    staff.is_active = True
    staff.left_on = None
    staff.save(update_fields=["is_active", "left_on", "updated_at"])
    _audit_staff(AuditEvent.Action.STAFF_REACTIVATED, staff, before)
    return staff


@transaction.atomic
def category_award_create(
    *, staff: StaffMember, category: str, awarded_on: datetime.date, order_number: str = ""
) -> CategoryAward:
    """Record an attestation result; it stays in force for five years."""
    staff_member_ensure_not_erased(staff=staff)
    _check_dates(staff.school, awarded_on=awarded_on)
    award = CategoryAward(
        staff=staff,
        category=category,
        awarded_on=awarded_on,
        valid_until=_valid_until(awarded_on),
        order_number=order_number,
    )
    _full_clean(award)
    award.save()
    audit_record(
        action=AuditEvent.Action.CATEGORY_AWARDED,
        school=staff.school,
        target=staff,
        changes=audit_diff(before={}, after=_award_fields(award)),
    )
    return award


def _award_fields(award: CategoryAward) -> dict:
    fields = {
        "category": award.get_category_display(),
        "awarded_on": award.awarded_on,
        "valid_until": award.valid_until,
        "order_number": award.order_number or None,
    }
    return {name: value for name, value in fields.items() if value is not None}


def _valid_until(awarded_on: datetime.date) -> datetime.date:
    """The last day a category awarded on `awarded_on` is in force."""
    try:
        return add_years(awarded_on, CATEGORY_VALIDITY_YEARS)
    except ValidationError as error:
        raise ValidationError({"awarded_on": error}) from None


@transaction.atomic
def category_award_delete(*, award: CategoryAward) -> None:
    staff = award.staff
    staff_member_ensure_not_erased(staff=staff)
    audit_record(
        action=AuditEvent.Action.CATEGORY_DELETED,
        school=staff.school,
        target=staff,
        changes=audit_diff(before=_award_fields(award), after=dict.fromkeys(_award_fields(award))),
    )
    award.delete()


def _achievement_fields(achievement: Achievement) -> dict:
    return {
        "kind": achievement.get_kind_display(),
        "title": achievement.title,
        "date": achievement.date,
        "level": achievement.get_level_display(),
        "result": achievement.get_result_display(),
    }


@transaction.atomic
def achievement_create(*, staff: StaffMember, **fields) -> Achievement:
    staff_member_ensure_not_erased(staff=staff)
    _check_dates(staff.school, date=fields.get("date"))
    achievement = Achievement(staff=staff, **fields)
    _full_clean(achievement)
    achievement.save()
    audit_record(
        action=AuditEvent.Action.ACHIEVEMENT_ADDED,
        school=staff.school,
        target=staff,
        changes=audit_diff(before={}, after=_achievement_fields(achievement)),
    )
    return achievement


@transaction.atomic
def achievement_delete(*, achievement: Achievement) -> None:
    staff = achievement.staff
    staff_member_ensure_not_erased(staff=staff)
    fields = _achievement_fields(achievement)
    audit_record(
        action=AuditEvent.Action.ACHIEVEMENT_DELETED,
        school=staff.school,
        target=staff,
        changes=audit_diff(before=fields, after=dict.fromkeys(fields)),
    )
    achievement.delete()


def _catalog_entry_find(model, *, school, name: str):
    """The school's entry called `name`, ignoring case and ё/е (as the import preview does).

    A school's lists are short (tens of names), so they are compared in Python,
    where lower-casing Cyrillic does not depend on the database's locale.
    """
    key = name_key(name)
    return next((entry for entry in model.objects.for_school(school) if name_key(entry.name) == key), None)


def _catalog_entry_get_or_create(model, *, school, name: str):
    name = " ".join(name.split())
    entry = _catalog_entry_find(model, school=school, name=name)
    if entry is None:
        entry = model(school=school, name=name)
        _full_clean(entry)
        entry.save()
    return entry


def subject_get_or_create(*, school, name: str) -> Subject:
    return _catalog_entry_get_or_create(Subject, school=school, name=name)


def association_get_or_create(*, school, name: str) -> SubjectAssociation:
    return _catalog_entry_get_or_create(SubjectAssociation, school=school, name=name)


def catalog_entry_rename(*, entry, name: str):
    """Rename a subject or an association of the school."""
    old_name = entry.name
    entry.name = " ".join(name.split())
    try:
        _full_clean(entry)
    except ValidationError:
        entry.name = old_name
        raise
    entry.save(update_fields=["name"])
    return entry


def staff_import_create(*, school, user, file_name: str, content: bytes) -> StaffImport:
    return StaffImport.objects.create(school=school, created_by=user, file_name=file_name, content=content)


class ImportNotValid(Exception):
    """The file has row errors; nothing was saved."""

    def __init__(self, preview):
        super().__init__("staff import has errors")
        self.preview = preview


@transaction.atomic
def staff_import_confirm(*, staff_import: StaffImport):
    """Save every row of a previewed import, or none of them.

    The file is parsed again inside the transaction (with the school's date, as the
    preview was), so a row that clashes with someone added since the preview still
    stops the whole import. The rows are saved in bulk: the number of queries does not
    grow with the number of rows.
    """
    staff_import = StaffImport.objects.select_for_update().get(pk=staff_import.pk)
    if staff_import.status != StaffImport.Status.PREVIEW:
        raise ValidationError(_("This file has already been imported."))
    school = staff_import.school
    preview = staff_rows_parse(
        school=school,
        file_name=staff_import.file_name,
        content=bytes(staff_import.content),
        today=school_today(school),
    )
    if not preview.is_valid:
        raise ImportNotValid(preview)
    try:
        with transaction.atomic():
            created = _import_rows(school, preview.rows)
    except IntegrityError as error:
        # Someone saved a clashing record between the checks and the insert.
        raise ValidationError(
            _("The file could not be saved because the registry changed meanwhile; try again.")
        ) from error
    staff_import.status = StaffImport.Status.DONE
    staff_import.rows_imported = len(created)
    staff_import.content = b""
    staff_import.save(update_fields=["status", "rows_imported", "content"])
    audit_record(
        action=AuditEvent.Action.STAFF_IMPORTED,
        school=school,
        target=staff_import,
        changes={"rows_imported": [None, len(created)]},
    )
    # A row per new card too, so that each person's history (and its erasure) is whole.
    audit_record_many(
        action=AuditEvent.Action.STAFF_CREATED,
        school=school,
        targets=created,
        changes=[_import_row_fields(row) for row in preview.rows],
    )
    return created


def _import_row_fields(row) -> dict:
    fields = {
        "last_name": row.last_name,
        "first_name": row.first_name,
        "patronymic": row.patronymic,
        "email": row.email,
        "position": row.position,
        "association": row.association,
        "teaching_since": row.teaching_since,
        "hired_on": row.hired_on,
        "subjects": list(row.subjects),
        "category": QualificationCategory(row.category).label if row.category else None,
        "category_awarded_on": row.category_awarded_on if row.category else None,
    }
    return audit_diff(before={}, after={name: value for name, value in fields.items() if value not in (None, "", [])})


def _catalog_entries(model, *, school, names):
    """The school's entries for `names` by name_key, creating the missing ones in one query."""
    entries = {name_key(entry.name): entry for entry in model.objects.for_school(school)}
    missing = {}
    for name in names:
        name = " ".join(name.split())
        if name_key(name) not in entries and name_key(name) not in missing:
            entry = model(school=school, name=name)
            # The school is known to exist and uniqueness was checked by name_key above.
            _full_clean(entry, exclude=["school"], validate_unique=False, validate_constraints=False)
            missing[name_key(name)] = entry
    if missing:
        model.objects.bulk_create(missing.values())
        entries.update(missing)
    return entries


def _clean_row(line, instance, exclude):
    """Validate an instance of an import row as full_clean() does, without queries:
    the related objects are the school's own and the constraints were checked by the parse."""
    try:
        instance.full_clean(exclude=exclude, validate_unique=False, validate_constraints=False)
    except ValidationError as error:
        raise ValidationError(
            [_("Line %(line)s: %(error)s") % {"line": line, "error": message} for message in error.messages]
        ) from None


def _import_rows(school, rows):
    subjects = _catalog_entries(Subject, school=school, names=[name for row in rows for name in row.subjects])
    associations = _catalog_entries(
        SubjectAssociation, school=school, names=[row.association for row in rows if row.association]
    )
    staff_members = []
    for row in rows:
        staff = StaffMember(
            school=school,
            last_name=row.last_name,
            first_name=row.first_name,
            patronymic=row.patronymic,
            email=row.email,
            position=row.position,
            association=associations[name_key(row.association)] if row.association else None,
            teaching_since=row.teaching_since,
            hired_on=row.hired_on,
        )
        _clean_row(row.line, staff, exclude=["school", "association", "user"])
        staff_members.append(staff)
    StaffMember.objects.bulk_create(staff_members)  # PostgreSQL returns the new ids

    Through = StaffMember.subjects.through
    links, awards = [], []
    for row, staff in zip(rows, staff_members, strict=True):
        row_subjects = {subjects[name_key(name)].pk: None for name in row.subjects}  # once each, in order
        links.extend(Through(staffmember_id=staff.pk, subject_id=subject_id) for subject_id in row_subjects)
        if row.category:
            award = CategoryAward(
                staff=staff,
                category=row.category,
                awarded_on=row.category_awarded_on,
                valid_until=_valid_until(row.category_awarded_on),
                order_number=row.order_number,
            )
            _clean_row(row.line, award, exclude=["staff"])
            awards.append(award)
    Through.objects.bulk_create(links)
    CategoryAward.objects.bulk_create(awards)
    return staff_members


def staff_imports_delete_stale(*, older_than: datetime.datetime) -> int:
    """Delete previews nobody confirmed; returns how many were removed."""
    deleted, _ = StaffImport.objects.filter(status=StaffImport.Status.PREVIEW, created_at__lt=older_than).delete()
    return deleted
