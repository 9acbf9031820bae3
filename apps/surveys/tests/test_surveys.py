"""Surveys: answering, confidentiality, reminders, the analysis and its use."""

import datetime
import functools
import io
import time

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.template import engines
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from apps.mentoring.selectors import mentor_suggestions
from apps.notifications.models import Notification
from apps.staff.services import category_award_create
from apps.staff.tests.factories import StaffMemberFactory
from apps.surveys.models import SurveyAnalysis, SurveyNodeMetric, SurveyParticipant, SurveyRound, SurveyTie
from apps.surveys.selectors import latest_network_positions
from apps.surveys.services import (
    survey_answer_submit,
    survey_round_analyse,
    survey_round_close,
    survey_round_create,
)
from apps.surveys.sweeps import surveys_sweep
from apps.surveys.tests.factories import SurveyRoundFactory
from apps.teams.selectors import composition_hints
from conftest import client_for

pytestmark = pytest.mark.django_db
READY = {"open_lessons": 4, "asks_advice": 3, "shares_materials": 5, "discusses_mistakes": 2}
ADVICE, LESSONS, TRUST = SurveyTie.Kind.ADVICE, SurveyTie.Kind.LESSONS, SurveyTie.Kind.TRUST


def person(school, name, user=None):
    return StaffMemberFactory(school=school, last_name=name, first_name="Ия", patronymic="", user=user)


def answer(survey_round, who, advice=(), lessons=(), trust=()):
    return survey_answer_submit(
        survey_round=survey_round,
        respondent=who,
        choices={ADVICE: list(advice), LESSONS: list(lessons), TRUST: list(trust)},
        readiness=READY,
    )


def closed_and_analysed(survey_round):
    survey_round_close(survey_round=survey_round)
    return survey_round_analyse(round_id=survey_round.pk)


@pytest.fixture
def staff(school, teacher):
    """Seven people with distinctive names; the teacher persona is Учителева."""
    names = ["Учителева", "Центрова", "Мостова", "Парова", "Парнова", "Одинокова", "Тихонова"]
    people = {name: person(school, name, user=teacher if name == "Учителева" else None) for name in names}
    return people


@pytest.fixture
def survey(school, staff):
    return SurveyRoundFactory(school=school, people=list(staff.values()))


@pytest.fixture
def answered(survey, staff):
    """Six of seven answer. Centrova (who does not answer) is named by four,
    Mostova by two, Parova and Parnova name only each other, Odinokova is named
    by no one."""
    s = staff
    answer(survey, s["Учителева"], advice=[s["Центрова"]], lessons=[s["Мостова"]])
    answer(survey, s["Мостова"], advice=[s["Центрова"]], trust=[s["Учителева"]])
    answer(survey, s["Одинокова"], advice=[s["Центрова"]], lessons=[s["Тихонова"]])
    answer(survey, s["Парова"], advice=[s["Парнова"]])
    answer(survey, s["Парнова"], advice=[s["Парова"]], trust=[s["Парова"]])
    answer(survey, s["Тихонова"], advice=[s["Центрова"]], lessons=[s["Мостова"]])
    return survey


# Answering


def test_teacher_answers_and_may_change_the_answer_while_open(survey, staff, teacher):
    client = client_for(teacher)
    url = reverse("surveys:answer", args=[survey.pk])
    data = {ADVICE: [staff["Центрова"].pk], LESSONS: [staff["Мостова"].pk], **READY}
    assert client.post(url, data).status_code == 302
    participant = SurveyParticipant.objects.get(round=survey, staff=staff["Учителева"])
    assert participant.answered_at is not None
    page = client.get(url)
    assert page.status_code == 200
    assert page.context["form"][ADVICE].value() == [staff["Центрова"].pk]  # their own answer, while open
    client.post(url, {ADVICE: [staff["Тихонова"].pk], **READY})
    targets = SurveyTie.objects.filter(respondent=staff["Учителева"]).values_list("target__last_name", flat=True)
    assert list(targets) == ["Тихонова"]


