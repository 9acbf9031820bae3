"""Reads of the recognition tree, each scoped to what the viewer may see
(`RecognitionQuerySet.visible_to`) and read with a fixed number of queries."""

import datetime
from dataclasses import dataclass, field

from django.db.models import Count, Exists, Max, OuterRef, Q

from apps.community.models import Material
from apps.core.dates import academic_year_of, school_today
from apps.core.prepared import Param, ParamList, prepared_query
from apps.core.tenancy import Circle, Viewer
from apps.mentoring.models import MentorGroupMember, NetworkPairResult
from apps.network_events.models import Event
from apps.problemdays.models import ProblemDay
from apps.staff.models import StaffMember, SubjectAssociation, full_name, short_name
from apps.teams.models import TeamOutcome
from apps.visits.models import LessonVisit, VisitObserver

from .models import LINK_FIELDS, Recognition, RecognitionRecipient, linked_field

# How many things of each kind the form offers to point at: the latest ones.
LINKABLE_OFFERED = 15


def _offered(viewer):
    """The active people of the viewer's school and of the schools of its network, the viewer excepted."""
    schools = Q(school_id=viewer.school_id)
    if viewer.network_id is not None:
        schools |= Q(school__network_id=viewer.network_id)
    return (
        StaffMember.objects.filter(schools, is_active=True)
        .exclude(pk=viewer.staff_id)
        .select_related("school")
        .order_by("last_name", "first_name", "patronymic", "pk")
    )


def recipients_offered(*, viewer):
    """The colleagues a person may recognise (the form validates against this)."""
    return _offered(viewer)


@prepared_query
def _offered_rows(*, networked):
    return _offered(Viewer.params(networked=networked))


def recipients_offered_rows(*, viewer):
    """The same people, read by a prepared query (the form's list)."""
    return _offered_rows.rows(shape=viewer.shape(), **_only(_offered_rows, viewer.shape(), viewer.values()))


def _linkable(kind, viewer):
    """What a person may point a recognition at, of one kind: things they may see.
    A lesson: a held one they taught, observed or curated (its facts, never its
    feedback). `viewer` holds values, or the markers of a prepared query."""
    school, staff = viewer.school_id, viewer.staff_id
    if kind == "visit":
        observed = VisitObserver.objects.filter(visit=OuterRef("pk"), staff_id=staff)
        return LessonVisit.objects.filter(Q(school_id=school) | Q(group__partner_school_id=school)).filter(
            Q(observed_id=staff) | Q(group__curator_id=staff) | Q(Exists(observed)),
            status__in=LessonVisit.LESSON_HELD_STATUSES,
        )
    if kind == "team_outcome":
        return TeamOutcome.objects.filter(Q(team__school_id=school) | Q(team__partner_school_id=school))
    if kind == "material":
        return Material.objects.visible_to(viewer).exclude(circle=Circle.DRAFT)
    if kind == "problem_day":
        return ProblemDay.objects.filter(school_id=school)
    if kind == "network_result":
        member = MentorGroupMember.objects.filter(group=OuterRef("group"), staff_id=staff)
        return NetworkPairResult.objects.filter(Q(group__school_id=school) | Q(group__partner_school_id=school)).filter(
            Q(group__curator_id=staff) | Q(Exists(member))
        )
    if kind == "event":
        return Event.objects.visible_to(viewer).exclude(status=Event.Status.CANCELLED)
    raise ValueError(kind)


def linkable(*, kind, author):
    """What `author` may point a recognition at, of one kind (the service's check)."""
    return _linkable(kind, Viewer.of_staff(author))


# What the form shows of each kind, newest first.
_OFFER_COLUMNS = {
    "visit": (
        "pk",
        "topic",
        "grade",
        "starts_at",
        "observed__last_name",
        "observed__first_name",
        "observed__patronymic",
    ),
    "team_outcome": ("pk", "title", "team__title"),
    "material": ("pk", "title"),
    "problem_day": ("pk", "theme", "working_title", "date"),
    "network_result": ("pk", "title"),
    "event": ("pk", "title", "starts_at"),
}
_OFFER_ORDER = {
    "visit": ("-starts_at", "-pk"),
    "team_outcome": ("-pk",),
    "material": ("-published_at", "-pk"),
    "problem_day": ("-date", "-pk"),
    "network_result": ("-year", "-quarter", "-pk"),
    "event": ("-starts_at", "-pk"),
}


@prepared_query
def _linkable_rows(*, kind, networked):
    viewer = Viewer.params(networked=networked)
    return _linkable(kind, viewer).order_by(*_OFFER_ORDER[kind]).values(*_OFFER_COLUMNS[kind])


def _only(prepared, shape, values):
    """The values a prepared query of this shape takes (a kind reads only some of the viewer's)."""
    slots = prepared._compiled(shape).slots
    return {name: value for name, value in values.items() if name in slots}


