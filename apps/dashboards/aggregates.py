"""The dashboards' aggregates, as SQL over any set of schools at once.

Each function answers for a list of schools in one statement, grouped by school
(and by subject association where asked), so a school's page, the network's
side-by-side view and the year-summary sweep share one definition of every
indicator. Table names come from the models' metadata. What each indicator
counts (staff of a period, in pairs or triads, observed, coverage (охват)…) is
defined in docs/features/dashboards.md#participation.
"""

import functools

from django.db import connection
from django.utils import timezone

from apps.associations.models import Meeting, MeetingAttendance
from apps.community.models import Answer, Material, MaterialComment, MaterialVersion
from apps.core.prepared import execute_named
from apps.core.sql import condition_sql, sql_param
from apps.core.tenancy import Circle
from apps.core.tenure import present_during_sql
from apps.mentoring.models import MentorGroup, MentorGroupMember
from apps.network_events.models import Event, Registration
from apps.partners.models import JointActivity
from apps.problemdays.models import DayActivity, PreparationRole, ProblemDay
from apps.staff.models import Achievement, CategoryAward, StaffMember
from apps.teams.models import TaskTeam, TeamMember
from apps.visits.models import LessonVisit, VisitObserver

# Achievements the yearly report and the participation page count (the report's §5).
ACHIEVEMENT_KINDS = (Achievement.Kind.CONTEST, Achievement.Kind.PUBLICATION, Achievement.Kind.NETWORK_PROJECT)

# Experience bands of the categories page: (label key, from years, below years).
EXPERIENCE_BANDS = (("0-3", 0, 3), ("3-5", 3, 5), ("5-10", 5, 10), ("10-20", 10, 20), ("20+", 20, None))

# The forms of collaboration, in the order every page, export and summary shows them.
# Curating a pair or triad is a form of its own: the curator keeps the group's work going.
# Leading or attending a held network event, and being present at a held association
# meeting, are attendance like a problem-theme day.
PARTICIPATION_FORMS = (
    "in_groups",
    "curators",
    "in_teams",
    "observers",
    "observed",
    "in_events",
    "in_network_events",
    "in_association_meetings",
    "achievers",
)

# The community's forms are counted per school and per association only (people and
# items), never per teacher nor in the coverage: administrators never see who shared
# or commented least.
COUNT_ONLY_FORMS = ("shared_materials", "commented", "answered")

T = {
    "staff": StaffMember._meta.db_table,
    "award": CategoryAward._meta.db_table,
    "group": MentorGroup._meta.db_table,
    "member": MentorGroupMember._meta.db_table,
    "team": TaskTeam._meta.db_table,
    "team_member": TeamMember._meta.db_table,
    "visit": LessonVisit._meta.db_table,
    "observer": VisitObserver._meta.db_table,
    "day": ProblemDay._meta.db_table,
    "day_organisers": ProblemDay.organisers.field.m2m_db_table(),
    "day_role": PreparationRole._meta.db_table,
    "activity": DayActivity._meta.db_table,
    "activity_responsible": DayActivity.responsible.field.m2m_db_table(),
    "joint": JointActivity._meta.db_table,
    "joint_teachers": JointActivity.teachers.field.m2m_db_table(),
    "achievement": Achievement._meta.db_table,
    "event": Event._meta.db_table,
    "event_leads": Event.leads.field.m2m_db_table(),
    "registration": Registration._meta.db_table,
    "meeting": Meeting._meta.db_table,
    "attendance": MeetingAttendance._meta.db_table,
    "material": Material._meta.db_table,
    "version": MaterialVersion._meta.db_table,
    "comment": MaterialComment._meta.db_table,
    "answer": Answer._meta.db_table,
}


@functools.cache
def _rules():
    """The apps' own rules as SQL on this module's table aliases, with their
    parameters: a group or team that really worked (is or was active), a visit
    overdue at the statement's `now`."""
    sql, params = {}, {}
    for name, queryset, alias in (
        ("group_worked", MentorGroup.objects.worked(), "g"),
        ("team_worked", TaskTeam.objects.worked(), "t"),
        ("visit_overdue", LessonVisit.objects.overdue(sql_param("now")), "v"),
    ):
        sql[name], values = condition_sql(queryset, alias=alias, prefix=name)
        params.update(values)
    return sql, params


