"""The one rule of the rating's arithmetic: points = min(units × points per unit, cap),
every stored number rounded once, to hundredths, half up.

A line's units are the sum of its evidence, rounded once (`rounded`); its points are
made from those stored units by `line_points`; a sheet's total and the school's totals
are plain sums of stored points, which need no rounding. The pages, the XLSX, the PDF
and the SQL totals all read the stored numbers, so they agree to the kopeck.
"""

from decimal import ROUND_HALF_UP, Decimal

PLACES = Decimal("0.01")
ZERO = Decimal("0.00")


def rounded(value) -> Decimal:
    """`value` to hundredths, half up: the only rounding of the rating."""
    return Decimal(value).quantize(PLACES, rounding=ROUND_HALF_UP)


def line_points(*, units, points_per_unit, cap=None) -> Decimal:
    """The points of a line: units × points per unit, no more than the cap (None: no cap)."""
    raw = Decimal(units) * Decimal(points_per_unit)
    if cap is not None:
        raw = min(raw, Decimal(cap))
    return rounded(raw)


def number(value) -> str:
    """A stored number as the protocol writes it: "12", "2,5", "0,75" (no trailing zeros,
    a decimal comma). The pages, the XLSX's text and the PDF share it."""
    value = Decimal(value)
    text = f"{value.quantize(PLACES):f}".rstrip("0").rstrip(".")
    return (text or "0").replace(".", ",")
