"""Writes to the staff registry. Each service validates with full_clean() before saving."""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from .importing import staff_rows_parse
from .models import (
    CATEGORY_VALIDITY_YEARS,
    Achievement,
    CategoryAward,
    StaffImport,
    StaffMember,
    Subject,
    SubjectAssociation,
)
from .selectors import add_years

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
    staff = StaffMember(school=school, **fields)
    staff.full_clean()
    staff.save()
    staff.subjects.set(subjects)
    return staff


@transaction.atomic
def staff_member_update(*, staff: StaffMember, subjects=None, **fields) -> StaffMember:
    unknown = set(fields) - set(STAFF_FIELDS)
    if unknown:
        raise TypeError(f"unknown fields: {sorted(unknown)}")
    _check_same_school(staff.school, association=fields.get("association"), subjects=subjects or ())
    for name, value in fields.items():
        setattr(staff, name, value)
    staff.full_clean()
    staff.save()
    if subjects is not None:
        staff.subjects.set(subjects)
    return staff


def staff_member_deactivate(*, staff: StaffMember, left_on: datetime.date) -> StaffMember:
    """Mark a person as having left on `left_on`. Nothing of their history is deleted."""
    if left_on < staff.hired_on:
        raise ValidationError({"left_on": _("The leaving date cannot be before the hire date.")})
    staff.is_active = False
    staff.left_on = left_on
    staff.full_clean()
    staff.save(update_fields=["is_active", "left_on", "updated_at"])
    return staff


def staff_member_reactivate(*, staff: StaffMember) -> StaffMember:
    staff.is_active = True
    staff.left_on = None
    staff.save(update_fields=["is_active", "left_on", "updated_at"])
    return staff


def category_award_create(
    *, staff: StaffMember, category: str, awarded_on: datetime.date, order_number: str = ""
) -> CategoryAward:
    """Record an attestation result; it stays in force for five years."""
    award = CategoryAward(
        staff=staff,
        category=category,
        awarded_on=awarded_on,
        valid_until=add_years(awarded_on, CATEGORY_VALIDITY_YEARS),
        order_number=order_number,
    )
    award.full_clean()
    award.save()
    return award


def category_award_delete(*, award: CategoryAward) -> None:
    award.delete()


def achievement_create(*, staff: StaffMember, **fields) -> Achievement:
    achievement = Achievement(staff=staff, **fields)
    achievement.full_clean()
    achievement.save()
    return achievement


def achievement_delete(*, achievement: Achievement) -> None:
    achievement.delete()


def subject_get_or_create(*, school, name: str) -> Subject:
    name = " ".join(name.split())
    subject = Subject.objects.for_school(school).filter(name__iexact=name).first()
    if subject is None:
        subject = Subject(school=school, name=name)
        subject.full_clean()
        subject.save()
    return subject


def association_get_or_create(*, school, name: str) -> SubjectAssociation:
    name = " ".join(name.split())
    association = SubjectAssociation.objects.for_school(school).filter(name__iexact=name).first()
    if association is None:
        association = SubjectAssociation(school=school, name=name)
        association.full_clean()
        association.save()
    return association


def catalog_entry_rename(*, entry, name: str):
    """Rename a subject or an association of the school."""
    entry.name = " ".join(name.split())
    entry.full_clean()
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

    The file is parsed again inside the transaction, so a row that clashes with
    someone added since the preview still stops the whole import.
    """
    staff_import = StaffImport.objects.select_for_update().get(pk=staff_import.pk)
    if staff_import.status != StaffImport.Status.PREVIEW:
        raise ValidationError(_("This file has already been imported."))
    preview = staff_rows_parse(
        school=staff_import.school, file_name=staff_import.file_name, content=bytes(staff_import.content)
    )
    if not preview.is_valid:
        raise ImportNotValid(preview)
    created = []
    for row in preview.rows:
        subjects = [subject_get_or_create(school=staff_import.school, name=name) for name in row.subjects]
        association = (
            association_get_or_create(school=staff_import.school, name=row.association) if row.association else None
        )
        staff = staff_member_create(
            school=staff_import.school,
            subjects=subjects,
            last_name=row.last_name,
            first_name=row.first_name,
            patronymic=row.patronymic,
            email=row.email,
            position=row.position,
            association=association,
            teaching_since=row.teaching_since,
            hired_on=row.hired_on,
        )
        if row.category:
            category_award_create(
                staff=staff,
                category=row.category,
                awarded_on=row.category_awarded_on,
                order_number=row.order_number,
            )
        created.append(staff)
    staff_import.status = StaffImport.Status.DONE
    staff_import.rows_imported = len(created)
    staff_import.content = b""
    staff_import.save(update_fields=["status", "rows_imported", "content"])
    return created


def staff_imports_delete_stale(*, older_than: datetime.datetime) -> int:
    """Delete previews nobody confirmed; returns how many were removed."""
    deleted, _ = StaffImport.objects.filter(status=StaffImport.Status.PREVIEW, created_at__lt=older_than).delete()
    return deleted
