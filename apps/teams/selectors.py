"""Reads of task teams, scoped to a school, with their related rows loaded in a
fixed number of queries."""

import datetime
from collections import Counter
from dataclasses import dataclass, field

from django.contrib.postgres.expressions import ArraySubquery
from django.db.models import Count, Exists, F, OuterRef, Q, Subquery, Value, Window
from django.db.models.functions import Coalesce
from django.utils.html import format_html_join
from django.utils.text import capfirst
from django.utils.timezone import localtime
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from apps.accounts.models import School, User
from apps.core.dates import add_years, school_today
from apps.core.json_rows import JSONRow
from apps.core.links import row_link
from apps.core.paging import page_with_count, prepared_page
from apps.core.prepared import Param, prepared_query
from apps.core.typography import quoted
from apps.staff.load import teacher_load_warnings
from apps.staff.models import (
    EARLY_CAREER_YEARS,
    CategoryAward,
    QualificationCategory,
    StaffMember,
    Subject,
    short_name,
)
from apps.staff.selectors import staff_with_derived
from apps.surveys.selectors import latest_network_positions

from .models import Milestone, TaskTeam, TeamMeeting, TeamMember, TeamStatusChange


@prepared_query
def _network_partners():
    return School.objects.filter(network_id=Param("network_id")).exclude(pk=Param("school_id"))


def network_partners(*, school):
    """The other schools of the school's network (a team may take in their people)."""
    return _network_partners.rows(network_id=school.network_id, school_id=school.pk)


def _active_members():
    # Who leads or is in a team is told by the card's user_id: the user row is not needed.
    return TeamMember.objects.filter(left_on__isnull=True).select_related("staff", "staff__school")


def _teams(*, school):
    return TaskTeam.objects.for_school(school).select_related("school", "partner_school", "predecessor", "outcome")


def _form_teams(*, school):
    """Teams of the school (and those it is a partner of) with their outcome, for the
    team's forms and actions (which show no predecessor)."""
    return TaskTeam.objects.for_school(school).select_related("school", "partner_school", "outcome")


def _team_cards_queryset(*, school):
    """Teams for the cards of a list, each with `member_rows`: its active members'
    names, school and role as an array column (in the members' own order), as a card
    shows them; a prefetch would cost a query of its own per page."""
    members = (
        TeamMember.objects.filter(team=OuterRef("pk"), left_on__isnull=True)
        .order_by("left_on", "role", "staff__last_name", "pk")
        .values(
            row=JSONRow(
                last_name="staff__last_name",
                first_name="staff__first_name",
                patronymic="staff__patronymic",
                school="staff__school__short_name",
                role="role",
            )
        )
    )
    return (
        TaskTeam.objects.for_school(school)
        .select_related("predecessor", "outcome")
        .annotate(member_rows=ArraySubquery(members))
    )


def _with_milestone_counts(teams, *, today):
    """The counts an open team's card shows (`today` in the school's zone)."""
    return teams.annotate(
        open_milestones=Count("milestones", filter=Q(milestones__is_done=False), distinct=True),
        overdue_milestones=Count(
            "milestones", filter=Q(milestones__is_done=False, milestones__due_on__lt=today), distinct=True
        ),
    )


def team_list(*, school, status="open", kind="", member_id=None, today=None):
    """The teams list with its filters: status ("open", "all" or a status), kind
    (or "" for any), and a person who is an active member (or None); see
    `team_list_filters` for values typed into the address."""
    teams = _with_milestone_counts(_team_cards_queryset(school=school), today=today or school_today(school))
    if status == "open":
        teams = teams.open()
    elif status != "all":
        teams = teams.filter(status=status)
    if kind:
        teams = teams.filter(kind=kind)
    if member_id is not None:
        teams = teams.filter(
            Exists(TeamMember.objects.filter(team=OuterRef("pk"), staff_id=member_id, left_on__isnull=True))
        )
    return teams.order_by("deadline", "pk")


def team_list_filters(*, status, kind, member_id):
    """The list's filters as `team_list` takes them from what the address says: an
    unknown status lists every team, an unknown kind or no person filters nothing."""
    if status != "open" and status not in TaskTeam.Status.values:
        status = "all"
    return {
        "status": status,
        "kind": kind if kind in TaskTeam.Kind.values else "",
        "member_id": member_id or None,
    }


@prepared_query
def _team_list_rows(*, status, kind, member):
    return team_list(
        school=Param("school_id"),
        status=status if status in ("open", "all") else Param("status"),
        kind=Param("kind") if kind else "",
        member_id=Param("member_id") if member else None,
        today=Param("today"),
    ).annotate(total_count=Window(Count("*")))