def test_too_many_choices_is_a_form_error_that_keeps_the_choices(school, survey, staff, teacher):
    survey.max_choices = 2
    survey.save()
    chosen = [staff["Центрова"].pk, staff["Мостова"].pk, staff["Тихонова"].pk]
    response = client_for(teacher).post(reverse("surveys:answer", args=[survey.pk]), {ADVICE: chosen, **READY})
    assert response.status_code == 200
    assert response.context["form"].errors[ADVICE]
    assert sorted(int(v) for v in response.context["form"][ADVICE].value()) == sorted(chosen)
    assert response.content.decode().count("checked") >= 3 + 4
    assert not SurveyTie.objects.exists()


def test_choosing_oneself_or_a_non_participant_is_an_error(school, survey, staff, teacher):
    outsider = person(school, "Посторонняя")
    client = client_for(teacher)
    url = reverse("surveys:answer", args=[survey.pk])
    for target in (staff["Учителева"], outsider):
        response = client.post(url, {TRUST: [target.pk], **READY})
        assert response.status_code == 200 and response.context["form"].errors[TRUST]
    assert not SurveyTie.objects.exists()
    with pytest.raises(Exception):  # noqa: B017 - the service refuses it too
        answer(survey, staff["Учителева"], trust=[staff["Учителева"]])


def test_answering_a_closed_round_gives_a_clear_message(survey, staff, teacher):
    survey_round_close(survey_round=survey)
    response = client_for(teacher).post(
        reverse("surveys:answer", args=[survey.pk]), {ADVICE: [staff["Центрова"].pk], **READY}, follow=True
    )
    assert response.status_code == 200
    assert "closed" in response.content.decode() or "закрыт" in response.content.decode()
    assert not SurveyTie.objects.exists()


def test_after_closing_the_teacher_sees_only_that_they_took_part(answered, staff, teacher):
    closed_and_analysed(answered)
    page = client_for(teacher).get(reverse("surveys:answer", args=[answered.pk]))
    html = page.content.decode()
    assert page.status_code == 200 and 'data-testid="survey-took-part"' in html
    assert "Центрова" not in html and "Мостова" not in html


def test_non_participant_is_sent_to_my_surveys(survey, curator):
    response = client_for(curator).get(reverse("surveys:answer", args=[survey.pk]))
    assert response.status_code == 302 and response["Location"] == reverse("surveys:my_surveys")


def test_my_surveys_lists_the_rounds_one_takes_part_in(survey, teacher, school):
    other = SurveyRoundFactory(school=school, name="Чужой опрос")
    html = client_for(teacher).get(reverse("surveys:my_surveys")).content.decode()
    assert survey.name in html and other.name not in html


@time_machine.travel(datetime.datetime(2026, 9, 20, 9, tzinfo=datetime.UTC))
def test_round_create_includes_everyone_by_default(school, staff, administrator):
    client = client_for(administrator)
    form = client.get(reverse("surveys:round_create")).context["form"]
    assert sorted(form["staff"].initial) == sorted(s.pk for s in staff.values())
    data = {
        "name": "Осень",
        "opens_on": "2026-10-01",
        "closes_on": "2026-10-14",
        "max_choices": 5,
        "min_respondents": 5,
        "staff": [s.pk for s in staff.values()],
    }
    assert client.post(reverse("surveys:round_create"), data).status_code == 302
    survey = SurveyRound.objects.get(name="Осень")
    assert survey.participants.count() == 7 and survey.school == school
    bad = client.post(reverse("surveys:round_create"), {**data, "closes_on": "2026-09-01", "max_choices": 11})
    assert bad.status_code == 200 and bad.context["form"].errors
    # A closing day already gone: nobody could answer.
    past = client.post(reverse("surveys:round_create"), {**data, "opens_on": "2026-09-01", "closes_on": "2026-09-10"})
    assert past.status_code == 200 and "closes_on" in past.context["form"].errors


