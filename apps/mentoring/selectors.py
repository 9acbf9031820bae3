"""Reads of mentoring, scoped to a school, with their related rows loaded in a
fixed number of queries."""

import datetime
import functools
from dataclasses import dataclass, field

from django.contrib.postgres.expressions import ArraySubquery
from django.db import connection
from django.db.models import BooleanField, Count, Exists, Max, Min, OuterRef, Prefetch, Q, Value, Window
from django.db.models.expressions import RawSQL
from django.db.models.lookups import GreaterThan
from django.utils.translation import gettext as _

from apps.accounts.models import School
from apps.core.json_rows import set_prefetched
from apps.core.paging import prepared_page
from apps.core.prepared import Param, ParamList, prepared_query
from apps.staff.load import teacher_load_warnings
from apps.staff.models import QualificationCategory, StaffMember, short_name
from apps.staff.selectors import staff_with_derived
from apps.surveys.selectors import NetworkPositions, latest_network_positions

from .models import (
    GroupEvent,
    GroupEventParticipant,
    MentorGroup,
    MentorGroupMember,
    MentorGroupStatusChange,
    NetworkPairResult,
    ProblemTag,
    events_of_people_q,
)
from .registries import CURATED_PROBLEM_SOURCES


def mentor_group_rows(*, school):
    """Groups of the school (network pairs of both schools) with curator and
    members: what a group's pages that change it show and check access by (its
    tags are read only where shown: the group's form)."""
    return (
        MentorGroup.objects.for_school(school)
        .select_related("school", "partner_school", "curator", "curator__user")
        .prefetch_related(Prefetch("members", queryset=_member_cards()))
    )


def _member_cards():
    return MentorGroupMember.objects.select_related("staff", "staff__school").order_by("slot")


def mentor_group_get(*, school, pk):
    """The group `pk` of the school as `mentor_group_rows` reads it, or None."""
    group = _group_row.first(school_id=school.pk, pk=pk)
    if group is not None:
        prefetched(group, "members", _group_member_cards.rows(group_id=group.pk))
    return group


@prepared_query
def _group_row():
    return mentor_group_rows(school=Param("school_id")).prefetch_related(None).filter(pk=Param("pk"))


@prepared_query
def _group_member_cards():
    return _member_cards().filter(group_id=Param("group_id"))


def prefetched(instance, name, rows):
    """Give `instance` the rows of its reverse relation `name` as prefetch_related
    does (`instance.name.all()` reads no more, nor `row.<owner>`), read by a prepared query."""
    manager = getattr(instance, name)
    for row in rows:
        manager.field.set_cached_value(row, instance)
    set_prefetched(instance, name, manager.model, rows, using=instance._state.db)


def network_partners(*, network_id, school_id):
    """The other schools of the school's network: a network pair's possible partners
    (ids, or a prepared query's Params)."""
    return School.objects.filter(network_id=network_id).exclude(pk=school_id)


def network_partner_rows(*, school):
    """`network_partners` as a list (none outside a network)."""
    if not school.network_id:
        return []
    return _network_partners.rows(shape={"one": False}, network_id=school.network_id, school_id=school.pk)


def network_partner(*, school, pk):
    """The school `pk` if it is one of `network_partners`, or None."""
    if not school.network_id:
        return None
    return _network_partners.first(shape={"one": True}, network_id=school.network_id, school_id=school.pk, pk=pk)


@prepared_query
def _network_partners(*, one):
    partners = network_partners(network_id=Param("network_id"), school_id=Param("school_id"))
    return partners.filter(pk=Param("pk")) if one else partners


def mentor_group_page(*, school):
    """Groups of the school as the group's own page reads one: the columns it
    shows and checks access by, and its problems' names (`tag_names`, in the
    same query); its members come with `group_member_rows`."""
    return (
        MentorGroup.objects.for_school(school)
        .select_related("school", "partner_school", "curator")
        .only(
            "kind",
            "status",
            "is_proposal",
            "task",
            "observed_aspect",
            "starts_on",
            "planned_end_on",
            "school__short_name",
            "partner_school__short_name",
            "curator__user",
            "curator__last_name",
            "curator__first_name",
            "curator__patronymic",
        )
        .annotate(
            tag_names=ArraySubquery(
                ProblemTag.objects.filter(groups=OuterRef("pk")).order_by("name").values("name"),
            )
        )
    )


