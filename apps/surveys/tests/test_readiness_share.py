"""Readiness to interact, the yearly report's figure: how many respondents' readiness items
average above the scale's midpoint, stored by the analysis only where it gives no one's
answer away, and read back only when the round met its minimum."""

import itertools

import pytest

from apps.staff.tests.factories import StaffMemberFactory
from apps.surveys.disclosure import share_release
from apps.surveys.models import READINESS_MIDPOINT, SurveyAnswer, SurveyTie
from apps.surveys.selectors import RoundReadiness, round_readiness
from apps.surveys.services import survey_answer_submit, survey_round_analyse, survey_round_close
from apps.surveys.tests.factories import SurveyRoundFactory

ITEMS = list(SurveyAnswer.READINESS_ITEMS)


def test_the_midpoint_is_the_middle_of_the_one_to_five_scale():
    assert READINESS_MIDPOINT == 3


@pytest.mark.parametrize("answers", [5, 6, 7, 8])
def test_a_released_count_leaves_every_other_respondents_side_open(answers):
    """Every way the respondents can fall on either side of the midpoint is tried: where the
    count is released, for any viewer (who knows their own side) and any other respondent,
    another way with the same count and the viewer's side unchanged puts that respondent on
    the other side."""
    ways = list(itertools.product((False, True), repeat=answers))
    for sides in ways:
        shown = share_release(part=sum(sides), answers=answers)
        assert shown in (None, sum(sides))
        if shown is None:
            continue
        for viewer, other in itertools.permutations(range(answers), 2):
            assert any(
                share_release(part=sum(alike), answers=answers) == shown
                and alike[viewer] == sides[viewer]
                and alike[other] != sides[other]
                for alike in ways
            ), (sides, viewer, other)
    assert share_release(part=answers, answers=answers) is None  # everyone: each one's side known
    assert share_release(part=1, answers=answers) is None
    assert share_release(part=2, answers=answers) == 2


def _round(school, readiness):
    people = [StaffMemberFactory(school=school) for _ in readiness]
    survey_round = SurveyRoundFactory(school=school, people=people, min_respondents=5)
    for person, scores in zip(people, readiness, strict=True):
        survey_answer_submit(
            survey_round=survey_round,
            respondent=person,
            choices={SurveyTie.Kind.ADVICE: []},
            readiness=dict(zip(ITEMS, scores, strict=True)),
        )
    survey_round_close(survey_round=survey_round)
    return survey_round_analyse(round_id=survey_round.pk)


@pytest.mark.django_db
def test_the_analysis_counts_respondents_above_the_midpoint(school):
    analysis = _round(
        school,
        [
            (4, 4, 4, 4),
            (5, 3, 3, 2),  # 13: above
            (3, 3, 3, 3),  # 12: on the midpoint, not above
            (1, 5, 5, 1),  # 12
            (5, 5, 5, 5),
            (2, 4, 4, 4),  # 14
        ],
    )
    assert (analysis.respondents, analysis.above_midpoint) == (6, 4)
    figure = round_readiness(school_id=school.pk, start=analysis.round.closes_on, end=analysis.round.closes_on)
    assert (figure.status, figure.ready, figure.respondents, figure.share) == (RoundReadiness.SHOWN, 4, 6, 67)


@pytest.mark.django_db
def test_the_analysis_withholds_a_count_that_tells_each_ones_side(school):
    analysis = _round(school, [(4, 4, 4, 4)] * 5 + [(2, 2, 2, 2)])
    assert analysis.above_midpoint is None  # five of six: the one below would be known to the others
    figure = round_readiness(school_id=school.pk, start=analysis.round.closes_on, end=analysis.round.closes_on)
    assert (figure.status, figure.share) == (RoundReadiness.WITHHELD, None)


@pytest.mark.django_db
def test_below_the_rounds_minimum_nothing_is_read_back(school):
    analysis = _round(school, [(4, 4, 4, 4)] * 3 + [(2, 2, 2, 2)] * 3)
    survey_round = analysis.round
    survey_round.min_respondents = 7
    survey_round.save(update_fields=["min_respondents"])
    figure = round_readiness(school_id=school.pk, start=survey_round.closes_on, end=survey_round.closes_on)
    assert (figure.status, figure.respondents, figure.min_respondents, figure.share) == (
        RoundReadiness.TOO_FEW,
        6,
        7,
        None,
    )
