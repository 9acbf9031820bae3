"""One way to round a share, for every page, export and report.

A share is computed from the exact counts and rounded half up, as a person would:
10 of 26 is 38.46 %, shown as 38 % everywhere (rounding 38.5 again would say 39).
"""

from decimal import ROUND_HALF_UP, Decimal


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
