"""Erasure of a staff member's personal data (152-FZ, art. 21): anonymise the
person everywhere, block their sign-in, and write an act of destruction.

The card stays, without the person, because visits, pairs, teams and the yearly
figures point at it; the account is anonymised and cannot sign in; feedback they
wrote stays readable to the other teacher; their survey answers, notifications and
files that mention them go; names in the school's texts and audit trail are
replaced. All of it runs in one transaction with the card locked, so it is all or
nothing and a second erasure finds the act and stops.
See docs/security-and-privacy.md#erasure-art-21.
"""

import io
import re
import zipfile

from django.apps import apps
from django.conf import settings
from django.contrib.admin.models import LogEntry
from django.contrib.auth import SESSION_KEY, get_user_model
from django.contrib.contenttypes.models import ContentType
from django.contrib.sessions.models import Session
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from apps.accounts.models import Membership, SchoolNetwork
from apps.audit.models import AuditEvent
from apps.audit.services import audit_events_anonymise, audit_record

from .models import Achievement, CategoryAward, ErasureRecord, StaffImport, StaffMember

DELETED = "deleted"
ANONYMISED = "anonymised"

# What an act of destruction lists; labels are shown on the acts page.
CATEGORIES = {
    "staff_card": gettext_lazy("staff card: names, e-mail, position"),
    "category_awards": gettext_lazy("qualification categories: order numbers"),
    "achievements": gettext_lazy("achievements: titles"),
    "user_account": gettext_lazy("user account: e-mail, names, password, sign-in"),
    "memberships": gettext_lazy("access to the school and roles"),
    "sessions": gettext_lazy("open sessions"),
    "two_factor_devices": gettext_lazy("two-factor devices and recovery codes"),
    "sign_in_attempts": gettext_lazy("sign-in attempts"),
    "notifications": gettext_lazy("notifications"),
    "calendar_feed": gettext_lazy("calendar feed"),
    "report_exports": gettext_lazy("prepared report files"),
    "staff_imports": gettext_lazy("uploaded staff lists"),
    "survey_answers": gettext_lazy("own survey answers"),
    "survey_participations": gettext_lazy("participation in surveys not yet analysed"),
    "texts": gettext_lazy("name or e-mail in texts"),
    "admin_log": gettext_lazy("site administration log"),
    "audit_events": gettext_lazy("audit trail: names"),
}
ACTIONS = {DELETED: gettext_lazy("deleted"), ANONYMISED: gettext_lazy("anonymised")}

# Rows read per fetch when scanning: uploaded files are up to a few megabytes each.
FILE_CHUNK = 20
SESSION_CHUNK = 2000

# Rows the text sweep never rewrites: the card itself (done field by field), the
# accounts (a namesake's card or account must not be renamed), contact people of
# partners (other people who may share a name), and the append-only audit trail
# and acts, which have their own rules.
SWEEP_SKIP = {
    ("staff", "staffmember"),
    ("staff", "erasurerecord"),
    ("partners", "partnercontact"),
}
SWEEP_SKIP_APPS = {"accounts", "audit"}


class AlreadyErased(ValidationError):
    """The card was erased before: a clear message, not an error."""


def erased_label(staff_id) -> str:
    return _("Erased staff member No. %(number)s") % {"number": staff_id}


def erased_email(user_id) -> str:
    # .invalid is reserved (RFC 2606): no mail is ever delivered there.
    return f"erased-{user_id}@erased.invalid"


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


def _sweep_texts(*, school, forms, label) -> int:
    """Replace the name forms with `label` in every text of the school's rows."""
    pattern = re.compile("|".join(re.escape(form) for form in forms), re.IGNORECASE)
    touched = 0
    for model in apps.get_models():
        meta = model._meta
        if not meta.app_label or meta.app_label in SWEEP_SKIP_APPS or (meta.app_label, meta.model_name) in SWEEP_SKIP:
            continue
        if not model.__module__.startswith("apps."):
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


def _file_mentions(content: bytes, forms) -> bool:
    """Whether an uploaded list or a prepared file (CSV, or XLSX/DOCX zipped
    XML) contains one of the forms, or cannot be read to tell."""
    content = bytes(content or b"")
    texts = []
    if content[:2] == b"PK":
        try:
            with zipfile.ZipFile(io.BytesIO(content)) as archive:
                texts = [archive.read(name).decode("utf-8", "ignore") for name in archive.namelist()]
        except (zipfile.BadZipFile, OSError, ValueError):
            return True
    else:
        for encoding in ("utf-8-sig", "cp1251"):
            try:
                texts = [content.decode(encoding)]
                break
            except UnicodeDecodeError:
                continue
        else:
            return True
    lowered = [text.lower() for text in texts]
    return any(form.lower() in text for form in forms for text in lowered)


def _tally(counts, key, deleted):
    counts[key] = (DELETED, counts.get(key, (DELETED, 0))[1] + deleted)


def _sessions_delete(user) -> int:
    """Delete the user's open sessions; returns how many.

    Session data are signed and compressed, so the user id cannot be looked
    for in SQL: each live session is decoded here, reading only its key and
    data, in chunks, with one session store (about 45 µs a session, so 10,000
    open sessions take half a second). That runs while the card row is locked,
    which holds back changes to this one card only, and keeps the erasure all
    or nothing: a failed erasure leaves the person signed in as before.
    """
    if "django.contrib.sessions.backends.db" not in settings.SESSION_ENGINE and not settings.SESSION_ENGINE.endswith(
        "cached_db"
    ):
        return 0  # other engines: the unusable password already voids the session's auth hash
    store = Session.get_session_store_class()()
    wanted = str(user.pk)
    live = Session.objects.filter(expire_date__gt=timezone.now()).values_list("session_key", "session_data")
    doomed = [
        key
        for key, data in live.iterator(chunk_size=SESSION_CHUNK)
        if str(store.decode(data).get(SESSION_KEY)) == wanted
    ]
    Session.objects.filter(pk__in=doomed).delete()
    return len(doomed)