def mentor_group_page_get(*, school, pk):
    """The group `pk` of the school as `mentor_group_page` reads it, or None."""
    return _group_page.first(school_id=school.pk, pk=pk)


@prepared_query
def _group_page():
    return mentor_group_page(school=Param("school_id")).filter(pk=Param("pk"))


def group_events_shown(*, group, limit=50):
    """The group's schedule, latest first, each event with `people`: its
    participants' short names in name order (one query for all of them, not a
    prefetch of whole staff cards)."""
    events = _events_shown.rows(shape={"limit": limit}, group_id=group.pk)
    names = {}
    rows = _event_people.rows(event_ids=[event.pk for event in events]) if events else ()
    for event_id, last, first, patronymic in rows:
        initials = "".join(f"{part[0]}." for part in (first, patronymic) if part)
        names.setdefault(event_id, []).append(f"{last} {initials}".strip())
    for event in events:
        event.people = ", ".join(names.get(event.pk, ()))
    return events


@prepared_query
def _events_shown(*, limit):
    return (
        GroupEvent.objects.filter(group_id=Param("group_id"))
        .only("group", "kind", "title", "starts_at", "ends_at", "place", "status")
        .order_by("-starts_at")[:limit]
    )


@prepared_query
def _event_people():
    return (
        GroupEventParticipant.objects.filter(event__pk__any=ParamList("event_ids"))
        .order_by("staff__last_name", "staff__first_name", "staff__patronymic", "staff_id")
        .values_list("event_id", "staff__last_name", "staff__first_name", "staff__patronymic")
    )


def group_status_history(*, group):
    """The group's status changes, latest first, with who made them (their name only)."""
    return _status_history.rows(group_id=group.pk)


@prepared_query
def _status_history():
    return (
        MentorGroupStatusChange.objects.filter(group_id=Param("group_id"))
        .select_related("changed_by")
        .only(
            "group",
            "from_status",
            "to_status",
            "reason",
            "changed_at",
            "changed_by__email",
            "changed_by__last_name",
            "changed_by__first_name",
            "changed_by__patronymic",
        )
    )


def network_results(*, group):
    """A network pair's quarterly results, latest first."""
    return _network_results.rows(group_id=group.pk)


@prepared_query
def _network_results():
    return NetworkPairResult.objects.filter(group_id=Param("group_id"))


@dataclass(frozen=True, slots=True)
class MemberRow:
    """A member as the group's cards show them."""

    staff_id: int
    user_id: int | None
    role: str
    is_active: bool
    short_name: str
    school_name: str


# A group's members as its cards show them, by slot. Written out: read by every board and the group
# list, its queryset took more Python to build and compile than PostgreSQL took to run it.
_MEMBER_ROWS_SQL = """SELECT m.group_id, m.staff_id, s.user_id, m.role, s.is_active, s.last_name, s.first_name,
 s.patronymic, sc.short_name FROM mentoring_mentorgroupmember m JOIN staff_staffmember s ON s.id = m.staff_id
 JOIN accounts_school sc ON sc.id = s.school_id WHERE m.group_id = ANY(%s) ORDER BY m.group_id, m.slot"""


def group_member_rows(groups):
    """Set on each group `member_rows`: its members (`MemberRow`) by slot, read in
    one query of the columns shown, not as whole staff cards."""
    rows = ()
    if groups:
        with connection.cursor() as cursor:
            cursor.execute(_MEMBER_ROWS_SQL, [[group.pk for group in groups]])
            rows = cursor.fetchall()
    by_group = {}
    for group_id, staff_id, user_id, role, is_active, last, first, patronymic, school_name in rows:
        initials = "".join(f"{part[0]}." for part in (first, patronymic) if part)
        by_group.setdefault(group_id, []).append(
            MemberRow(staff_id, user_id, role, is_active, f"{last} {initials}".strip(), school_name)
        )
    for group in groups:
        group.member_rows = by_group.get(group.pk, [])
    return groups