def _when(value, school):
    return value.astimezone(school.tzinfo).strftime("%d.%m.%Y")


def _offer_label(kind, row, school):
    if kind == "visit":
        teacher = short_name(row["observed__last_name"], row["observed__first_name"], row["observed__patronymic"])
        return f"{row['topic']} ({row['grade']}), {teacher}, {_when(row['starts_at'], school)}"
    if kind == "team_outcome":
        return f"{row['title']} ({row['team__title']})"
    if kind == "problem_day":
        return f"{row['theme'] or row['working_title']}, {row['date']:%d.%m.%Y}"
    if kind == "event":
        return f"{row['title']}, {_when(row['starts_at'], school)}"
    return row["title"]


def link_options(*, viewer, school):
    """The form's list of things to point at: the latest of each kind, as
    (kind, [(pk, label), ...]) in the tree's order of branches. A prepared query a kind."""
    values = viewer.values()
    options = []
    for kind in LINK_FIELDS:
        shape = {"kind": kind, **viewer.shape()}
        rows = _linkable_rows.rows(shape=shape, limit=LINKABLE_OFFERED, **_only(_linkable_rows, shape, values))
        options.append((kind, [(row["pk"], _offer_label(kind, row, school)) for row in rows]))
    return options


# --- the tree ------------------------------------------------------------------------------------------------


@dataclass
class Person:
    staff_id: int
    name: str
    full_name: str
    school_id: int
    school_name: str
    association_id: int | None
    hidden: bool = False


@dataclass
class Leaf:
    pk: int
    text: str
    created_at: datetime.datetime
    day: datetime.date
    author: str
    school_id: int
    is_network: bool
    link_kind: str
    link_title: str
    people: list = field(default_factory=list)

    @property
    def names(self):
        return ", ".join(p.name for p in self.people)


# What the tree reads of each linked thing: its title and, for a lesson, its class.
_LINK_COLUMNS = {
    "visit": ("topic", "grade"),
    "team_outcome": ("title",),
    "material": ("title",),
    "problem_day": ("theme", "working_title"),
    "network_result": ("title",),
    "event": ("title",),
}


def _seen_links(viewer):
    """Whether the viewer may see the linked material or event itself: a recognition is
    seen by its school (and network) while the thing may be an association's or a
    school's own; its title and link go only to those its own circle lets in."""
    return {
        "material_seen": Exists(Material.objects.visible_to(viewer).filter(pk=OuterRef("material_id"))),
        "event_seen": Exists(Event.objects.visible_to(viewer).filter(pk=OuterRef("event_id"))),
    }


def _link_title(kind, row):
    if kind in ("material", "event") and not row[f"{kind}_seen"]:
        return ""
    if kind == "visit":
        return f"{row['visit__topic']} ({row['visit__grade']})"
    if kind == "problem_day":
        return row["problem_day__theme"] or row["problem_day__working_title"]
    return row[f"{kind}__title"] if kind else ""


def _leaves(rows, people_rows, *, tz):
    people = {}
    for p in people_rows:
        people.setdefault(p["recognition_id"], []).append(
            Person(
                staff_id=p["staff_id"],
                name=short_name(p["staff__last_name"], p["staff__first_name"], p["staff__patronymic"]),
                full_name=full_name(p["staff__last_name"], p["staff__first_name"], p["staff__patronymic"]),
                school_id=p["school_id"],
                school_name=p["school__short_name"],
                association_id=p["staff__association_id"],
                hidden=p["hidden_at"] is not None,
            )
        )
    leaves = []
    for row in rows:
        kind = linked_field(row)
        leaves.append(
            Leaf(
                pk=row["pk"],
                text=row["text"],
                created_at=row["created_at"],
                day=row["created_at"].astimezone(tz).date(),
                author=short_name(row["author__last_name"], row["author__first_name"], row["author__patronymic"]),
                school_id=row["school_id"],
                is_network=row["is_network"],
                link_kind=kind,
                link_title=_link_title(kind, row),
                people=people.get(row["pk"], []),
            )
        )
    return leaves


_LEAF_COLUMNS = (
    "pk",
    "text",
    "created_at",
    "school_id",
    "is_network",
    "author__last_name",
    "author__first_name",
    "author__patronymic",
    *(f"{name}_id" for name in LINK_FIELDS),
    *(f"{name}__{column}" for name, columns in _LINK_COLUMNS.items() for column in columns),
)
_PERSON_COLUMNS = (
    "recognition_id",
    "staff_id",
    "school_id",
    "school__short_name",
    "staff__last_name",
    "staff__first_name",
    "staff__patronymic",
    "staff__association_id",
    "hidden_at",
)


