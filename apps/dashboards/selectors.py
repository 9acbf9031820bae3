"""What each dashboard page shows, in a fixed number of queries.

A school's pages for a chosen period aggregate live, in SQL, over that school's
rows only (indexed by school and date). Series over many years and the network's
side-by-side view read the `YearSummary` rows instead.
"""

import dataclasses

from django.contrib.postgres.expressions import ArraySubquery
from django.db.models import Count, OuterRef, Q, Value
from django.utils.translation import gettext as _

from apps.accounts.models import School
from apps.core.dates import add_months
from apps.core.json_rows import JSONRow
from apps.core.links import row_link
from apps.core.prepared import Param, ParamList, prepared_query
from apps.core.shares import disclosed, percent, percent_change
from apps.mentoring.models import MentorGroup, MentorGroupMember
from apps.staff.models import CategoryAward, QualificationCategory, SubjectAssociation, short_name
from apps.teams.models import TaskTeam

from . import aggregates
from .models import YearSummary
from .periods import REFERENCE_DAY, REFERENCE_MONTH, reference_date

CATEGORY_KEYS = ("highest", "first", "fits_post", "no_category")


def share(part, whole):
    """A whole percentage rounded half up (apps.core.shares), 0 for an empty whole:
    the yearly report shows the same number for the same counts."""
    return percent(part, whole) or 0


def category_labels():
    return {
        "highest": str(QualificationCategory.HIGHEST.label),
        "first": str(QualificationCategory.FIRST.label),
        "fits_post": str(QualificationCategory.FITS_POST.label),
        "no_category": str(QualificationCategory.NONE.label),
    }


def _with_shares(row):
    row = dict(row)
    for key in CATEGORY_KEYS:
        row[f"{key}_share"] = share(row.get(key) or 0, row.get("headcount") or 0)
    return row


# Categories --------------------------------------------------------------------


def categories_series(*, school, years, reference=(REFERENCE_MONTH, REFERENCE_DAY), association=None):
    """One row per year: headcount and each category's count and share on the
    reference day, and when the summaries used were written. On the default day
    the years the summaries keep come from them; other years (or another day)
    are counted live, in one query."""
    month, day = reference
    association_id = association.pk if association else None
    rows, refreshed_at = {}, None
    live_years = list(years)
    if (month, day) == (REFERENCE_MONTH, REFERENCE_DAY):
        values = {"school_id": school.pk, "years": list(years)}
        if association_id:
            values["association_id"] = association_id
        for summary in _category_summaries.rows(shape={"by_association": bool(association_id)}, **values):
            refreshed_at = min(refreshed_at or summary["refreshed_at"], summary.pop("refreshed_at"))
            rows[summary["year"]] = summary
        live_years = [year for year in years if year not in rows]
    dates = {year: reference_date(year, month, day) for year in live_years}
    for row in aggregates.category_counts(schools=[school.pk], dates=dates, association_id=association_id):
        rows[row["year"]] = row
    empty = dict.fromkeys(("headcount", *CATEGORY_KEYS), 0)
    series = [_with_shares(rows.get(year, {"year": year, **empty})) for year in years]
    return series, refreshed_at


@prepared_query
def _category_summaries(*, by_association):
    summaries = YearSummary.objects.for_school(Param("school_id")).filter(year__any=ParamList("years"))
    if by_association:
        summaries = summaries.filter(association_id=Param("association_id"))
    else:
        summaries = summaries.filter(association__isnull=True)
    return summaries.order_by().values("year", "headcount", "refreshed_at", *CATEGORY_KEYS)


def categories_breakdown(*, school, on, association=None, names=None):
    """Categories on one day by subject association and by experience band.
    `names`: association id → name, when the caller has them already."""
    if names is None:
        names = dict(SubjectAssociation.objects.for_school(school).values_list("pk", "name"))
    by_association, by_band = [], {}
    for row in aggregates.category_breakdown(school_id=school.pk, on=on, association_id=association and association.pk):
        row = _with_shares(row)
        if row["dimension"] == "association":
            row["name"] = names.get(int(row["key"])) if row["key"] else _("no association")
            by_association.append(row)
        else:
            by_band[row["key"]] = row
    by_association.sort(key=lambda r: (r["key"] is None, r["name"]))
    bands = [
        by_band.get(key, _with_shares({"key": key, "headcount": 0})) | {"name": band_label(key)}
        for key, _low, _high in aggregates.EXPERIENCE_BANDS
    ]
    return {"associations": by_association, "bands": bands}


