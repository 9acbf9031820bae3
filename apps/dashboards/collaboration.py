"""The collaboration network of one school: who visited whom and who worked
together in a pair, a triad or a task team during a period.

The ties come from one SQL aggregate (`aggregates.collaboration_edges`, which keeps
both ends inside the school); the people are the school's staff of the period;
the year-on-year growth is read from `YearSummary`, never from years of visits.
The picture is laid out here, on the server, so the page is a plain SVG that
reads without JavaScript and prints as it shows.
"""

import dataclasses
import datetime
import math

import networkx as nx
from django.utils.translation import gettext as _
from networkx.utils import reverse_cuthill_mckee_ordering

from apps.core.dates import academic_year_labels, day_bounds
from apps.core.prepared import Param, prepared_query
from apps.core.shares import percent
from apps.core.spreadsheets import add_sheet, new_workbook, workbook_bytes
from apps.core.tenure import present_during
from apps.staff.models import StaffMember

from . import aggregates
from .markup import number, safe, text
from .models import YearSummary
from .periods import Period

# How many people the "most connected" table lists.
MOST_CONNECTED = 10
# Up to this many people in the circle, each is labelled with their short name.
LABEL_LIMIT = 120

# Geometry of the picture, in SVG user units.
LABEL_ROOM = 110  # around the circle, for the names
ISOLATE_STEP = 26  # distance between the people without ties, in their strip
ISOLATE_STRIP_TOP = 34  # from the circle's area to the first row of the strip

# How each kind of tie is drawn: colour and dash pattern ("" is a solid line).
KIND_STYLE = {
    "visit": ("#0d6efd", "6 3"),
    "group": ("#198754", ""),
    "team": ("#fd7e14", "2 3"),
    "several": ("#6f42c1", ""),
}


@dataclasses.dataclass
class Person:
    id: int
    full_name: str
    short_name: str
    colleagues: int = 0
    by_visits: int = 0  # colleagues tied by a visit
    by_groups: int = 0  # ... by a pair or triad
    by_teams: int = 0  # ... by a task team
    strength: int = 0  # visits, groups and teams over all their ties
    x: float = 0.0
    y: float = 0.0
    r: float = 4.0
    label_x: float = 0.0
    label_y: float = 0.0
    label_angle: float = 0.0
    label_anchor: str = "start"


@dataclasses.dataclass
class Tie:
    a: Person
    b: Person
    visits: int
    groups: int
    teams: int

    @property
    def strength(self):
        return self.visits + self.groups + self.teams

    @property
    def kinds(self):
        return [kind for kind, count in (("visit", self.visits), ("group", self.groups), ("team", self.teams)) if count]

    @property
    def kind(self):
        kinds = self.kinds
        return kinds[0] if len(kinds) == 1 else "several"

    @property
    def colour(self):
        return KIND_STYLE[self.kind][0]

    @property
    def dash(self):
        return KIND_STYLE[self.kind][1]

    @property
    def width(self):
        """Thicker for stronger ties, up to a limit so that one busy pair does not
        hide the rest."""
        return round(1 + 0.75 * (min(self.strength, 7) - 1), 2)


@dataclasses.dataclass
class YearFigures:
    year: int
    label: str
    ties: int
    connected: int
    staff: int
    change: int | None  # ties compared with the year before, when that year is known

    @property
    def share(self):
        return percent(self.connected, self.staff, places=1)


