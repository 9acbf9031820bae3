"""A curator opens their board, arranges a meeting for their pair, and the
meeting shows in the pair member's calendar."""

import datetime

import pytest
from playwright.sync_api import expect

from apps.accounts.models import Role
from apps.accounts.tests.factories import MembershipFactory, SchoolFactory, UserFactory
from apps.mentoring.tests.factories import MentorGroupFactory
from apps.staff.tests.factories import StaffMemberFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_curator_schedules_a_meeting_that_shows_in_the_members_calendar(chromium, live_server, log_in):
    school = SchoolFactory(short_name="Берёзовская СОШ", time_zone="Europe/Samara")
    curator = UserFactory(email="curator@school.test", first_name="Наталья")
    member = UserFactory(email="teacher@school.test", first_name="Анна")
    MembershipFactory(user=curator, school=school, roles=[Role.CURATOR])
    MembershipFactory(user=member, school=school, roles=[Role.TEACHER])
    group = MentorGroupFactory(
        school=school,
        curator=StaffMemberFactory(school=school, user=curator, last_name="Соколова"),
        members=[
            StaffMemberFactory(school=school, last_name="Васильев"),
            StaffMemberFactory(school=school, user=member, last_name="Белова"),
        ],
    )
    day = datetime.date.today() + datetime.timedelta(days=1)

    context = chromium.new_context(locale="ru-RU", viewport={"width": 390, "height": 844})
    page = context.new_page()
    page.set_default_timeout(15000)
    log_in(page, "curator@school.test")
    page.goto(f"{live_server.url}/mentoring/board/")
    expect(page.get_by_role("heading", name="Моя доска")).to_be_visible()
    page.get_by_test_id(f"arrange-meeting-{group.pk}").click()
    page.get_by_label("Вид").select_option("meeting")
    page.get_by_label("Тема").fill("Разбор урока: вопросы к тексту")
    page.get_by_label("Дата").fill(day.isoformat())
    page.locator("#id_start").fill("14:30")
    page.locator("#id_end").fill("15:15")
    page.get_by_role("button", name="Сохранить").click()
    expect(page.get_by_test_id("group-events")).to_contain_text("Разбор урока: вопросы к тексту")
    context.close()

    context = chromium.new_context(locale="ru-RU", viewport={"width": 390, "height": 844})
    page = context.new_page()
    page.set_default_timeout(15000)
    log_in(page, "teacher@school.test")
    page.goto(f"{live_server.url}/mentoring/calendar/?view=week&date={day.isoformat()}")
    calendar = page.get_by_test_id("calendar")
    expect(calendar).to_contain_text("Разбор урока: вопросы к тексту")
    expect(calendar).to_contain_text("14:30")
    context.close()