def band_label(key):
    low, _sep, high = key.partition("-")
    if key.endswith("+"):
        return _("%(years)s years and more") % {"years": key[:-1]}
    return _("%(low)s to %(high)s years") % {"low": low, "high": high}


def attestations_due(*, school, today, months=6, association=None):
    """Active staff whose category in force runs out within `months`, soonest first:
    the name, the category and the end day (what the page and its export show)."""
    values = {"school_id": school.pk, "today": today, "until": add_months(today, months)}
    if association:
        values["association_id"] = association.pk
    return _attestations_due.rows(shape={"by_association": association is not None}, **values)


@prepared_query
def _attestations_due(*, by_association):
    today, until = Param("today"), Param("until")
    in_force = CategoryAward.objects.filter(
        staff__school_id=Param("school_id"),
        staff__is_active=True,
        awarded_on__lte=today,
        valid_until__gte=today,
        valid_until__lte=until,
    ).exclude(category=QualificationCategory.NONE)
    if by_association:
        in_force = in_force.filter(staff__association_id=Param("association_id"))
    # Someone re-attested already holds a newer award in force beyond the window.
    renewed = CategoryAward.objects.filter(awarded_on__lte=today, valid_until__gt=until)
    return (
        in_force.exclude(staff__in=renewed.values("staff"))
        .select_related("staff")
        .only("category", "valid_until", "staff__last_name", "staff__first_name", "staff__patronymic")
        .order_by("valid_until", "staff__last_name", "pk")
    )


# Participation -----------------------------------------------------------------


@dataclasses.dataclass
class ParticipationLine:
    key: str
    label: str
    count: int
    share: int
    previous_count: int
    previous_share: int
    change: float  # percentage points, from the exact shares


def participation_labels():
    return {
        "in_groups": _("in pairs or triads"),
        "curators": _("curated a pair or triad"),
        "in_teams": _("in task teams"),
        "observers": _("observed a colleague's lesson"),
        "observed": _("had a lesson observed"),
        "in_events": _("took part in a problem-theme day or a partner activity"),
        "in_network_events": _("led or attended a network event"),
        "in_association_meetings": _("present at a meeting of a methodical association"),
        "achievers": _("contests, publications, network projects"),
        "covered": _("in at least one form of collaboration (coverage)"),
    }


def community_labels():
    """The count-only forms (`aggregates.COUNT_ONLY_FORMS`): people and items."""
    return {
        "shared_materials": _("shared a material or a new version"),
        "commented": _("commented on colleagues' materials"),
        "answered": _("answered colleagues' questions"),
    }


@dataclasses.dataclass
class CommunityLine:
    """People and items of one count-only form; None (shown «—») for a group too
    small to show them (apps.core.shares.disclosed)."""

    key: str
    label: str
    people: int | None
    items: int | None
    previous_people: int | None
    previous_items: int | None


def community_lines(now, before):
    """The count-only forms of two periods' count rows: how many people, how many
    items, each shown only for a group of enough people (the period's staff)."""
    staff, previous_staff = now.get("staff", 0), before.get("staff", 0)
    return [
        CommunityLine(
            key=key,
            label=label,
            people=disclosed(now.get(key, 0), people=staff),
            items=disclosed(now.get(f"{key}_items", 0), people=staff),
            previous_people=disclosed(before.get(key, 0), people=previous_staff),
            previous_items=disclosed(before.get(f"{key}_items", 0), people=previous_staff),
        )
        for key, label in community_labels().items()
    ]


def _period_window(school, period):
    start_at, end_at = period.bounds(school.time_zone)
    return {"start": period.start, "end": period.end, "start_at": start_at, "end_at": end_at}