def mentor_group_queryset(*, school, now=None):
    """The groups as cards show them (boards, the group list): the curator,
    with the facts cards show (their members come with `group_member_rows`): next planned event, last debrief,
    overdue events, reverse visit held, as of `now` (this moment if not given). Only the joins the cards read: no
    school rows (a network pair is told by `partner_school_id`)."""
    if now is None:
        now = datetime.datetime.now(tz=datetime.UTC)
    return (
        MentorGroup.objects.for_school(school)
        .select_related("curator")
        .only(
            "kind",
            "status",
            "is_proposal",
            "observed_aspect",
            "partner_school",
            "curator__user",
            "curator__last_name",
            "curator__first_name",
            "curator__patronymic",
        )
        .annotate(
            next_event_at=Min(
                "events__starts_at",
                filter=Q(events__starts_at__gte=now, events__status=GroupEvent.Status.PLANNED),
            ),
            last_debrief_at=Max(
                "events__starts_at",
                filter=Q(events__kind=GroupEvent.Kind.DEBRIEF, events__status=GroupEvent.Status.HELD),
            ),
            overdue_events=Count(
                "events",
                filter=Q(events__ends_at__lt=now, events__status=GroupEvent.Status.PLANNED),
            ),
            # Over the events already joined for the other facts, not a subquery of its own.
            reverse_visit_held=GreaterThan(
                Count(
                    "events",
                    filter=Q(events__kind=GroupEvent.Kind.REVERSE_VISIT, events__status=GroupEvent.Status.HELD),
                ),
                0,
            ),
        )
    )


def _curates_or_is_member(user_id):
    """The groups the user curates or is a member of: an EXISTS, not a join (no
    duplicate rows to make distinct). `user_id`: an id or a prepared query's Param."""
    is_member = Exists(MentorGroupMember.objects.filter(group=OuterRef("pk"), staff__user_id=user_id))
    return Q(curator__user_id=user_id) | is_member


def mentor_group_list(*, school, user_id, see_all, status="all", now=None):
    """What a person sees: every group (administration), or those they curate or
    are in (`user_id`); of a status, or "open" (anything else: all), with the
    boards' facts, by status and age."""
    groups = mentor_group_queryset(school=school, now=now)
    if not see_all:
        groups = groups.filter(_curates_or_is_member(user_id))
    if status == "open":
        groups = groups.open()
    elif status in MentorGroup.Status.values:
        groups = groups.filter(status=status)
    return groups.order_by("status", "-starts_on", "pk")


def mentor_group_list_page(*, school, user, see_all, status, number, per_page, now):
    """Page `number` of `mentor_group_list` and the groups' total, from one query."""
    if status != "open" and status not in MentorGroup.Status.values:
        status = "all"
    values = {"school_id": school.pk, "now": now} | ({} if see_all else {"user_id": user.pk})
    return prepared_page(
        _group_list, number=number, per_page=per_page, shape={"see_all": see_all, "status": status}, **values
    )


@prepared_query
def _group_list(*, see_all, status):
    return mentor_group_list(
        school=Param("school_id"),
        user_id=None if see_all else Param("user_id"),
        see_all=see_all,
        status=status,
        now=Param("now"),
    ).annotate(total_count=Window(Count("*")))


def group_load(*, staff_ids, exclude=None):
    """Open groups (forming or active) each person is in: {staff_id: count}; a
    teacher's load counts them (apps.staff.load), without `exclude` if it is a group."""
    memberships = MentorGroupMember.objects.filter(staff_id__in=staff_ids, group__status__in=MentorGroup.LOAD_STATUSES)
    if isinstance(exclude, MentorGroup):
        memberships = memberships.exclude(group=exclude)
    return dict(memberships.values("staff_id").annotate(n=Count("group", distinct=True)).values_list("staff_id", "n"))


def group_load_warnings(*, group, staff):
    """The people whose load would exceed the school's limit once in `group`."""
    return teacher_load_warnings(school=group.school, staff=staff, exclude=group, adding=1)


def _overlapping(starts_at, ends_at):
    return Q(event__starts_at__lt=ends_at, event__ends_at__gt=starts_at) & ~Q(event__status=GroupEvent.Status.CANCELLED)