@dataclasses.dataclass
class CollaborationNetwork:
    period: Period
    association: object
    people: list  # the staff of the period, by name
    ties: list  # by the names of both ends
    isolates: list  # people without any tie, by name
    most_connected: list  # up to MOST_CONNECTED people, most colleagues first
    growth: list  # YearFigures, oldest first
    refreshed_at: datetime.datetime | None
    width: int = 0
    height: int = 0
    circle: dict = dataclasses.field(default_factory=dict)  # cx, cy, r of the people with ties
    isolate_caption_y: float = 0.0
    labelled: bool = True

    @property
    def connected(self):
        return len(self.people) - len(self.isolates)

    @property
    def share_connected(self):
        return percent(self.connected, len(self.people), places=1)

    @property
    def legend(self):
        names = {
            "visit": _("lesson visit"),
            "group": _("pair or triad"),
            "team": _("task team"),
            "several": _("several kinds"),
        }
        return [
            {"kind": kind, "name": names[kind], "colour": colour, "dash": dash}
            for kind, (colour, dash) in KIND_STYLE.items()
        ]

    def svg_ties(self):
        """Each tie's <line> for the picture, written here once, as one block: in the
        template each took a dozen lookups and a translation."""
        caption = _("visits %(visits)s, pairs and triads %(groups)s, teams %(teams)s")
        lines = []
        for tie in self.ties:
            a, b, dash = tie.a, tie.b, tie.dash
            title = caption % {"visits": tie.visits, "groups": tie.groups, "teams": tie.teams}
            dashes = f' stroke-dasharray="{dash}"' if dash else ""
            lines.append(
                f'<line x1="{a.x}" y1="{a.y}" x2="{b.x}" y2="{b.y}" stroke="{tie.colour}" stroke-width="{tie.width}"'
                f' stroke-opacity="0.75"{dashes} data-kind="{tie.kind}">'
                f"<title>{text(a.short_name)} — {text(b.short_name)}: {text(title)}</title></line>\n      "
            )
        return safe("".join(lines))

    def svg_people(self):
        """Each person with ties as a circle (and their name around it, when the
        picture is labelled), as svg_ties; then the people without ties."""
        marks = []
        for person in self.people:
            if not person.colleagues:
                continue
            name = text(person.short_name)
            marks.append(
                f'<circle cx="{person.x}" cy="{person.y}" r="{person.r}" fill="#0d6efd" stroke="#fff"'
                f' stroke-width="1.5" data-person="{person.id}"><title>{name}</title></circle>'
            )
            if self.labelled:
                marks.append(
                    f'\n      <text x="{person.label_x}" y="{person.label_y}" font-size="10" fill="#212529"'
                    f' text-anchor="{person.label_anchor}" dominant-baseline="middle"'
                    f' transform="rotate({person.label_angle} {person.label_x} {person.label_y})">{name}</text>'
                )
            marks.append("\n      ")
        return safe("".join(marks))

    def svg_isolates(self):
        return safe(
            "".join(
                f'<circle cx="{person.x}" cy="{person.y}" r="{person.r}" fill="#adb5bd" data-person="{person.id}">'
                f"<title>{text(person.short_name)}</title></circle>\n      "
                for person in self.isolates
            )
        )

    def table_rows(self, ties):
        """The rows of the page's tables, drawn once: `ties` (a page of them), the
        people without ties, the most connected, the figures by year."""
        tie_rows = "".join(
            f"<tr>\n        <td>{text(tie.a.full_name)}</td>\n        <td>{text(tie.b.full_name)}</td>\n"
            f'        <td class="text-end">{tie.visits}</td>\n        <td class="text-end">{tie.groups}</td>\n'
            f'        <td class="text-end">{tie.teams}</td>\n      </tr>'
            for tie in ties
        )
        isolate_items = "".join(
            f'<li class="list-group-item px-0 py-1">{text(person.full_name)}</li>' for person in self.isolates
        )
        connected_rows = "".join(
            f"<tr>\n            <td>{text(p.full_name)}</td>\n"
            f'            <td class="text-end">{p.colleagues}</td>\n'
            f'            <td class="text-end">{p.by_visits}</td>\n'
            f'            <td class="text-end">{p.by_groups}</td>\n'
            f'            <td class="text-end">{p.by_teams}</td>\n          </tr>'
            for p in self.most_connected
        )
        growth_rows = []
        for row in self.growth:
            change = "—" if row.change is None else f"+{row.change}" if row.change > 0 else str(row.change)
            share = row.share
            growth_rows.append(
                f"<tr>\n        <td>{text(row.label)}</td>\n"
                f'        <td class="text-end">{row.ties}</td>\n'
                f'        <td class="text-end">{change}</td>\n'
                f'        <td class="text-end">{row.connected}</td>\n'
                f'        <td class="text-end">{row.staff}</td>\n'
                f'        <td class="text-end">{"—" if share is None else number(share)}</td>\n      </tr>'
            )
        return {
            "ties": safe(tie_rows),
            "isolates": safe(isolate_items),
            "most_connected": safe(connected_rows),
            "growth": safe("".join(growth_rows)),
        }

    def growth_chart(self):
        """Labels and series for the `bar_chart` tag."""
        labels = [f"{row.year}/{str(row.year + 1)[-2:]}" for row in self.growth]
        series = [
            (_("Ties"), [row.ties for row in self.growth]),
            (_("Connected people"), [row.connected for row in self.growth]),
        ]
        return labels, series