def team_list_page(*, school, status, kind, member_id, number, per_page):
    """Page `number` of `team_list` as cards, with their total, from one prepared query."""
    filters = team_list_filters(status=status, kind=kind, member_id=member_id)
    status, kind, member_id = filters["status"], filters["kind"], filters["member_id"]
    shape = {"status": status if status in ("open", "all") else "one", "kind": bool(kind), "member": bool(member_id)}
    values = {"school_id": school.pk, "today": school_today(school)}
    if shape["status"] == "one":
        values["status"] = status
    if kind:
        values["kind"] = kind
    if member_id:
        values["member_id"] = member_id
    page = prepared_page(_team_list_rows, number=number, per_page=per_page, shape=shape, **values)
    page.object_list = team_cards(page.object_list)
    return page


@prepared_query
def _member_filter_people():
    return (
        StaffMember.objects.for_school(Param("school_id"))
        .filter(is_active=True)
        .order_by("last_name", "first_name")
        .only("pk", "last_name", "first_name", "patronymic")
    )


def member_filter_choices(*, school):
    """Whom the teams list can be filtered by: the school's working staff as (id, full name)."""
    return [(person.pk, person.full_name) for person in _member_filter_people.rows(school_id=school.pk)]


def member_filter_options(people, *, selected=None):
    """The <option>s of the member filter, drawn here rather than by a template
    loop per person (the school's whole staff); `selected`: the chosen person's id."""
    return format_html_join(
        "",
        '<option value="{}"{}>{}</option>',
        ((pk, " selected" if pk == selected else "", name) for pk, name in people),
    )


def _member_rows(*, hints_on=None):
    """Everyone who was ever a member; with `hints_on` (a date), each member's staff
    card also brings what the composition hints read (`hint_category`,
    `hint_subjects`), so that the team's page asks no query of its own for them."""
    members = TeamMember.objects.select_related("staff", "staff__school").order_by(
        "left_on", "role", "staff__last_name", "pk"
    )
    if hints_on is not None:
        members = members.annotate(
            hint_category=Coalesce(
                Subquery(
                    CategoryAward.objects.filter(
                        staff=OuterRef("staff_id"), awarded_on__lte=hints_on, valid_until__gte=hints_on
                    )
                    .order_by("-awarded_on")
                    .values("category")[:1]
                ),
                Value(QualificationCategory.NONE.value),
            ),
            hint_subjects=ArraySubquery(
                Subject.objects.filter(teachers=OuterRef("staff_id")).order_by("name").values("name")
            ),
        )
    return members


def _detail_teams(*, school):
    """The teams for a team's own page: milestones, meetings, outcome, history,
    predecessor and successors (its members: `_member_rows` with the hints)."""
    return (
        TaskTeam.objects.for_school(school)
        .select_related("outcome")
        .annotate(
            # The page shows only these of the schools and the predecessor: a column
            # each rather than their whole rows.
            school_short_name=F("school__short_name"),
            partner_short_name=F("partner_school__short_name"),
            predecessor_title=F("predecessor__title"),
            # Milestones and meetings as arrays of the team's query (a prefetch each would
            # cost a query of its own); a meeting shows its date, agenda and minutes only.
            milestone_rows=ArraySubquery(
                Milestone.objects.filter(team=OuterRef("pk"))
                .order_by("due_on", "pk")
                .values(row=JSONRow(pk="pk", title="title", due_on="due_on", is_done="is_done", done_on="done_on"))
            ),
            meeting_rows=ArraySubquery(
                TeamMeeting.objects.filter(team=OuterRef("pk"))
                .order_by("-held_on", "-pk")
                .values(row=JSONRow(held_on="held_on", agenda="agenda", minutes="minutes"))
            ),
            # The status history, latest first, with who changed it: a prefetch would
            # cost a query (and its compile) of its own.
            history_rows=ArraySubquery(
                TeamStatusChange.objects.filter(team=OuterRef("pk"))
                .order_by("-changed_at", "-pk")
                .values(
                    row=JSONRow(
                        changed_at="changed_at",
                        from_status="from_status",
                        to_status="to_status",
                        reason="reason",
                        by_email="changed_by__email",
                        by_last_name="changed_by__last_name",
                        by_first_name="changed_by__first_name",
                        by_patronymic="changed_by__patronymic",
                    )
                )
            ),
            # The teams re-formed from this one, as (pk, title) pairs of an array column: the
            # page shows only their links, a prefetch would cost a query of its own.
            successor_rows=ArraySubquery(
                TaskTeam.objects.filter(predecessor=OuterRef("pk"))
                .order_by("created_at", "pk")
                .values(row=JSONRow(pk="pk", title="title"))
            ),
        )
    )


