"""Disclosure control: the director, who answered the survey himself, cannot work out any
colleague's answer from what the results show him (page, names, picture, workbook).

Two checks, for a round of 3 respondents and one of 5:
- rendered: for every other respondent there is another set of answers, differing in whom
  that respondent named, under which everything the director is shown is the same, character
  for character (bar CSRF tokens) and cell for cell;
- enumerated: every set of answers the other respondents could have given is tried against
  the release rule (apps/surveys/disclosure.py); of those that show the director exactly what
  the real ones show, every other respondent keeps more than one possible answer (whom they
  named, and each readiness score).
"""

import io
import itertools
import re

import numpy as np
import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse
from openpyxl import load_workbook

from apps.staff.tests.factories import StaffMemberFactory
from apps.surveys.disclosure import readiness_release, ties_release
from apps.surveys.models import SurveyAnalysis, SurveyAnswer, SurveyNodeMetric, SurveyRound, SurveyTie
from apps.surveys.services import survey_answer_submit, survey_round_analyse, survey_round_close
from apps.surveys.tests.factories import SurveyRoundFactory
from conftest import client_for

pytestmark = pytest.mark.django_db

ITEMS = list(SurveyAnswer.READINESS_ITEMS)
MOST = len(SurveyTie.Kind.values) * 5  # max_choices 5: never binding in rounds this small


def _person(school, name, user=None):
    return StaffMemberFactory(school=school, last_name=name, first_name="Ия", patronymic="", user=user)


@pytest.fixture
def people(school, administrator, curator, teacher):
    """The director (the administrator), a curator and a teacher have staff cards and take part."""
    cards = {"Директоров": administrator, "Кураторова": curator, "Учителева": teacher}
    names = ["Директоров", "Кураторова", "Учителева", "Алексеева", "Борисова", "Новикова"]
    return {name: _person(school, name, user=cards.get(name)) for name in names}


def _answer(survey_round, who, named, readiness):
    # Whom they named goes to the advice question; the questions are never shown apart.
    survey_answer_submit(
        survey_round=survey_round,
        respondent=who,
        choices={SurveyTie.Kind.ADVICE: list(named)},
        readiness=dict(zip(ITEMS, readiness, strict=True)),
    )


def _round(school, people, answers):
    """A closed, analysed round of all `people`; `answers`: name -> (named names, readiness)."""
    survey_round = SurveyRoundFactory(school=school, people=list(people.values()))
    for name, (named, readiness) in answers.items():
        _answer(survey_round, people[name], [people[n] for n in named], readiness)
    survey_round_close(survey_round=survey_round)
    survey_round_analyse(round_id=survey_round.pk)
    return survey_round


# A form's CSRF token is new on every page: the only part that may differ.
TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="[^"]+"')


def _seen(survey_round, viewer):
    """Everything the viewer is shown of the round's results: both pages and the workbook."""
    client = client_for(viewer)
    url = reverse("surveys:results", args=[survey_round.pk])
    pages = [TOKEN.sub("csrf", client.get(u).content.decode()) for u in (url, url + "?names=1")]
    export = client.get(reverse("surveys:results_export", args=[survey_round.pk]))
    cells = None
    if export.status_code == 200:
        book = load_workbook(io.BytesIO(export.content))
        cells = [[list(row) for row in sheet.iter_rows(values_only=True)] for sheet in book]
    return pages, export.status_code, cells


def _rows(survey_round):
    """Whom each respondent named: {staff id: {staff id, ...}}."""
    rows = {}
    for answer in SurveyAnswer.objects.filter(round=survey_round).prefetch_related("ties"):
        rows[answer.respondent_id] = {tie.target_id for tie in answer.ties.all()}
    return rows


def _reanalyse_with(survey_round, rows):
    """The same round had its respondents named `rows` instead: ties replaced, analysed afresh."""
    SurveyTie.objects.filter(answer__round=survey_round).delete()
    answers = {a.respondent_id: a for a in SurveyAnswer.objects.filter(round=survey_round)}
    SurveyTie.objects.bulk_create(
        SurveyTie(answer=answers[who], respondent_id=who, kind=SurveyTie.Kind.ADVICE, target_id=target)
        for who, named in rows.items()
        for target in named
    )
    SurveyAnalysis.objects.filter(round=survey_round).delete()
    SurveyNodeMetric.objects.filter(round=survey_round).delete()
    SurveyRound.objects.filter(pk=survey_round.pk).update(analysed_at=None)
    survey_round_analyse(round_id=survey_round.pk)


def _handovers(rows, respondent, viewer):
    """Other answers the round could have had: one naming handed from `respondent` to another
    respondent who had not made it (or to `respondent` from one who had), never the viewer's."""
    others = [b for b in rows if b not in (respondent, viewer)]
    for target in sorted({t for named in rows.values() for t in named} | set(rows)):
        if target == respondent:
            continue
        for b in others:
            if b == target:
                continue
            giver, taker = (respondent, b) if target in rows[respondent] else (b, respondent)
            if target in rows[giver] and target not in rows[taker]:
                yield {**rows, giver: rows[giver] - {target}, taker: rows[taker] | {target}}


