"""On a phone right after the lesson: a teacher who observed a colleague opens
"My visits", opens the visit awaiting feedback, ticks an item of the protocol's
checklist, fills the structured form (the nudge speaks up at any form of an
evaluative word or phrase), loses the session before submitting and gets the text
and the tick back after logging in again, submits; the curator of the pair then
sees the visit debriefed on time, with the tick."""

import re
import time

import pytest
from django.contrib.sessions.models import Session
from playwright.sync_api import expect

from apps.accounts.models import Role
from apps.accounts.tests.factories import MembershipFactory, SchoolFactory, UserFactory
from apps.core.sessions import SessionStore
from apps.mentoring.tests.factories import MentorGroupFactory
from apps.staff.tests.factories import StaffMemberFactory
from apps.visits.models import Feedback, FeedbackCheck, LessonVisit
from tests.browser.conftest import visit_held_an_hour_ago

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

FACTS = "Из 24 учеников 9 задали вопросы к тексту; учитель записал их на доске."
NEXT_STEP = "На следующем уроке дать 10 минут на работу в парах."
TICKED = "Учитель проверил понимание после объяснения"
UNTICKED = "Цель урока сформулирована вместе с учениками"


def until(condition, timeout=15.0):
    """Wait for the server to reach a state: an automatic draft that went earlier
    (after the tick, or on the timer of a slow run) may be the first one saved."""
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "the server did not reach the state in time"
        time.sleep(0.05)