def _otp_devices_delete(user) -> int:
    if not apps.is_installed("django_otp"):
        return 0
    from django_otp import devices_for_user

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


def _user_erase(*, user, staff, counts) -> bool:
    """Anonymise the account, or only cut this school off when it works elsewhere.
    Returns whether the account itself was erased."""
    from apps.dashboards.models import ReportExport
    from apps.mentoring.models import CalendarFeed
    from apps.notifications.models import Notification

    school = staff.school
    counts["notifications"] = (DELETED, Notification.objects.filter(user=user, school=school).delete()[0])
    elsewhere = (
        Membership.objects.filter(user=user).exclude(school=school).exists()
        or SchoolNetwork.objects.filter(coordinators=user).exists()
    )
    counts["memberships"] = (DELETED, Membership.objects.filter(user=user, school=school).delete()[0])
    _tally(counts, "report_exports", ReportExport.objects.filter(requested_by=user, school=school).delete()[0])
    if elsewhere:
        StaffMember.objects.filter(pk=staff.pk).update(user=None)
        return False
    old_email = user.email
    counts["calendar_feed"] = (DELETED, CalendarFeed.objects.filter(user=user).delete()[0])
    counts["two_factor_devices"] = (DELETED, _otp_devices_delete(user))
    counts["sessions"] = (DELETED, _sessions_delete(user))
    counts["sign_in_attempts"] = (DELETED, _sign_in_attempts_delete({old_email, staff.email} - {""}))
    user.email = erased_email(user.pk)
    user.first_name = user.last_name = user.patronymic = ""
    user.is_active = user.is_staff = user.is_superuser = False
    user.last_login = None
    user.set_unusable_password()
    user.save()
    user.groups.clear()
    user.user_permissions.clear()
    counts["user_account"] = (ANONYMISED, 1)
    return True


def _surveys_erase(*, staff, counts):
    from apps.surveys.models import SurveyAnswer, SurveyParticipant

    answers = SurveyAnswer.objects.filter(respondent=staff)
    counts["survey_answers"] = (DELETED, answers.count())
    answers.delete()  # their named colleagues go with them (SurveyTie cascades)
    pending = SurveyParticipant.objects.filter(staff=staff).filter(
        Q(round__closed_at__isnull=True) | Q(round__analysed_at__isnull=True)
    )
    counts["survey_participations"] = (DELETED, pending.delete()[0])


def _mentioning(rows, forms) -> list:
    """The ids of `rows` (id, content) whose file mentions a form. Files are read a
    few at a time (a server-side cursor), never all of the school's at once."""
    return [pk for pk, content in rows.iterator(chunk_size=FILE_CHUNK) if _file_mentions(content, forms)]


def _files_erase(*, school, forms, counts):
    from apps.dashboards.models import ReportExport

    reports = ReportExport.objects.for_school(school).filter(content__isnull=False).values_list("pk", "content")
    doomed = _mentioning(reports, forms)
    _tally(counts, "report_exports", ReportExport.objects.filter(pk__in=doomed).delete()[0])
    imports = _mentioning(StaffImport.objects.for_school(school).values_list("pk", "content"), forms)
    counts["staff_imports"] = (DELETED, StaffImport.objects.filter(pk__in=imports).delete()[0])


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
        label = erased_label(staff.pk)
        counts = {}

        # Names in the school's texts go first, while the forms still match nothing else.
        counts["texts"] = (ANONYMISED, _sweep_texts(school=staff.school, forms=forms, label=label))
        # A file is deleted, not rewritten, so the bare surname is enough to doom it.
        _files_erase(school=staff.school, forms=[*forms, staff.last_name], counts=counts)
        account_erased = user is not None and _user_erase(user=user, staff=staff, counts=counts)
        _surveys_erase(staff=staff, counts=counts)
        counts["category_awards"] = (
            ANONYMISED,
            CategoryAward.objects.filter(staff=staff).update(order_number=""),
        )
        counts["achievements"] = (ANONYMISED, Achievement.objects.filter(staff=staff).update(title="—"))
        today = timezone.localtime(now, staff.school.tzinfo).date()
        left = {} if not staff.is_active else {"is_active": False, "left_on": max(today, staff.hired_on)}
        StaffMember.objects.filter(pk=staff.pk).update(
            last_name=label, first_name="", patronymic="", email="", position="", updated_at=now, **left
        )
        counts["staff_card"] = (ANONYMISED, 1)
        counts["admin_log"] = (
            ANONYMISED,
            _admin_log_anonymise(staff=staff, user=user if account_erased else None, label=label),
        )
        # An account kept for another school keeps its trail there; here, its rows lose the name too.
        counts["audit_events"] = (
            ANONYMISED,
            audit_events_anonymise(user=user, staff=staff, school=None if account_erased else staff.school),
        )
        staff.refresh_from_db()

        record = ErasureRecord.objects.create(
            school=staff.school,
            staff=staff,
            erased_by=erased_by,
            erased_at=now,
            reason=reason,
            categories=[
                {"category": key, "action": counts[key][0], "count": counts[key][1]}
                for key in CATEGORIES
                if key in counts
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
    return [
        (CATEGORIES.get(item["category"], item["category"]), ACTIONS.get(item["action"], item["action"]), item["count"])
        for item in record.categories
        if item["count"]
    ]
