"""Writes of the collective-work rating: criteria, the commission, periods, sheets
(computed from the catalogue of indicators and the manual entries), remarks and
answers, approval and reopening.

Every write to a period refuses an approved one (`_open`); the database refuses it
too (migration 0001's trigger). Computing is idempotent: the sheets are rebuilt from
the records as they are, as often as the commission likes until approval.
"""

import collections
import datetime
from decimal import Decimal

from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.audit.models import AuditEvent
from apps.audit.services import audit_record
from apps.core.dates import school_today
from apps.core.documents import in_school_format
from apps.core.forms import check_dates
from apps.core.indicators import INDICATORS
from apps.core.uploads import validate_upload
from apps.notifications.models import Notification
from apps.notifications.services import notification_send
from apps.staff.models import StaffMember

from .models import (
    START_MONTHS,
    VIOLATION_FIELDS,
    CommissionMember,
    Criterion,
    EvidenceItem,
    ManualEntry,
    PeriodCriterion,
    RatingPeriod,
    Remark,
    Sheet,
    SheetLine,
    period_end,
)
from .points import ZERO, line_points, rounded
from .selectors import commission_names, commission_users, people_of_period

# How far from the school's today a period may start (the form offers the same window).
DATE_YEARS = {"back": 2, "ahead": 1}
# The commission meets within this many days after the period ends.
REMARKS_DAYS_AFTER = 92


def _check_person(*, school, staff, field):
    if staff is None:
        raise ValidationError({field: _("Choose a person.")})
    if staff.school_id != school.pk:
        raise ValidationError({field: _("%(name)s works in another school.") % {"name": staff}})


def _full_clean(instance):
    """`full_clean`, a constraint's violation shown next to its field (VIOLATION_FIELDS)."""
    try:
        instance.full_clean()
    except ValidationError as error:
        errors = {}
        for name, items in error.error_dict.items():
            for item in items:
                target = VIOLATION_FIELDS.get(item.code, name) if name == NON_FIELD_ERRORS else name
                errors.setdefault(target, []).append(item)
        raise ValidationError(errors) from None


def _open(period):
    if period.is_approved:
        raise ValidationError(_("The period is approved: reopen it to change anything."), code="approved")


def _locked(period):
    """The period's row, locked for the rest of the transaction, with its current status."""
    return RatingPeriod.objects.select_for_update().select_related("school").get(pk=period.pk)


# Criteria -------------------------------------------------------------------------


def criterion_save(
    *, school, title, points_per_unit, indicator_key="", cap=None, is_active=True, position=0, criterion=None
):
    """A new criterion of the school, or a change to one. A catalogue criterion names a
    registered indicator; without one it is manual. The title defaults to the indicator's."""
    indicator_key = (indicator_key or "").strip()
    if indicator_key and INDICATORS.get(indicator_key) is None:
        raise ValidationError({"indicator_key": _("There is no such indicator in the catalogue.")})
    if criterion is not None and criterion.school_id != school.pk:
        raise PermissionDenied("the criterion belongs to another school")
    changes_indicator = criterion is not None and criterion.indicator_key != indicator_key
    if changes_indicator and PeriodCriterion.objects.filter(criterion=criterion).exists():
        raise ValidationError(
            {"indicator_key": _("Periods were computed with this criterion: make a new one instead.")}
        )
    title = (title or "").strip() or (str(INDICATORS.get(indicator_key).label) if indicator_key else "")
    if criterion is None:
        criterion = Criterion(school=school)
    criterion.indicator_key = indicator_key
    criterion.title = title
    criterion.points_per_unit = points_per_unit
    criterion.cap = cap
    criterion.is_active = is_active
    criterion.position = position
    _full_clean(criterion)
    criterion.save()
    return criterion


# The commission -------------------------------------------------------------------