@time_machine.travel(datetime.datetime(2026, 9, 20, 9, tzinfo=datetime.UTC))
def test_a_round_needs_five_answers_and_half_of_the_staff_included(school, administrator):
    people = [person(school, f"Коллега{i:02}") for i in range(12)]
    client = client_for(administrator)
    url = reverse("surveys:round_create")
    assert client.get(url).context["form"]["min_respondents"].initial == 6  # half of the twelve
    data = {
        "name": "Осень",
        "opens_on": "2026-10-01",
        "closes_on": "2026-10-14",
        "max_choices": 5,
        "staff": [p.pk for p in people],
    }
    for minimum in (3, 4, 5):  # below 5, and below half of twelve
        response = client.post(url, {**data, "min_respondents": minimum})
        assert response.status_code == 200 and "min_respondents" in response.context["form"].errors
        assert response.context["form"]["min_respondents"].value() == str(minimum)  # what was typed is kept
    assert "половин" in client.post(url, {**data, "min_respondents": 5}).content.decode()
    # Eight included: five answers are half of them and enough.
    assert client.post(url, {**data, "min_respondents": 5, "staff": data["staff"][:8]}).status_code == 302
    assert SurveyRound.objects.get(name="Осень").min_respondents == 5
    # Four included: too few for any minimum.
    response = client.post(url, {**data, "name": "Мало", "min_respondents": 5, "staff": data["staff"][:4]})
    assert response.status_code == 200 and "staff" in response.context["form"].errors


def test_the_service_refuses_a_minimum_below_five_or_half_of_the_staff(school):
    people = [person(school, f"Коллега{i:02}") for i in range(12)]
    today = datetime.date.today()
    create = functools.partial(
        survey_round_create,
        school=school,
        name="Осень",
        opens_on=today,
        closes_on=today + datetime.timedelta(days=7),
    )
    for minimum, staff in ((4, people[:8]), (5, people), (6, people[:4])):
        with pytest.raises(ValidationError) as refused:
            create(staff=staff, min_respondents=minimum)
        assert set(refused.value.message_dict) & {"min_respondents", "staff"}
    assert not SurveyRound.objects.exists()
    assert create(staff=people).min_respondents == 6  # by default exactly half
    assert create(staff=people[:5]).min_respondents == 5


def test_the_database_refuses_a_round_with_fewer_than_five_answers_required(school):
    with pytest.raises(IntegrityError), transaction.atomic():
        SurveyRoundFactory(school=school, min_respondents=4)


# Confidentiality


def _pages(survey_round, names=False):
    query = "?names=1" if names else ""
    return [
        reverse("surveys:round_list"),
        reverse("surveys:round_detail", args=[survey_round.pk]),
        reverse("surveys:results", args=[survey_round.pk]) + query,
    ]


def test_no_page_or_export_reveals_who_named_whom(answered, staff, administrator, deputy_head):
    closed_and_analysed(answered)
    for user in (administrator, deputy_head):
        client = client_for(user)
        for url in _pages(answered, names=True):
            html = client.get(url).content.decode()
            # Directed facts never appear: no arrows, no kinds per tie, no "named by" per respondent.
            assert "marker-end" not in html and "arrow" not in html.lower()
            for kind in (ADVICE, LESSONS, TRUST):
                assert f'data-kind="{kind}"' not in html
        export = client.get(reverse("surveys:results_export", args=[answered.pk]))
        assert export.status_code == 200
        book = load_workbook(io.BytesIO(export.content))
        cells = [str(c.value) for sheet in book for row in sheet.iter_rows() for c in row if c.value is not None]
        # Every per-person row has one name only: nobody's row names whom they named.
        for sheet in book:
            for row in sheet.iter_rows(values_only=True):
                named = [c for c in row if isinstance(c, str) and any(n in c for n in staff)]
                assert len(named) <= 1
        assert "out" not in " ".join(cells).lower()


def test_the_picture_has_dots_and_no_names_by_default(answered, administrator):
    closed_and_analysed(answered)
    html = client_for(administrator).get(reverse("surveys:results", args=[answered.pk])).content.decode()
    assert html.count("<circle") == 7
    assert "Центрова" not in html and "Одинокова" not in html
    named = client_for(administrator).get(reverse("surveys:results", args=[answered.pk]) + "?names=1")
    text = named.content.decode()
    assert 'data-testid="isolates"' in text and "Одинокова" in text.split('data-testid="isolates"')[1]
    assert "closed" not in named.context and "Закрытые группы" not in text