def _rule(name):
    return _rules()[0][name]


def _rows(sql, params):
    with connection.cursor() as cursor:
        execute_named(cursor, sql, {**_rules()[1], **params})
        columns = [col.name for col in cursor.description]
        return [dict(zip(columns, row, strict=True)) for row in cursor.fetchall()]


def _association_filter(association_id, alias="s"):
    return f"AND {alias}.association_id = %(association)s" if association_id else ""


def category_counts(*, schools, dates, association_id=None, by_association=False):
    """Headcount and qualification categories on each reference date.

    `dates` maps a year to its reference date. A person counts if employed that
    day (hired by it, not yet left); their category is the latest award in force
    on it, both end days included. Rows: school_id, year, (association_id),
    headcount, highest, first, fits_post, no_category.
    """
    if not dates or not schools:
        return []
    values = ", ".join(f"(%(y{i})s::integer, %(d{i})s::date)" for i in range(len(dates)))
    params = {"schools": list(schools), "association": association_id}
    for i, (year, day) in enumerate(sorted(dates.items())):
        params[f"y{i}"], params[f"d{i}"] = year, day
    group = "GROUPING SETS ((s.school_id, ref.year), (s.school_id, ref.year, s.association_id))"
    association_column = (
        "CASE WHEN GROUPING(s.association_id) = 0 THEN s.association_id END AS association_id, "
        "GROUPING(s.association_id) = 0 AS per_association, "
        if by_association
        else ""
    )
    sql = f"""
        WITH ref(year, on_date) AS (VALUES {values})
        SELECT s.school_id, ref.year, {association_column}
               count(*) AS headcount,
               count(*) FILTER (WHERE a.category = 'highest') AS highest,
               count(*) FILTER (WHERE a.category = 'first') AS first,
               count(*) FILTER (WHERE a.category = 'fits_post') AS fits_post,
               count(*) FILTER (WHERE a.category IS NULL OR a.category = 'none') AS no_category
        FROM ref
        JOIN {T["staff"]} s
          ON {present_during_sql("s", start="ref.on_date", end="ref.on_date")}
        LEFT JOIN LATERAL (
            SELECT ca.category FROM {T["award"]} ca
            WHERE ca.staff_id = s.id AND ca.awarded_on <= ref.on_date AND ca.valid_until >= ref.on_date
            ORDER BY ca.awarded_on DESC, ca.id DESC LIMIT 1
        ) a ON true
        WHERE s.school_id = ANY(%(schools)s) {_association_filter(association_id)}
        GROUP BY {group if by_association else "s.school_id, ref.year"}
        ORDER BY s.school_id, ref.year
    """  # nosec B608 # model table names and constants only
    rows = _rows(sql, params)
    if by_association:
        # The association grouping set also yields a row for staff without one.
        rows = [row for row in rows if not row["per_association"] or row["association_id"] is not None]
        for row in rows:
            del row["per_association"]
    return rows


def category_breakdown(*, school_id, on, association_id=None):
    """Categories on one date by subject association and by experience band, in one
    statement. Rows: dimension ('association' or 'band'), key, headcount, counts."""
    bands = " ".join(
        f"WHEN exp >= {low} {'AND exp < ' + str(high) if high else ''} THEN '{key}'"
        for key, low, high in EXPERIENCE_BANDS
    )
    sql = f"""
        WITH st AS (
            SELECT s.id, s.association_id,
                   CASE {bands} END AS band,
                   a.category
            FROM {T["staff"]} s
            CROSS JOIN LATERAL (
                SELECT CAST(date_part('year', age(%(on)s::date, s.teaching_since)) AS integer) AS exp
            ) e
            LEFT JOIN LATERAL (
                SELECT ca.category FROM {T["award"]} ca
                WHERE ca.staff_id = s.id AND ca.awarded_on <= %(on)s AND ca.valid_until >= %(on)s
                ORDER BY ca.awarded_on DESC, ca.id DESC LIMIT 1
            ) a ON true
            WHERE s.school_id = %(school)s AND {present_during_sql("s", start="%(on)s", end="%(on)s")}
              {_association_filter(association_id)}
        )
        SELECT CASE WHEN GROUPING(association_id) = 0 THEN 'association' ELSE 'band' END AS dimension,
               CASE WHEN GROUPING(association_id) = 0 THEN association_id::text ELSE band END AS key,
               count(*) AS headcount,
               count(*) FILTER (WHERE category = 'highest') AS highest,
               count(*) FILTER (WHERE category = 'first') AS first,
               count(*) FILTER (WHERE category = 'fits_post') AS fits_post,
               count(*) FILTER (WHERE category IS NULL OR category = 'none') AS no_category
        FROM st
        GROUP BY GROUPING SETS ((association_id), (band))
    """  # nosec B608 # model table names and constants only
    return _rows(sql, {"school": school_id, "on": on, "association": association_id})


