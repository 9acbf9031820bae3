"""Erasure of a staff member's personal data (152-FZ, art. 21): anonymise the
person everywhere, block their sign-in, and write an act of destruction.

The card stays, without the person, because visits, pairs, teams and the yearly
figures point at it. Each app erases its own part (its `personal_data.py`, walked
in the registry's order); this module sweeps the name out of the school's texts and
the admin log and writes the act. All of it runs in one transaction with the card
locked, so it is all or nothing and a second erasure finds the act and stops.
See docs/security-and-privacy.md#erasure-art-21.
"""

import re

from django.apps import apps
from django.contrib.admin.models import LogEntry
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.db import models, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from apps.accounts.selectors import user_works_elsewhere
from apps.audit.models import AuditEvent
from apps.audit.services import audit_record
from apps.core.personal_data import ANONYMISED, DELETED, EVERY_MODEL, Erasure, registered_sources
from apps.core.validation import text_lengths_check
from apps.staff.models import ErasureRecord, StaffMember

# What the erasure itself does, beside each app's part; labels are shown on the acts page.
OWN_CATEGORIES = {
    "texts": gettext_lazy("name or e-mail in texts"),
    "admin_log": gettext_lazy("site administration log"),
}
ACTIONS = {DELETED: gettext_lazy("deleted"), ANONYMISED: gettext_lazy("anonymised")}


def erasure_categories() -> dict:
    """What an act of destruction may list, in the act's order: each app's, then the erasure's own."""
    categories = {}
    for source in registered_sources():
        categories.update(source.categories)
    return categories | OWN_CATEGORIES


class AlreadyErased(ValidationError):
    """The card was erased before: a clear message, not an error."""


def erased_label(staff_id) -> str:
    return _("Erased staff member No. %(number)s") % {"number": staff_id}


def name_forms(staff, user=None) -> list[str]:
    """The ways the app writes the person's name, longest first: full, short
    (with and without a space between initials), first-name-first; and e-mails.
    Only forms of two words or more, so that a bare surname never matches."""
    people = [(staff.last_name, staff.first_name, staff.patronymic)]
    if user is not None:
        people.append((user.last_name, user.first_name, user.patronymic))
    forms = set()
    for last, first, patronymic in people:
        last, first, patronymic = (last or "").strip(), (first or "").strip(), (patronymic or "").strip()
        if not last or not first:
            continue
        initials = [f"{part[0]}." for part in (first, patronymic) if part]
        forms.update(
            {
                " ".join(p for p in (last, first, patronymic) if p),
                " ".join(p for p in (first, patronymic, last) if p),
                f"{first} {last}",
                f"{last} {''.join(initials)}",
                f"{last} {' '.join(initials)}",
                f"{' '.join(initials)} {last}",
                f"{''.join(initials)} {last}",
            }
        )
    forms.update(email for email in (staff.email, getattr(user, "email", "")) if email)
    return sorted(forms, key=len, reverse=True)


def _text_fields(model):
    return [
        f
        for f in model._meta.concrete_fields
        if isinstance(f, models.CharField | models.TextField) and not f.choices and not f.primary_key
    ]


def _school_rows(model, school):
    queryset = model._default_manager.all()
    if hasattr(queryset, "for_school"):
        return queryset.for_school(school)
    if any(f.name == "school" for f in model._meta.concrete_fields):
        return queryset.filter(school=school)
    return None


def _sweep_exempt():
    """The models whose texts the sweep leaves alone, as their apps declare: the card
    itself (done field by field), the accounts (a namesake's must not be renamed),
    partners' contact people (other people who may share a name), and the
    append-only audit trail and the acts, which have their own rules."""
    whole_apps, exempt = set(), set()
    for source in registered_sources():
        if source.sweep_exempt == EVERY_MODEL:
            whole_apps.add(source.app_label)
        else:
            exempt.update(source.sweep_exempt)
    return whole_apps, exempt