# The teams of the pages of one team: {page: (the teams' rows, with its members, their rows)}.
_TEAM_PAGES = {
    # Its forms and actions: with the active members.
    "form": (_form_teams, "active"),
    # Forming a new team from it: with everyone who was ever a member.
    "reform": (_teams, "all"),
    # Its own page: with everyone who was ever a member and the hints' columns.
    "detail": (_detail_teams, "hints"),
}


@prepared_query
def _team_of_page(*, page):
    return _TEAM_PAGES[page][0](school=Param("school_id")).filter(pk=Param("pk")).order_by()


@prepared_query
def _members_of_page(*, members):
    if members == "active":
        rows = _active_members()
    else:
        rows = _member_rows(hints_on=Param("today") if members == "hints" else None)
    return rows.filter(team_id=Param("team_id"))


def team_for_page(*, school, pk, page="form"):
    """Team `pk` of `school` (or of which it is the partner) as the `page` of
    `_TEAM_PAGES` reads it, with its members (`active_members`, and `all_members`
    but on a form's page), or None; from two prepared queries (a prefetch would
    build and compile a query of its own)."""
    members = _TEAM_PAGES[page][1]
    team = _team_of_page.first(shape={"page": page}, school_id=school.pk, pk=pk)
    if team is None:
        return None
    values = {"today": school_today(school)} if members == "hints" else {}
    found = _members_of_page.rows(shape={"members": members}, team_id=team.pk, **values)
    for member in found:
        # As a prefetch leaves them: each member knows its team.
        member._state.fields_cache["team"] = team
    if members == "active":
        team.active_members = found
        return team
    team.all_members = found
    return split_members(team)


def split_members(team):
    """`active_members` of a team read with `all_members` (in the members' own
    order, as the active ones alone are read), without a second query."""
    team.active_members = [m for m in team.all_members if m.left_on is None]
    return team


def my_teams(*, school, user_id, today=None):
    """Teams where the user's staff card is an active member (any of their schools' cards)."""
    mine = TeamMember.objects.filter(team=OuterRef("pk"), staff__user_id=user_id, left_on__isnull=True)
    teams = _with_milestone_counts(_team_cards_queryset(school=school), today=today or school_today(school))
    return teams.filter(Exists(mine)).order_by("deadline", "pk")


@prepared_query
def _my_teams_rows():
    return my_teams(school=Param("school_id"), user_id=Param("user_id"), today=Param("today")).annotate(
        total_count=Window(Count("*"))
    )


def my_teams_page(*, school, user, number, per_page):
    """Page `number` of `my_teams` as cards, with their total, from one prepared query."""
    values = {"school_id": school.pk, "user_id": user.pk, "today": school_today(school)}
    page = prepared_page(_my_teams_rows, number=number, per_page=per_page, **values)
    page.object_list = team_cards(page.object_list)
    return page


def team_archive(*, school, query=""):
    """Dissolved teams with their outcomes, searchable in title, task and outcome
    (a closed team's card shows no milestone counts)."""
    teams = _team_cards_queryset(school=school).filter(status=TaskTeam.Status.DISSOLVED)
    # A NUL byte cannot even be sent to PostgreSQL: it separates words like a space.
    query = " ".join(query.replace("\x00", " ").split())
    if query:
        teams = teams.filter(
            Q(title__icontains=query)
            | Q(task__icontains=query)
            | Q(outcome__title__icontains=query)
            | Q(outcome__description__icontains=query)
        )
    return teams.order_by("-closed_on", "-pk")


def _date_text(iso):
    """A date of a JSON row (YYYY-MM-DD) as the pages show dates."""
    return f"{datetime.date.fromisoformat(iso):%d.%m.%Y}"


def _user_name(row):
    """Who changed a status, as a user is shown (User.__str__); "" if the user is gone."""
    if row["by_email"] is None:
        return ""
    return str(
        User(
            email=row["by_email"],
            last_name=row["by_last_name"],
            first_name=row["by_first_name"],
            patronymic=row["by_patronymic"],
        )
    )