def _in_network_column(fence):
    """The teachers in network projects: only the summaries and the yearly report count
    them, so the pages leave this column (and its planning) out."""
    return f""",
              -- Network projects (the yearly report's «сетевые проекты»): a network pair
              -- (member or curator), a team with a partner school's people, or a network
              -- project recorded among the achievements.
              (
                EXISTS (
                  SELECT 1 FROM {T["group"]} g
                  WHERE g.partner_school_id IS NOT NULL AND {_rule("group_worked")}
                    AND g.starts_on <= %(end)s AND g.planned_end_on >= %(start)s
                    AND (g.curator_id = s.id OR EXISTS (
                      SELECT 1 FROM {T["member"]} m WHERE m.group_id = g.id AND m.staff_id = s.id)) {fence}
                ) OR EXISTS (
                  SELECT 1 FROM {T["team_member"]} tm JOIN {T["team"]} t ON t.id = tm.team_id
                  WHERE tm.staff_id = s.id AND t.partner_school_id IS NOT NULL AND {_rule("team_worked")}
                    AND {present_during_sql("tm", since="joined_on")} {fence}
                ) OR EXISTS (
                  SELECT 1 FROM {T["achievement"]} ac
                  WHERE ac.staff_id = s.id AND ac.kind = %(network_project)s
                    AND ac.date BETWEEN %(start)s AND %(end)s {fence}
                )
              ) AS in_network
    """  # nosec B608 # model table names and constants only


def _community_cte():
    """The items each person wrote in the community in the period, found once through
    the schools' own rows (a material's school is its author's, a comment's or an
    answer's the writer's), for the counts only. A material counts when first shared
    (published) in the period, a later version when added in the period to a shared
    material; a draft counts for nothing."""
    return f"""
        wrote AS (
            SELECT mt.author_id AS staff_id, 1 AS shared, 0 AS commented, 0 AS answered FROM {T["material"]} mt
            WHERE mt.school_id = ANY(%(schools)s) AND mt.circle <> %(draft)s
              AND mt.published_at >= %(start_at)s AND mt.published_at < %(end_at)s
          UNION ALL
            SELECT mt.author_id, 1, 0, 0 FROM {T["material"]} mt JOIN {T["version"]} mv ON mv.material_id = mt.id
            WHERE mt.school_id = ANY(%(schools)s) AND mt.circle <> %(draft)s AND mv.number > 1
              AND mv.created_at >= mt.published_at
              AND mv.created_at >= %(start_at)s AND mv.created_at < %(end_at)s
          UNION ALL
            SELECT c.author_id, 0, 1, 0 FROM {T["comment"]} c
            WHERE c.school_id = ANY(%(schools)s) AND c.created_at >= %(start_at)s AND c.created_at < %(end_at)s
          UNION ALL
            SELECT an.author_id, 0, 0, 1 FROM {T["answer"]} an
            WHERE an.school_id = ANY(%(schools)s) AND an.created_at >= %(start_at)s AND an.created_at < %(end_at)s
        ),
        wrote_by AS (
            SELECT staff_id, sum(shared) AS shared_materials_items, sum(commented) AS commented_items,
                   sum(answered) AS answered_items
            FROM wrote GROUP BY staff_id
        ),
    """  # nosec B608 # model table names and constants only


_COMMUNITY_COLUMNS = """,
              coalesce(wb.shared_materials_items, 0) AS shared_materials_items,
              coalesce(wb.commented_items, 0) AS commented_items,
              coalesce(wb.answered_items, 0) AS answered_items
"""


