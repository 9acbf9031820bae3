"""What the collective-work rating holds about a person (see apps/core/personal_data.py).

The export gives the person's sheets (period, total), their remarks with the
commission's answers, the manual entries about them and their seat on the
commission. Erasure removes the seat; the sheets, lines, entries and remarks stay on
the anonymised card, because an approved protocol is the commission's legal document
(the incentive payments were made on it), and the name sweep replaces the person's
name in its texts (the copied names, evidence labels, notes and remarks), which the
database's lock of an approved period lets through (only numbers are locked).
"""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from apps.core.personal_data import PersonalDataSource, Section

from .models import CommissionMember, ManualEntry, RatingPeriod, Remark, Sheet
from .points import number


def collect(*, staff, local_time):
    sheets = Section(
        "rating_sheets",
        _("Sheets of the collective-work rating"),
        [("period", _("period")), ("status", _("status")), ("total", _("total points"))],
    )
    for sheet in Sheet.objects.filter(staff=staff).select_related("period").order_by("period__starts_on", "pk"):
        sheets.rows.append(
            {"period": sheet.period.label, "status": sheet.period.get_status_display(), "total": number(sheet.total)}
        )
    remarks = Section(
        "rating_remarks",
        _("Remarks on the rating's sheets"),
        [("period", _("period")), ("filed_at", _("filed at")), ("remark", _("remark")), ("answer", _("answer"))],
    )
    for remark in Remark.objects.filter(sheet__staff=staff).select_related("period").order_by("filed_at", "pk"):
        remarks.rows.append(
            {
                "period": remark.period.label,
                "filed_at": local_time(remark.filed_at),
                "remark": remark.text,
                "answer": remark.answer,
            }
        )
    entries = Section(
        "rating_manual_entries",
        _("Manual entries of the rating"),
        [("criterion", _("criterion")), ("date", _("date")), ("units", _("units")), ("note", _("note"))],
    )
    for entry in ManualEntry.objects.filter(staff=staff).select_related("criterion").order_by("on", "pk"):
        entries.rows.append(
            {"criterion": entry.criterion.title, "date": entry.on, "units": number(entry.units), "note": entry.note}
        )
    seats = Section(
        "rating_commission",
        _("Incentive commission"),
        [("since", _("on the commission since"))],
        rows=[{"since": local_time(seat.added_at)} for seat in CommissionMember.objects.filter(staff=staff)],
    )
    return [sheets, remarks, entries, seats]


def erase(*, erasure):
    deleted, _details = CommissionMember.objects.filter(staff_id=erasure.staff.pk).delete()
    if deleted:
        erasure.deleted("rating_commission", deleted)


SOURCE = PersonalDataSource(
    app_label="ratings",
    order=62,
    # The sheets and what hangs on them stay on the anonymised card (see above); the
    # accounts named as who approved, entered or answered are anonymised in place.
    person_models=(CommissionMember, Sheet, ManualEntry, Remark, RatingPeriod),
    collect=collect,
    erase=erase,
    categories={"rating_commission": gettext_lazy("seats on the incentive commission")},
)