def commission_member_add(*, school, staff):
    """Name a person of the school to the commission (the administrators are on it anyway)."""
    _check_person(school=school, staff=staff, field="staff")
    if not staff.is_active:
        raise ValidationError({"staff": _("%(name)s no longer works at the school.") % {"name": staff}})
    member = CommissionMember(school=school, staff=staff)
    _full_clean(member)
    member.save()
    return member


def commission_member_remove(*, member):
    member.delete()


# Periods --------------------------------------------------------------------------


def period_create(*, school, kind, starts_on, remarks_until):
    """A period of the school: a calendar month, quarter (from 1 January, April, July or
    October) or half-year (from 1 January or July); remarks are filed until the
    commission's date, which falls within the period or soon after it."""
    if kind not in RatingPeriod.Kind.values:
        raise ValidationError({"kind": _("Choose a month, a quarter or a half-year.")})
    errors = check_dates(school, {"starts_on": starts_on}, **DATE_YEARS)
    if errors:
        raise ValidationError(errors)
    if starts_on.day != 1 or starts_on.month not in START_MONTHS[kind]:
        messages = {
            RatingPeriod.Kind.MONTH: _("A month starts on its first day."),
            RatingPeriod.Kind.QUARTER: _("A quarter starts on 1 January, 1 April, 1 July or 1 October."),
            RatingPeriod.Kind.HALF_YEAR: _("A half-year starts on 1 January or 1 July."),
        }
        raise ValidationError({"starts_on": messages[kind]})
    ends_on = period_end(kind, starts_on)
    _check_remarks_until(starts_on=starts_on, ends_on=ends_on, remarks_until=remarks_until)
    period = RatingPeriod(school=school, kind=kind, starts_on=starts_on, ends_on=ends_on, remarks_until=remarks_until)
    _full_clean(period)
    period.save()
    return period


def _check_remarks_until(*, starts_on, ends_on, remarks_until):
    if remarks_until is None or remarks_until < starts_on:
        raise ValidationError({"remarks_until": _("The commission's date falls within the period or after it.")})
    if remarks_until > ends_on + datetime.timedelta(days=REMARKS_DAYS_AFTER):
        raise ValidationError(
            {
                "remarks_until": _("The commission meets within %(days)s days after the period.")
                % {"days": REMARKS_DAYS_AFTER}
            }
        )


def period_remarks_until_set(*, period, remarks_until, now=None):
    """Move the commission's date of an open period: later, or earlier but not into the
    past, so that the date cannot be pulled back to approve over the teachers' days left."""
    with transaction.atomic():
        period = _locked(period)
        _open(period)
        _check_remarks_until(starts_on=period.starts_on, ends_on=period.ends_on, remarks_until=remarks_until)
        today = school_today(period.school, now)
        if remarks_until < period.remarks_until and remarks_until < today:
            raise ValidationError(
                {
                    "remarks_until": _(
                        "Teachers were told %(date)s: the date moves later, or earlier to today at the soonest."
                    )
                    % {"date": period.remarks_until.strftime("%d.%m.%Y")}
                }
            )
        period.remarks_until = remarks_until
        period.save(update_fields=["remarks_until"])
    return period


def _evidence(period, criteria, people_ids):
    """{(criterion id, staff id): [(units, label, on, url)]} from the catalogue and the
    manual entries, in the school's language (the protocol is the school's document)."""
    found = collections.defaultdict(list)
    with in_school_format():
        for criterion in criteria:
            if criterion.is_manual:
                continue
            indicator = INDICATORS.get(criterion.indicator_key)
            if indicator is None:
                continue  # an indicator no longer in the catalogue counts nothing
            for item in indicator.compute(school_id=period.school_id, start=period.starts_on, end=period.ends_on):
                if item.staff_id in people_ids and item.units:
                    found[criterion.pk, item.staff_id].append(
                        (Decimal(item.units), str(item.label)[:300], item.on, (item.url or "")[:500])
                    )
    manual_ids = [c.pk for c in criteria if c.is_manual]
    for entry in ManualEntry.objects.filter(period=period, criterion_id__in=manual_ids).order_by("on", "pk"):
        if entry.staff_id in people_ids:
            url = reverse("ratings:manual_file", kwargs={"pk": entry.pk}) if entry.file else entry.link
            found[entry.criterion_id, entry.staff_id].append((entry.units, entry.note[:300], entry.on, url))
    return found


