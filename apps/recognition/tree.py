"""The tree drawn on the server as SVG, with a deterministic layout (no script):
the same leaves always give the same picture, byte for byte.

A trunk; branches in pairs, left and right, from the top down, one per form of
collaboration (the kind of thing a recognition points at, and «просто спасибо»)
or per subject association of the people recognised. Each recognition is a leaf
on its branch, the oldest near the trunk: a branch grows outwards through the
year, then in more rows above and below it. Empty branches stay as bare twigs,
so the shape of the school's collaboration shows even in September.

Accessible: the picture is a group of lists (a branch is a list, a leaf a list
item named by its <title>: the people and what for); the page puts the same
leaves beside it as text, which screen readers and phones read instead.
"""

import math
from dataclasses import dataclass, field

from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

WIDTH = 640
CENTRE = WIDTH // 2
TRUNK_TOP_HALF, TRUNK_BASE_HALF = 12, 28
FIRST_LEAF = 40  # from the trunk's middle to the first leaf's centre
LEAF_STEP = 27  # between leaves along a branch
COLUMNS = 10  # leaves along a branch before a new row starts
ROW_GAP = 24  # between rows of leaves
ROW_FIRST = 14  # from the branch to the first rows above and below
LEAF_REACH = 10  # how far a leaf reaches from its centre
LABEL_SPACE = 24
SLOPE = 0.15  # branches rise towards their tips
BARE_TWIG = 44
TOP, GROUND = 12, 64

BARK, GRASS, LABEL = "#7a5230", "#cfe3c1", "#3d2b1f"
# A leaf's colour by the month it grew in: the autumn's first, the summer's last.
MONTH_COLOURS = {
    9: "#d99a2b",
    10: "#d9822b",
    11: "#b5651d",
    12: "#6b8e23",
    1: "#4f7942",
    2: "#3b7a57",
    3: "#5fa55a",
    4: "#77b255",
    5: "#2e8b57",
    6: "#3cb371",
    7: "#228b22",
    8: "#9acd32",
}
LEAF_PATH = "M-11 0Q0-8 11 0Q0 8-11 0Z"

FORM_BRANCHES = (
    ("visit", gettext_lazy("Lesson visits")),
    ("team_outcome", gettext_lazy("Task teams")),
    ("material", gettext_lazy("Materials for colleagues")),
    ("problem_day", gettext_lazy("Problem-theme days")),
    ("network_result", gettext_lazy("Network pairs")),
    ("event", gettext_lazy("Seminars and master classes")),
    ("", gettext_lazy("Just thank you")),
)
NO_ASSOCIATION, NETWORK = "none", "network"


@dataclass
class Branch:
    key: str
    label: str
    leaves: list = field(default_factory=list)


def branches_by_forms():
    return [Branch(key, str(label)) for key, label in FORM_BRANCHES]


def branches_by_associations(associations, *, networked):
    """The school's associations by name, then the people in none, then colleagues of the network."""
    branches = [Branch(f"a{pk}", name) for pk, name in associations]
    branches.append(Branch(NO_ASSOCIATION, _("No methodical association")))
    if networked:
        branches.append(Branch(NETWORK, _("Colleagues of the network")))
    return branches


def grow(branches, leaves, *, by, school_id):
    """Hang each leaf on its branch (by association: on each branch one of its people belongs to)."""
    index = {branch.key: branch for branch in branches}
    for leaf in leaves:
        if by == "forms":
            keys = [leaf.link_kind]
        else:
            keys = []
            for person in leaf.people:
                if person.school_id != school_id:
                    key = NETWORK
                elif person.association_id is not None and f"a{person.association_id}" in index:
                    key = f"a{person.association_id}"
                else:
                    key = NO_ASSOCIATION
                if key not in keys:
                    keys.append(key)
        for key in keys:
            if key in index:
                index[key].leaves.append(leaf)
    return branches


def _rows(count):
    return max(2, math.ceil(count / COLUMNS))


def _extent(count):
    """How far a branch's leaves and label reach above and below its line at the trunk."""
    rows = _rows(count)
    up, down = math.ceil(rows / 2), rows // 2
    length = FIRST_LEAF + min(max(count, 1), COLUMNS) * LEAF_STEP
    above = SLOPE * length + ROW_FIRST + (up - 1) * ROW_GAP + LEAF_REACH + LABEL_SPACE
    below = ROW_FIRST + (down - 1) * ROW_GAP + LEAF_REACH + 6
    return above, below


LABEL_CHARACTERS = 32  # a longer branch name is cut on the picture; the list beside has it whole