@prepared_query
def _leaf_rows(*, networked):
    viewer = Viewer.params(networked=networked)
    return (
        Recognition.objects.visible_to(viewer)
        .shown()
        .filter(year=Param("year"))
        .order_by("created_at", "pk")
        .values(*_LEAF_COLUMNS, **_seen_links(viewer))
    )


@prepared_query
def _people_rows():
    return (
        RecognitionRecipient.objects.filter(recognition_id__any=ParamList("ids"), hidden_at__isnull=True)
        .order_by("staff__last_name", "staff__first_name", "pk")
        .values(*_PERSON_COLUMNS)
    )


@prepared_query
def _tree_state(*, networked):
    viewer = Viewer.params(networked=networked)
    return (
        Recognition.objects.visible_to(viewer)
        .shown()
        .filter(year=Param("year"))
        .order_by()
        .values("year")
        .annotate(newest=Max("pk"), leaves=Count("pk"))
        .values_list("newest", "leaves")
    )


@prepared_query
def _years(*, networked):
    viewer = Viewer.params(networked=networked)
    return Recognition.objects.visible_to(viewer).order_by("year").values_list("year", flat=True).distinct()


def _seen_from(viewer):
    """The values and shape of a prepared query of what `viewer` sees."""
    values = {"school_id": viewer.school_id}
    if viewer.network_id is not None:
        values["network_id"] = viewer.network_id
    return values, {"networked": viewer.network_id is not None}


def tree_leaves(*, viewer, school, year):
    """The leaves of a year's tree seen from `school`, oldest first, each naming
    the people who did not hide it. Two prepared queries."""
    # The whole viewer: the linked materials' and events' own circles ask for the card too.
    rows = _leaf_rows.rows(shape=viewer.shape(), year=year, **viewer.values())
    people_rows = _people_rows.rows(ids=[r["pk"] for r in rows]) if rows else []
    return _leaves(rows, people_rows, tz=school.tzinfo)


def tree_state(*, viewer, year):
    """(the newest leaf's id, how many leaves) of the year's tree: what the live
    screen's poll compares with what it shows. A leaf grown, hidden or shown again
    changes it. One prepared query on the index (school, year, id)."""
    values, shape = _seen_from(viewer)
    found = _tree_state.rows(shape=shape, year=year, **values)
    return tuple(found[0]) if found else (0, 0)


def current_year(*, school):
    return academic_year_of(school_today(school))


def tree_years(*, viewer, school):
    """The academic years with a tree to look at, the current one always, newest first."""
    current = current_year(school=school)
    values, shape = _seen_from(viewer)
    years = set(_years.rows(shape=shape, **values))
    return sorted(years | {current}, reverse=True), current


def school_associations(*, school):
    return list(SubjectAssociation.objects.for_school(school).order_by("name").values_list("pk", "name"))


@dataclass
class Shown:
    """One recognition as its page shows it: the leaf, and what the page decides with."""

    leaf: Leaf
    pk: int
    school_id: int
    author_id: int
    year: int
    is_network: bool
    hidden_at: datetime.datetime | None
    hidden_reason: str
    link_field: str
    link_ids: dict  # the linked thing's id, and the team's, group's, circle for its page


_DETAIL_COLUMNS = (
    *_LEAF_COLUMNS,
    "year",
    "author_id",
    "hidden_at",
    "hidden_reason",
    "team_outcome__team_id",
    "network_result__group_id",
)


@prepared_query
def _detail_row(*, networked):
    viewer = Viewer.params(networked=networked)
    return Recognition.objects.visible_to(viewer).filter(pk=Param("pk")).values(*_DETAIL_COLUMNS, **_seen_links(viewer))


@prepared_query
def _all_people_rows():
    return (
        RecognitionRecipient.objects.filter(recognition_id=Param("pk"))
        .order_by("staff__last_name", "staff__first_name", "pk")
        .values(*_PERSON_COLUMNS)
    )


def recognition_detail(*, viewer, school, pk):
    """One recognition the viewer's school may see (hidden or not: the page decides),
    with all its people, hidden ones marked. None outside. Two prepared queries."""
    row = _detail_row.first(shape=viewer.shape(), pk=pk, **viewer.values())
    if row is None:
        return None
    leaf = _leaves([row], _all_people_rows.rows(pk=pk), tz=school.tzinfo)[0]
    return Shown(
        leaf=leaf,
        pk=row["pk"],
        school_id=row["school_id"],
        author_id=row["author_id"],
        year=row["year"],
        is_network=row["is_network"],
        hidden_at=row["hidden_at"],
        hidden_reason=row["hidden_reason"],
        link_field=leaf.link_kind,
        link_ids={
            **{name: row[f"{name}_id"] for name in LINK_FIELDS},
            "team": row["team_outcome__team_id"],
            "group": row["network_result__group_id"],
            "event_seen": row["event_seen"],
            "material_seen": row["material_seen"],
        },
    )