def test_deputy_head_sees_counts_but_no_picture_and_no_names(answered, deputy_head, staff):
    """The picture is the administrator's: a deputy head knows the pairs and teams
    and could tell its unnamed dots apart by the programme's ties."""
    closed_and_analysed(answered)
    response = client_for(deputy_head).get(reverse("surveys:results", args=[answered.pk]) + "?names=1")
    html = response.content.decode()
    assert response.status_code == 200 and "<circle" not in html
    assert 'data-testid="isolate-count"' in html
    for name in staff:
        assert name not in html
    export = client_for(deputy_head).get(reverse("surveys:results_export", args=[answered.pk]))
    for name in staff:
        assert name.encode() not in export.content


def test_below_the_minimum_nothing_but_the_count_is_shown(survey, staff, administrator):
    survey.min_respondents = 5
    survey.save()
    answer(survey, staff["Учителева"], advice=[staff["Центрова"]])
    answer(survey, staff["Мостова"], advice=[staff["Центрова"]])
    closed_and_analysed(survey)
    response = client_for(administrator).get(reverse("surveys:results", args=[survey.pk]) + "?names=1")
    html = response.content.decode()
    assert 'data-testid="results-hidden"' in html and "survey-picture" not in html and "Центрова" not in html
    assert "2" in html and "7" in html
    export = client_for(administrator).get(reverse("surveys:results_export", args=[survey.pk]))
    assert export.status_code == 302
    assert not latest_network_positions(school=survey.school)


def test_teachers_never_see_results(answered, teacher):
    closed_and_analysed(answered)
    client = client_for(teacher)
    assert client.get(reverse("surveys:results", args=[answered.pk])).status_code == 403
    assert client.get(reverse("surveys:results_export", args=[answered.pk])).status_code == 403
    assert client.get(reverse("surveys:round_detail", args=[answered.pk])).status_code == 403


def test_another_schools_round_is_not_found(answered, outsider):
    closed_and_analysed(answered)
    assert client_for(outsider).get(reverse("surveys:results", args=[answered.pk])).status_code == 404


# Analysis stored


def test_analysis_stores_what_may_be_shown_and_compares_with_the_previous_round(school, answered, staff):
    analysis = closed_and_analysed(answered)
    m = {x.staff.last_name: x for x in SurveyNodeMetric.objects.filter(round=answered).select_related("staff")}
    assert (m["Центрова"].named, m["Центрова"].named_by) == ("count", 4)
    assert (m["Мостова"].named, m["Мостова"].named_by) == ("few", None)  # two: «1–3»
    assert m["Одинокова"].named == "nobody"
    assert analysis.ties_shown and analysis.ties == 10
    assert analysis.respondents == 6 and analysis.participants == 7 and analysis.isolates == 1
    assert survey_round_analyse(round_id=answered.pk) is None  # once
    later = SurveyRoundFactory(
        school=school,
        people=list(staff.values()),
        opens_on=answered.closes_on + datetime.timedelta(days=300),
        closes_on=answered.closes_on + datetime.timedelta(days=310),
    )
    s = staff
    with time_machine.travel(later.opens_on + datetime.timedelta(days=1)):
        answer(later, s["Учителева"], advice=[s["Одинокова"], s["Центрова"]])
        answer(later, s["Мостова"], advice=[s["Центрова"], s["Одинокова"]])
        answer(later, s["Тихонова"], advice=[s["Центрова"]])
        answer(later, s["Парова"], advice=[s["Мостова"]])
        answer(later, s["Парнова"], advice=[s["Мостова"]])
    second = closed_and_analysed(later)
    assert second.compared_with == answered
    assert staff["Одинокова"].pk in second.comparison["isolates_connected"]
    assert second.comparison["density_before"] == analysis.density


# Reminders


