"""Reads of staff surveys, scoped to a school. Pages read the stored analysis:
they never compute the graph, and nothing here returns who named whom."""

import datetime
from dataclasses import dataclass, field
from math import sqrt

from django.db.models import Count, Exists, F, OuterRef, Q, Subquery

from apps.core.json_rows import set_prefetched
from apps.core.prepared import Param, prepared_query
from apps.core.shares import percent
from apps.staff.models import StaffMember

from .disclosure import COUNT, FEW, HIDDEN, NOBODY, OTHERS
from .models import SurveyAnswer, SurveyNodeMetric, SurveyParticipant, SurveyRound, SurveyTie

MAX_ID = 2**63 - 1


def round_list(*, school):
    """The school's rounds with their participant and answer counts."""
    return (
        SurveyRound.objects.for_school(school)
        .annotate(
            participant_count=Count("participants", distinct=True),
            answer_count=Count("participants", filter=Q(participants__answered_at__isnull=False), distinct=True),
        )
        .order_by("-closes_on", "-pk")
    )


def my_rounds(*, school, user):
    """Rounds the user's staff card takes part in, with whether they answered."""
    mine = SurveyParticipant.objects.filter(round=OuterRef("pk"), staff__user=user)
    answered = mine.filter(answered_at__isnull=False)
    return (
        SurveyRound.objects.for_school(school)
        .filter(Exists(mine))
        .annotate(answered=Exists(answered))
        .order_by("-closes_on", "-pk")
    )


def round_one(*, school, pk):
    """The school's round `pk` with its analysis (and the round it was compared with), or
    None: a prepared query (apps.core.prepared), compiled once per process."""
    if not 0 < pk <= MAX_ID:
        return None  # no such row, and a number a bigint cannot hold would be a database error
    return _round_one.first(school_id=school.pk, pk=pk)


@prepared_query
def _round_one():
    rounds = SurveyRound.objects.for_school(Param("school_id"))
    return rounds.select_related("analysis", "analysis__compared_with", "school").filter(pk=Param("pk"))


def participant_of(*, survey_round, respondent):
    """The respondent's participation in the round, or None."""
    found = _participant_of.first(round_id=survey_round.pk, staff_id=respondent.pk)
    if found is not None:
        found._state.fields_cache["round"] = survey_round
    return found


@prepared_query
def _participant_of():
    return SurveyParticipant.objects.filter(round_id=Param("round_id"), staff_id=Param("staff_id")).order_by("pk")


def answer_of(*, survey_round, respondent):
    """The respondent's own answer with its ties (shown only to them, while open), or None."""
    found = _answer_of.first(round_id=survey_round.pk, respondent_id=respondent.pk)
    if found is not None:
        set_prefetched(found, "ties", SurveyTie, _ties_of.rows(answer_id=found.pk))
    return found


@prepared_query
def _answer_of():
    return SurveyAnswer.objects.filter(round_id=Param("round_id"), respondent_id=Param("respondent_id")).order_by("pk")


@prepared_query
def _ties_of():
    return SurveyTie.objects.filter(answer_id=Param("answer_id")).order_by("pk")


def colleagues_of(*, round_id, respondent_id):
    """The round's participants other than the respondent, by name."""
    return (
        StaffMember.objects.filter(survey_participations__round_id=round_id)
        .exclude(pk=respondent_id)
        .order_by("last_name", "first_name", "pk")
    )


def colleague_rows(*, survey_round, respondent):
    """`colleagues_of` as a list, from a prepared query: the choices of the answer's questions."""
    return _colleagues.rows(round_id=survey_round.pk, respondent_id=respondent.pk)


@prepared_query
def _colleagues():
    return colleagues_of(round_id=Param("round_id"), respondent_id=Param("respondent_id"))


def results_visible(survey_round):
    analysis = getattr(survey_round, "analysis", None)
    return analysis is not None and analysis.respondents >= survey_round.min_respondents


@dataclass(frozen=True)
class RoundReadiness:
    """Readiness to interact in a school's latest closed round of a period: the share
    of respondents whose readiness items average above the scale's midpoint, only when
    the round's results may be shown (`results_visible`) and the count gives no one's
    answer away (disclosure.share_release). `status` says which, when not shown."""

    NO_ROUND, NOT_ANALYSED, TOO_FEW, WITHHELD, SHOWN = "no_round", "not_analysed", "too_few", "withheld", "shown"

    status: str = NO_ROUND
    round_name: str = ""
    closes_on: datetime.date | None = None
    respondents: int | None = None
    min_respondents: int | None = None
    ready: int | None = None
    share: int | None = None


