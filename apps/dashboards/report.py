"""The school's yearly report, §5–6 of its form, filled in for one academic year.

§5 is the table of criteria of the innovation's quality (staff, categories,
coverage, network projects and contests, publications, problem-theme days,
partner activities, visits debriefed on time, readiness to interact) with the
staff's age on the report's day (1 September); §6 the highest and the first
category as shares of the staff on 1 September of the chosen year and the three
before it. Five SQL statements whatever the size of the school; counts only,
never feedback text, never whose age nor anyone's survey answer. Every rendering
(the page, the print page, the XLSX and the PDF) draws the same `tables`, so the
files agree number for number. The print page and the files are always Russian.
See docs/features/dashboards.md#the-yearly-report.
"""

import dataclasses
import datetime
import decimal
from math import ceil

from django.db import connection
from django.utils import timezone
from django.utils.functional import lazy
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from apps.core.shares import percent
from apps.core.tenure import present_during_sql
from apps.core.typography import quoted
from apps.partners.models import JointActivity
from apps.problemdays.models import ProblemDay
from apps.staff.models import Achievement
from apps.surveys.selectors import RoundReadiness, round_readiness

from . import aggregates
from .periods import REFERENCE_DAY, REFERENCE_MONTH, academic_year, academic_year_label

TITLE = _("Yearly report")
SECTION_5 = _("5. Measuring and assessing the quality of the innovation")
SECTION_6 = _("6. Effectiveness: professional development through the system of mutual ties")
CRITERION, COUNT, SHARE = _("Criterion"), _("Number"), _("Share, %")
HIGHEST, FIRST = _("Highest category"), _("First category")
STAFF_ON_FIRST_SEPTEMBER = _("Teachers on 1 September")
# How many years the §6 table shows: the chosen one and the three before it.
CATEGORY_YEARS = 4

# Age bands of the staff on the report's day: (key, label, from age, below age).
AGE_BANDS = (
    ("under_30", _("under 30"), None, 30),
    ("30_39", _("30–39"), 30, 40),
    ("40_49", _("40–49"), 40, 50),
    ("50_59", _("50–59"), 50, 60),
    ("60_plus", _("60 and over"), 60, None),
)
AGE_UNKNOWN = _("date of birth not given")
AVERAGE_AGE = _("Average age, years")
# The ages are shown when at least this many people, and at least half of the staff
# counted, have a date of birth on their card: a few ages never stand for the staff.
AGE_LEAST_KNOWN = 5
READINESS = _("Readiness to interact")


def academic_year_title(year: int) -> str:
    """The academic year's label ("2025/26 academic year") in the active language."""
    return academic_year_label(year)


def _interpolate(message, values):
    return str(message) % values


# A label with values in it, translated when shown (in the language active then).
interpolate_lazy = lazy(_interpolate, str)


@dataclasses.dataclass(frozen=True)
class Criterion:
    key: str
    label: str
    count: int
    share: int | None = None  # percent of its base, where a share means something


@dataclasses.dataclass(frozen=True)
class CategoryYear:
    year: int
    on: datetime.date
    headcount: int
    highest: int
    first: int

    @property
    def highest_share(self):
        return percent(self.highest, self.headcount)

    @property
    def first_share(self):
        return percent(self.first, self.headcount)


@dataclasses.dataclass(frozen=True)
class Ages:
    """The ages of the staff counted by the report on its day, in whole years."""

    on: datetime.date
    staff: int
    known: int  # with a date of birth on the card
    average: decimal.Decimal | None  # of the known ages, one decimal (SQL rounds half up)
    bands: dict  # band key -> people

    @property
    def least_known(self):
        return max(AGE_LEAST_KNOWN, ceil(self.staff / 2))

    @property
    def shown(self):
        return self.staff > 0 and self.known >= self.least_known

    @property
    def unknown(self):
        return self.staff - self.known


@dataclasses.dataclass(frozen=True)
class Line:
    """A row of a report table: its label and its figures (None: nothing to show)."""

    key: str
    label: str
    values: tuple
    indent: bool = False


@dataclasses.dataclass(frozen=True)
class Table:
    """One table of the report as every rendering draws it. `shares` are the indexes of
    the value columns that hold percentages; `blank` fills a missing figure."""

    key: str
    title: str
    header: tuple  # the label column's heading, then one per value column
    lines: tuple
    notes: tuple = ()
    shares: tuple = ()
    blank: str = ""