def event_conflicts(*, event):
    """Other events at an overlapping time that share a participant with `event`,
    each with `clashing`: the people of `event` it takes (by name, for the warning).
    Two queries."""
    people = GroupEventParticipant.objects.filter(event=event).values("staff_id")
    clashes = list(
        GroupEventParticipant.objects.filter(_overlapping(event.starts_at, event.ends_at), staff_id__in=people)
        .exclude(event=event)
        .select_related("staff")
        .order_by("staff__last_name", "staff__first_name", "staff_id")
    )
    by_event = {}
    for clash in clashes:
        by_event.setdefault(clash.event_id, []).append(clash.staff)
    others = list(GroupEvent.objects.filter(pk__in=by_event).select_related("group").order_by("starts_at", "pk"))
    for other in others:
        other.clashing = by_event[other.pk]
    return others


def mentor_group_for_schedule(*, school):
    """Groups of the school with what their schedule's pages need: the school
    (dates), the curator and the members' cards (ids and users only: access)."""
    return (
        MentorGroup.objects.for_school(school)
        .select_related("school", "curator")
        .prefetch_related(Prefetch("members", queryset=_member_users()))
    )


def _member_users():
    return MentorGroupMember.objects.select_related("staff").only("group", "staff", "staff__user").order_by("slot")


def mentor_group_for_schedule_get(*, school, pk):
    """The group `pk` of the school as `mentor_group_for_schedule` reads it, or None."""
    group = _schedule_group_row.first(school_id=school.pk, pk=pk)
    if group is not None:
        prefetched(group, "members", _group_member_users.rows(group_id=group.pk))
    return group


@prepared_query
def _schedule_group_row():
    return mentor_group_for_schedule(school=Param("school_id")).prefetch_related(None).filter(pk=Param("pk"))


@prepared_query
def _group_member_users():
    return _member_users().filter(group_id=Param("group_id"))


@functools.cache
def _double_booked_sql():
    event, part = GroupEvent._meta.db_table, GroupEventParticipant._meta.db_table
    return (
        f"(EXISTS (SELECT 1 FROM {part} mine"  # nosec B608 - table names of the models, values as params
        f" JOIN {part} theirs ON theirs.staff_id = mine.staff_id AND theirs.event_id <> mine.event_id"
        f" JOIN {event} other ON other.id = theirs.event_id"
        f" WHERE mine.event_id = {event}.id AND other.starts_at < {event}.ends_at"
        f" AND other.ends_at > {event}.starts_at AND other.status <> %s) AND {event}.status <> %s)"
    )


def _double_booked():
    """A participant of the (not cancelled) event has another event, not cancelled,
    at an overlapping time. Written as SQL once: the same condition built as nested
    querysets cost the calendar pages more to compile than to run. Only on a query
    of events whose table has its own name (the page's, not a subquery)."""
    cancelled = GroupEvent.Status.CANCELLED.value
    return RawSQL(_double_booked_sql(), (cancelled, cancelled), output_field=BooleanField())  # nosec B611 - fixed SQL, values as params


def calendar_events(*, school, start, end, staff_ids=None, group=None):
    """Events between `start` and `end` for some people (their schedule:
    `GroupEventQuerySet.of_people`, as on the board) or one group (of `school`,
    read through its tenancy), each with
    `is_double_booked`: a participant has another event at an overlapping time."""
    events = GroupEvent.objects.filter(starts_at__lt=end, ends_at__gt=start)
    if group is not None:
        # A group of the school (read through its tenancy): its events are the school's.
        events = events.filter(group=group)
    else:
        events = events.filter(Q(group__school=school) | Q(group__partner_school=school))
    if staff_ids is not None:
        events = events.of_people(staff_ids)
    return (
        events.annotate(is_double_booked=_double_booked())
        .select_related("group")
        # Only what the page shows: a wide row costs its columns' compiling and reading.
        .only("group__kind", "kind", "title", "starts_at", "ends_at", "status")
        .order_by("starts_at", "pk")
    )


def calendar_event_rows(*, school, start, end, staff_ids=None, group=None):
    """`calendar_events` read by a prepared query: the list of its rows."""
    values = {"start": start, "end": end}
    if group is not None:
        values["group_id"] = group.pk
    else:
        values["school_id"] = school.pk
    if staff_ids is not None:
        values["staff_ids"] = list(staff_ids)
    return _calendar_events.rows(shape={"of_group": group is not None, "of_people": staff_ids is not None}, **values)


