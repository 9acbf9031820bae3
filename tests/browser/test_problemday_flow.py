"""A deputy head creates a problem-theme day, records three theme ideas, chooses
one, adds two activities with responsible teachers and a partner; a teacher
sees the duty in their list."""

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


def test_problem_day_is_planned_and_teacher_sees_duty(chromium, live_server, log_in):
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

    for title, votes in (("Мы помним", "41"), ("Космос рядом", "17"), ("Вода в нашем селе", "9")):
        page.get_by_test_id("idea-add").click()
        page.locator("#id_title").fill(title)
        page.locator("#id_proposed_by_kind").select_option("class")
        page.locator("#id_votes").fill(votes)
        page.get_by_test_id("form-save").click()
    expect(page.get_by_test_id("day-ideas").locator("li")).to_have_count(3)
    page.get_by_test_id("idea-choose-1").click()
    expect(page.get_by_test_id("idea-chosen")).to_have_count(1)
    expect(page.get_by_test_id("day-title")).to_contain_text("Мы помним")

    for title, hour, person in (("Урок мужества", "09", teacher), ("Встреча в музее", "11", other)):
        page.get_by_test_id("activity-add").click()
        page.locator("#id_title").fill(title)
        page.locator("#id_starts_at").fill(f"{date.isoformat()}T{hour}:00")
        page.locator("#id_ends_at").fill(f"{date.isoformat()}T{hour}:45")
        page.locator(f"input[name=responsible][value='{person.pk}']").check()
        page.locator(f"input[name=partners][value='{museum.pk}']").check()
        page.get_by_test_id("form-save").click()
        expect(page.get_by_test_id("day-activities")).to_contain_text(title)
    expect(page.get_by_test_id("day-activities")).to_contain_text("Краеведческий музей")
    context.close()
    assert ProblemDay.objects.get().theme == "Мы помним"

    context, page = _phone(chromium)
    log_in(page, "teacher@school.test")
    page.goto(f"{live_server.url}/problem-days/mine/")
    expect(page.get_by_test_id("my-duties")).to_contain_text("Урок мужества")
    expect(page.get_by_test_id("my-duties")).not_to_contain_text("Встреча в музее")
    page.goto(day_url)
    expect(page.get_by_test_id("activity-add")).to_have_count(0)
    context.close()