@dataclasses.dataclass(frozen=True)
class AnnualReport:
    school_name: str
    year: int
    criteria: list[Criterion]
    categories: list[CategoryYear]
    ages: Ages | None = None
    readiness: RoundReadiness = dataclasses.field(default_factory=RoundReadiness)

    @property
    def title(self):
        """The heading ("Yearly report: 2025/26 academic year") in the active language."""
        return gettext("Yearly report: %(year)s") % {"year": academic_year_title(self.year)}

    def criterion(self, key) -> Criterion:
        return next(criterion for criterion in self.criteria if criterion.key == key)

    @property
    def category_rows(self):
        """§6 as rows: a label and a share per year."""
        return [
            (HIGHEST, [entry.highest_share for entry in self.categories]),
            (FIRST, [entry.first_share for entry in self.categories]),
        ]

    @property
    def tables(self) -> list[Table]:
        """§5 (its criteria, then the staff's age), then §6, as every rendering draws them."""
        criteria = [Line(c.key, c.label, (c.count, c.share), indent=c.key == "visits_on_time") for c in self.criteria]
        readiness_line, readiness_note = _readiness_line(self.readiness)
        criteria.append(readiness_line)
        return [
            Table(
                "criteria",
                SECTION_5,
                (CRITERION, COUNT, SHARE),
                tuple(criteria),
                notes=(readiness_note,),
                shares=(1,),
            ),
            *([_ages_table(self.ages)] if self.ages is not None else []),
            Table(
                "categories",
                SECTION_6,
                (CRITERION, *[str(entry.year) for entry in self.categories]),
                (
                    Line("headcount", STAFF_ON_FIRST_SEPTEMBER, tuple(entry.headcount for entry in self.categories)),
                    *[
                        Line(key, interpolate_lazy("%(label)s, %%", {"label": label}), tuple(shares))
                        for key, (label, shares) in zip(("highest", "first"), self.category_rows, strict=True)
                    ],
                ),
                shares=tuple(range(len(self.categories))),
                blank="—",
            ),
        ]


def _readiness_line(readiness: RoundReadiness):
    """§5's line of readiness to interact and the note that says what it rests on."""
    if readiness.status == RoundReadiness.SHOWN:
        label = interpolate_lazy(
            _(
                "Readiness to interact: respondents whose readiness answers average above the middle of the"
                " scale, of %(respondents)s who answered"
            ),
            {"respondents": readiness.respondents},
        )
        return Line("readiness", label, (readiness.ready, readiness.share)), interpolate_lazy(
            _("Readiness to interact: the survey %(name)s closed on %(date)s."),
            {"name": quoted(readiness.round_name), "date": f"{readiness.closes_on:%d.%m.%Y}"},
        )
    values = {
        "name": quoted(readiness.round_name),
        "date": f"{readiness.closes_on:%d.%m.%Y}" if readiness.closes_on else "",
        "respondents": readiness.respondents,
        "least": readiness.min_respondents,
    }
    note = {
        RoundReadiness.NO_ROUND: _("Readiness to interact is not shown: no advice-network survey closed this year."),
        RoundReadiness.NOT_ANALYSED: _(
            "Readiness to interact is not shown yet: the survey %(name)s closed on %(date)s is being analysed."
        ),
        RoundReadiness.TOO_FEW: _(
            "Readiness to interact is not shown: the survey %(name)s closed on %(date)s had %(respondents)s"
            " answers, fewer than its minimum of %(least)s."
        ),
        RoundReadiness.WITHHELD: _(
            "Readiness to interact is not shown: in the survey %(name)s closed on %(date)s the answers were too"
            " alike to show it without giving someone's answer away."
        ),
    }[readiness.status]
    return Line("readiness", READINESS, (None, None)), interpolate_lazy(note, values)


def _ages_table(ages: Ages) -> Table:
    """The staff's age on the report's day: the average and the bands, when enough dates
    of birth are known; otherwise only how many are."""
    title = interpolate_lazy(_("Age of the teachers on %(date)s"), {"date": f"{ages.on:%d.%m.%Y}"})
    rule = interpolate_lazy(
        _(
            "Ages are shown when the date of birth is on the cards of at least half of the teachers counted and"
            " of at least %(least)s people; it is on %(known)s of %(staff)s. The average leaves out those"
            " without it."
        ),
        {"least": AGE_LEAST_KNOWN, "known": ages.known, "staff": ages.staff},
    )
    header = (_("Age"), COUNT, SHARE)
    if not ages.shown:
        return Table("ages", title, header, (), notes=(rule,), shares=(1,))
    lines = [Line("average_age", AVERAGE_AGE, (ages.average, None))]
    lines += [
        Line(key, label, (ages.bands[key], percent(ages.bands[key], ages.staff))) for key, label, *_r in AGE_BANDS
    ]
    lines.append(Line("age_unknown", AGE_UNKNOWN, (ages.unknown, percent(ages.unknown, ages.staff))))
    return Table("ages", title, header, tuple(lines), notes=(rule,), shares=(1,))