def _sweep_texts(*, school, forms, label) -> int:
    """Replace the name forms with `label` in every text of the school's rows."""
    pattern = re.compile("|".join(re.escape(form) for form in forms), re.IGNORECASE)
    whole_apps, exempt = _sweep_exempt()
    touched = 0
    for model in apps.get_models():
        if model._meta.app_label in whole_apps or model in exempt or not model.__module__.startswith("apps."):
            continue
        fields = _text_fields(model)
        rows = _school_rows(model, school) if fields else None
        if rows is None:
            continue
        condition = Q()
        for f in fields:
            for form in forms:
                condition |= Q(**{f"{f.name}__icontains": form})
        pks = set(rows.filter(condition).values_list("pk", flat=True))
        for row in model._base_manager.filter(pk__in=pks):
            changes = {}
            for f in fields:
                value = getattr(row, f.attname)
                if value and pattern.search(value):
                    changes[f.attname] = pattern.sub(label, value)[: f.max_length or None]
            if changes:
                # A plain UPDATE: no save() side effects, no "last changed" bump.
                model._base_manager.filter(pk=row.pk).update(**changes)
                touched += 1
    return touched


def _admin_log_anonymise(*, staff, user, label) -> int:
    targets = Q(content_type=ContentType.objects.get_for_model(StaffMember), object_id=str(staff.pk))
    if user is not None:
        targets |= Q(content_type=ContentType.objects.get_for_model(get_user_model()), object_id=str(user.pk))
    return LogEntry.objects.filter(targets).update(object_repr=label, change_message="")


def _names_person(text, forms, last_name) -> bool:
    """Whether `text` names the person: a name form, an e-mail, or the surname as a word."""
    lowered = text.lower()
    if any(form.lower() in lowered for form in forms):
        return True
    surname = last_name.strip()
    return bool(surname) and re.search(rf"\b{re.escape(surname)}\b", text, re.IGNORECASE) is not None


def staff_member_erase(*, staff, reason, erased_by=None, now=None) -> ErasureRecord:
    """Erase the person of `staff` (see the module's docstring) and return the act.

    Raises `AlreadyErased` for a card erased before, and ValidationError for a
    missing reason, a reason that names the person, or erasing oneself.
    """
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Say why the data are destroyed.")})
    text_lengths_check(ErasureRecord(reason=reason))
    now = now or timezone.now()
    with transaction.atomic():
        staff = StaffMember.objects.select_for_update(of=("self",)).select_related("school", "user").get(pk=staff.pk)
        if ErasureRecord.objects.filter(staff=staff).exists():
            raise AlreadyErased(_("The personal data of this card were already erased."), code="already_erased")
        user = staff.user
        if erased_by is not None and user is not None and user.pk == erased_by.pk:
            raise ValidationError(_("You cannot erase your own data: ask another administrator."))
        forms = name_forms(staff, user)
        if _names_person(reason, forms, staff.last_name):
            raise ValidationError({"reason": _("The act must not name the person: give the reason only.")})
        erasure = Erasure(
            staff=staff,
            user=user,
            # An account that works in another school only loses this one.
            account_erased=user is not None and not user_works_elsewhere(user=user, school=staff.school),
            forms=forms,
            label=erased_label(staff.pk),
            now=now,
        )

        # Names in the school's texts go first, while the forms still match nothing else.
        erasure.anonymised("texts", _sweep_texts(school=staff.school, forms=forms, label=erasure.label))
        # Then each app erases its own part, in the registry's order (the audit trail last).
        for source in registered_sources():
            if source.erase is not None:
                source.erase(erasure=erasure)
        erasure.anonymised(
            "admin_log",
            _admin_log_anonymise(staff=staff, user=user if erasure.account_erased else None, label=erasure.label),
        )
        staff.refresh_from_db()

        categories = erasure_categories()
        undeclared = set(erasure.counts) - set(categories)
        if undeclared:
            raise ImproperlyConfigured(f"Erasure categories no app declares: {sorted(undeclared)}")
        record = ErasureRecord.objects.create(
            school=staff.school,
            staff=staff,
            erased_by=erased_by,
            erased_at=now,
            reason=reason,
            categories=[
                {"category": key, "action": erasure.counts[key][0], "count": erasure.counts[key][1]}
                for key in categories
                if key in erasure.counts
            ],
        )
        audit_record(
            action=AuditEvent.Action.PERSON_ERASED,
            school=staff.school,
            target=staff,
            actor=erased_by,
            changes={"act": record.pk},
        )
    return record


def erasure_categories_display(record):
    """The act's list for people: (what, deleted/anonymised, how many), leaving
    out the kinds the person had nothing of (the act itself keeps the zeros)."""
    categories = erasure_categories()
    return [
        (categories.get(item["category"], item["category"]), ACTIONS.get(item["action"], item["action"]), item["count"])
        for item in record.categories
        if item["count"]
    ]
