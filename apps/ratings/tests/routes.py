"""Access rules of the collective-work rating, for the URL walk (apps/core/tests/world.py).

The curator persona is named to the commission (so the matrix checks "a named member
is on it"); the administrator is on it by `ratings.manage`; the deputy head is not.
The sheets are the teacher persona's: the teacher sees their own, the commission all.
"""

import datetime
import itertools

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from apps.core.dates import add_months
from apps.core.tests.world import ANY_MEMBER, C, T
from apps.ratings import services
from apps.ratings.models import CommissionMember, RatingPeriod, Sheet, period_end
from apps.ratings.tests.factories import CriterionFactory, ManualEntryFactory, PeriodFactory, approve

COMMISSION = ("ratings.manage", C)
# Each object of a world gets a month of its own (a period is once per school, kind and start).
_MONTHS = itertools.count()


def _commission(w):
    CommissionMember.objects.get_or_create(school=w.school, staff=w.staff_of(C))
    return {}


def _computed(w):
    """An open period with the teacher persona's sheet computed (a manual entry with a file)."""
    _commission(w)
    today = timezone.localdate()
    # A month the teacher persona worked in (the demo's is hired a year or so ago), so it has a sheet.
    hired = w.staff_of(T).hired_on or today
    worked = (today.year - hired.year) * 12 + today.month - hired.month + 1
    starts_on = add_months(today.replace(day=1), -(next(_MONTHS) % max(1, min(18, worked))))
    kind = RatingPeriod.Kind.MONTH
    period = PeriodFactory(
        school=w.school,
        kind=kind,
        starts_on=starts_on,
        ends_on=period_end(kind, starts_on),
        remarks_until=today + datetime.timedelta(days=30),
    )
    entry = ManualEntryFactory(
        period=period,
        staff=w.staff_of(T),
        link="",
        file=SimpleUploadedFile("evidence.pdf", b"%PDF-1.4 evidence\n"),
    )
    services.period_compute(period=period)
    return period, entry


def _sheet(w):
    period, _entry = _computed(w)
    return Sheet.objects.get(period=period, staff=w.staff_of(T))


def _approved(w):
    period, _entry = _computed(w)
    approve(period, by=w.users[C])
    return {"pk": period.pk}


def _remark(w):
    sheet = _sheet(w)
    remark = services.remark_file(sheet=sheet, author=w.staff_of(T), text="Не учтён семинар в марте")
    return {"pk": remark.pk}


OBJECTS = {
    "rating_criterion": lambda w: {"pk": CriterionFactory(school=w.school).pk},
    "rating_commission_member": lambda w: {
        "pk": CommissionMember.objects.get_or_create(school=w.school, staff=w.staff_of(C))[0].pk
    },
    "rating_period": lambda w: {"pk": _computed(w)[0].pk},
    "rating_period_approved": _approved,
    "rating_manual_entry": lambda w: {"pk": _computed(w)[1].pk},
    "rating_sheet": lambda w: {"pk": _sheet(w).pk},
    "rating_remark": _remark,
}

ROUTES = {
    "ratings:my": ("get", None, ANY_MEMBER),
    "ratings:criteria": ("get", None, "ratings.manage"),
    "ratings:criterion_new": ("get", None, "ratings.manage"),
    "ratings:criterion_edit": ("get", "rating_criterion", "ratings.manage"),
    "ratings:commission": ("get", None, "ratings.manage"),
    "ratings:commission_remove": ("post", "rating_commission_member", "ratings.manage"),
    # Without an object the curator is not named yet: the named member's way in is proved
    # by apps/privacy/tests/test_ratings_confidentiality.py.
    "ratings:periods": ("get", None, "ratings.manage"),
    "ratings:period_new": ("get", None, "ratings.manage"),
    "ratings:period": ("get", "rating_period", COMMISSION),
    "ratings:period_compute": ("post", "rating_period", COMMISSION),
    "ratings:period_dates": ("post", "rating_period", COMMISSION),
    "ratings:period_approve": ("post", "rating_period", COMMISSION),
    "ratings:period_reopen": ("get", "rating_period_approved", "ratings.manage"),
    "ratings:manual_new": ("get", "rating_period", COMMISSION),
    "ratings:manual_delete": ("post", "rating_manual_entry", COMMISSION),
    # The evidence file: the commission and the teacher it is about.
    "ratings:manual_file": ("get", "rating_manual_entry", ("ratings.manage", T, C)),
    "ratings:protocol_xlsx": ("get", "rating_period_approved", COMMISSION),
    "ratings:protocol_pdf": ("get", "rating_period_approved", COMMISSION),
    # A sheet: its teacher and the commission; a remark: its teacher only.
    "ratings:sheet": ("get", "rating_sheet", ("ratings.manage", T, C)),
    "ratings:remark_new": ("get", "rating_sheet", (T,)),
    "ratings:remark_answer": ("get", "rating_remark", COMMISSION),
}
