"""The recognition tree's live screen at a staff meeting: a colleague scans the QR
code, posts a recognition from her phone, and the new leaf grows on the screen
within five seconds, without a reload. The phone's form fits 360 px and asks «за
что именно?» while the text is only thanks."""

import pytest
from playwright.sync_api import expect

from apps.accounts.models import Role
from apps.accounts.tests.factories import MembershipFactory, SchoolFactory, UserFactory
from apps.recognition.models import Recognition
from apps.staff.tests.factories import StaffMemberFactory
from tests.browser.test_every_page import AXE_RUN, AXE_SOURCE, AXE_TAGS, BLOCKING_IMPACTS

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

NO_SIDEWAYS_SCROLL = "() => document.documentElement.scrollWidth <= window.innerWidth"


def _serious_axe_violations(page):
    # Through the DevTools protocol: not a script the Content-Security-Policy must allow.
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.evaluate(AXE_SOURCE)
    found = page.evaluate(AXE_RUN, AXE_TAGS)
    return [(v["id"], [n["target"] for n in v["nodes"]]) for v in found if v["impact"] in BLOCKING_IMPACTS]


def test_a_leaf_posted_from_a_phone_grows_on_the_live_screen_within_five_seconds(page, live_server, log_in):
    school = SchoolFactory(short_name="Берёзовская СОШ", time_zone="Europe/Samara")
    teacher = UserFactory(email="teacher@school.test", first_name="Анна", last_name="Белова")
    MembershipFactory(user=teacher, school=school, roles=[Role.TEACHER])
    StaffMemberFactory(school=school, user=teacher, last_name="Белова", first_name="Анна")
    StaffMemberFactory(school=school, last_name="Соколова", first_name="Наталья", patronymic="Ивановна")

    log_in(page, "teacher@school.test")
    page.set_viewport_size({"width": 1366, "height": 800})
    page.goto(f"{live_server.url}/recognition/live/")
    expect(page.locator("figure.recognition-qr svg.qr")).to_be_visible()
    expect(page.get_by_test_id("live-poll")).to_have_attribute("data-after", "0")
    expect(page.locator("#recognition-tree [data-leaf]")).to_have_count(0)

    # The phone: the address of the QR code, on a 360 px screen of the same person.
    phone = page.context.new_page()
    phone.set_viewport_size({"width": 360, "height": 740})
    phone.goto(f"{live_server.url}/recognition/new/?from=live")
    assert phone.evaluate(NO_SIDEWAYS_SCROLL)
    assert _serious_axe_violations(phone) == []
    phone.locator("#recipient-filter").fill("Сокол")
    phone.get_by_label("Соколова Наталья Ивановна").check()
    text = phone.locator("textarea[name=text]")
    text.fill("Спасибо за помощь!")
    expect(phone.get_by_test_id("recognition-hint")).to_be_visible()
    text.fill("За разбор моего урока в 7Б: один аспект и два конкретных шага")
    expect(phone.get_by_test_id("recognition-hint")).to_be_hidden()
    phone.get_by_test_id("recognition-save").click()
    phone.wait_for_url(f"{live_server.url}/recognition/new/?from=live")
    assert phone.evaluate(NO_SIDEWAYS_SCROLL)

    leaf = Recognition.objects.get()
    # On the screen, no reload: the poll brings the leaf within five seconds of the post.
    expect(page.locator(f'#recognition-tree [data-leaf="{leaf.pk}"]')).to_be_attached(timeout=5000)
    expect(page.get_by_test_id("live-feed")).to_contain_text("Соколова Н.")
    expect(page.get_by_test_id("live-poll")).to_have_attribute("data-after", str(leaf.pk))
    assert _serious_axe_violations(page) == []

    # The tree itself fits a phone too.
    page.set_viewport_size({"width": 360, "height": 740})
    page.goto(f"{live_server.url}/recognition/")
    expect(page.locator(f'#recognition-tree [data-leaf="{leaf.pk}"]')).to_be_attached()
    assert page.evaluate(NO_SIDEWAYS_SCROLL)
    assert _serious_axe_violations(page) == []