@prepared_query
def _calendar_events(*, of_group, of_people):
    return calendar_events(
        school=None if of_group else Param("school_id"),
        start=Param("start"),
        end=Param("end"),
        staff_ids=ParamList("staff_ids") if of_people else None,
        group=Param("group_id") if of_group else None,
    )


def curates_teacher(*, school, user, teacher, network_only=False):
    """Whether the user curates an open group of the school that `teacher` is in
    (a network pair, with `network_only`)."""
    found = _curates_teacher.rows(
        shape={"network_only": network_only}, school_id=school.pk, user_id=user.pk, teacher_id=teacher.pk
    )
    return bool(found)


@prepared_query
def _curates_teacher(*, network_only):
    groups = MentorGroup.objects.for_school(Param("school_id")).open()
    if network_only:
        groups = groups.filter(partner_school__isnull=False)
    return (
        groups.filter(curator__user_id=Param("user_id"), members__staff_id=Param("teacher_id"))
        .order_by()
        .values(a=Value(1))[:1]
    )


def curator_board(*, school, user):
    """The open groups a user curates (the rows only: «Мои дела» reads their due
    events through them on every page; the board itself reads `board_groups`)."""
    return MentorGroup.objects.for_school(school).filter(curator__user=user).open().order_by("status", "pk")


class BoardCurator:
    """A group's curator as the board's cards show them (`short_name`) and tell them (`user_id`)."""

    __slots__ = ("user_id", "short_name")

    def __init__(self, user_id, last_name, first_name, patronymic):
        self.user_id = user_id
        self.short_name = short_name(last_name, first_name, patronymic)


class BoardGroup:
    """A group on the board: a plain row of `mentor_group_queryset`'s columns and facts
    (`BOARD_GROUP_COLUMNS`), with what a MentorGroup gives the cards (`is_network`,
    `curator`); the board sets its parts (url, card, ...) on it."""

    def __init__(self, row):
        (
            self.pk,
            self.kind,
            self.status,
            self.is_proposal,
            self.observed_aspect,
            self.partner_school_id,
            curator_user_id,
            last_name,
            first_name,
            patronymic,
            self.next_event_at,
            self.last_debrief_at,
            self.overdue_events,
            self.reverse_visit_held,
        ) = row
        self.curator = BoardCurator(curator_user_id, last_name, first_name, patronymic)

    @property
    def is_network(self):
        return self.partner_school_id is not None


BOARD_GROUP_COLUMNS = (
    *("pk", "kind", "status", "is_proposal", "observed_aspect", "partner_school_id"),
    *("curator__user_id", "curator__last_name", "curator__first_name", "curator__patronymic"),
    *("next_event_at", "last_debrief_at", "overdue_events", "reverse_visit_held"),
)


def board_groups(*, school, user, now):
    """The board's two lists of open groups in one query (and their members in
    another), as `BoardGroup` rows: those the user curates (by status, then age)
    and those they are a member of (by age)."""
    rows = _board_groups.rows(school_id=school.pk, user_id=user.pk, now=now)
    groups = group_member_rows([BoardGroup(row) for row in rows])
    curated = [group for group in groups if group.curator.user_id == user.pk]
    # A member by the rows read anyway: the query tests membership once, in its filter.
    mine = [group for group in groups if any(member.user_id == user.pk for member in group.member_rows)]
    mine.sort(key=lambda group: group.pk)
    return curated, mine


@prepared_query
def _board_groups():
    return (
        mentor_group_queryset(school=Param("school_id"), now=Param("now"))
        .open()
        .filter(_curates_or_is_member(Param("user_id")))
        .order_by("status", "pk")
        .values_list(*BOARD_GROUP_COLUMNS)
    )


def board_events(*, school, staff_ids, groups, now, days=14):
    """The board's two lists of events in one query, as named rows
    (`BOARD_EVENT_COLUMNS`): the people's next two weeks (`events_upcoming`) and the
    groups' past events still planned (`events_due`)."""
    events = _board_events.rows(
        school_id=school.pk,
        staff_ids=list(staff_ids),
        group_ids=[group.pk for group in groups],
        now=now,
        until=now + datetime.timedelta(days=days),
    )
    # An event ends after it starts (group_event_ends_after_start): one that starts
    # from now on is never due, one that ended before now never upcoming.
    return [event for event in events if event.starts_at >= now], [event for event in events if event.ends_at < now]