def _participation_cte(association_id, *, network=True, one_school=False, community=False, one_person=False):
    """Per person of the period: the flags of each form of collaboration.

    The period's visits are found once, through the schools' own rows (indexed by
    school and start) and their network pairs' rows held at the partner school,
    rather than per person through years of their visits.

    For `one_school`'s few dozen people each flag is best looked up per person
    through the indexes; OFFSET 0 keeps PostgreSQL from also planning each
    subquery as a hash over the whole network's rows (a third of the planning time,
    and the slower plan at a network's scale). Many schools at once keep it.

    With `one_person`, only the staff card `%(person)s` (a person's own page)."""
    fence = "OFFSET 0" if one_school else ""
    visit_in_period = (
        "v.status <> 'cancelled' AND v.starts_at >= %(start_at)s AND v.starts_at < %(end_at)s AND v.ends_at <= %(now)s"
    )
    return f"""
        pv AS (
            -- A lesson still to come does not count yet; a network pair's visit counts
            -- for the partner school's teachers too.
            SELECT v.id, v.observed_id FROM {T["visit"]} v
            WHERE v.school_id = ANY(%(schools)s) AND {visit_in_period}
          UNION
            SELECT v.id, v.observed_id FROM {T["visit"]} v JOIN {T["group"]} g ON g.id = v.group_id
            WHERE g.partner_school_id = ANY(%(schools)s) AND {visit_in_period}
        ),
        seen AS (
            SELECT vo.staff_id, true AS observer, false AS observed
            FROM pv JOIN {T["observer"]} vo ON vo.visit_id = pv.id
          UNION ALL
            SELECT pv.observed_id, false, true FROM pv
        ),
        {_community_cte() if community else ""}
        seen_by AS (
            SELECT staff_id, bool_or(observer) AS observer, bool_or(observed) AS observed FROM seen GROUP BY staff_id
        ),
        st AS MATERIALIZED (
            SELECT s.id, s.school_id, s.association_id,
              EXISTS (
                SELECT 1 FROM {T["member"]} m JOIN {T["group"]} g ON g.id = m.group_id
                WHERE m.staff_id = s.id AND {_rule("group_worked")}
                  AND g.starts_on <= %(end)s AND g.planned_end_on >= %(start)s {fence}
              ) AS in_groups,
              EXISTS (
                SELECT 1 FROM {T["group"]} g
                WHERE g.curator_id = s.id AND {_rule("group_worked")}
                  AND g.starts_on <= %(end)s AND g.planned_end_on >= %(start)s {fence}
              ) AS curators,
              EXISTS (
                SELECT 1 FROM {T["team_member"]} tm JOIN {T["team"]} t ON t.id = tm.team_id
                WHERE tm.staff_id = s.id AND {_rule("team_worked")}
                  AND {present_during_sql("tm", since="joined_on")} {fence}
              ) AS in_teams,
              coalesce(sb.observer, false) AS observers,
              coalesce(sb.observed, false) AS observed,
              (
                EXISTS (
                  SELECT 1 FROM {T["day_organisers"]} o JOIN {T["day"]} d ON d.id = o.problemday_id
                  WHERE o.staffmember_id = s.id AND d.date BETWEEN %(start)s AND %(end)s {fence}
                ) OR EXISTS (
                  SELECT 1 FROM {T["day_role"]} r JOIN {T["day"]} d ON d.id = r.day_id
                  WHERE r.staff_id = s.id AND d.date BETWEEN %(start)s AND %(end)s {fence}
                ) OR EXISTS (
                  SELECT 1 FROM {T["activity_responsible"]} ar
                  JOIN {T["activity"]} da ON da.id = ar.dayactivity_id JOIN {T["day"]} d ON d.id = da.day_id
                  WHERE ar.staffmember_id = s.id AND d.date BETWEEN %(start)s AND %(end)s {fence}
                ) OR EXISTS (
                  SELECT 1 FROM {T["joint"]} j
                  WHERE j.school_id = s.school_id AND j.status <> 'cancelled' AND j.starts_on <= %(end)s
                    AND coalesce(j.ends_on, j.starts_on) >= %(start)s
                    AND (j.responsible_id = s.id OR EXISTS (
                      SELECT 1 FROM {T["joint_teachers"]} jt
                      WHERE jt.jointactivity_id = j.id AND jt.staffmember_id = s.id)) {fence}
                )
              ) AS in_events,
              (
                EXISTS (
                  SELECT 1 FROM {T["registration"]} r JOIN {T["event"]} e ON e.id = r.event_id
                  WHERE r.staff_id = s.id AND r.attended AND e.status = %(event_held)s
                    AND e.starts_at >= %(start_at)s AND e.starts_at < %(end_at)s {fence}
                ) OR EXISTS (
                  SELECT 1 FROM {T["event_leads"]} el JOIN {T["event"]} e ON e.id = el.event_id
                  WHERE el.staffmember_id = s.id AND e.status = %(event_held)s
                    AND e.starts_at >= %(start_at)s AND e.starts_at < %(end_at)s {fence}
                )
              ) AS in_network_events,
              EXISTS (
                SELECT 1 FROM {T["attendance"]} ma JOIN {T["meeting"]} mm ON mm.id = ma.meeting_id
                WHERE ma.staff_id = s.id AND ma.present AND mm.status = %(meeting_held)s
                  AND mm.held_on BETWEEN %(start)s AND %(end)s {fence}
              ) AS in_association_meetings,
              EXISTS (
                SELECT 1 FROM {T["achievement"]} ac
                WHERE ac.staff_id = s.id AND ac.kind = ANY(%(achievement_kinds)s)
                  AND ac.date BETWEEN %(start)s AND %(end)s {fence}
              ) AS achievers
              {_in_network_column(fence) if network else ""}
              {_COMMUNITY_COLUMNS if community else ""}
            FROM {T["staff"]} s
            LEFT JOIN seen_by sb ON sb.staff_id = s.id
            {"LEFT JOIN wrote_by wb ON wb.staff_id = s.id" if community else ""}
            WHERE s.school_id = ANY(%(schools)s) {_association_filter(association_id)}
              AND {present_during_sql("s")}
              {"AND s.id = %(person)s" if one_person else ""}
        )
    """  # nosec B608 # model table names and constants only


