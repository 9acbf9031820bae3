"""On a phone, right after signing in: a teacher who owes feedback lands on «Мои
дела» and reaches the feedback form in one tap (it took four through the menu
and "My visits")."""

import pytest
from playwright.sync_api import expect

from apps.accounts.models import Role
from apps.accounts.tests.factories import MembershipFactory, SchoolFactory, UserFactory
from apps.mentoring.tests.factories import MentorGroupFactory
from apps.staff.tests.factories import StaffMemberFactory
from tests.browser.conftest import visit_held_an_hour_ago

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_teacher_owing_feedback_lands_on_her_to_dos_and_one_tap_opens_the_form(page, live_server, log_in):
    school = SchoolFactory(short_name="Берёзовская СОШ", time_zone="Europe/Samara")
    teacher = UserFactory(email="teacher@school.test", first_name="Анна")
    MembershipFactory(user=teacher, school=school, roles=[Role.TEACHER])
    observed = StaffMemberFactory(school=school, last_name="Васильева", first_name="Ольга")
    me = StaffMemberFactory(school=school, user=teacher, last_name="Белова")
    group = MentorGroupFactory(school=school, members=[observed, me])
    visit = visit_held_an_hour_ago(group=group, observed=observed, observers=[me])

    log_in(page, "teacher@school.test")  # lands on the start page
    todos = page.get_by_test_id("todos")
    expect(todos).to_contain_text("Мои дела")
    item = todos.locator('[data-todo="feedback"]')
    expect(item).to_contain_text("Васильева")
    expect(item.get_by_test_id("todo-due")).to_contain_text("осталось")
    # The navbar counts it, on every page.
    expect(page.get_by_test_id("todos-badge")).to_have_count(1)
    assert page.get_by_test_id("todos-badge").text_content().strip() == "1"

    taps = 0
    item.get_by_role("link").click()
    taps += 1
    expect(page).to_have_url(f"{live_server.url}/visits/{visit.pk}/feedback/")
    expect(page.locator("#id_facts")).to_be_visible()
    assert taps == 1