def participation_summary(*, school, period, association=None, matrix=None):
    """Counts and shares of the staff of the period in each form, with the previous
    period beside them: two queries, or one when the page already holds the period's
    `matrix` (its rows are the same people with the same flags: counted here)."""
    association_id = association.pk if association else None

    def counts(p):
        rows = aggregates.participation_counts(
            schools=[school.pk], association_id=association_id, network=False, **_period_window(school, p)
        )
        return rows[0] if rows else {"staff": 0}

    now = counts(period) if matrix is None else _matrix_counts(matrix)
    before = counts(period.previous())
    lines = [
        ParticipationLine(
            key=key,
            label=label,
            count=now.get(key, 0),
            share=share(now.get(key, 0), now["staff"]),
            previous_count=before.get(key, 0),
            previous_share=share(before.get(key, 0), before["staff"]),
            change=percent_change(now.get(key, 0), now["staff"], before.get(key, 0), before["staff"]),
        )
        for key, label in participation_labels().items()
    ]
    return {
        "staff": now["staff"],
        "previous_staff": before["staff"],
        "lines": lines,
        "community": community_lines(now, before),
    }


def _matrix_counts(rows):
    if not rows:
        return {"staff": 0}
    keys = (*aggregates.PARTICIPATION_FORMS, "covered")
    return {"staff": len(rows), **{key: sum(1 for row in rows if row[key]) for key in keys}, **rows.community}


def participation_matrix(*, school, period, association=None):
    """One row per person of the period; `flags` holds their forms in the order of
    `aggregates.PARTICIPATION_FORMS`, as the page's columns are."""
    rows = aggregates.participation_matrix(
        school_id=school.pk,
        association_id=association and association.pk,
        community_totals=True,
        **_period_window(school, period),
    )
    community = dict.fromkeys(_COMMUNITY_TOTALS, 0)
    for row in rows:
        # The community's totals ride on every row; they leave the rows here, so a
        # person's row never carries them.
        community.update({name: row.pop(name) for name in _COMMUNITY_TOTALS})
        row["flags"] = [row[form] for form in aggregates.PARTICIPATION_FORMS]
    return MatrixRows(rows, community=community)


_COMMUNITY_TOTALS = tuple(name for form in aggregates.COUNT_ONLY_FORMS for name in (form, f"{form}_items"))


class MatrixRows(list):
    """The per-teacher rows, and the period's community counts (`community`) of the same people."""

    def __init__(self, rows, *, community):
        super().__init__(rows)
        self.community = community


def participation_of(*, school, staff, period):
    """One person's own participation in the period: their row of the matrix (the
    statement reads that card only), or None when they were not on the staff."""
    rows = aggregates.participation_matrix(school_id=school.pk, staff_id=staff.pk, **_period_window(school, period))
    if not rows:
        return None
    row = rows[0]
    row["flags"] = [row[form] for form in aggregates.PARTICIPATION_FORMS]
    return row


# Debrief timeliness ------------------------------------------------------------


def _timeliness_row(row):
    row = dict(row)
    held = row.get("visits_held") or 0
    row["on_time_share"] = share(row.get("on_time") or 0, held)
    if row.get("median_debrief_hours") is not None:
        row["median_debrief_hours"] = round(row["median_debrief_hours"], 1)
    return row


