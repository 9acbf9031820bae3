"""One act of destruction of personal data in the demo (152-FZ, art. 21), made by
the real erasure service, so that the acts page and the anonymised rows of the
audit trail have something to show.

The card erased is a teacher of the main school who left in 2019
(`ERASED_SURNAME` in `MAIN_STAFF`): no demo pair, team, visit, survey or partner
mentions her, and the erasure keeps what the dashboards and the demo's reported category
shares count (the card, its dates, its categories), so the rest of the demo
reads the same. After erasure the card has no name; it is found again by its
dates, which the erasure keeps.
"""

from apps.demo.staff import MAIN_STAFF
from apps.privacy.erasure import staff_member_erase
from apps.staff.models import ErasureRecord, StaffMember

ERASED_SURNAME = "Комарова"


def _card(school):
    row = next(row for row in MAIN_STAFF if row[0] == ERASED_SURNAME)
    teaching_since, hired_on, left_on = row[6:9]
    return (
        StaffMember.objects.for_school(school)
        .filter(is_active=False, teaching_since=teaching_since, hired_on=hired_on, left_on=left_on)
        .order_by("pk")
        .first()
    )


def seed_erasure(*, school, erased_by, now):
    """Erase the departed teacher's data as `erased_by` at `now`; nothing if her card
    is missing or was erased before. Returns the act, or None."""
    card = _card(school)
    if card is None or ErasureRecord.objects.filter(staff=card).exists():
        return None
    return staff_member_erase(
        staff=card,
        # The act must not name the person: only the ground and the request. Demo data
        # is in Russian, as the school's own records are.
        reason=(
            "Письменное требование бывшей учительницы об уничтожении её персональных данных "
            "(152-ФЗ, ст. 21): цели обработки достигнуты, она уволилась из школы."
        ),
        erased_by=erased_by,
        now=now,
    )