def _period_params(*, schools, start, end, start_at, end_at, association_id, now=None):
    return {
        "now": now or timezone.now(),
        "schools": list(schools),
        "start": start,
        "end": end,
        "start_at": start_at,
        "end_at": end_at,
        "association": association_id,
        "achievement_kinds": [str(kind) for kind in ACHIEVEMENT_KINDS],
        "network_project": Achievement.Kind.NETWORK_PROJECT.value,
        # The apps' states, from their choices: a draft counts for nothing, a held
        # event or meeting is attendance.
        "draft": Circle.DRAFT.value,
        "event_held": Event.Status.HELD.value,
        "meeting_held": Meeting.Status.HELD.value,
    }


# Coverage (охват): at least one form, achievements aside (a publication alone is not
# collaboration with colleagues). The one rule of the pages, summaries and yearly report.
_COVERED = (
    "in_groups OR curators OR in_teams OR observers OR observed OR in_events"
    " OR in_network_events OR in_association_meetings"
)


def participation_counts(
    *, schools, start, end, start_at, end_at, association_id=None, by_association=False, now=None, network=True
):
    """Counts of the staff of a period in each form, the coverage and (unless `network`
    is false) the teachers in network projects, per school (and per association when
    asked). `start_at`/`end_at` are the period's bounds as moments in the schools' time
    zone (visits are timestamps)."""
    if not schools:
        return []
    params = _period_params(
        schools=schools, start=start, end=end, start_at=start_at, end_at=end_at, association_id=association_id, now=now
    )
    counts = ", ".join(f"count(*) FILTER (WHERE {form}) AS {form}" for form in PARTICIPATION_FORMS)
    counts += "".join(
        f", count(*) FILTER (WHERE {form}_items > 0) AS {form}, coalesce(sum({form}_items), 0)::integer AS {form}_items"
        for form in COUNT_ONLY_FORMS
    )
    if by_association:
        select_key = (
            "CASE WHEN GROUPING(association_id) = 0 THEN association_id END AS association_id, "
            "GROUPING(association_id) = 0 AS per_association,"
        )
        group = "GROUPING SETS ((school_id), (school_id, association_id))"
    else:
        select_key, group = "", "school_id"
    sql = f"""
        WITH {_participation_cte(association_id, network=network, one_school=len(schools) == 1, community=True)}
        SELECT school_id, {select_key} count(*) AS staff, {counts},
               count(*) FILTER (WHERE {_COVERED}) AS covered
               {", count(*) FILTER (WHERE in_network) AS in_network" if network else ""}
        FROM st GROUP BY {group} ORDER BY school_id
    """  # nosec B608 # model table names and constants only
    rows = _rows(sql, params)
    if by_association:
        rows = [row for row in rows if not row["per_association"] or row["association_id"] is not None]
        for row in rows:
            del row["per_association"]
    return rows


