"""A newcomer's first task, in a real browser on a phone-sized screen: log in,
switch to the other school, add a teacher with a category, find them in the list."""

import re

import pytest
from playwright.sync_api import expect

from apps.accounts.models import Role
from apps.accounts.tests.factories import MembershipFactory, SchoolFactory, UserFactory
from apps.staff.models import CategoryAward, StaffMember
from apps.staff.tests.factories import SubjectAssociationFactory, SubjectFactory
from tests.browser.conftest import open_dropdown, open_main_menu, pass_two_factor

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_log_in_switch_school_add_teacher_with_category_and_find_them(page, live_server):
    first = SchoolFactory(short_name="Берёзовская СОШ")
    second = SchoolFactory(short_name="Ольховская ООШ", time_zone="Asia/Yekaterinburg")
    user = UserFactory(email="director@school.test", first_name="Татьяна")
    MembershipFactory(user=user, school=first, roles=[Role.ADMINISTRATOR])
    MembershipFactory(user=user, school=second, roles=[Role.ADMINISTRATOR])
    SubjectFactory(school=second, name="Химия")
    SubjectAssociationFactory(school=second, name="ШМО естественников")

    page.goto(f"{live_server.url}/staff/")
    expect(page).to_have_url(re.compile(r"/accounts/login/\?next=/staff/"))
    page.get_by_label("E-mail").fill("Director@School.test")
    page.get_by_label("Пароль").fill("correct-horse-42")
    page.get_by_role("button", name="Войти").click()
    # An administrator sets up two-factor sign-in first, then lands on the page asked for.
    expect(page).to_have_url(re.compile(r"/accounts/two-factor/setup/\?next=/staff/"))
    pass_two_factor(page, "director@school.test")
    expect(page).to_have_url(re.compile(r"/staff/$"))
    expect(page.get_by_role("heading", name="Реестр кадров")).to_be_visible()
    expect(page.get_by_test_id("school-menu")).to_contain_text("Берёзовская СОШ")

    open_main_menu(page)
    open_dropdown(page.get_by_test_id("school-menu"))
    page.get_by_role("button", name=re.compile("Ольховская ООШ")).click()
    expect(page.get_by_text("Текущая школа: Ольховская ООШ")).to_be_visible()

    page.goto(f"{live_server.url}/staff/")
    page.get_by_role("link", name="Добавить педагога").click()
    page.get_by_label("Фамилия").fill("Орлова")
    page.get_by_label("Имя").fill("Вера")
    page.get_by_label("Отчество").fill("Михайловна")
    page.get_by_label("Химия").check()
    page.get_by_label("Методическое объединение").select_option(label="ШМО естественников")
    page.get_by_label("Начало педагогической деятельности").fill("2011-09-01")
    page.get_by_label("Дата приёма").fill("2012-08-30")
    page.get_by_label("Квалификационная категория").select_option(label="первая категория")
    page.get_by_label("Дата присвоения категории").fill("2023-12-20")
    page.get_by_role("button", name="Сохранить").click()

    expect(page.get_by_role("heading", name="Орлова Вера Михайловна")).to_be_visible()
    expect(page.locator("main")).to_contain_text("20.12.2028")

    page.goto(f"{live_server.url}/staff/")
    page.get_by_label("Поиск").fill("орлов")
    page.get_by_role("button", name="Найти").click()
    row = page.get_by_test_id("staff-table").locator("tbody tr")
    expect(row).to_have_count(1)
    expect(row.first).to_contain_text("Орлова Вера Михайловна")
    expect(row.first).to_contain_text("первая категория")

    staff = StaffMember.objects.get(last_name="Орлова")
    assert staff.school == second
    assert CategoryAward.objects.get(staff=staff).category == "first"