def team_page_links(team):
    """The rows of a team's page (milestones, members, meetings, history, successors),
    each with its link and its dates and labels ready, rather than worked out per row
    by template filters."""
    done, remove = row_link("teams:milestone_done"), row_link("teams:member_remove")
    detail = row_link("teams:team_detail")
    team.milestone_list = [
        {
            "pk": row["pk"],
            "title": row["title"],
            "is_done": row["is_done"],
            "done_url": done(pk=row["pk"]),
            "due_text": _date_text(row["due_on"]),
            "done_text": _date_text(row["done_on"]) if row["done_on"] else "",
        }
        for row in team.milestone_rows
    ]
    period = _("%(start)s – %(end)s")
    for member in team.all_members:
        member.remove_url = remove(pk=member.pk)
        member.name = member.staff.full_name
        member.role_label = member.get_role_display()
        if member.left_on:
            member.period = period % {"start": f"{member.joined_on:%d.%m.%Y}", "end": f"{member.left_on:%d.%m.%Y}"}
    team.meeting_list = [
        {"held_text": _date_text(row["held_on"]), "agenda": row["agenda"], "minutes": row["minutes"]}
        for row in team.meeting_rows
    ]
    statuses = dict(TaskTeam.Status.choices)
    team.history = [
        {
            # In the school's time zone, as the |date filter showed it.
            "changed_text": f"{localtime(datetime.datetime.fromisoformat(row['changed_at'])):%d.%m.%Y %H:%M}",
            "from_label": statuses.get(row["from_status"], row["from_status"]) if row["from_status"] else "",
            "to_label": statuses.get(row["to_status"], row["to_status"]),
            "changed_by": _user_name(row),
            "reason": row["reason"],
        }
        for row in team.history_rows
    ]
    team.successor_links = [
        {"url": detail(pk=row["pk"]), "title": quoted(row["title"])} for row in getattr(team, "successor_rows", ())
    ]
    return team


STATUS_BADGES = {TaskTeam.Status.WORKING: "success", TaskTeam.Status.FORMING: "info", TaskTeam.Status.SOLVED: "warning"}


def team_labels(team):
    """A team's status badge and labels, worked out once here rather than in the template."""
    team.badge = STATUS_BADGES.get(team.status, "secondary")
    team.status_label = team.get_status_display()
    team.kind_label = capfirst(team.get_kind_display())
    team.deadline_text = f"{team.deadline:%d.%m.%Y}"
    return team


def team_cards(teams):
    """The teams of a list page, each with what its card shows: link, labels,
    its predecessor's title, its members' roles."""
    detail = row_link("teams:team_detail")
    roles = dict(TeamMember.Role.choices)
    cards = list(teams)
    for team in cards:
        team_labels(team)
        team.url = detail(pk=team.pk)
        team.predecessor_title = quoted(team.predecessor.title) if team.predecessor else ""
        outcome = getattr(team, "outcome", None)
        team.outcome_kind = outcome.get_kind_display() if outcome else ""
        overdue = getattr(team, "overdue_milestones", 0)
        team.overdue_text = (
            ngettext("%(counter)s overdue milestone", "%(counter)s overdue milestones", overdue) % {"counter": overdue}
            if overdue
            else ""
        )
        team.active_members = [
            {
                "name": short_name(row["last_name"], row["first_name"], row["patronymic"]),
                "school": row["school"],
                "role_label": roles.get(row["role"], row["role"]),
            }
            for row in team.member_rows
        ]
    return cards


def team_page(teams, *, number, per_page):
    """Page `number` of the queryset `teams` as cards, with their total from the
    same query (apps.core.paging)."""
    page = page_with_count(teams, number=number, per_page=per_page)
    page.object_list = team_cards(page.object_list)
    return page


def team_load(*, staff_ids, exclude=None):
    """Open teams (forming, working or solved, not yet dissolved) each person is
    an active member of: {staff_id: count}; a teacher's load counts them
    (apps.staff.load), without `exclude` if it is a team."""
    members = TeamMember.objects.filter(
        staff_id__in=staff_ids, left_on__isnull=True, team__status__in=TaskTeam.OPEN_STATUSES
    )
    if isinstance(exclude, TaskTeam):
        members = members.exclude(team=exclude)
    return dict(members.values("staff_id").annotate(n=Count("team", distinct=True)).values_list("staff_id", "n"))


def team_load_warnings(*, school, staff, prospective=False):
    """The people whose open teams plus open mentor groups exceed the school's
    limit: [(person, total)]. Counted after the change is written, or — for a
    preview (`prospective`) — as if the new team already counted."""
    return teacher_load_warnings(school=school, staff=staff, adding=1 if prospective else 0)


def milestones_overdue(*, on):
    """Open milestones of open teams due before `on` (for the reminder sweep)."""
    return (
        Milestone.objects.filter(is_done=False, due_on__lt=on, team__status__in=TaskTeam.OPEN_STATUSES)
        .select_related("team", "team__school")
        .order_by("due_on", "pk")
    )