def test_open_notice_and_reminder_go_once_each(school, staff, teacher):
    today = timezone.now().astimezone(school.tzinfo).date()
    survey = SurveyRoundFactory(
        school=school, people=list(staff.values()), opens_on=today, closes_on=today + datetime.timedelta(days=2)
    )
    first, second = surveys_sweep(), surveys_sweep()
    assert first["opened"] == 1 and first["reminded"] == 1
    assert second["opened"] == 0 and second["reminded"] == 0
    kinds = set(Notification.objects.filter(user=teacher).values_list("kind", "key"))
    assert kinds == {
        (Notification.Kind.SURVEY_OPEN, f"survey:{survey.pk}"),
        (Notification.Kind.SURVEY_REMINDER, f"survey:{survey.pk}"),
    }


def test_no_reminder_to_those_who_answered_or_before_the_window(school, staff, teacher):
    today = timezone.now().astimezone(school.tzinfo).date()
    survey = SurveyRoundFactory(
        school=school, people=list(staff.values()), opens_on=today, closes_on=today + datetime.timedelta(days=9)
    )
    surveys_sweep()
    assert not Notification.objects.filter(kind=Notification.Kind.SURVEY_REMINDER).exists()
    answer(survey, staff["Учителева"], advice=[staff["Центрова"]])
    with time_machine.travel(timezone.now() + datetime.timedelta(days=8)):
        surveys_sweep()
    assert not Notification.objects.filter(kind=Notification.Kind.SURVEY_REMINDER).exists()


def test_sweep_closes_a_past_round_and_analyses_a_stale_one(answered):
    with time_machine.travel(timezone.now() + datetime.timedelta(days=9)):
        assert surveys_sweep()["closed"] == 1
    answered.refresh_from_db()
    assert answered.closed_at is not None and answered.analysed_at is None
    with time_machine.travel(timezone.now() + datetime.timedelta(days=9, minutes=20)):
        assert surveys_sweep()["analysed"] == 1
        assert surveys_sweep() == {"opened": 0, "reminded": 0, "closed": 0, "analysed": 0}
    assert SurveyAnalysis.objects.filter(round=answered).exists()


# Using it


def test_an_isolate_is_offered_a_well_connected_mentor(school, answered, staff):
    closed_and_analysed(answered)
    for name in ("Центрова", "Парнова", "Мостова"):
        category_award_create(staff=staff[name], category="highest", awarded_on=datetime.date(2024, 1, 10))
    lonely = staff["Одинокова"]
    ranked = mentor_suggestions(school=school, mentee=lonely, use_network=True)
    top = next(s for s in ranked if s.staff == staff["Центрова"])
    assert any("bridge" in r or "мост" in r for r in top.reasons)
    plain = mentor_suggestions(school=school, mentee=lonely)
    assert not any("bridge" in r for s in plain for r in s.reasons)
    # Whom a pair of colleagues named (each other only, say) is not the suggestions' to tell.
    ranked = mentor_suggestions(school=school, mentee=staff["Парова"], use_network=True)
    pair = next(s for s in ranked if s.staff == staff["Парнова"])
    assert not any("closed" in r or "замкнут" in r for r in pair.reasons)


def test_team_hints_name_members_whom_no_colleague_named(school, answered, staff):
    closed_and_analysed(answered)
    hints = composition_hints(school=school, staff_ids=[staff["Парова"].pk, staff["Парнова"].pk, staff["Мостова"].pk])
    assert hints.network_advice == []
    hints = composition_hints(school=school, staff_ids=[staff["Одинокова"].pk, staff["Мостова"].pk])
    assert len(hints.network_advice) == 1 and "Одинокова" in hints.network_advice[0]
    assert "Мостова" not in hints.network_advice[0]


def test_mentor_suggestions_cost_one_query_more_with_the_network(school, answered, staff, django_assert_num_queries):
    closed_and_analysed(answered)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as without:
        mentor_suggestions(school=school, mentee=staff["Одинокова"])
    with django_assert_num_queries(len(without) + 1):
        mentor_suggestions(school=school, mentee=staff["Одинокова"], use_network=True)


# Query counts