def participation_matrix(
    *, school_id, start, end, start_at, end_at, association_id=None, now=None, community_totals=False, staff_id=None
):
    """One row per person of the period with their flags, ordered by name (for the
    administrators' per-teacher table). With `community_totals`, each row also carries
    the period's totals of the count-only forms (`COUNT_ONLY_FORMS`: `<form>` people and
    `<form>_items`) over all the rows, for the page's counts without a second query.
    With `staff_id`, only that card's row (if on the staff of the period)."""
    params = _period_params(
        schools=[school_id],
        start=start,
        end=end,
        start_at=start_at,
        end_at=end_at,
        association_id=association_id,
        now=now,
    )
    if staff_id is not None:
        params["person"] = staff_id
    flags = ", ".join(f"st.{form}" for form in PARTICIPATION_FORMS)
    # Whole-table totals on every row, never a person's own figures.
    totals = (
        "".join(
            f", count(*) FILTER (WHERE st.{form}_items > 0) OVER () AS {form},"
            f" coalesce(sum(st.{form}_items) OVER (), 0)::integer AS {form}_items"
            for form in COUNT_ONLY_FORMS
        )
        if community_totals
        else ""
    )
    cte = _participation_cte(
        association_id, network=False, one_school=True, community=community_totals, one_person=staff_id is not None
    )
    sql = f"""
        WITH {cte}
        SELECT s.id, s.last_name, s.first_name, s.patronymic, s.is_active, {flags} {totals},
               ({" OR ".join(f"st.{f}" for f in _COVERED.split(" OR "))}) AS covered
        FROM st JOIN {T["staff"]} s ON s.id = st.id
        ORDER BY s.last_name, s.first_name, s.patronymic, s.id
    """  # nosec B608 # model table names and constants only
    return _rows(sql, params)


def _visits_cte(association_id):
    """The visits of the period with their timeliness facts (no content: the trust rule)."""
    association = "AND os.association_id = %(association)s AND os.school_id = v.school_id" if association_id else ""
    return f"""
        vv AS (
            SELECT v.id, v.school_id, v.group_id, g.curator_id,
                   -- a network pair's visit to the partner school's teacher: no association of ours
                   CASE WHEN os.school_id = v.school_id THEN os.association_id END AS association_id,
                   v.status, v.kind, v.ends_at, v.debriefed_at,
                   {_rule("visit_overdue")} AS overdue_now,
                   (v.kind = 'pair_visit' AND v.group_id IS NOT NULL
                    AND v.status IN ('debriefed', 'debriefed_late')) AS reverse_due,
                   (v.kind = 'pair_visit' AND v.group_id IS NOT NULL
                    AND v.status IN ('debriefed', 'debriefed_late')
                    AND (EXISTS (SELECT 1 FROM {T["visit"]} r
                                 WHERE r.answers_visit_id = v.id AND r.status <> 'cancelled'
                                   AND r.ends_at <= %(now)s)
                         -- a reverse visit naming no visit answers the group's latest pair visit before it
                         OR EXISTS (SELECT 1 FROM {T["visit"]} r
                                    WHERE r.group_id = v.group_id AND r.kind = 'reverse_visit'
                                      AND r.answers_visit_id IS NULL
                                      AND r.starts_at > v.starts_at AND r.status <> 'cancelled'
                                      AND r.ends_at <= %(now)s
                                      AND NOT EXISTS (SELECT 1 FROM {T["visit"]} p
                                                      WHERE p.group_id = v.group_id AND p.kind = 'pair_visit'
                                                        AND p.status <> 'cancelled'
                                                        AND p.starts_at > v.starts_at
                                                        AND p.starts_at < r.starts_at)))) AS reverse_done
            FROM {T["visit"]} v
            LEFT JOIN {T["group"]} g ON g.id = v.group_id
            JOIN {T["staff"]} os ON os.id = v.observed_id
            WHERE v.school_id = ANY(%(schools)s) AND v.starts_at >= %(start_at)s AND v.starts_at < %(end_at)s
              AND v.status <> 'cancelled' AND v.ends_at <= %(now)s {association}
        )
    """  # nosec B608 # model table names and constants only