def _assert_no_answer_can_be_worked_out_from_the_rendered_results(survey_round, director_card, director):
    real = _rows(survey_round)
    seen = _seen(survey_round, director)
    for respondent in real:
        if respondent == director_card.pk:
            continue
        for alternative in _handovers(real, respondent, director_card.pk):
            _reanalyse_with(survey_round, alternative)
            if _seen(survey_round, director) == seen:
                break
        else:
            pytest.fail(f"the director can tell whom respondent {respondent} named: no other answer looks the same")
    _reanalyse_with(survey_round, real)
    assert _seen(survey_round, director) == seen


# The round of three: the director, a curator and a teacher answered.

THREE = {
    "Директоров": (["Кураторова", "Учителева"], (4, 4, 4, 4)),
    "Кураторова": (["Директоров", "Алексеева"], (5, 4, 3, 4)),
    "Учителева": (["Директоров"], (3, 2, 4, 3)),
}


def test_in_a_round_of_three_the_director_is_shown_nothing_but_the_count(school, people, administrator):
    """A round could once show its results from three answers; the database refuses that now,
    and a round with the least minimum it may have keeps three answers' results hidden."""
    with pytest.raises(IntegrityError), transaction.atomic():
        SurveyRoundFactory(school=school, people=list(people.values()), min_respondents=3)
    survey_round = _round(school, people, THREE)
    pages, export_status, _cells = _seen(survey_round, administrator)
    for html in pages:
        assert 'data-testid="results-hidden"' in html
        # no picture of the ties (the navbar's sprite icons are svg too)
        assert "survey-picture" not in html and 'data-testid="top-named"' not in html
        assert "назвал" not in html and "named by" not in html
        for name in ("Кураторова", "Учителева", "Алексеева", "Борисова", "Новикова"):
            assert name not in html
    assert export_status == 302


def test_in_a_round_of_three_no_answer_fits_only_one_way():
    """The rule itself, had the round's results been shown: with two other respondents it
    withholds every count, so each of them keeps every answer they could have given. What
    the page used to show (each person's count, and a line between any two colleagues with a
    tie) let the director work the curator's and the teacher's answers out."""
    people = [1, 2, 3, 4, 5]  # 1 the director, 2 the curator, 3 the teacher answered
    rows = {1: {2, 3}, 2: {1, 4}, 3: {1}}
    assert not _release(people, rows).shown
    possible = _answers_that_fit(people, rows, viewer=1, view=lambda rows: _release(people, rows))
    assert possible == {other: _every_answer(people, other) for other in (2, 3)}
    # The grid used for the round of five finds the same, here where one by one is quick.
    assert _consistent_rows(people, rows, viewer=1) == possible

    def old_page(rows):
        counts = tuple(sum(1 for named in rows.values() if x in named) for x in people)
        lines = {frozenset((who, x)) for who, named in rows.items() for x in named}
        return counts, lines

    possible = _answers_that_fit(people, rows, viewer=1, view=old_page)
    assert possible == {2: [{1, 4}], 3: [{1}]}


# The round of five: two more teachers answered; one colleague did not.

FIVE = {
    "Директоров": (["Кураторова", "Учителева"], (4, 4, 5, 3)),
    "Кураторова": (["Директоров", "Алексеева", "Борисова"], (5, 4, 5, 4)),
    "Учителева": (["Кураторова", "Алексеева"], (3, 4, 4, 2)),
    "Алексеева": (["Кураторова", "Учителева"], (4, 5, 5, 3)),
    "Борисова": (["Директоров", "Кураторова", "Алексеева"], (3, 3, 4, 2)),
}


def test_in_a_round_of_five_the_director_sees_banded_counts(school, people, administrator):
    survey_round = _round(school, people, FIVE)
    pages, export_status, cells = _seen(survey_round, administrator)
    plain, named = pages
    top = named.split('data-testid="top-named"')[1].split("</ol>")[0]
    assert "Кураторова" in top and "4" in top  # named by the four others
    assert top.count("1–3") == 4  # Алексеева 3, Директоров 2, Учителева 2, Борисова 1
    assert "Новикова" in named.split('data-testid="isolates"')[1].split("</ul>")[0]
    assert 'data-testid="counts-rule"' in plain
    # Shares materials: 23 of at most 25, near enough to 5 to give answers away.
    readiness = plain.split('data-testid="readiness"')[1].split("</dl>")[0]
    assert readiness.count("—") == 1
    assert export_status == 200
    people_sheet = cells[1]
    assert ["Кураторова Ия", 4, None] in people_sheet and ["Новикова Ия", None, "да"] in people_sheet
    assert all(row[1] in (4, "1–3", None) for row in people_sheet[1:])


def test_in_a_round_of_five_the_director_cannot_work_out_any_answer_from_what_he_is_shown(
    school, people, administrator
):
    survey_round = _round(school, people, FIVE)
    _assert_no_answer_can_be_worked_out_from_the_rendered_results(survey_round, people["Директоров"], administrator)