@transaction.atomic
def period_compute(*, period, now=None):
    """(Re)compute the sheets of an open period: a sheet per person of the school, a line
    per active criterion, each line's units the sum of its evidence and its points by
    `points.line_points`. The criteria are copied as they are now. Each teacher is told
    once that the sheet is ready. Returns the number of sheets."""
    period = _locked(period)
    _open(period)
    criteria = list(Criterion.objects.filter(school_id=period.school_id, is_active=True).order_by("position", "pk"))
    if not criteria:
        raise ValidationError(_("The school has no criteria in use: set them first."), code="no_criteria")
    people = list(people_of_period(period=period).select_related("user"))
    people_ids = {person.pk for person in people}
    found = _evidence(period, criteria, people_ids)
    now = now or timezone.now()

    # The copies of the criteria go first: the lines and the evidence go with them.
    PeriodCriterion.objects.filter(period=period).delete()
    copies = PeriodCriterion.objects.bulk_create(
        PeriodCriterion(
            period=period,
            criterion=c,
            indicator_key=c.indicator_key,
            title=c.title,
            points_per_unit=c.points_per_unit,
            cap=c.cap,
            position=index,
        )
        for index, c in enumerate(criteria)
    )
    # A sheet stays while its person is counted or has filed a remark on it.
    with_remarks = set(Remark.objects.filter(period=period).values_list("sheet__staff_id", flat=True))
    Sheet.objects.filter(period=period).exclude(staff_id__in=people_ids | with_remarks).delete()
    sheets = {sheet.staff_id: sheet for sheet in Sheet.objects.filter(period=period)}
    new = [
        Sheet(period=period, school_id=period.school_id, staff=p, staff_name=p.full_name, computed_at=now)
        for p in people
        if p.pk not in sheets
    ]
    for sheet in Sheet.objects.bulk_create(new):
        sheets[sheet.staff_id] = sheet
    names = {p.pk: p.full_name for p in people}

    lines, pending = [], []
    for staff_id, sheet in sheets.items():
        total = ZERO
        for copy in copies:
            items = found.get((copy.criterion_id, staff_id), []) if staff_id in people_ids else []
            units = rounded(sum((units for units, *_rest in items), ZERO))
            points = line_points(units=units, points_per_unit=copy.points_per_unit, cap=copy.cap)
            total += points
            line = SheetLine(sheet=sheet, period=period, criterion=copy, units=units, points=points)
            lines.append(line)
            pending.append((line, items))
        sheet.total = total
        sheet.staff_name = names.get(staff_id, sheet.staff_name)
        sheet.computed_at = now
    SheetLine.objects.bulk_create(lines)
    EvidenceItem.objects.bulk_create(
        EvidenceItem(line=line, period=period, units=rounded(units), label=label, on=on, url=url)
        for line, items in pending
        for units, label, on, url in items
    )
    Sheet.objects.bulk_update(list(sheets.values()), ["total", "staff_name", "computed_at"])
    period.computed_at = now
    period.save(update_fields=["computed_at"])

    for person in people:
        if person.user_id is not None and person.user.is_active:
            notification_send(
                user=person.user,
                school=period.school,
                kind=Notification.Kind.RATING_SHEET_READY,
                key=f"rating_period:{period.pk}",
                title=_("Your collective-work sheet for %(period)s is ready") % {"period": period.label},
                body=_("Remarks are filed until %(date)s.") % {"date": period.remarks_until.strftime("%d.%m.%Y")},
                url=reverse("ratings:sheet", kwargs={"pk": sheets[person.pk].pk}),
            )
    return len(sheets)