def _short(label):
    return label if len(label) <= LABEL_CHARACTERS else label[: LABEL_CHARACTERS - 1].rstrip() + "…"


def _num(value):
    return f"{value:.1f}".rstrip("0").rstrip(".")


def _leaf_title(leaf):
    names = leaf.names
    return f"{names}: {leaf.text} ({leaf.day:%d.%m.%Y})" if names else f"{leaf.text} ({leaf.day:%d.%m.%Y})"


def _branch_svg(branch, *, side, y, new_after):
    """One branch at height `y` of the trunk, to the left (side -1) or right (+1)."""
    count = len(branch.leaves)
    length = FIRST_LEAF + min(count, COLUMNS) * LEAF_STEP if count else BARE_TWIG
    above, _below = _extent(count)
    x0 = CENTRE + side * TRUNK_TOP_HALF
    tip_x, tip_y = CENTRE + side * length, y - SLOPE * length
    parts = [
        f'<g role="list" aria-label="{escape(branch.label)}" data-branch="{escape(branch.key)}">',
        f'<path d="M{_num(x0)} {_num(y)}L{_num(tip_x)} {_num(tip_y)}" stroke="{BARK}" '
        f'stroke-width="{6 if count else 4}" stroke-linecap="round" fill="none" aria-hidden="true"/>',
        f'<text x="{_num(CENTRE + side * (TRUNK_TOP_HALF + 12))}" y="{_num(y - above + 16)}" '
        f'text-anchor="{"start" if side > 0 else "end"}" font-size="15" fill="{LABEL}" aria-hidden="true">'
        f"{escape(_short(branch.label))}</text>",
    ]
    for n, leaf in enumerate(branch.leaves):
        column, row = n % COLUMNS, n // COLUMNS
        level, below_line = row // 2, row % 2 == 1
        reach = FIRST_LEAF - LEAF_STEP / 2 + (column + 0.5) * LEAF_STEP
        x = CENTRE + side * reach
        offset = ROW_FIRST + level * ROW_GAP
        leaf_y = y - SLOPE * reach + (offset if below_line else -offset)
        angle = (25 if below_line else -35) * side
        fresh = new_after is not None and leaf.pk > new_after
        grow_in = (
            '<animateTransform attributeName="transform" type="scale" from="0.1" to="1" dur="1.2s" '
            'additive="sum" fill="freeze"/>'
            if fresh
            else ""
        )
        parts.append(
            f'<g role="listitem" class="leaf{" leaf-new" if fresh else ""}" data-leaf="{leaf.pk}">'
            f"<title>{escape(_leaf_title(leaf))}</title>"
            f'<path d="{LEAF_PATH}" transform="translate({_num(x)} {_num(leaf_y)}) rotate({angle})" '
            f'fill="{MONTH_COLOURS[leaf.day.month]}" stroke="#2f4f2f" stroke-width="0.8">{grow_in}</path></g>'
        )
    parts.append("</g>")
    return "".join(parts)


def tree_svg(branches, *, title, new_after=None, element_id="recognition-tree"):
    """The SVG of the tree; leaves newer than `new_after` grow in (the live screen)."""
    bands = []
    y = TOP
    for i in range(0, len(branches), 2):
        pair = branches[i : i + 2]
        extents = [_extent(len(b.leaves)) for b in pair]
        above = max(e[0] for e in extents)
        below = max(e[1] for e in extents)
        bands.append((pair, y + above))
        y += above + below
    height = y + GROUND
    trunk_top = bands[0][1] - 8 if bands else TOP
    ground_y = height - GROUND / 2
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" id="{element_id}" class="d-block w-100 h-auto" '
        f'viewBox="0 0 {WIDTH} {_num(height)}" width="100%" role="group" aria-label="{escape(title)}">',
        f'<ellipse cx="{CENTRE}" cy="{_num(ground_y)}" rx="{CENTRE - 20}" ry="18" fill="{GRASS}" aria-hidden="true"/>',
        f'<path d="M{CENTRE - TRUNK_BASE_HALF} {_num(ground_y)}L{CENTRE - TRUNK_TOP_HALF} {_num(trunk_top)}'
        f'L{CENTRE + TRUNK_TOP_HALF} {_num(trunk_top)}L{CENTRE + TRUNK_BASE_HALF} {_num(ground_y)}Z" '
        f'fill="{BARK}" aria-hidden="true"/>',
    ]
    for pair, branch_y in bands:
        for side, branch in zip((-1, 1), pair, strict=False):
            parts.append(_branch_svg(branch, side=side, y=branch_y, new_after=new_after))
    parts.append("</svg>")
    return mark_safe("".join(parts))  # nosec B308 B703 - every text in it is escaped above
