"""A teacher answers the staff survey on a phone; after it closes, the
administrator sees the network picture and the list of isolates."""

import os

import pytest

from apps.accounts.models import Role
from apps.accounts.tests.factories import MembershipFactory, UserFactory
from apps.staff.tests.factories import StaffMemberFactory
from apps.surveys.models import SurveyParticipant, SurveyTie
from apps.surveys.services import survey_answer_submit, survey_round_analyse, survey_round_close
from apps.surveys.tests.factories import SurveyRoundFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

READY = {"open_lessons": 4, "asks_advice": 4, "shares_materials": 3, "discusses_mistakes": 3}


def test_teacher_answers_on_a_phone_and_administrator_sees_the_network(page, live_server, log_in):
    teacher = UserFactory(email="uchitel@test.demo", first_name="Анна", last_name="Белова")
    admin = UserFactory(email="director@test.demo", first_name="Татьяна", last_name="Гусева")
    membership = MembershipFactory(user=teacher, roles=[Role.TEACHER])
    school = membership.school
    MembershipFactory(user=admin, school=school, roles=[Role.ADMINISTRATOR])
    me = StaffMemberFactory(school=school, user=teacher, last_name="Белова", first_name="Анна", patronymic="")
    people = {
        name: StaffMemberFactory(school=school, last_name=name, first_name="Ия", patronymic="")
        for name in ("Соколова", "Васильев", "Павлова", "Одинокова")
    }
    survey = SurveyRoundFactory(school=school, people=[me, *people.values()], name="Осенний опрос", max_choices=3)

    log_in(page, "uchitel@test.demo")
    page.goto(f"{live_server.url}/surveys/mine/")
    page.get_by_text("Осенний опрос").click()
    advice = page.get_by_test_id("question-advice")
    advice.get_by_text("Соколова").click()
    advice.get_by_text("Васильев").click()
    page.get_by_test_id("question-lessons").get_by_text("Павлова").click()
    for item in READY:
        page.locator(f"label[for='{item}-4']").click()
    page.get_by_test_id("survey-submit").click()
    page.wait_for_selector(".alert-success")
    participant = SurveyParticipant.objects.get(round=survey, staff=me)
    assert participant.answered_at is not None
    assert SurveyTie.objects.filter(respondent=me).count() == 3

    # Colleagues answer too (five answers: the least a round may show), and the round closes.
    for name, named in (("Соколова", "Васильев"), ("Васильев", "Соколова"), ("Павлова", "Соколова")):
        survey_answer_submit(
            survey_round=survey,
            respondent=people[name],
            choices={SurveyTie.Kind.ADVICE: [people[named], me]},
            readiness=READY,
        )
    survey_answer_submit(
        survey_round=survey,
        respondent=people["Одинокова"],
        choices={SurveyTie.Kind.ADVICE: [people["Павлова"]]},
        readiness=READY,
    )
    survey_round_close(survey_round=survey)
    survey_round_analyse(round_id=survey.pk)

    page.goto(f"{live_server.url}/surveys/{survey.pk}/answer/")
    page.get_by_test_id("survey-took-part").wait_for()

    page.context.clear_cookies()
    log_in(page, "director@test.demo")
    page.goto(f"{live_server.url}/surveys/{survey.pk}/results/")
    picture = page.get_by_test_id("picture-network")
    assert picture.locator("circle").count() == 5
    page.get_by_test_id("show-names").click()
    isolates = page.get_by_test_id("isolates")
    assert "Одинокова" in isolates.inner_text()
    os.makedirs("test-artifacts", exist_ok=True)
    page.screenshot(path="test-artifacts/survey-results.png", full_page=True)