_TIMELINESS_COLUMNS = """
    count(*) AS visits_held,
    count(*) FILTER (WHERE status = 'debriefed') AS on_time,
    count(*) FILTER (WHERE status = 'debriefed_late') AS late,
    count(*) FILTER (WHERE overdue_now) AS overdue,
    percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM debriefed_at - ends_at) / 3600.0)
        FILTER (WHERE debriefed_at IS NOT NULL) AS median_debrief_hours,
    count(*) FILTER (WHERE reverse_due) AS reverse_due,
    count(*) FILTER (WHERE reverse_done) AS reverse_done
"""


def timeliness_counts(*, schools, start_at, end_at, now, association_id=None, by_association=False):
    """Visits held in the period (lesson over, not cancelled) and their debriefs, per
    school (and per association of the observed teacher when asked)."""
    if not schools:
        return []
    params = {
        "schools": list(schools),
        "start_at": start_at,
        "end_at": end_at,
        "now": now,
        "association": association_id,
    }
    if by_association:
        key = (
            "CASE WHEN GROUPING(association_id) = 0 THEN association_id END AS association_id, "
            "GROUPING(association_id) = 0 AS per_association,"
        )
        group = "GROUPING SETS ((school_id), (school_id, association_id))"
    else:
        key, group = "", "school_id"
    sql = f"WITH {_visits_cte(association_id)} SELECT school_id, {key} {_TIMELINESS_COLUMNS} FROM vv GROUP BY {group}"  # nosec B608 # model table names and constants only
    rows = _rows(sql, params)
    if by_association:
        rows = [row for row in rows if not row["per_association"] or row["association_id"] is not None]
        for row in rows:
            del row["per_association"]
    return rows


def timeliness_by_group_and_curator(*, school_id, start_at, end_at, now, association_id=None):
    """The same figures per curator and per pair or triad of one school, in one
    statement. Rows: dimension ('curator' or 'group'), key (id or None for visits
    outside any group), figures."""
    params = {"schools": [school_id], "start_at": start_at, "end_at": end_at, "now": now, "association": association_id}
    sql = f"""
        WITH {_visits_cte(association_id)}
        SELECT CASE WHEN GROUPING(curator_id) = 0 THEN 'curator' ELSE 'group' END AS dimension,
               CASE WHEN GROUPING(curator_id) = 0 THEN curator_id ELSE group_id END AS key,
               {_TIMELINESS_COLUMNS}
        FROM vv GROUP BY GROUPING SETS ((curator_id), (group_id))
    """  # nosec B608 # model table names and constants only
    return _rows(sql, params)