def timeliness(*, school, period, now, association=None, curator_staff_ids=None):
    """Per curator and per pair or triad, and the school's totals: visits held,
    debriefed on time or late, overdue now, the median hours to the debrief, and
    reverse visits done versus due. Counts and times only, never feedback.

    `curator_staff_ids`: restrict to the groups these curators lead (a curator's
    own view); None for the whole school."""
    start_at, end_at = period.bounds(school.time_zone)
    rows = aggregates.timeliness_by_group_and_curator(
        school_id=school.pk,
        start_at=start_at,
        end_at=end_at,
        now=now,
        association_id=association and association.pk,
    )
    group_ids = [r["key"] for r in rows if r["dimension"] == "group" and r["key"]]
    groups = {group.pk: group for group in _timeliness_groups.rows(school_id=school.pk, ids=group_ids)}
    # Every curator row's curator leads one of these groups.
    curators = {group.curator_id: group.curator for group in groups.values()}
    by_curator, by_group = [], []
    group_link = row_link("mentoring:group_detail")
    for row in map(_timeliness_row, rows):
        if row["dimension"] == "curator":
            if curator_staff_ids is not None and row["key"] not in curator_staff_ids:
                continue
            row["curator"] = curators.get(row["key"])
            by_curator.append(row)
        else:
            group = groups.get(row["key"])
            if curator_staff_ids is not None and (group is None or group.curator_id not in curator_staff_ids):
                continue
            row["group"] = group
            if group is not None:
                # Shown as is on the page: the link, the name and the members.
                row["group_url"] = group_link(pk=group.pk)
                row["group_label"] = str(group)
                row["members"] = ", ".join(
                    short_name(m["last_name"], m["first_name"], m["patronymic"]) for m in group.member_names
                )
            by_group.append(row)
    by_curator.sort(key=lambda r: (r["curator"] is None, r["curator"].full_name if r["curator"] else ""))
    by_group.sort(key=lambda r: (r["group"] is None, r["group"].pk if r["group"] else 0))
    totals = _timeliness_totals(by_curator)
    return {"by_curator": by_curator, "by_group": by_group, "totals": totals}


@prepared_query
def _timeliness_groups():
    """The groups of the timeliness rows: the name (kind and number), the curator's
    name and the members' names in one read."""
    members = (
        MentorGroupMember.objects.filter(group=OuterRef("pk"))
        .order_by("slot")
        .values(
            row=JSONRow(last_name="staff__last_name", first_name="staff__first_name", patronymic="staff__patronymic")
        )
    )
    return (
        MentorGroup.objects.for_school(Param("school_id"))
        .filter(pk__any=ParamList("ids"))
        .select_related("curator")
        .only("kind", "curator", "curator__last_name", "curator__first_name", "curator__patronymic")
        .annotate(member_names=ArraySubquery(members))
        .order_by()
    )


def _timeliness_totals(rows):
    """Sums over the curator rows (every visit is in exactly one of them). The
    median is not additive, so the totals leave it out."""
    keys = ("visits_held", "on_time", "late", "overdue", "reverse_due", "reverse_done")
    totals = {key: sum(row[key] for row in rows) for key in keys}
    totals["on_time_share"] = share(totals["on_time"], totals["visits_held"])
    return totals


# Network of schools ----------------------------------------------------------------


# The network's community per school: the two attendance forms and the count-only
# forms' people and items (never who).
NETWORK_COMMUNITY_FIGURES = (
    "in_network_events",
    "in_association_meetings",
    *(name for form in aggregates.COUNT_ONLY_FORMS for name in (form, f"{form}_items")),
)
NETWORK_FIGURES = (
    "headcount",
    "highest",
    "first",
    "staff",
    "covered",
    "visits_held",
    "on_time",
    "late",
    "overdue",
    *NETWORK_COMMUNITY_FIGURES,
)


def network_schools(*, network, school_ids=None):
    values = {"network_id": network.pk}
    if school_ids:
        values["ids"] = list(school_ids)
    return _network_schools.rows(shape={"by_ids": bool(school_ids)}, **values)


@prepared_query
def _network_schools(*, by_ids):
    schools = School.objects.filter(network_id=Param("network_id")).order_by("-is_network_leader", "short_name")
    return schools.filter(pk__any=ParamList("ids")) if by_ids else schools


def network_overview(*, network, schools, year, association_name=None):
    """Each school's year figures side by side, from the summaries, with the
    previous year for the change, and when the oldest was written; aggregates
    only, never names."""
    values = {"school_ids": [school.pk for school in schools], "years": [year, year - 1]}
    if association_name:
        values["association_name"] = association_name
    by_key = {}
    refreshed_at = None
    for row in _network_summaries.rows(shape={"by_association": bool(association_name)}, **values):
        refreshed_at = min(refreshed_at or row["refreshed_at"], row["refreshed_at"])
        figures = by_key.setdefault((row["school_id"], row["year"]), dict.fromkeys(NETWORK_FIGURES, 0))
        for key in NETWORK_FIGURES:
            figures[key] += row[key]
        figures["median_debrief_hours"] = row["median_debrief_hours"]
    empty = dict.fromkeys(NETWORK_FIGURES, 0) | {"median_debrief_hours": None}
    rows = []
    for school in schools:
        now = by_key.get((school.pk, year), empty)
        before = by_key.get((school.pk, year - 1), empty)
        rows.append(
            {
                "school": school,
                **now,
                # A school's (or its association's) community counts only for enough people.
                **{key: disclosed(now[key], people=now["staff"]) for key in _COMMUNITY_TOTALS},
                "highest_share": share(now["highest"], now["headcount"]),
                "first_share": share(now["first"], now["headcount"]),
                "coverage": share(now["covered"], now["staff"]),
                "previous_coverage": share(before["covered"], before["staff"]),
                "coverage_change": percent_change(now["covered"], now["staff"], before["covered"], before["staff"]),
                "on_time_share": share(now["on_time"], now["visits_held"]),
            }
        )
    return rows, refreshed_at