def round_readiness(*, school_id, start, end) -> RoundReadiness:
    """The school's latest round closed with its last day between `start` and `end` (both
    included), and what may be shown of its readiness to interact. One query."""
    survey_round = (
        SurveyRound.objects.filter(
            school_id=school_id, closed_at__isnull=False, closes_on__gte=start, closes_on__lte=end
        )
        .select_related("analysis")
        .only("pk", "name", "closes_on", "min_respondents", "analysis__respondents", "analysis__above_midpoint")
        .order_by("-closes_on", "-pk")
        .first()
    )
    if survey_round is None:
        return RoundReadiness()
    known = {
        "round_name": survey_round.name,
        "closes_on": survey_round.closes_on,
        "min_respondents": survey_round.min_respondents,
    }
    analysis = getattr(survey_round, "analysis", None)
    if analysis is None:
        return RoundReadiness(RoundReadiness.NOT_ANALYSED, **known)
    known["respondents"] = analysis.respondents
    if not results_visible(survey_round):
        return RoundReadiness(RoundReadiness.TOO_FEW, **known)
    if analysis.above_midpoint is None:
        return RoundReadiness(RoundReadiness.WITHHELD, **known)
    return RoundReadiness(
        RoundReadiness.SHOWN,
        **known,
        ready=analysis.above_midpoint,
        share=percent(analysis.above_midpoint, analysis.respondents),
    )


@dataclass
class Picture:
    """The network picture: the programme's ties as lines, each person a dot in a 0–100 box."""

    nodes: list = field(default_factory=list)  # dicts: x, y, r, named, label
    programme: list = field(default_factory=list)  # (x1, y1, x2, y2)


def _scale(value):
    # A margin wide enough for a name written under a dot at the edge.
    return round(14 + 72 * value, 2)


# A dot's size by what may be shown of how often the person is named.
DOT = {NOBODY: 1.6, FEW: 2.2, HIDDEN: 2.2}


def _dot(metric):
    if metric.named == COUNT:
        return round(min(4.2, 2.2 + 0.4 * sqrt(metric.named_by - OTHERS)), 2)
    return DOT[metric.named]


def network_picture(*, analysis, metrics, show_names):
    """Dots where the programme's ties (visits, pairs, teams) put them, those
    ties as lines, and each dot sized and coloured by what the analysis may show
    of how often that person was named. No line and no dot's place comes from
    the answers: who named whom is not drawn, so the picture shows nothing the
    counts do not. Labels only when names are shown."""
    at = {m.staff_id: (_scale(m.x), _scale(m.y)) for m in metrics}
    picture = Picture()
    for m in sorted(metrics, key=lambda m: (m.y, m.x, m.staff_id)):
        x, y = at[m.staff_id]
        picture.nodes.append(
            {
                "x": x,
                "y": y,
                "r": _dot(m),
                "named": m.named,
                "label": m.staff.short_name if show_names else "",
            }
        )
    for tie in analysis.programme_ties:
        a, b = tie[0], tie[1]
        if a in at and b in at:
            picture.programme.append((*at[a], *at[b]))
    picture.programme.sort()
    return picture


# Most named first: exact counts, then «1–3», then named by no one.
_NAMED_ORDER = {COUNT: 0, FEW: 1, NOBODY: 2, HIDDEN: 3}


def round_results(*, survey_round):
    """The stored metrics of an analysed round with the staff loaded, most named
    first (by what may be shown, then by name): one query."""
    metrics = list(
        SurveyNodeMetric.objects.filter(round=survey_round)
        .select_related("staff")
        .order_by(F("named_by").desc(nulls_last=True), "staff__last_name", "staff__first_name", "pk")
    )
    return sorted(metrics, key=lambda m: _NAMED_ORDER[m.named])


@dataclass
class NetworkPositions:
    """Where people stand in the school's latest analysed round (for suggestions),
    as far as its results may be shown."""

    named_by: dict = field(default_factory=dict)  # staff id -> count, for those with a count shown
    isolates: set = field(default_factory=set)
    well_connected: set = field(default_factory=set)  # named by 4 or more, in the top third

    def __bool__(self):
        return bool(self.named_by or self.isolates)


@prepared_query
def _latest_metrics():
    """Each person's metrics of the school's latest analysed round that may be shown:
    a team's or a mentor group's page asks it, compiled once per process."""
    latest = (
        SurveyRound.objects.filter(
            school_id=Param("school_id"),
            analysed_at__isnull=False,
            analysis__respondents__gte=F("min_respondents"),
            analysis__ties_shown=True,
        )
        .order_by("-closes_on", "-pk")
        .values("pk")[:1]
    )
    return SurveyNodeMetric.objects.filter(round=Subquery(latest)).values_list("staff_id", "named", "named_by")


def latest_network_positions(*, school):
    """The metrics of the school's latest analysed round whose counts may be
    shown (enough answers, not withheld). One query; empty if there is none."""
    rows = _latest_metrics.rows(school_id=school.pk)
    positions = NetworkPositions()
    for staff_id, named, named_by in rows:
        if named == NOBODY:
            positions.isolates.add(staff_id)
        elif named == COUNT:
            positions.named_by[staff_id] = named_by
    # The top third of everyone by count; «1–3» and no one rank below any count.
    degrees = sorted((positions.named_by.get(pk, 0) for pk, _named, _count in rows), reverse=True)
    if positions.named_by:
        threshold = degrees[max(0, -(-len(degrees) // 3) - 1)]
        positions.well_connected = {pk for pk, count in positions.named_by.items() if count >= threshold}
    return positions