def _round_of(school, size):
    people = [person(school, f"Человек{i}") for i in range(size)]
    survey_round = SurveyRoundFactory(school=school, people=people)
    for i, who in enumerate(people):
        answer(survey_round, who, advice=[people[(i + 1) % size]], lessons=[people[(i + 2) % size]])
    closed_and_analysed(survey_round)
    return survey_round


@pytest.mark.parametrize("names", [False, True])
def test_results_page_queries_do_not_grow_with_the_staff(school, administrator, django_assert_num_queries, names):
    small, large = _round_of(school, 5), _round_of(school, 30)
    client = client_for(administrator)
    counts = []
    for survey_round in (small, large):
        url = reverse("surveys:results", args=[survey_round.pk]) + ("?names=1" if names else "")
        client.get(url)  # warm the session
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1] <= 10
    with django_assert_num_queries(counts[0]):
        client.get(reverse("surveys:results", args=[large.pk]))


# The worker


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_closing_a_round_has_the_worker_analyse_it(celery_worker_process, school, administrator):
    people = [person(school, f"Коллега{i}") for i in range(4)]
    survey_round = SurveyRoundFactory(school=school, people=people)
    for i, who in enumerate(people):
        answer(survey_round, who, advice=[people[(i + 1) % 4]])
    response = client_for(administrator).post(reverse("surveys:round_close", args=[survey_round.pk]))
    assert response.status_code == 302
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        survey_round.refresh_from_db()
        if survey_round.analysed_at:
            break
        time.sleep(0.2)
    assert survey_round.analysed_at is not None, "the worker did not analyse the round"
    assert SurveyNodeMetric.objects.filter(round=survey_round).count() == 4


def test_the_picture_draws_no_answer_only_the_programme_and_banded_dots(answered, administrator, staff):
    """No line comes from the answers (only the programme's ties, none here), and a
    dot's size says only what the counts say: «1–3» dots are all alike."""
    closed_and_analysed(answered)
    response = client_for(administrator).get(reverse("surveys:results", args=[answered.pk]) + "?names=1")
    picture = response.context["picture"]
    assert picture.programme == [] and not hasattr(picture, "reported")
    sizes = {node["label"]: node["r"] for node in picture.nodes}
    assert sizes["Мостова И."] == sizes["Парова И."] == sizes["Учителева И."]  # named by 2, 1 and 1
    assert sizes["Одинокова И."] < sizes["Парова И."] < sizes["Центрова И."]
    top = response.content.decode().split('data-testid="top-named"')[1].split("</ol>")[0]
    assert "Центрова" in top and top.index("Центрова") < top.index("Мостова")
    assert "4" in top.split("Мостова")[0] and "1–3" in top


def test_network_reasons_are_for_the_administrator_only(school, answered, staff, deputy_head, administrator):
    closed_and_analysed(answered)
    category_award_create(staff=staff["Центрова"], category="highest", awarded_on=datetime.date(2024, 1, 10))
    url = reverse("mentoring:suggestions") + f"?mentee={staff['Одинокова'].pk}"
    deputy = client_for(deputy_head).get(url).content.decode()
    admin = client_for(administrator).get(url).content.decode()
    assert "bridge" not in deputy and "мост" not in deputy
    assert "bridge" in admin or "мост" in admin


def test_comparison_ignores_a_hidden_round_and_people_not_in_both(school, staff):
    people = list(staff.values())
    earlier = SurveyRoundFactory(school=school, people=people, min_respondents=5)
    answer(earlier, staff["Учителева"], advice=[staff["Центрова"]])  # 1 answer < 5: hidden
    SurveyRound.objects.filter(pk=earlier.pk).update(closes_on=earlier.closes_on - datetime.timedelta(days=1))
    earlier.refresh_from_db()
    closed_and_analysed(earlier)
    later = SurveyRoundFactory(school=school, people=people)
    s = staff
    answer(later, s["Учителева"], advice=[s["Центрова"]], lessons=[s["Мостова"]])
    answer(later, s["Мостова"], advice=[s["Центрова"]])
    answer(later, s["Тихонова"], advice=[s["Центрова"]], lessons=[s["Мостова"]])
    answer(later, s["Одинокова"], advice=[s["Центрова"]], lessons=[s["Парнова"]])
    answer(later, s["Парова"], lessons=[s["Парнова"]])
    analysis = closed_and_analysed(later)
    assert analysis.ties_shown
    assert analysis.compared_with is None and analysis.comparison == {}


