"""The Content-Security-Policy in a real browser: the pages that used inline
scripts, handlers and styles before (the calendar feed's copy button and reset
confirmation, the staff card's delete confirmation, SVG charts, the survey
picture, the routes' progress bars, htmx on the feedback form) work with no
violation reported.

Chromium reports every refusal twice: a "Refused to ..." console error and a
`securitypolicyviolation` event, which an init script (not subject to the page's
policy) records. Both are collected on every page; a final check injects an
inline style to prove the collection sees what it must."""

import re

import pytest
from django.conf import settings
from django.urls import reverse
from playwright.sync_api import expect

from apps.accounts.models import Role
from apps.accounts.tests.factories import MembershipFactory, SchoolFactory, UserFactory
from apps.core.tests.headers import parse_csp
from apps.mentoring.models import CalendarFeed, RouteStep
from apps.mentoring.tests.factories import MentorGroupFactory
from apps.mentoring.tests.route_factories import DevelopmentRouteFactory, RouteStepFactory
from apps.staff.models import Achievement
from apps.staff.tests.factories import AchievementFactory, CategoryAwardFactory, StaffMemberFactory
from apps.surveys.models import SurveyTie
from apps.surveys.services import survey_answer_submit, survey_round_analyse, survey_round_close
from apps.surveys.tests.factories import SurveyRoundFactory
from apps.visits.models import Feedback
from tests.browser.conftest import visit_held_an_hour_ago

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

