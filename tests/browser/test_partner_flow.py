"""A deputy head adds a partner with an agreement and logs a joint activity
with its product; it shows on the partner's timeline."""

import datetime

import pytest
from playwright.sync_api import expect

from apps.accounts.models import Role
from apps.accounts.tests.factories import MembershipFactory, SchoolFactory, UserFactory
from apps.partners.models import Agreement, JointActivity, PartnerOrganisation
from apps.staff.tests.factories import StaffMemberFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_partner_with_agreement_and_activity_on_its_timeline(chromium, live_server, log_in, tmp_path):
    school = SchoolFactory(short_name="Берёзовская СОШ", time_zone="Europe/Samara")
    deputy = UserFactory(email="deputy@school.test", first_name="Ольга")
    MembershipFactory(user=deputy, school=school, roles=[Role.DEPUTY_HEAD])
    responsible = StaffMemberFactory(school=school, last_name="Белова")
    today = datetime.date.today()
    scan = tmp_path / "dogovor.pdf"
    scan.write_bytes(b"%PDF-1.4 agreement scan")

    context = chromium.new_context(locale="ru-RU", viewport={"width": 390, "height": 844})
    page = context.new_page()
    page.set_default_timeout(15000)
    log_in(page, "deputy@school.test")

    page.goto(f"{live_server.url}/partners/")
    page.get_by_test_id("partner-create").click()
    page.locator("#id_name").fill("Областная детская библиотека")
    page.locator("#id_kind").select_option("library")
    page.locator("#id_direction").select_option(label="социально-педагогическое")
    page.locator("#id_stage").select_option("joint_activity")
    page.get_by_test_id("partner-save").click()
    expect(page.get_by_test_id("partner-name")).to_have_text("Областная детская библиотека")

    page.get_by_test_id("agreement-add").click()
    page.locator("#id_number").fill("15/СП")
    page.locator("#id_signed_on").fill((today - datetime.timedelta(days=10)).isoformat())
    page.locator("#id_valid_until").fill((today + datetime.timedelta(days=365)).isoformat())
    page.locator("#id_subject").fill("О сотрудничестве в воспитании читателя")
    page.locator("#id_scan").set_input_files(str(scan))
    page.get_by_test_id("part-save").click()
    expect(page.get_by_test_id("partner-agreements")).to_contain_text("15/СП")

    page.get_by_test_id("activity-add").click()
    page.locator("#id_title").fill("Неделя детской книги")
    page.locator("#id_starts_on").fill(today.isoformat())
    page.locator("#id_kind").select_option("implementation")
    page.locator("#id_mechanism").select_option("campaign")
    page.locator("#id_product_text").fill("Конкурс буктрейлеров, 12 работ")
    page.locator("#id_responsible").select_option(str(responsible.pk))
    page.locator("#id_students_count").fill("48")
    page.locator("#id_status").select_option("held")
    page.get_by_test_id("activity-save").click()

    timeline = page.get_by_test_id("partner-timeline")
    expect(timeline).to_contain_text("Неделя детской книги")
    expect(timeline).to_contain_text("Конкурс буктрейлеров, 12 работ")
    context.close()

    partner = PartnerOrganisation.objects.get()
    assert Agreement.objects.get(partner=partner).scan.name.endswith(".pdf")
    assert list(JointActivity.objects.get().partners.all()) == [partner]