def _staff_of_period(*, school, period, association):
    values = {"school_id": school.pk, "start": period.start, "end": period.end}
    if association is not None:
        values["association_id"] = association.pk
    return _period_staff.rows(shape={"by_association": association is not None}, **values)


@prepared_query
def _period_staff(*, by_association):
    """Hired by the period's last day, not gone before its first (as in `aggregates`)."""
    staff = StaffMember.objects.for_school(Param("school_id")).filter(present_during(Param("start"), Param("end")))
    if by_association:
        staff = staff.filter(association_id=Param("association_id"))
    return staff.only("id", "last_name", "first_name", "patronymic").order_by(
        "last_name", "first_name", "patronymic", "pk"
    )


def _growth(*, school, association):
    values = {"school_id": school.pk}
    if association is not None:
        values["association_id"] = association.pk
    rows = _year_ties.rows(shape={"by_association": association is not None}, **values)
    labels = academic_year_labels(row["year"] for row in rows)
    growth, previous = [], None
    for row, label in zip(rows, labels, strict=True):
        change = row["ties"] - previous["ties"] if previous and previous["year"] == row["year"] - 1 else None
        growth.append(
            YearFigures(
                year=row["year"],
                label=label,
                ties=row["ties"],
                connected=row["connected"],
                staff=row["staff"],
                change=change,
            )
        )
        previous = row
    refreshed_at = max((row["refreshed_at"] for row in rows), default=None)
    return growth, refreshed_at


@prepared_query
def _year_ties(*, by_association):
    summaries = YearSummary.objects.for_school(Param("school_id"))
    if by_association:
        summaries = summaries.filter(association_id=Param("association_id"))
    else:
        summaries = summaries.filter(association__isnull=True)
    return summaries.order_by("year").values("year", "ties", "connected", "staff", "refreshed_at")


def programme_ties(*, school, start, end):
    """The ties the programme made in the school from `start` to `end` (rows of
    `aggregates.collaboration_edges`); the staff survey compares them with the ties
    people name (registered in apps.surveys.registries)."""
    start_at, end_at = day_bounds(start, end, school.tzinfo)
    return aggregates.collaboration_edges(school_id=school.pk, start=start, end=end, start_at=start_at, end_at=end_at)


def collaboration_network(*, school, period, association=None):
    """The school's staff of `period` (of one subject association, if given) with
    their ties, the people without any, the most connected, the year-on-year
    growth and the picture's layout.

    Three queries whatever the size of the school: the staff, the ties, the
    year summaries.
    """
    people = [
        Person(id=staff.pk, full_name=staff.full_name, short_name=staff.short_name)
        for staff in _staff_of_period(school=school, period=period, association=association)
    ]
    by_id = {person.id: person for person in people}
    start_at, end_at = period.bounds(school.time_zone)
    rows = aggregates.collaboration_edges(
        school_id=school.pk,
        start=period.start,
        end=period.end,
        start_at=start_at,
        end_at=end_at,
        association_id=association.pk if association is not None else None,
    )
    ties = []
    for row in rows:
        a, b = by_id.get(row["a"]), by_id.get(row["b"])
        # A tie to someone who was not on the staff during the period (a team
        # membership never closed when they left, say) is not part of its network.
        if a is None or b is None:
            continue
        tie = Tie(a=a, b=b, visits=row["visits"], groups=row["groups"], teams=row["teams"])
        ties.append(tie)
        for person in (a, b):
            person.colleagues += 1
            person.by_visits += bool(tie.visits)
            person.by_groups += bool(tie.groups)
            person.by_teams += bool(tie.teams)
            person.strength += tie.strength
    ties.sort(key=lambda tie: (tie.a.full_name, tie.b.full_name, tie.a.id, tie.b.id))
    isolates = [person for person in people if not person.colleagues]
    ranked = sorted((p for p in people if p.colleagues), key=lambda p: (-p.colleagues, -p.strength, p.full_name, p.id))
    growth, refreshed_at = _growth(school=school, association=association)
    network = CollaborationNetwork(
        period=period,
        association=association,
        people=people,
        ties=ties,
        isolates=isolates,
        most_connected=ranked[:MOST_CONNECTED],
        growth=growth,
        refreshed_at=refreshed_at,
    )
    _lay_out(network)
    return network