def _age_columns():
    """The age statement's columns: how many of the staff have a date of birth, their
    average age and each band's count."""
    bands = []
    for key, _label, low, high in AGE_BANDS:
        conditions = [f"age >= {int(low)}" if low is not None else "", f"age < {int(high)}" if high is not None else ""]
        where = " AND ".join(condition for condition in conditions if condition)
        bands.append(f"(SELECT count(*) FROM ages WHERE {where}) AS age_{key}")  # nosec B608 - constants only
    return ",\n            ".join(bands)


def _activities(*, school_id, start, end, on):
    """Achievements of the staff of the period (network projects aside: the
    participation statement counts them with network pairs and teams), problem-theme
    days held and partner activities held, and the ages of the staff at work on the day
    `on`, the day the report's age table is titled by (whole years; the average rounded
    to one decimal, half up), in one statement. A joint activity counts in the year it starts."""
    t = aggregates.T
    sql = f"""
        WITH people AS (
            SELECT s.id, s.birth_date FROM {t["staff"]} s
            WHERE s.school_id = %(school)s
              AND {present_during_sql("s")}
        ),
        on_day AS (
            SELECT s.id, s.birth_date FROM {t["staff"]} s
            WHERE s.school_id = %(school)s
              AND {present_during_sql("s", start="%(on)s", end="%(on)s")}
        ),
        ages AS (
            SELECT date_part('year', age(%(on)s::date, birth_date))::int AS age
            FROM on_day WHERE birth_date IS NOT NULL
        ),
        ach AS (
            SELECT ac.staff_id, ac.kind, ac.result
            FROM {t["achievement"]} ac JOIN people s ON s.id = ac.staff_id
            WHERE ac.date BETWEEN %(start)s AND %(end)s
        )
        SELECT
            (SELECT count(*) FROM on_day) AS age_staff,
            (SELECT count(*) FROM ages) AS age_known,
            (SELECT round(avg(age), 1) FROM ages) AS age_average,
            {_age_columns()},
            (SELECT count(DISTINCT staff_id) FROM ach WHERE kind = %(contest)s) AS contestants,
            (SELECT count(DISTINCT staff_id) FROM ach
              WHERE kind = %(contest)s AND result = ANY(%(prizes)s)) AS contest_prize_winners,
            (SELECT count(DISTINCT staff_id) FROM ach WHERE kind = %(publication)s) AS authors,
            (SELECT count(*) FROM ach WHERE kind = %(publication)s) AS publications,
            (SELECT count(*) FROM {t["day"]} d
              WHERE d.school_id = %(school)s AND d.date BETWEEN %(start)s AND %(end)s
                AND d.status = ANY(%(day_held)s)) AS problem_days,
            (SELECT count(*) FROM {t["joint"]} j
              WHERE j.school_id = %(school)s AND j.starts_on BETWEEN %(start)s AND %(end)s
                AND j.status = %(joint_held)s) AS joint_activities
    """  # nosec B608 # model table names only
    params = {
        "school": school_id,
        "start": start,
        "end": end,
        "on": on,
        "contest": Achievement.Kind.CONTEST.value,
        "publication": Achievement.Kind.PUBLICATION.value,
        "prizes": [Achievement.Result.PRIZE_WINNER.value, Achievement.Result.WINNER.value],
        "day_held": [ProblemDay.Status.HELD.value, ProblemDay.Status.REFLECTED.value],
        "joint_held": JointActivity.Status.HELD.value,
    }
    with connection.cursor() as cursor:
        aggregates.execute_named(cursor, sql, params)
        columns = [column.name for column in cursor.description]
        return dict(zip(columns, cursor.fetchone(), strict=True))


# The network community's figures of the report (0 for a school without staff).
_COMMUNITY_FIGURES = (
    "in_network_events",
    "in_association_meetings",
    "shared_materials",
    "shared_materials_items",
    "commented_items",
    "answered_items",
)


