"""A deputy head forms a task team; its lead records a milestone and the
outcome, marks the task solved, and the dissolved team shows in the archive."""

import datetime

import pytest
from playwright.sync_api import expect

from apps.accounts.models import Role
from apps.accounts.tests.factories import MembershipFactory, SchoolFactory, UserFactory
from apps.staff.tests.factories import StaffMemberFactory
from apps.teams.models import TaskTeam

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _phone(chromium):
    context = chromium.new_context(locale="ru-RU", viewport={"width": 390, "height": 844})
    page = context.new_page()
    page.set_default_timeout(15000)
    return context, page


def test_team_is_formed_solved_and_archived(chromium, live_server, log_in):
    school = SchoolFactory(short_name="Берёзовская СОШ", time_zone="Europe/Samara")
    deputy = UserFactory(email="deputy@school.test", first_name="Ольга")
    lead_user = UserFactory(email="lead@school.test", first_name="Анна")
    MembershipFactory(user=deputy, school=school, roles=[Role.DEPUTY_HEAD])
    MembershipFactory(user=lead_user, school=school, roles=[Role.TEACHER])
    lead = StaffMemberFactory(school=school, user=lead_user, last_name="Белова")
    member = StaffMemberFactory(school=school, last_name="Васильев")
    deadline = datetime.date.today() + datetime.timedelta(days=60)

    context, page = _phone(chromium)
    log_in(page, "deputy@school.test")
    page.goto(f"{live_server.url}/teams/")
    page.get_by_test_id("team-create").click()
    page.locator("#id_kind").select_option("task_team")
    page.locator("#id_title").fill("Проблемно-тематический день")
    page.locator("#id_task").fill("Подготовить день по смысловому чтению")
    page.locator("#id_expected_result").fill("Сценарий дня")
    page.locator("#id_deadline").fill(deadline.isoformat())
    page.locator("#id_lead").select_option(str(lead.pk))
    page.locator(f"input[name=members][value='{member.pk}']").check()
    page.get_by_test_id("team-save").click()
    expect(page.get_by_test_id("team-members")).to_contain_text("Васильев")
    team_url = page.url
    context.close()

    context, page = _phone(chromium)
    log_in(page, "lead@school.test")
    page.goto(team_url)
    page.get_by_test_id("milestone-add").click()
    page.locator("#id_title").fill("Сценарий согласован")
    page.locator("#id_due_on").fill((deadline - datetime.timedelta(days=10)).isoformat())
    page.get_by_test_id("part-save").click()
    expect(page.get_by_test_id("team-milestones")).to_contain_text("Сценарий согласован")

    page.get_by_test_id("outcome-record").click()
    page.locator("#id_kind").select_option("event")
    page.locator("#id_title").fill("День смыслового чтения")
    page.get_by_test_id("outcome-save").click()
    expect(page.get_by_test_id("team-outcome")).to_contain_text("День смыслового чтения")

    for status in ("working", "solved"):
        page.locator("#id_to_status").select_option(status)
        page.get_by_test_id("status-save").click()
    expect(page.get_by_test_id("status-form")).to_have_count(0)
    assert TaskTeam.objects.get().status == TaskTeam.Status.DISSOLVED

    page.goto(f"{live_server.url}/teams/archive/")
    expect(page.get_by_test_id("team-archive")).to_contain_text("Проблемно-тематический день")
    expect(page.get_by_test_id("team-archive")).to_contain_text("День смыслового чтения")
    context.close()