def _recompute_if_computed(period):
    if period.computed_at is not None:
        period_compute(period=period)


# Manual entries -------------------------------------------------------------------


@transaction.atomic
def manual_entry_add(*, period, criterion, staff, units, on, note, link="", file=None, by=None):
    """An entry of a manual criterion for a teacher, with a note and evidence (a link or a
    file); computed sheets are recomputed so that it shows at once."""
    period = _locked(period)
    _open(period)
    if criterion is None or criterion.school_id != period.school_id or not criterion.is_manual:
        raise ValidationError({"criterion": _("Choose a manual criterion of the school.")})
    if not criterion.is_active:
        raise ValidationError({"criterion": _("The criterion is switched off: switch it on first.")})
    _check_person(school=period.school, staff=staff, field="staff")
    if not people_of_period(period=period).filter(pk=staff.pk).exists():
        raise ValidationError({"staff": _("%(name)s did not work at the school during the period.") % {"name": staff}})
    if on is None or not period.starts_on <= on <= period.ends_on:
        raise ValidationError({"on": _("The date falls within the period.")})
    note, link = (note or "").strip(), (link or "").strip()
    if not note:
        raise ValidationError({"note": _("Say what the entry is for.")})
    if not link and not file:
        raise ValidationError({"link": _("Give the evidence: a link or a file.")})
    if file:
        try:
            validate_upload(file)
        except ValidationError as error:
            raise ValidationError({"file": error.messages}) from None
    entry = ManualEntry(
        period=period,
        school=period.school,
        criterion=criterion,
        staff=staff,
        units=units,
        on=on,
        note=note,
        link=link,
        entered_by=by,
    )
    if file:
        entry.file = file
    _full_clean(entry)
    entry.save()
    _recompute_if_computed(period)
    return entry


@transaction.atomic
def manual_entry_delete(*, entry):
    period = _locked(entry.period)
    _open(period)
    entry.delete()
    _recompute_if_computed(period)


# Remarks --------------------------------------------------------------------------


@transaction.atomic
def remark_file(*, sheet, author, text, now=None):
    """The teacher's remark on their own sheet, until the commission's date (included);
    the commission is told. `now` is for the demo's history."""
    now = now or timezone.now()
    period = _locked(sheet.period)
    _open(period)
    if author is None or sheet.staff_id != author.pk:
        raise ValidationError(_("A remark is filed on one's own sheet."))
    if not period.takes_remarks(school_today(period.school, now)):
        raise ValidationError(
            _("Remarks were filed until %(date)s.") % {"date": period.remarks_until.strftime("%d.%m.%Y")},
            code="too_late",
        )
    text = (text or "").strip()
    if not text:
        raise ValidationError({"text": _("Write the remark.")})
    remark = Remark(sheet=sheet, period=period, school=period.school, text=text, filed_at=now)
    _full_clean(remark)
    remark.save()
    url = reverse("ratings:remark_answer", kwargs={"pk": remark.pk})
    for user in commission_users(school=period.school):
        notification_send(
            user=user,
            school=period.school,
            kind=Notification.Kind.RATING_REMARK_FILED,
            key=f"rating_remark:{remark.pk}",
            title=_("A remark on a collective-work sheet for %(period)s") % {"period": period.label},
            url=url,
        )
    return remark


@transaction.atomic
def remark_answer(*, remark, answer, by, now=None):
    """The commission's answer (or a corrected one) to a remark of an open period; the
    teacher is told once."""
    period = _locked(remark.period)
    _open(period)
    answer = (answer or "").strip()
    if not answer:
        raise ValidationError({"answer": _("Write the answer.")})
    remark.answer = answer
    remark.answered_by = by
    remark.answered_at = now or timezone.now()
    _full_clean(remark)
    remark.save(update_fields=["answer", "answered_by", "answered_at"])
    teacher = remark.sheet.staff
    if teacher.user_id is not None:
        notification_send(
            user=teacher.user,
            school=period.school,
            kind=Notification.Kind.RATING_REMARK_ANSWERED,
            key=f"rating_remark:{remark.pk}",
            title=_("The commission answered your remark for %(period)s") % {"period": period.label},
            url=reverse("ratings:sheet", kwargs={"pk": remark.sheet_id}),
        )
    return remark


