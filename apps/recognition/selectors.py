"""Reads of the recognition tree, each scoped to what the viewer may see
(`RecognitionQuerySet.visible_to`) and read with a fixed number of queries."""

import datetime
from dataclasses import dataclass, field

from django.db.models import Exists, OuterRef, Q

from apps.accounts.models import School
from apps.community.models import Material
from apps.core.dates import academic_year_of, school_today
from apps.core.tenancy import Circle, Viewer
from apps.mentoring.models import MentorGroupMember, NetworkPairResult
from apps.network_events.models import Event
from apps.problemdays.models import ProblemDay
from apps.staff.models import StaffMember, SubjectAssociation, full_name, short_name
from apps.teams.models import TeamOutcome
from apps.visits.models import LessonVisit, VisitObserver

from .models import LINK_FIELDS, Recognition, RecognitionRecipient

# How many things of each kind the form offers to point at: the latest ones.
LINKABLE_OFFERED = 15


def staff_viewer(staff):
    """What a person sees, from their card (a service's check of the page's rule)."""
    return Viewer(
        school_id=staff.school_id,
        network_id=staff.school.network_id,
        staff_id=staff.pk,
        association_ids=(staff.association_id,) if staff.association_id else (),
    )


def network_school_ids(*, school):
    """The school and the schools of its network now."""
    if school.network_id is None:
        return {school.pk}
    return set(School.objects.filter(network_id=school.network_id).values_list("pk", flat=True)) | {school.pk}


def recipients_offered(*, author):
    """The colleagues a person may recognise: the active people of their school
    and of the schools of its network, themselves excepted."""
    schools = network_school_ids(school=author.school)
    return (
        StaffMember.objects.filter(school_id__in=schools, is_active=True)
        .exclude(pk=author.pk)
        .select_related("school")
        .order_by("last_name", "first_name", "patronymic", "pk")
    )


def linkable(*, kind, author):
    """What the author may point a recognition at, of one kind: things they may see.
    A lesson: a held one they taught, observed or curated (its facts, never its feedback)."""
    school = author.school
    if kind == "visit":
        observed = VisitObserver.objects.filter(visit=OuterRef("pk"), staff=author)
        return LessonVisit.objects.for_school(school).filter(
            Q(observed=author) | Q(group__curator=author) | Q(Exists(observed)),
            status__in=LessonVisit.LESSON_HELD_STATUSES,
        )
    if kind == "team_outcome":
        return TeamOutcome.objects.for_school(school)
    if kind == "material":
        return Material.objects.visible_to(staff_viewer(author)).exclude(circle=Circle.DRAFT)
    if kind == "problem_day":
        return ProblemDay.objects.for_school(school)
    if kind == "network_result":
        member = MentorGroupMember.objects.filter(group=OuterRef("group"), staff=author)
        return NetworkPairResult.objects.for_school(school).filter(Q(group__curator=author) | Q(Exists(member)))
    if kind == "event":
        return Event.objects.visible_to(staff_viewer(author)).exclude(status=Event.Status.CANCELLED)
    raise ValueError(kind)


def _when(value, school):
    return value.astimezone(school.tzinfo).strftime("%d.%m.%Y")


def link_options(*, author):
    """The form's list of things to point at: the latest of each kind, as
    (kind, [(value, label), ...]) in the tree's order of branches."""
    school = author.school
    options = []
    visits = (
        linkable(kind="visit", author=author)
        .select_related("observed")
        .only(
            "pk", "topic", "grade", "starts_at", "observed__last_name", "observed__first_name", "observed__patronymic"
        )
        .order_by("-starts_at", "-pk")[:LINKABLE_OFFERED]
    )
    options.append(
        (
            "visit",
            [(v.pk, f"{v.topic} ({v.grade}), {v.observed.short_name}, {_when(v.starts_at, school)}") for v in visits],
        )
    )
    outcomes = linkable(kind="team_outcome", author=author).select_related("team").order_by("-pk")[:LINKABLE_OFFERED]
    options.append(("team_outcome", [(o.pk, f"{o.title} ({o.team.title})") for o in outcomes]))
    materials = linkable(kind="material", author=author).only("pk", "title").order_by("-published_at", "-pk")
    options.append(("material", [(m.pk, m.title) for m in materials[:LINKABLE_OFFERED]]))
    days = linkable(kind="problem_day", author=author).order_by("-date", "-pk")[:LINKABLE_OFFERED]
    options.append(("problem_day", [(d.pk, f"{d.title}, {d.date:%d.%m.%Y}") for d in days]))
    results = linkable(kind="network_result", author=author).order_by("-year", "-quarter", "-pk")[:LINKABLE_OFFERED]
    options.append(("network_result", [(r.pk, r.title) for r in results]))
    events = linkable(kind="event", author=author).only("pk", "title", "starts_at").order_by("-starts_at", "-pk")
    options.append(("event", [(e.pk, f"{e.title}, {_when(e.starts_at, school)}") for e in events[:LINKABLE_OFFERED]]))
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


def _link_title(kind, row):
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
        kind = next((name for name in LINK_FIELDS if row[f"{name}_id"] is not None), "")
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


def tree_leaves(*, viewer, school, year):
    """The leaves of a year's tree seen from `school`, oldest first, each naming
    the people who did not hide it. Two queries."""
    rows = list(
        Recognition.objects.visible_to(viewer)
        .shown()
        .filter(year=year)
        .order_by("created_at", "pk")
        .values(*_LEAF_COLUMNS)
    )
    people_rows = (
        RecognitionRecipient.objects.filter(recognition_id__in=[r["pk"] for r in rows], hidden_at__isnull=True)
        .order_by("staff__last_name", "staff__first_name", "pk")
        .values(*_PERSON_COLUMNS)
    )
    return _leaves(rows, people_rows if rows else [], tz=school.tzinfo)


def newest_leaf_id(*, viewer, year, after=0):
    """The id of the newest leaf of the year past `after`, or None: the live
    screen's poll, one query on the index (school, year, id)."""
    return (
        Recognition.objects.visible_to(viewer)
        .shown()
        .filter(year=year, pk__gt=after)
        .order_by("-pk")
        .values_list("pk", flat=True)
        .first()
    )


def current_year(*, school):
    return academic_year_of(school_today(school))


def tree_years(*, viewer, school):
    """The academic years with a tree to look at, the current one always, newest first."""
    current = current_year(school=school)
    years = set(Recognition.objects.visible_to(viewer).order_by().values_list("year", flat=True).distinct())
    return sorted(years | {current}, reverse=True), current


def school_associations(*, school):
    return list(SubjectAssociation.objects.for_school(school).order_by("name").values_list("pk", "name"))


def recognition_detail(*, viewer, school, pk):
    """One recognition the viewer's school may see (hidden or not: the page decides),
    as a Leaf with all its people, hidden ones marked, and the row itself. None outside."""
    recognition = (
        Recognition.objects.visible_to(viewer).select_related("author", "hidden_by", *LINK_FIELDS).filter(pk=pk).first()
    )
    if recognition is None:
        return None, None
    rows = Recognition.objects.filter(pk=pk).values(*_LEAF_COLUMNS)
    people_rows = (
        RecognitionRecipient.objects.filter(recognition_id=pk)
        .order_by("staff__last_name", "staff__first_name", "pk")
        .values(*_PERSON_COLUMNS)
    )
    return recognition, _leaves(rows, people_rows, tz=school.tzinfo)[0]