@prepared_query
def _network_summaries(*, by_association):
    summaries = YearSummary.objects.filter(school__pk__any=ParamList("school_ids"), year__any=ParamList("years"))
    if by_association:
        summaries = summaries.filter(association__name=Param("association_name"))
    else:
        summaries = summaries.filter(association__isnull=True)
    return summaries.order_by().values("school_id", "year", "median_debrief_hours", "refreshed_at", *NETWORK_FIGURES)


def network_pairs(*, network, schools):
    """The network's cross-school pairs and triads: which two schools, kind, status,
    dates, and how many people (never who)."""
    return _network_pairs.rows(network_id=network.pk, school_ids=[school.pk for school in schools])


@prepared_query
def _network_pairs():
    network, schools = Param("network_id"), ParamList("school_ids")
    return (
        MentorGroup.objects.filter(school__network_id=network, partner_school__network_id=network)
        .filter(Q(school__pk__any=schools) | Q(partner_school__pk__any=schools))
        .select_related("school", "partner_school")
        .only("kind", "status", "starts_on", "school__short_name", "partner_school__short_name")
        .annotate(people=Count("members"))
        .order_by("-starts_on", "pk")
    )


def network_leader_mentoring(*, network, schools):
    """What the leader school does for each other school: network pairs and teams
    they share, open and in all."""
    leader = next((school for school in schools if school.is_network_leader), None)
    if leader is None:
        leader = School.objects.filter(network=network, is_network_leader=True).first()
    if leader is None:
        return None, []
    others = [school for school in schools if school.pk != leader.pk]
    per_school = {
        school.pk: {"school": school, "groups": 0, "active_groups": 0, "teams": 0, "open_teams": 0} for school in others
    }
    for row in _leader_shared_work.rows(leader_id=leader.pk, other_ids=list(per_school)):
        other = row["partner_school_id"] if row["school_id"] == leader.pk else row["school_id"]
        active_key = "active_groups" if row["kind"] == "groups" else "open_teams"
        per_school[other][row["kind"]] += row["total"]
        per_school[other][active_key] += row["active"]
    return leader, list(per_school.values())


@prepared_query
def _leader_shared_work():
    """Network pairs and teams the leader school shares with each other school: counts, open and in all."""
    leader, others = Param("leader_id"), ParamList("other_ids")
    shared = Q(school_id=leader, partner_school__pk__any=others) | Q(partner_school_id=leader, school__pk__any=others)
    groups = (
        MentorGroup.objects.filter(shared)
        .values("school_id", "partner_school_id")
        .annotate(
            kind=Value("groups"), total=Count("pk"), active=Count("pk", filter=Q(status=MentorGroup.Status.ACTIVE))
        )
    )
    teams = (
        TaskTeam.objects.filter(shared)
        .values("school_id", "partner_school_id")
        .annotate(
            kind=Value("teams"), total=Count("pk"), active=Count("pk", filter=Q(status__in=TaskTeam.OPEN_STATUSES))
        )
    )
    return groups.union(teams, all=True)


def network_association_names(*, schools):
    return _association_names.rows(school_ids=[school.pk for school in schools])


@prepared_query
def _association_names():
    return (
        SubjectAssociation.objects.filter(school__pk__any=ParamList("school_ids"))
        .order_by("name")
        .values_list("name", flat=True)
        .distinct()
    )
