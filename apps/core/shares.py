"""One way to round a share, and one rule for which counts of a small group are shown,
for every page, export and report.

A share is computed from the exact counts and rounded half up, as a person would:
10 of 26 is 38.46 %, shown as 38 % everywhere (rounding 38.5 again would say 39).
"""

from decimal import ROUND_HALF_UP, Decimal

from django.utils.translation import gettext as _

# The smallest group whose count-only figures (what the community's people shared,
# commented and answered) are shown: in a group of one or two, «1 · 7» is one
# teacher's own tally, which nobody is shown.
SMALLEST_GROUP = 3


def disclosed(count, *, people):
    """`count` of a group of `people`, or None (shown as «—») when the group is
    smaller than `SMALLEST_GROUP`."""
    return count if people >= SMALLEST_GROUP else None


def disclosure_note():
    """The rule in a sentence, for the pages and exports that apply it."""
    return _("Groups of fewer than %(people)s people are not shown (—): their figures would be a teacher's own.") % {
        "people": SMALLEST_GROUP
    }


def _half_up(value: Decimal, places: int):
    rounded = value.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
    return int(rounded) if places == 0 else float(rounded)


def percent(part, whole, *, places=0):
    """`part` of `whole` in percent, rounded half up to `places` decimals (a whole
    number by default); None when `whole` is nobody."""
    if not whole:
        return None
    return _half_up(Decimal(part) * 100 / Decimal(whole), places)


def percent_change(part, whole, previous_part, previous_whole, *, places=1):
    """How many percentage points the share moved since the previous period, from
    the exact shares (an empty period counts as 0 %)."""
    now = Decimal(part) * 100 / Decimal(whole) if whole else Decimal(0)
    before = Decimal(previous_part) * 100 / Decimal(previous_whole) if previous_whole else Decimal(0)
    return _half_up(now - before, places)