# The answer page's boxes and buttons, drawn in Python, as its template drew them per choice.
TEMPLATE_BOXES = (
    "{% for choice in field %}"
    '<label class="list-group-item d-flex align-items-center gap-3 py-3">\n'
    '<input class="form-check-input m-0 flex-shrink-0 survey-check" type="checkbox" name="{{ field.html_name }}" '
    'value="{{ choice.data.value }}"{% if choice.data.selected %} checked{% endif %}>\n'
    "<span>{{ choice.choice_label }}</span>\n"
    "</label>\n"
    "{% endfor %}"
)
TEMPLATE_SCALE = (
    "{% for choice in field %}"
    '<input type="radio" class="btn-check" name="{{ field.html_name }}" id="{{ field.name }}-{{ choice.data.value }}" '
    'value="{{ choice.data.value }}"{% if choice.data.selected %} checked{% endif %}>\n'
    '<label class="btn btn-outline-primary py-2" for="{{ field.name }}-{{ choice.data.value }}">'
    "{{ choice.choice_label }}</label>\n"
    "{% endfor %}"
)


def _lines(html):
    return [line.strip() for line in str(html).splitlines() if line.strip()]


@pytest.mark.parametrize("posted", [False, True], ids=["answered", "with-errors"])
def test_the_answer_s_boxes_and_buttons_are_what_the_template_drew(survey, staff, teacher, posted):
    s = staff
    s["Центрова"].last_name = "Центрова <& «Ко»>"
    s["Центрова"].save()
    answer(survey, s["Учителева"], advice=[s["Центрова"]], lessons=[s["Мостова"], s["Парова"]])
    client = client_for(teacher)
    url = reverse("surveys:answer", args=[survey.pk])
    if posted:
        picks = [s[name].pk for name in ("Центрова", "Мостова", "Парова", "Парнова", "Одинокова", "Тихонова")]
        response = client.post(url, {ADVICE: picks, TRUST: [s["Тихонова"].pk], "open_lessons": "2"})
        assert response.status_code == 200 and response.context["form"].errors
    else:
        response = client.get(url)
    form = response.context["form"]
    boxes, scale = engines["django"].from_string(TEMPLATE_BOXES), engines["django"].from_string(TEMPLATE_SCALE)
    questions, items = form.questions(), form.readiness_fields()
    assert len(questions) == 3 and len(items) == 4
    for field in questions:
        assert _lines(field.options) == _lines(boxes.render({"field": field}))
    assert sum(str(field.options).count(" checked") for field in questions) == (7 if posted else 3)
    for field in items:
        assert _lines(field.options) == _lines(scale.render({"field": field}))


def test_two_schools_rounds_through_the_same_compiled_queries(school, other_school, survey, staff, teacher, outsider):
    theirs = SurveyRoundFactory(school=other_school, people__size=4)
    outsider_card = StaffMemberFactory(school=other_school, user=outsider)
    SurveyParticipant.objects.create(round=theirs, staff=outsider_card)
    mine = client_for(teacher).get(reverse("surveys:answer", args=[survey.pk])).context["form"]
    colleagues = {str(value) for value, _label in mine.fields[ADVICE].choices}
    assert colleagues == {str(p.pk) for name, p in staff.items() if name != "Учителева"}
    other = client_for(outsider).get(reverse("surveys:answer", args=[theirs.pk])).context["form"]
    expected = set(theirs.participants.exclude(staff=outsider_card).values_list("staff_id", flat=True))
    assert {int(str(value)) for value, _label in other.fields[ADVICE].choices} == expected
    assert client_for(outsider).get(reverse("surveys:answer", args=[survey.pk])).status_code == 404
    assert client_for(teacher).get(reverse("surveys:answer", args=[2**70])).status_code == 404