def test_observer_gives_feedback_on_a_phone_and_the_curator_sees_it_on_time(chromium, page, live_server, log_in):
    school = SchoolFactory(short_name="Берёзовская СОШ", time_zone="Europe/Samara")
    curator = UserFactory(email="curator@school.test", first_name="Наталья")
    observer = UserFactory(email="teacher@school.test", first_name="Анна")
    MembershipFactory(user=curator, school=school, roles=[Role.CURATOR])
    MembershipFactory(user=observer, school=school, roles=[Role.TEACHER])
    observed = StaffMemberFactory(school=school, last_name="Васильева", first_name="Ольга")
    observer_staff = StaffMemberFactory(school=school, user=observer, last_name="Белова")
    group = MentorGroupFactory(
        school=school,
        curator=StaffMemberFactory(school=school, user=curator, last_name="Соколова"),
        members=[observed, observer_staff],
    )
    visit = visit_held_an_hour_ago(group=group, observed=observed, observers=[observer_staff])
    form_url = f"{live_server.url}/visits/{visit.pk}/feedback/"

    # The observer, on a phone.
    log_in(page, "teacher@school.test")
    page.goto(f"{live_server.url}/visits/my/")
    expect(page.get_by_test_id("awaiting")).to_contain_text("Причастный оборот")
    page.get_by_test_id(f"open-visit-{visit.pk}").click()
    page.get_by_test_id("give-feedback").click()
    expect(page).to_have_url(form_url)
    expect(page.get_by_test_id("protocol")).to_contain_text(TICKED)
    # The observer ticks what she saw, on the phone, in the protocol's card above the texts.
    page.get_by_label(TICKED).check()
    expect(page.get_by_label(UNTICKED)).not_to_be_checked()

    # A gentle nudge at an evaluative word, never a block.
    page.locator("#id_facts").fill("Молодец, урок хороший")
    expect(page.get_by_test_id("nudge-hint").first).to_be_visible()
    expect(page.get_by_test_id("nudge-hint").first).to_contain_text("молодец")
    # Any form of a listed word, and a listed phrase in any form; a description is left alone.
    for typed, entry in [
        ("Молодцы!", "молодец"),
        ("Плохой темп в конце.", "плохо"),
        ("Хороший урок", "хороший урок"),
        ("Спасибо за отличную работу", "отличная работа"),
    ]:
        page.locator("#id_facts").fill(typed)
        expect(page.get_by_test_id("nudge-hint").first).to_contain_text(f"«{entry}»")
    page.locator("#id_facts").fill("Слабовидящий ученик сидел у окна.")
    expect(page.get_by_test_id("nudge-hint").first).to_be_hidden()
    page.locator("#id_facts").fill(FACTS)
    expect(page.get_by_test_id("nudge-hint").first).to_be_hidden()

    page.locator("#id_toward_goal").fill("Ученики сами сформулировали цель после вопроса «Что нам нужно узнать?»")
    page.locator("#id_reconsider").fill("Самостоятельная работа заняла 4 минуты вместо 10.")
    page.locator("#id_questions").fill("Что изменится, если ученики выберут вопрос для обсуждения сами?")
    page.locator("#id_questions").blur()
    # The automatic draft reaches the server (htmx) and says when.
    expect(page.get_by_test_id("draft-status").locator("[data-draft-saved]")).to_have_count(1)
    until(lambda: Feedback.objects.filter(questions__startswith="Что изменится").exists())
    assert FeedbackCheck.objects.get(checked=True).text == TICKED  # the tick went with the automatic draft

    # The session ends while the teacher is still typing.
    for key in Session.objects.values_list("session_key", flat=True):
        SessionStore().delete(key)  # from the database and from the cache sessions are read from
    page.locator("#id_next_step").fill(NEXT_STEP)
    page.locator("#id_next_step").blur()
    expect(page.get_by_test_id("draft-session")).to_be_visible()
    page.locator("label[for=id_debrief_format_1]").click()  # online
    page.get_by_test_id("submit-feedback").click()

    # The login page, then back to the form with the text restored from the phone.
    expect(page).to_have_url(re.compile(r"/accounts/login/\?next="))
    page.get_by_label("E-mail").fill("teacher@school.test")
    page.get_by_label("Пароль").fill("correct-horse-42")
    page.get_by_role("button", name="Войти").click()
    expect(page).to_have_url(form_url)
    expect(page.get_by_test_id("draft-restored")).to_be_visible()
    expect(page.locator("#id_next_step")).to_have_value(NEXT_STEP)
    expect(page.locator("#id_facts")).to_have_value(FACTS)
    expect(page.locator("#id_debrief_format_1")).to_be_checked()
    expect(page.get_by_label(TICKED)).to_be_checked()
    expect(page.get_by_label(UNTICKED)).not_to_be_checked()

    page.get_by_test_id("submit-feedback").click()
    expect(page).to_have_url(f"{live_server.url}/visits/{visit.pk}/")
    expect(page.get_by_test_id("visit-status")).to_have_attribute("data-status", "debriefed")
    # The copy on the phone is forgotten once the feedback is in.
    key = f"collabschool:draft:feedback:{visit.pk}:{observer.pk}"
    assert page.evaluate("key => window.localStorage.getItem(key)", key) is None

    feedback = Feedback.objects.get()
    assert feedback.is_submitted and feedback.next_step == NEXT_STEP and feedback.debrief_format == "online"
    assert [(c.text, c.checked) for c in feedback.checks.all()] == [(UNTICKED, False), (TICKED, True)]
    visit.refresh_from_db()
    assert visit.status == LessonVisit.Status.DEBRIEFED

    # The curator of the pair sees the visit debriefed on time, and the feedback.
    context = chromium.new_context(locale="ru-RU", viewport={"width": 390, "height": 844})
    curator_page = context.new_page()
    curator_page.set_default_timeout(15000)
    try:
        log_in(curator_page, "curator@school.test")
        curator_page.goto(f"{live_server.url}/visits/{visit.pk}/")
        expect(curator_page.get_by_test_id("visit-status")).to_have_attribute("data-status", "debriefed")
        expect(curator_page.get_by_test_id("visit-content")).to_contain_text("9 задали вопросы к тексту")
        expect(curator_page.get_by_test_id("visit-content")).to_contain_text(NEXT_STEP)
        checks = curator_page.get_by_test_id("feedback-checks")
        expect(checks.locator('[data-checked="yes"]')).to_have_text(re.compile(TICKED))
        expect(checks.locator('[data-checked="no"]')).to_have_text(re.compile(UNTICKED))
    finally:
        context.close()