# Approval -------------------------------------------------------------------------


@transaction.atomic
def period_approve(*, period, by, now=None):
    """The commission approves the computed sheets: the names are copied for the protocol
    (the teachers', the commission's, the school's) and the period is locked. Every
    remark must have its answer first. Written to the audit trail; each teacher is told once."""
    period = _locked(period)
    _open(period)
    if period.computed_at is None:
        raise ValidationError(_("Compute the sheets first."), code="not_computed")
    if not period.approvable(school_today(period.school, now)):
        raise ValidationError(
            _("Teachers file remarks until %(date)s: the commission approves on that day or later.")
            % {"date": period.remarks_until.strftime("%d.%m.%Y")},
            code="remarks_open",
        )
    if Remark.objects.filter(period=period, answered_at__isnull=True).exists():
        raise ValidationError(_("Answer every remark before approving."), code="remarks_unanswered")
    sheets = list(Sheet.objects.filter(period=period).select_related("staff"))
    for sheet in sheets:
        sheet.staff_name = sheet.staff.full_name
    Sheet.objects.bulk_update(sheets, ["staff_name"])
    period.school_name = period.school.name
    period.commission_names = "\n".join(commission_names(school=period.school))
    period.approved_by = by
    period.approved_by_name = _user_name(by, period.school)
    period.approved_at = now or timezone.now()
    period.status = RatingPeriod.Status.APPROVED
    _full_clean(period)
    period.save()
    audit_record(
        action=AuditEvent.Action.RATING_PERIOD_APPROVED,
        school=period.school,
        target=period,
        changes={"status": [RatingPeriod.Status.OPEN.value, RatingPeriod.Status.APPROVED.value], "sheets": len(sheets)},
    )
    for sheet in sheets:
        user = sheet.staff.user if sheet.staff.user_id else None
        if user is not None and user.is_active:
            notification_send(
                user=user,
                school=period.school,
                kind=Notification.Kind.RATING_PERIOD_APPROVED,
                # Once an approval: a period reopened and approved again may have new numbers.
                key=f"rating_period:{period.pk}:{period.approved_at.isoformat()}",
                title=_("The collective-work rating for %(period)s is approved") % {"period": period.label},
                url=reverse("ratings:sheet", kwargs={"pk": sheet.pk}),
            )
    return period


def _user_name(user, school):
    if user is None:
        return ""
    card = StaffMember.objects.filter(school=school, user=user).order_by("pk").first()
    return card.full_name if card else (user.get_full_name() or user.email)


@transaction.atomic
def period_reopen(*, period, reason):
    """Reopen an approved period, with the reason, which goes to the audit trail."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Say why the approved period is reopened.")})
    if len(reason) > 500:
        raise ValidationError({"reason": _("At most 500 characters.")})
    period = _locked(period)
    if not period.is_approved:
        raise ValidationError(_("Only an approved period is reopened."), code="not_approved")
    approved_at = period.approved_at
    period.status = RatingPeriod.Status.OPEN
    period.approved_at = None
    period.approved_by = None
    period.approved_by_name = ""
    period.save(update_fields=["status", "approved_at", "approved_by", "approved_by_name"])
    audit_record(
        action=AuditEvent.Action.RATING_PERIOD_REOPENED,
        school=period.school,
        target=period,
        changes={
            "status": [RatingPeriod.Status.APPROVED.value, RatingPeriod.Status.OPEN.value],
            "approved_at": [approved_at, None],
            "reason": reason,
        },
    )
    return period