BOARD_EVENT_COLUMNS = ("pk", "group_id", "group__kind", "kind", "title", "starts_at", "ends_at", "status")


@prepared_query
def _board_events():
    school, now = Param("school_id"), Param("now")
    upcoming = Q(
        Q(group__school=school) | Q(group__partner_school=school),
        events_of_people_q(ParamList("staff_ids")),
        starts_at__gte=now,
        starts_at__lt=Param("until"),
    ) & ~Q(status=GroupEvent.Status.CANCELLED)
    due = Q(group__pk__any=ParamList("group_ids"), ends_at__lt=now, status=GroupEvent.Status.PLANNED)
    # Plain named rows of the columns the board's lines show: no event and group objects.
    return (
        GroupEvent.objects.filter(upcoming | due)
        .order_by("starts_at", "pk")
        .values_list(*BOARD_EVENT_COLUMNS, named=True)
    )


def events_upcoming(*, school, staff_ids, now, days=14):
    """The next two weeks of the people's schedule: the same rule as their
    calendar (`GroupEventQuerySet.of_people`), cancelled entries left out."""
    return (
        GroupEvent.objects.for_school(school)
        .of_people(staff_ids)
        .filter(starts_at__gte=now, starts_at__lt=now + datetime.timedelta(days=days))
        .exclude(status=GroupEvent.Status.CANCELLED)
        .select_related("group")
        .order_by("starts_at", "pk")
    )


def events_due(*, school, groups, now):
    """Planned events whose time has passed without being marked held or cancelled."""
    return (
        GroupEvent.objects.filter(group__in=groups, ends_at__lt=now, status=GroupEvent.Status.PLANNED)
        .select_related("group")
        .order_by("starts_at")
    )


@dataclass
class SimilarProblem:
    tag: ProblemTag
    teachers: list = field(default_factory=list)  # (staff, group) pairs


def similar_problems(*, school, curator_user=None):
    """Duty 4 of the curator: teachers in different open groups that work on the
    same problem, who might help each other.

    The problems come from the groups' tags and — for a curator only, and only
    from the debriefs of the groups they curate — from the problems observers
    tagged in their feedback: debrief content is never shown to the
    administration. A fixed number of queries whatever the size."""
    open_groups = MentorGroup.OPEN_STATUSES
    by_tag = {}
    for row in _tagged_members.rows(school_id=school.pk):
        by_tag.setdefault(row["group__problem_tags"], []).append((row["staff_id"], row["group_id"]))
    if curator_user is not None:
        for source in CURATED_PROBLEM_SOURCES:
            for tag_id, staff_id, group_id in source(
                school=school, curator_user=curator_user, group_statuses=open_groups
            ):
                if (staff_id, group_id) not in by_tag.setdefault(tag_id, []):
                    by_tag[tag_id].append((staff_id, group_id))
    by_tag = {tag: pairs for tag, pairs in by_tag.items() if len({group for _s, group in pairs}) >= 2}
    if not by_tag:
        return []
    staff = {s.pk: s for s in _names_of.rows(ids=list({s for pairs in by_tag.values() for s, _g in pairs}))}
    tags = {t.pk: t for t in _tags_of.rows(ids=list(by_tag))}
    result = []
    for tag_id, pairs in by_tag.items():
        seen = set()
        entry = SimilarProblem(tag=tags[tag_id])
        for staff_id, group_id in sorted(pairs, key=lambda p: (staff[p[0]].last_name, p[1])):
            if staff_id not in seen:
                seen.add(staff_id)
                entry.teachers.append((staff[staff_id], group_id))
        result.append(entry)
    return sorted(result, key=lambda e: e.tag.name)


@prepared_query
def _tagged_members():
    """The members of the school's open groups, once per problem their group works on."""
    school = Param("school_id")
    return (
        MentorGroupMember.objects.filter(
            Q(group__school=school) | Q(group__partner_school=school),
            group__status__in=MentorGroup.OPEN_STATUSES,
            group__problem_tags__isnull=False,
        )
        .values("group__problem_tags", "group_id", "staff_id")
        .order_by()
    )


@prepared_query
def _names_of():
    return StaffMember.objects.filter(pk__any=ParamList("ids")).only("last_name", "first_name", "patronymic")


@prepared_query
def _tags_of():
    return ProblemTag.objects.filter(pk__any=ParamList("ids"))