def _circle_order(people, ties):
    """The people with ties in the order they sit on the circle: component by
    component, largest first, each in reverse Cuthill–McKee order, which seats
    colleagues near each other so that most ties are short chords. Deterministic:
    the graph is built in name order."""
    graph = nx.Graph()
    graph.add_nodes_from(person.id for person in people if person.colleagues)
    graph.add_edges_from((tie.a.id, tie.b.id) for tie in ties)
    components = sorted(nx.connected_components(graph), key=lambda ids: (-len(ids), min(ids)))
    order = []
    for ids in components:
        order.extend(reverse_cuthill_mckee_ordering(graph.subgraph(ids)))
    return order


def _lay_out(network):
    """SVG coordinates: the people with ties on a circle, named around it; the
    people without ties in a strip under it."""
    by_id = {person.id: person for person in network.people}
    order = _circle_order(network.people, network.ties)
    count = len(order)
    radius = max(90, min(300, 5.5 * count)) if count else 0
    width = max(2 * (radius + LABEL_ROOM), 560)
    cx = width / 2
    cy = radius + LABEL_ROOM if count else 0
    network.labelled = count <= LABEL_LIMIT
    for index, person_id in enumerate(order):
        person = by_id[person_id]
        angle = 2 * math.pi * index / count - math.pi / 2
        person.x = round(cx + radius * math.cos(angle), 1)
        person.y = round(cy + radius * math.sin(angle), 1)
        person.r = round(4 + 0.5 * min(person.colleagues, 12), 1)
        person.label_x = round(cx + (radius + person.r + 6) * math.cos(angle), 1)
        person.label_y = round(cy + (radius + person.r + 6) * math.sin(angle), 1)
        degrees = math.degrees(angle)
        # Names read left to right on both halves of the circle.
        if math.cos(angle) < -1e-9:
            person.label_angle, person.label_anchor = round(degrees + 180, 1), "end"
        else:
            person.label_angle, person.label_anchor = round(degrees, 1), "start"
    network.circle = {"cx": cx, "cy": cy, "r": radius}
    top = 2 * cy if count else 0
    per_row = max(1, int((width - 40) // ISOLATE_STEP))
    for index, person in enumerate(network.isolates):
        row, column = divmod(index, per_row)
        person.x = 20 + ISOLATE_STEP / 2 + column * ISOLATE_STEP
        person.y = top + ISOLATE_STRIP_TOP + row * ISOLATE_STEP
        person.r = 5.0
    network.isolate_caption_y = top + 16
    rows = math.ceil(len(network.isolates) / per_row)
    network.width = int(width)
    network.height = int(top + (ISOLATE_STRIP_TOP + rows * ISOLATE_STEP if rows else 0)) or 60


# The workbook


def _sheet(workbook, title, header, rows, *, names=1):
    """A sheet with a bold, frozen header; the first `names` columns hold names."""
    widths = dict.fromkeys(range(1, names + 1), 36)
    add_sheet(workbook, title, header, rows, widths=widths, width_range=(14, 40), freeze=True)


def collaboration_xlsx(network) -> bytes:
    """The tables of the page as a workbook: ties, people without ties, the most
    connected, and the figures by year."""
    workbook = new_workbook()
    _sheet(
        workbook,
        _("Ties"),
        [_("Person A"), _("Person B"), _("Visits"), _("Pairs and triads"), _("Teams")],
        [[tie.a.full_name, tie.b.full_name, tie.visits, tie.groups, tie.teams] for tie in network.ties],
        names=2,
    )
    _sheet(workbook, _("No ties"), [_("Teacher")], [[person.full_name] for person in network.isolates])
    _sheet(
        workbook,
        _("Most connected"),
        [_("Teacher"), _("Colleagues"), _("By visits"), _("In pairs and triads"), _("In teams")],
        [[p.full_name, p.colleagues, p.by_visits, p.by_groups, p.by_teams] for p in network.most_connected],
    )
    _sheet(
        workbook,
        _("By year"),
        [_("Academic year"), _("Ties"), _("Connected people"), _("Staff"), _("Connected, %")],
        [[row.label, row.ties, row.connected, row.staff, row.share] for row in network.growth],
    )
    return workbook_bytes(workbook)
