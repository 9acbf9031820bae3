"""A deputy head plans a problem-theme day on one page at phone width: roles,
ideas and activities are added and edited in place (the page is never
reloaded: a marker set on the window survives), the chosen idea becomes the
theme and fills the problem question; a teacher sees the duty in their list."""

import datetime

import pytest
from playwright.sync_api import expect

from apps.accounts.models import Role
from apps.accounts.tests.factories import MembershipFactory, SchoolFactory, UserFactory
from apps.partners.models import PartnerOrganisation
from apps.problemdays.models import ProblemDay
from apps.staff.tests.factories import StaffMemberFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _phone(chromium):
    context = chromium.new_context(locale="ru-RU", viewport={"width": 390, "height": 844})
    page = context.new_page()
    page.set_default_timeout(15000)
    return context, page


def _still_the_same_page(page):
    assert page.evaluate("window.plannerMarker") == "not reloaded"


def test_problem_day_is_planned_in_place_and_teacher_sees_duty(chromium, live_server, log_in):
    school = SchoolFactory(short_name="Берёзовская СОШ", time_zone="Europe/Samara")
    deputy = UserFactory(email="deputy@school.test", first_name="Ольга")
    teacher_user = UserFactory(email="teacher@school.test", first_name="Анна")
    MembershipFactory(user=deputy, school=school, roles=[Role.DEPUTY_HEAD])
    MembershipFactory(user=teacher_user, school=school, roles=[Role.TEACHER])
    StaffMemberFactory(school=school, user=deputy, last_name="Миронова")
    teacher = StaffMemberFactory(school=school, user=teacher_user, last_name="Белова")
    other = StaffMemberFactory(school=school, last_name="Васильев")
    museum = PartnerOrganisation.objects.create(school=school, name="Краеведческий музей")
    date = datetime.date.today() + datetime.timedelta(days=20)

    context, page = _phone(chromium)
    log_in(page, "deputy@school.test")
    page.goto(f"{live_server.url}/problem-days/")
    page.get_by_test_id("day-create").click()
    page.locator("#id_date").fill(date.isoformat())
    page.locator("#id_working_title").fill("День памяти")
    page.get_by_test_id("form-save").click()
    expect(page.get_by_test_id("day-title")).to_contain_text("День памяти")
    day_url = page.url
    page.evaluate("window.plannerMarker = 'not reloaded'")

    # Two roles in one go.
    page.get_by_test_id("role-add").click()
    page.locator("#id_roles-0-staff").select_option(str(other.pk))
    page.locator("#id_roles-2-staff").select_option(str(teacher.pk))
    page.get_by_test_id("role-save").click()
    expect(page.get_by_test_id("day-roles").get_by_test_id("role-row")).to_have_count(2)
    _still_the_same_page(page)

    # A role edited in place: the recorder becomes Васильев too.
    recorder = page.get_by_test_id("role-row").filter(has_text="Белова")
    recorder.get_by_test_id("row-edit").click()
    row_form = page.get_by_test_id("row-form")
    row_form.locator("select[name$='-staff']").select_option(str(other.pk))
    row_form.get_by_test_id("row-save").click()
    expect(page.get_by_test_id("day-roles")).not_to_contain_text("Белова")
    _still_the_same_page(page)

    # Three ideas in one go, then the children's choice.
    page.get_by_test_id("idea-add").click()
    for index, (title, votes) in enumerate((("Книга или ролик?", "41"), ("Космос рядом", "17"), ("Вода", "9"))):
        page.locator(f"#id_ideas-{index}-title").fill(title)
        page.locator(f"#id_ideas-{index}-votes").fill(votes)
    page.get_by_test_id("idea-save").click()
    expect(page.get_by_test_id("day-ideas").get_by_test_id("idea-row")).to_have_count(3)
    page.get_by_test_id("idea-row").filter(has_text="Книга или ролик?").get_by_test_id("idea-choose").click()
    expect(page.get_by_test_id("idea-chosen")).to_have_count(1)
    expect(page.get_by_test_id("day-title")).to_contain_text("Книга или ролик?")
    expect(page.locator("#id_problem_question")).to_have_value("Книга или ролик?")
    _still_the_same_page(page)

    # Two activities in one go, one of them with a partner.
    page.get_by_test_id("activity-add").click()
    for index, (title, hour, person) in enumerate((("Урок мужества", "09", teacher), ("Встреча в музее", "11", other))):
        page.locator(f"#id_plan-{index}-title").fill(title)
        page.locator(f"#id_plan-{index}-starts").fill(f"{hour}:00")
        page.locator(f"#id_plan-{index}-ends").fill(f"{hour}:45")
        page.locator(f"#id_plan-{index}-responsible").select_option(str(person.pk))
    page.locator("#id_plan-1-partners").select_option(str(museum.pk))
    page.get_by_test_id("activity-save").click()
    expect(page.get_by_test_id("day-activities").get_by_test_id("activity-row")).to_have_count(2)
    expect(page.get_by_test_id("day-activities")).to_contain_text("Краеведческий музей")
    _still_the_same_page(page)

    # An activity renamed in place.
    page.get_by_test_id("activity-row").filter(has_text="Урок мужества").get_by_test_id("row-edit").click()
    page.get_by_test_id("row-form").locator("input[name$='-title']").fill("Урок мужества «Мы помним»")
    page.get_by_test_id("row-form").get_by_test_id("row-save").click()
    expect(page.get_by_test_id("day-activities")).to_contain_text("Урок мужества «Мы помним»")
    _still_the_same_page(page)
    assert page.url == day_url
    context.close()

    day = ProblemDay.objects.get()
    assert day.theme == "Книга или ролик?" and day.problem_question == "Книга или ролик?"
    assert day.roles.count() == 2 and day.activities.count() == 2

    context, page = _phone(chromium)
    log_in(page, "teacher@school.test")
    page.goto(f"{live_server.url}/problem-days/mine/")
    expect(page.get_by_test_id("my-duties")).to_contain_text("Урок мужества")
    expect(page.get_by_test_id("my-duties")).not_to_contain_text("Встреча в музее")
    page.goto(day_url)
    expect(page.get_by_test_id("activity-add")).to_have_count(0)
    context.close()