CATEGORY_RANK = {
    QualificationCategory.HIGHEST: 3,
    QualificationCategory.FIRST: 2,
    QualificationCategory.FITS_POST: 1,
    QualificationCategory.NONE: 0,
}
PRIMARY_WORDS = ("начальн",)


@dataclass
class Suggestion:
    staff: StaffMember
    score: float
    reasons: list
    load: int


def _is_primary(staff):
    return any(word in staff.position.lower() for word in PRIMARY_WORDS) or any(
        any(word in s.name.lower() for word in PRIMARY_WORDS) for s in staff.subjects.all()
    )


def mentor_suggestions(*, school, mentee, limit=8, use_network=False):
    """Rank possible mentors for `mentee`: higher status (category, experience),
    a different subject for teachers of grades 5–11 (so the pair looks at
    pedagogy, not content), a light current load, not already paired with them.
    With `use_network` (for those allowed to see the staff survey's results),
    the school's latest analysed survey round counts too, as far as its results
    may be shown: an isolate is offered well-connected mentors.
    Each suggestion says why. A fixed number of queries whatever the staff size."""
    people = list(
        staff_with_derived(school=school).filter(Q(is_active=True) | Q(pk=mentee.pk)).prefetch_related("subjects")
    )
    mentee_row = next((person for person in people if person.pk == mentee.pk), None)
    if mentee_row is None:
        return []
    candidates = [person for person in people if person.pk != mentee.pk]
    load = group_load(staff_ids=[c.pk for c in candidates])
    paired = set(
        MentorGroupMember.objects.filter(
            group__in=MentorGroupMember.objects.filter(
                staff=mentee, group__status__in=MentorGroup.LOAD_STATUSES
            ).values("group")
        ).values_list("staff_id", flat=True)
    )
    mentee_rank = CATEGORY_RANK[mentee_row.current_category]
    mentee_subjects = {s.pk for s in mentee_row.subjects.all()}
    mentee_primary = _is_primary(mentee_row)
    limit_load = school.max_active_groups_per_teacher
    network = latest_network_positions(school=school) if use_network else NetworkPositions()
    mentee_isolated = mentee.pk in network.isolates
    suggestions = []
    for person in candidates:
        if person.pk in paired:
            continue
        rank = CATEGORY_RANK[person.current_category]
        if person.is_early_career:
            continue  # an early-career teacher is mentored, not a mentor
        if rank < mentee_rank or (rank == mentee_rank and person.experience_years <= mentee_row.experience_years):
            continue  # a mentor has a higher status than the mentee
        reasons, score = [], 0.0
        if rank > mentee_rank:
            score += 3 * (rank - mentee_rank)
            reasons.append(_("%(category)s") % {"category": QualificationCategory(person.current_category).label})
        years = person.experience_years
        score += min(years, 30) / 5
        reasons.append(_("%(years)s years of teaching") % {"years": years})
        subjects = {s.pk for s in person.subjects.all()}
        if not mentee_primary and not _is_primary(person):
            if subjects and not subjects & mentee_subjects:
                score += 2
                reasons.append(_("another subject: the pair looks at teaching, not content"))
            elif subjects & mentee_subjects:
                reasons.append(_("same subject"))
        elif mentee_primary and _is_primary(person):
            score += 1
            reasons.append(_("also teaches primary classes"))
        current = load.get(person.pk, 0)
        if current >= limit_load:
            score -= 4
            reasons.append(_("already in %(count)s groups: a double load") % {"count": current})
        elif current == 0:
            score += 1
            reasons.append(_("not in any group now"))
        if mentee_isolated and person.pk in network.well_connected:
            score += 2
            reasons.append(_("colleagues often go to them for advice: a bridge into the staff's network"))
        suggestions.append(Suggestion(staff=person, score=score, reasons=reasons, load=current))
    suggestions.sort(key=lambda s: (-s.score, s.staff.last_name))
    return suggestions[:limit]


def problem_tags_with_counts(*, school):
    """The school's problem list with how many open groups work on each."""
    return (
        ProblemTag.objects.for_school(school)
        .annotate(group_count=Count("groups", filter=Q(groups__status__in=MentorGroup.LOAD_STATUSES), distinct=True))
        .order_by("name")
    )