def annual_report(*, school, year: int, now=None) -> AnnualReport:
    """The report of `school` for the academic year starting on 1 September of `year`."""
    now = now or timezone.now()
    period = academic_year(year)
    start_at, end_at = period.bounds(school.time_zone)
    years = range(year - CATEGORY_YEARS + 1, year + 1)
    category_rows = aggregates.category_counts(
        schools=[school.pk], dates={y: datetime.date(y, REFERENCE_MONTH, REFERENCE_DAY) for y in years}
    )
    by_year = {row["year"]: row for row in category_rows}
    categories = [
        CategoryYear(
            year=y,
            on=datetime.date(y, REFERENCE_MONTH, REFERENCE_DAY),
            headcount=by_year.get(y, {}).get("headcount", 0),
            highest=by_year.get(y, {}).get("highest", 0),
            first=by_year.get(y, {}).get("first", 0),
        )
        for y in years
    ]
    [participation] = aggregates.participation_counts(
        schools=[school.pk], start=period.start, end=period.end, start_at=start_at, end_at=end_at
    ) or [{"staff": 0, "covered": 0, "in_network": 0}]
    participation = dict.fromkeys(_COMMUNITY_FIGURES, 0) | participation
    [visits] = aggregates.timeliness_counts(schools=[school.pk], start_at=start_at, end_at=end_at, now=now) or [
        {"visits_held": 0, "on_time": 0}
    ]
    on = datetime.date(year, REFERENCE_MONTH, REFERENCE_DAY)
    activities = _activities(school_id=school.pk, start=period.start, end=period.end, on=on)
    ages = Ages(
        on=on,
        staff=activities["age_staff"],
        known=activities["age_known"],
        average=activities["age_average"],
        bands={key: activities[f"age_{key}"] for key, *_rest in AGE_BANDS},
    )
    readiness = round_readiness(school_id=school.pk, start=period.start, end=period.end)

    staff = participation["staff"]
    on_first = categories[-1]
    with_category = on_first.highest + on_first.first
    criteria = [
        Criterion("staff", _("Teachers on the staff during the academic year"), staff),
        Criterion(
            "with_category",
            interpolate_lazy(
                _("Teachers with a qualification category (highest and first) on %(date)s"),
                {"date": f"{on_first.on:%d.%m.%Y}"},
            ),
            with_category,
            percent(with_category, on_first.headcount),
        ),
        Criterion(
            "covered",
            _("Coverage: teachers in at least one form of professional collaboration"),
            participation["covered"],
            percent(participation["covered"], staff),
        ),
        Criterion(
            "network_projects",
            _("Teachers taking part in network projects"),
            participation["in_network"],
            percent(participation["in_network"], staff),
        ),
        Criterion(
            "network_events",
            _("Teachers who led or attended network events"),
            participation["in_network_events"],
            percent(participation["in_network_events"], staff),
        ),
        Criterion(
            "association_meetings",
            _("Teachers present at meetings of methodical associations"),
            participation["in_association_meetings"],
            percent(participation["in_association_meetings"], staff),
        ),
        # The network community: how many, never who.
        Criterion(
            "shared_materials",
            _("Teachers who shared their materials with colleagues"),
            participation["shared_materials"],
            percent(participation["shared_materials"], staff),
        ),
        Criterion(
            "materials_shared",
            _("Materials and new versions shared with colleagues"),
            participation["shared_materials_items"],
        ),
        Criterion(
            "community_replies",
            _("Comments on colleagues' materials and answers to their questions"),
            participation["commented_items"] + participation["answered_items"],
        ),
        Criterion(
            "contestants",
            _("Teachers taking part in professional contests"),
            activities["contestants"],
            percent(activities["contestants"], staff),
        ),
        Criterion(
            "prize_winners",
            _("Teachers who were prize winners and winners of contests"),
            activities["contest_prize_winners"],
            percent(activities["contest_prize_winners"], staff),
        ),
        Criterion(
            "authors",
            _("Teachers with publications"),
            activities["authors"],
            percent(activities["authors"], staff),
        ),
        Criterion(
            "publications",
            _("Publications in scholarly and methodological journals and online resources"),
            activities["publications"],
        ),
        Criterion("problem_days", _("Problem-theme days held"), activities["problem_days"]),
        Criterion("joint_activities", _("Joint activities with partners held"), activities["joint_activities"]),
        Criterion("visits_held", _("Lesson visits held"), visits["visits_held"]),
        Criterion(
            "visits_on_time",
            _("of them debriefed on time"),
            visits["on_time"],
            percent(visits["on_time"], visits["visits_held"]),
        ),
    ]
    return AnnualReport(
        school_name=school.name,
        year=year,
        criteria=criteria,
        categories=categories,
        ages=ages,
        readiness=readiness,
    )