def test_in_a_round_of_five_every_answer_fits_more_than_one_way(school, people):
    """All 32⁴ sets of answers of the four others are tried against the rule."""
    survey_round = _round(school, people, FIVE)
    ids = [p.pk for p in people.values()]
    rows = _rows(survey_round)
    director = people["Директоров"].pk
    analysis = survey_round.analysis
    release = _release(ids, rows)
    # What the page shows is what the rule releases.
    assert analysis.ties_shown and analysis.ties == release.ties
    stored = {m.staff_id: (m.named, m.named_by) for m in SurveyNodeMetric.objects.filter(round=survey_round)}
    assert stored == release.people
    possible = _consistent_rows(ids, rows, viewer=director)
    for other in rows:
        if other != director:
            assert len(possible[other]) > 1, f"only one answer of {other} fits what the director sees"
    # Each readiness score of each other respondent fits more than one way too.
    values = {a.respondent_id: a for a in SurveyAnswer.objects.filter(round=survey_round)}
    for item in ITEMS:
        mine = getattr(values[director], item)
        shown = readiness_release(total=sum(getattr(a, item) for a in values.values()), answers=len(values))
        assert analysis.readiness[item] == shown
        fits = [
            others
            for others in itertools.product(range(1, 6), repeat=len(values) - 1)
            if readiness_release(total=mine + sum(others), answers=len(values)) == shown
        ]
        for position in range(len(values) - 1):
            assert len({others[position] for others in fits}) > 1


# The enumeration


def _release(people, rows, most=MOST):
    named_by = {x: sum(1 for named in rows.values() if x in named) for x in people}
    return ties_release(named_by=named_by, respondents=set(rows), most=most)


def _every_answer(people, respondent, most=MOST):
    targets = [x for x in people if x != respondent]
    return [set(s) for k in range(min(len(targets), most) + 1) for s in itertools.combinations(targets, k)]


def _answers_that_fit(people, rows, *, viewer, view):
    """Every set of answers of the respondents other than the viewer, tried one by one:
    for each of them, the answers they could have given such that what `view` shows, with the
    viewer's own answer as it was, is what the real answers show."""
    others = [o for o in sorted(rows) if o != viewer]
    seen = view(rows)
    possible = {o: [] for o in others}
    for combination in itertools.product(*[_every_answer(people, o) for o in others]):
        world = {**rows, **dict(zip(others, combination, strict=True))}
        if view(world) == seen:
            for o, named in zip(others, combination, strict=True):
                if named not in possible[o]:
                    possible[o].append(named)
    return possible


def _consistent_rows(people, rows, *, viewer, most=MOST):
    """_answers_that_fit for the release rule, on a grid: the rule sees only how many named
    each person, so every combination of the others' answers is summed at once (numpy) and the
    rule asked once for each distinct count."""
    index = {x: i for i, x in enumerate(people)}
    respondents = set(rows)
    others = [o for o in sorted(rows) if o != viewer]

    def rule(named_by):
        result = ties_release(named_by=dict(zip(people, named_by, strict=True)), respondents=respondents, most=most)
        return (result.shown, result.ties, tuple(sorted(result.people.items())))

    choices = {}
    for o in others:
        sets = _every_answer(people, o, most)
        vectors = np.zeros((len(sets), len(people)), dtype=np.int16)
        for n, chosen in enumerate(sets):
            vectors[n, [index[x] for x in chosen]] = 1
        choices[o] = (sets, vectors)
    base = np.zeros(len(people), dtype=np.int16)
    if viewer in rows:
        base[[index[x] for x in rows[viewer]]] = 1
    # named_by of every combination: a grid with one axis per other respondent.
    total = base
    for axis, o in enumerate(others):
        shape = [1] * len(others) + [len(people)]
        shape[axis] = len(choices[o][0])
        total = total + choices[o][1].reshape(shape)
    # Each count vector as one number (digits base len(people) + 1): unique() on numbers is quick.
    digits = (len(people) + 1) ** np.arange(len(people), dtype=np.int64)
    keys = total.reshape(-1, len(people)).astype(np.int64) @ digits
    _keys, first, inverse = np.unique(keys, return_index=True, return_inverse=True)
    unique = total.reshape(-1, len(people))[first]
    real = base.copy()
    for o in others:
        real[[index[x] for x in rows[o]]] += 1
    seen = rule(tuple(int(v) for v in real))
    matches = np.array([rule(tuple(int(v) for v in row)) == seen for row in unique])
    fits = matches[inverse.reshape(-1)].reshape(total.shape[:-1])
    possible = {}
    for axis, o in enumerate(others):
        rest = tuple(a for a in range(len(others)) if a != axis)
        possible[o] = [choices[o][0][n] for n in np.flatnonzero(fits.any(axis=rest))]
    assert all(rows[o] in possible[o] for o in others)  # the real answers fit, of course
    return possible