def _edges_cte(association_id):
    """Ties between colleagues of the same school in the period: observer and
    observed of a visit, members of one pair or triad, members of one team."""
    assoc = "AND sa.association_id = %(association)s AND sb.association_id = %(association)s" if association_id else ""
    return f"""
        raw AS (
            SELECT v.school_id, vo.staff_id AS a, v.observed_id AS b, 'visit' AS kind
            FROM {T["visit"]} v JOIN {T["observer"]} vo ON vo.visit_id = v.id
            WHERE v.school_id = ANY(%(schools)s) AND v.status <> 'cancelled'
              AND v.starts_at >= %(start_at)s AND v.starts_at < %(end_at)s AND v.ends_at <= %(now)s
          UNION ALL
            SELECT g.school_id, m1.staff_id, m2.staff_id, 'group'
            FROM {T["group"]} g
            JOIN {T["member"]} m1 ON m1.group_id = g.id JOIN {T["member"]} m2 ON m2.group_id = g.id
            WHERE g.school_id = ANY(%(schools)s) AND m1.staff_id < m2.staff_id AND {_rule("group_worked")}
              AND g.starts_on <= %(end)s AND g.planned_end_on >= %(start)s
          UNION ALL
            SELECT t.school_id, m1.staff_id, m2.staff_id, 'team'
            FROM {T["team"]} t
            JOIN {T["team_member"]} m1 ON m1.team_id = t.id JOIN {T["team_member"]} m2 ON m2.team_id = t.id
            WHERE t.school_id = ANY(%(schools)s) AND m1.staff_id < m2.staff_id AND {_rule("team_worked")}
              AND {present_during_sql("m1", since="joined_on")}
              AND {present_during_sql("m2", since="joined_on")}
        ),
        edges AS (
            SELECT raw.school_id, least(raw.a, raw.b) AS a, greatest(raw.a, raw.b) AS b,
                   count(*) FILTER (WHERE kind = 'visit') AS visits,
                   count(*) FILTER (WHERE kind = 'group') AS groups,
                   count(*) FILTER (WHERE kind = 'team') AS teams,
                   min(sa.association_id) AS association_id
            FROM raw
            JOIN {T["staff"]} sa ON sa.id = raw.a AND sa.school_id = raw.school_id
            JOIN {T["staff"]} sb ON sb.id = raw.b AND sb.school_id = raw.school_id
            WHERE raw.a <> raw.b {assoc}
              -- both on the staff of the period, as the page's people are
              AND {present_during_sql("sa")}
              AND {present_during_sql("sb")}
            GROUP BY raw.school_id, least(raw.a, raw.b), greatest(raw.a, raw.b)
        )
    """  # nosec B608 # model table names and constants only


def collaboration_edges(*, school_id, start, end, start_at, end_at, association_id=None, now=None):
    """Each pair of colleagues with a tie in the period, with how many visits,
    groups and teams tie them. Rows: a, b, visits, groups, teams."""
    params = _period_params(
        schools=[school_id],
        start=start,
        end=end,
        start_at=start_at,
        end_at=end_at,
        association_id=association_id,
        now=now,
    )
    sql = f"WITH {_edges_cte(association_id)} SELECT a, b, visits, groups, teams FROM edges ORDER BY a, b"  # nosec B608 # model table names and constants only
    return _rows(sql, params)


def collaboration_totals(*, schools, start, end, start_at, end_at, by_association=False, now=None):
    """Distinct tied pairs and connected people per school (and per association,
    counting ties inside it) for the year summaries."""
    if not schools:
        return []
    params = _period_params(
        schools=schools, start=start, end=end, start_at=start_at, end_at=end_at, association_id=None, now=now
    )
    per_association = ""
    if by_association:
        per_association = f"""
          UNION ALL
            SELECT e.school_id, sa.association_id, count(*) AS ties,
                   (SELECT count(DISTINCT p) FROM edges e2
                    JOIN {T["staff"]} x ON x.id = e2.a JOIN {T["staff"]} y ON y.id = e2.b
                    CROSS JOIN LATERAL (VALUES (e2.a), (e2.b)) pp(p)
                    WHERE e2.school_id = e.school_id AND x.association_id = sa.association_id
                      AND y.association_id = sa.association_id) AS connected
            FROM edges e
            JOIN {T["staff"]} sa ON sa.id = e.a JOIN {T["staff"]} sb ON sb.id = e.b
            WHERE sa.association_id IS NOT NULL AND sa.association_id = sb.association_id
            GROUP BY e.school_id, sa.association_id
        """  # nosec B608 # model table names and constants only
    sql = f"""
        WITH {_edges_cte(None)}
            SELECT e.school_id, NULL::bigint AS association_id, count(*) AS ties,
                   (SELECT count(DISTINCT p) FROM edges e2 CROSS JOIN LATERAL (VALUES (e2.a), (e2.b)) pp(p)
                    WHERE e2.school_id = e.school_id) AS connected
            FROM edges e GROUP BY e.school_id
        {per_association}
    """  # nosec B608 # model table names and constants only
    return _rows(sql, params)
