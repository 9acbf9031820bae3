"""Reads of staff surveys, scoped to a school. Pages read the stored analysis:
they never compute the graph, and nothing here returns who named whom."""

from dataclasses import dataclass, field

from django.db.models import Count, Exists, F, OuterRef, Q, Subquery

from apps.staff.models import StaffMember

from .models import SurveyAnswer, SurveyNodeMetric, SurveyParticipant, SurveyRound


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


def answer_of(*, survey_round, respondent):
    """The respondent's own answer with its ties (shown only to them, while open)."""
    return SurveyAnswer.objects.filter(round=survey_round, respondent=respondent).prefetch_related("ties").first()


def colleagues_of(*, survey_round, respondent):
    """The round's participants other than the respondent, by name."""
    return (
        StaffMember.objects.filter(survey_participations__round=survey_round)
        .exclude(pk=respondent.pk)
        .order_by("last_name", "first_name", "pk")
    )


def results_visible(survey_round):
    analysis = getattr(survey_round, "analysis", None)
    return analysis is not None and analysis.respondents >= survey_round.min_respondents


@dataclass
class Picture:
    """The network picture: undirected lines and dots in a 0–100 box."""

    nodes: list = field(default_factory=list)  # dicts: x, y, r, isolate, closed, label
    reported: list = field(default_factory=list)  # (x1, y1, x2, y2)
    programme: list = field(default_factory=list)


def _scale(value):
    # A margin wide enough for a name written under a dot at the edge.
    return round(14 + 72 * value, 2)


def network_picture(*, analysis, metrics, show_names):
    """Lines of the reported ties and the programme's ties at the same positions.
    Labels only when names are shown (the administrator asked for them).

    Nothing in the picture tells a tie's direction: every dot is the same size
    (how often a person is named is not drawn), and no reported line touches a
    person named by no one (such a line could only be their own answer). Lines
    are in the order of their positions, not of anybody's id."""
    at = {m.staff_id: (_scale(m.x), _scale(m.y)) for m in metrics}
    isolates = {m.staff_id for m in metrics if m.is_isolate}
    picture = Picture()
    for m in sorted(metrics, key=lambda m: (m.y, m.x, m.staff_id)):
        x, y = at[m.staff_id]
        picture.nodes.append(
            {
                "x": x,
                "y": y,
                "r": 2.2,
                "isolate": m.is_isolate,
                "closed": m.in_closed_group,
                "label": m.staff.short_name if show_names else "",
            }
        )
    for ties, target, skip in (
        (analysis.picture_ties, picture.reported, isolates),
        (analysis.programme_ties, picture.programme, set()),
    ):
        for tie in ties:
            a, b = tie[0], tie[1]
            if a in at and b in at and a not in skip and b not in skip:
                target.append((*at[a], *at[b]))
        target.sort()
    return picture


def round_results(*, survey_round):
    """The stored metrics of an analysed round with the staff loaded: one query."""
    return list(
        SurveyNodeMetric.objects.filter(round=survey_round)
        .select_related("staff")
        .order_by("-in_degree", "staff__last_name", "staff__first_name", "pk")
    )


@dataclass
class NetworkPositions:
    """Where people stand in the school's latest analysed round (for suggestions)."""

    in_degree: dict = field(default_factory=dict)
    isolates: set = field(default_factory=set)
    closed_group: dict = field(default_factory=dict)  # staff id -> group index
    well_connected: set = field(default_factory=set)  # in-degree in the top third

    def __bool__(self):
        return bool(self.in_degree)


def latest_network_positions(*, school):
    """The metrics of the school's latest analysed round with enough answers to
    be shown. One query; empty if there is none."""
    latest = (
        SurveyRound.objects.filter(
            school=school, analysed_at__isnull=False, analysis__respondents__gte=F("min_respondents")
        )
        .order_by("-closes_on", "-pk")
        .values("pk")[:1]
    )
    rows = list(
        SurveyNodeMetric.objects.filter(round=Subquery(latest)).values_list(
            "staff_id", "in_degree", "is_isolate", "closed_group"
        )
    )
    positions = NetworkPositions()
    for staff_id, in_degree, is_isolate, group in rows:
        positions.in_degree[staff_id] = in_degree
        if is_isolate:
            positions.isolates.add(staff_id)
        if group is not None:
            positions.closed_group[staff_id] = group
    degrees = sorted(positions.in_degree.values(), reverse=True)
    if degrees:
        threshold = degrees[max(0, -(-len(degrees) // 3) - 1)]
        positions.well_connected = {
            pk for pk, degree in positions.in_degree.items() if degree > 0 and degree >= threshold
        }
    return positions