RECORD_VIOLATIONS = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", function (event) {
  window.__cspViolations.push(event.violatedDirective + " " + (event.blockedURI || "inline"));
});
"""
READY = {"open_lessons": 4, "asks_advice": 4, "shares_materials": 3, "discusses_mistakes": 3}


class Watch:
    """Console errors, uncaught exceptions and CSP violations of every page opened."""

    def __init__(self, page):
        self.page = page
        self.console = []
        page.add_init_script(RECORD_VIOLATIONS)
        page.on("console", self._console)
        page.on("pageerror", lambda error: self.console.append(f"uncaught: {error}"))

    def _console(self, message):
        # The browser asks for /favicon.ico on its own; the site has none.
        if message.type in ("error", "warning") and not message.location.get("url", "").endswith("/favicon.ico"):
            self.console.append(message.text)

    def goto(self, url):
        response = self.page.goto(url)
        assert response.status == 200, (url, response.status)
        policy = parse_csp(response.headers["content-security-policy"])
        assert policy["script-src"] == ["'self'"] and policy["style-src"] == ["'self'"]
        return response

    def problems(self):
        violations = self.page.evaluate("window.__cspViolations || []")
        refused = [text for text in self.console if "Refused to" in text or "Content Security Policy" in text]
        errors = [text for text in self.console if text not in refused]
        return {"violations": violations, "refused": refused, "errors": errors}

    def assert_clean(self, where):
        problems = self.problems()
        assert problems == {"violations": [], "refused": [], "errors": []}, (where, problems)


def _log_in(page, live_server, email):
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("E-mail").fill(email)
    page.get_by_label("Пароль").fill("correct-horse-42")
    page.get_by_role("button", name="Войти").click()
    page.wait_for_url(f"{live_server.url}/")


def _sign_in_as(page, live_server, user):
    """A session made on the server (past two-factor sign-in where the user owes it), handed to the browser."""
    from conftest import client_for

    session = client_for(user).cookies[settings.SESSION_COOKIE_NAME].value
    page.context.clear_cookies()
    page.context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "value": session, "url": live_server.url}])


def test_pages_that_had_inline_code_work_under_the_policy(page, live_server):
    school = SchoolFactory(short_name="Берёзовская СОШ")
    deputy = UserFactory(email="zavuch@school.test", first_name="Ирина")
    director = UserFactory(email="director@school.test", first_name="Татьяна")
    MembershipFactory(user=director, school=school, roles=[Role.ADMINISTRATOR])
    teacher = UserFactory(email="teacher@school.test", first_name="Анна")
    MembershipFactory(user=deputy, school=school, roles=[Role.DEPUTY_HEAD])
    MembershipFactory(user=teacher, school=school, roles=[Role.TEACHER])
    deputy_staff = StaffMemberFactory(school=school, user=deputy, last_name="Гусева", first_name="Ирина")
    teacher_staff = StaffMemberFactory(school=school, user=teacher, last_name="Белова", first_name="Анна")
    colleague = StaffMemberFactory(school=school, last_name="Орлова", first_name="Вера")
    CategoryAwardFactory(staff=colleague)
    achievement = AchievementFactory(staff=colleague, title="Конкурс «Педагогический дебют»")
    watch = Watch(page)

    # The deputy head: the start page, a staff card, a dashboard with a chart.
    _log_in(page, live_server, "zavuch@school.test")
    watch.goto(f"{live_server.url}/")
    watch.assert_clean("home")

    watch.goto(f"{live_server.url}{reverse('staff:detail', args=[colleague.pk])}")
    delete = page.locator(f"form[action='{reverse('staff:achievement_delete', args=[achievement.pk])}'] button")
    answers = iter([False, True])
    questions = []

    def answer(dialog):
        questions.append(dialog.message)
        dialog.accept() if next(answers) else dialog.dismiss()

    page.on("dialog", answer)
    delete.click()  # "Cancel": nothing is deleted
    page.wait_for_timeout(300)
    assert Achievement.objects.filter(pk=achievement.pk).exists()
    delete.click()  # "OK": deleted
    expect(page.get_by_text("Конкурс «Педагогический дебют»")).to_have_count(0)
    assert not Achievement.objects.filter(pk=achievement.pk).exists()
    assert questions == ["Удалить эту запись?"] * 2
    page.remove_listener("dialog", answer)
    watch.assert_clean("staff detail")

    watch.goto(f"{live_server.url}{reverse('dashboards:categories')}")
    chart = page.get_by_test_id("categories-chart").locator("svg").first
    assert chart.locator("rect").count() >= 2
    box = chart.bounding_box()
    assert 0 < box["width"] <= 390 and box["height"] > 50  # fits the phone, keeps its proportions
    assert chart.evaluate("e => getComputedStyle(e).maxWidth") == "100%"  # app.css's .chart-svg
    watch.assert_clean("categories dashboard")

    people = [teacher_staff, deputy_staff, colleague] + [
        StaffMemberFactory(school=school, last_name=name, first_name="Ия") for name in ("Соколова", "Павлова")
    ]
    survey = SurveyRoundFactory(school=school, people=people, name="Осенний опрос", max_choices=3)
    for respondent, named in zip(people, people[1:] + people[:1], strict=True):
        survey_answer_submit(
            survey_round=survey, respondent=respondent, choices={SurveyTie.Kind.ADVICE: [named]}, readiness=READY
        )
    survey_round_close(survey_round=survey)
    survey_round_analyse(round_id=survey.pk)
    # The administrator (only they see the survey picture).
    _sign_in_as(page, live_server, director)
    watch.goto(f"{live_server.url}{reverse('surveys:results', args=[survey.pk])}")
    picture = page.get_by_test_id("picture-network")
    assert picture.locator("circle").count() == len(people)
    assert picture.evaluate("e => getComputedStyle(e).maxWidth") == "512px"  # 32rem from app.css, not inline
    watch.assert_clean("survey picture")

    # The teacher: the calendar feed (copy button, confirmed reset) and the feedback form (htmx autosave).
    page.context.clear_cookies()
    _log_in(page, live_server, "teacher@school.test")
    watch.goto(f"{live_server.url}{reverse('mentoring:feed')}")
    copy = page.locator("#feed-copy")
    copy.click()
    expect(copy).to_have_text("Скопировано")
    token = CalendarFeed.objects.get(user=teacher).token
    page.once("dialog", lambda dialog: dialog.dismiss())
    page.get_by_role("button", name=re.compile("Создать новый адрес")).click()
    page.wait_for_timeout(300)
    assert CalendarFeed.objects.get(user=teacher).token == token
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name=re.compile("Создать новый адрес")).click()
    page.wait_for_load_state()
    expect(page.get_by_test_id("feed-url")).not_to_have_value(re.compile(re.escape(token)))
    assert CalendarFeed.objects.get(user=teacher).token != token
    watch.assert_clean("calendar feed")

    # The development routes list: a progress bar drawn without an inline width.
    route = DevelopmentRouteFactory(school=school, teacher=teacher_staff, mentor=deputy_staff)
    RouteStepFactory(route=route, status=RouteStep.Status.DONE)
    RouteStepFactory.create_batch(2, route=route)
    watch.goto(f"{live_server.url}{reverse('mentoring:route_list')}")
    progress = page.locator("progress.route-progress")
    expect(progress).to_have_attribute("value", "1")
    expect(progress).to_have_attribute("max", "3")
    assert progress.bounding_box()["width"] > 50
    watch.assert_clean("development routes")

    group = MentorGroupFactory(school=school, curator=deputy_staff, members=[colleague, teacher_staff])
    visit = visit_held_an_hour_ago(group=group, observed=colleague, observers=[teacher_staff])
    watch.goto(f"{live_server.url}{reverse('visits:feedback', args=[visit.pk])}")
    page.locator("#id_facts").fill("Молодец")  # the nudge (nudge.js) speaks up
    expect(page.get_by_test_id("nudge-hint").first).to_be_visible()
    page.locator("#id_facts").fill("Из 24 учеников 9 задали вопросы к тексту.")
    page.locator("#id_facts").blur()
    # htmx posts the draft and swaps in the answer, with no eval or inline style of its own.
    expect(page.get_by_test_id("draft-status").locator("[data-draft-saved]")).to_have_count(1)
    assert Feedback.objects.get().facts.startswith("Из 24 учеников")
    assert page.locator("head style").count() == 0
    watch.assert_clean("feedback form")


def test_the_watch_sees_a_refusal(chromium, live_server):
    """The collection itself works: an inline style and an inline script added to a
    page are refused, and both the event and the console report it. (A page of its
    own: the `page` fixture fails any test that meets a refusal.)"""
    context = chromium.new_context(locale="ru-RU")
    try:
        page = context.new_page()
        watch = Watch(page)
        watch.goto(f"{live_server.url}/accounts/login/")
        watch.assert_clean("login")
        page.evaluate(
            """() => {
              document.body.insertAdjacentHTML("beforeend", '<span style="color: red">x</span>');
              const script = document.createElement("script");
              script.textContent = "window.ranInline = true";
              document.body.appendChild(script);
            }"""
        )
        page.wait_for_timeout(300)
        problems = watch.problems()
        assert {v.split()[0] for v in problems["violations"]} >= {"style-src-attr", "script-src-elem"}, problems
        assert problems["refused"], problems
        assert page.evaluate("window.ranInline === undefined")
    finally:
        context.close()