def teams_past_deadline(*, on):
    """Teams still forming or working after their deadline (for the reminder sweep)."""
    return (
        TaskTeam.objects.filter(status__in=(TaskTeam.Status.FORMING, TaskTeam.Status.WORKING), deadline__lt=on)
        .select_related("school")
        .order_by("deadline", "pk")
    )


@dataclass
class CompositionHints:
    size: int = 0
    early_career: int = 0
    experienced: int = 0
    categories: list = field(default_factory=list)  # [(label, count)]
    subjects: list = field(default_factory=list)  # [(name, count)]
    positions: list = field(default_factory=list)  # [(position, count)]
    advice: list = field(default_factory=list)
    # From the staff survey's results: shown to administrators and deputy heads only.
    network_advice: list = field(default_factory=list)

    # Each list as one line of the hints, joined here rather than by a template loop per item.
    @property
    def categories_text(self):
        return "; ".join(f"{label} — {count}" for label, count in self.categories)

    @property
    def subjects_text(self):
        return _counted(self.subjects)

    @property
    def positions_text(self):
        return _counted(self.positions)


def _counted(items):
    """ "name, name ×2, ...": each name with how many share it, if more than one."""
    return ", ".join(f"{name} ×{count}" if count > 1 else str(name) for name, count in items)


EXPERIENCED_YEARS = 10


def composition_hints(*, school, staff_ids, network=True):
    """A team's mix: early-career and experienced people, categories, subjects
    and positions, with advice where the mix is one-sided; and, with `network`
    (for whom may see the staff survey's ties), from the school's latest
    analysed staff survey (as far as its results may be shown), members whom no
    colleague named, for whom the team is a way in. Two queries (one without
    `network`): each person's subjects come as an array column of the staff query."""
    subject_names = ArraySubquery(Subject.objects.filter(teachers=OuterRef("pk")).order_by("name").values("name"))
    people = list(
        staff_with_derived(school=school).filter(pk__in=list(staff_ids)).annotate(subject_names=subject_names)
    )
    return _hints(people, school=school, network=network)


def team_composition_hints(team, *, school, network=True):
    """`composition_hints` of a team's active members, from the members loaded by
    `team_for_page(page="detail")` (with `hint_category` and `hint_subjects`): only the
    people of `school`, worked out as `staff_with_derived` does in SQL."""
    on = school_today(school)
    early_career_since = add_years(on, -EARLY_CAREER_YEARS)
    people = []
    for member in team.active_members:
        person = member.staff
        if person.school_id != school.pk:
            continue
        since = person.teaching_since
        # Whole years of teaching, as PostgreSQL's age() counts them.
        person.experience_years = on.year - since.year - ((on.month, on.day) < (since.month, since.day))
        person.is_early_career = since > early_career_since
        person.current_category = member.hint_category
        person.subject_names = member.hint_subjects
        people.append(person)
    # In the order of the staff list (as the staff query gives them).
    people.sort(key=lambda p: (p.last_name, p.first_name, p.patronymic, p.pk))
    return _hints(list({p.pk: p for p in people}.values()), school=school, network=network)


def _hints(people, *, school, network):
    hints = CompositionHints(size=len(people))
    if not people:
        return hints
    hints.early_career = sum(1 for p in people if p.is_early_career)
    hints.experienced = sum(1 for p in people if p.experience_years >= EXPERIENCED_YEARS)
    categories = Counter(p.current_category for p in people)
    hints.categories = [
        (QualificationCategory(value).label, categories[value])
        for value in QualificationCategory.values
        if categories[value]
    ]
    subjects = Counter(name for p in people for name in p.subject_names)
    hints.subjects = sorted(subjects.items(), key=lambda item: (-item[1], item[0]))
    hints.positions = sorted(Counter(p.position for p in people).items(), key=lambda item: (-item[1], item[0]))
    if len(people) >= 2:
        if not hints.experienced:
            hints.advice.append(_("No one with ten or more years of teaching: add an experienced teacher."))
        if not hints.early_career:
            hints.advice.append(_("No early-career teacher: the team is a good place for one to grow."))
        if len(subjects) == 1:
            hints.advice.append(_("Everyone teaches the same subject: another subject brings another view."))
        if len(categories) == 1:
            hints.advice.append(_("Everyone has the same category: mix people of different status."))
    if not network:
        return hints
    # Asked whatever the team's size, so that its pages run a fixed number of queries.
    positions = latest_network_positions(school=school)
    lonely = [p for p in people if p.pk in positions.isolates]
    if lonely:
        message = _("Named by no colleague in the staff survey: %(names)s. The team is a way into the staff's ties.")
        hints.network_advice.append(message % {"names": _(" and ").join(p.short_name for p in lonely)})
    return hints
