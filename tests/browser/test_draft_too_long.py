"""A draft too long for the server: the page says so where the draft status goes,
and the text stays in the form as typed; the next, shorter draft is saved."""

import pytest
from playwright.sync_api import expect

from apps.accounts.models import Role
from apps.accounts.tests.factories import MembershipFactory, SchoolFactory, UserFactory
from apps.mentoring.tests.factories import MentorGroupFactory
from apps.staff.tests.factories import StaffMemberFactory
from apps.visits.models import Feedback
from tests.browser.conftest import visit_held_an_hour_ago

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Typing stops at the field's maxlength; a paste by a script, an old browser or a
# restored copy does not, so the value is set the way those do.
SET_VALUE = """([selector, text]) => {
    const field = document.querySelector(selector);
    field.value = text;
    field.dispatchEvent(new Event("input", {bubbles: true}));
    field.dispatchEvent(new Event("change", {bubbles: true}));
}"""


@pytest.mark.parametrize("length", [4001, 300_000])  # a field over its limit; a body over the draft's limit
def test_a_draft_too_long_is_not_saved_and_the_text_stays(page, live_server, log_in, length):
    school = SchoolFactory(short_name="Берёзовская СОШ", time_zone="Europe/Samara")
    observer = UserFactory(email="teacher@school.test")
    MembershipFactory(user=observer, school=school, roles=[Role.TEACHER])
    observed = StaffMemberFactory(school=school, last_name="Васильева")
    observer_staff = StaffMemberFactory(school=school, user=observer, last_name="Белова")
    group = MentorGroupFactory(school=school, members=[observed, observer_staff])
    visit = visit_held_an_hour_ago(group=group, observed=observed, observers=[observer_staff])

    log_in(page, "teacher@school.test")
    page.goto(f"{live_server.url}/visits/{visit.pk}/feedback/")
    text = "Ученики работали в парах. " + "ф" * length
    page.evaluate(SET_VALUE, ["#id_facts", text])

    status = page.get_by_test_id("draft-status")
    expect(status.locator("[data-draft-too-long]")).to_be_visible()
    expect(status).to_contain_text("Черновик не сохранён")
    assert page.locator("#id_facts").input_value() == text
    assert not Feedback.objects.exists()

    # Shortened, it is saved by the next automatic draft.
    page.evaluate(SET_VALUE, ["#id_facts", "Ученики работали в парах."])
    expect(status.locator("[data-draft-saved]:not([data-draft-too-long])")).to_have_count(1)
    assert Feedback.objects.get().facts == "Ученики работали в парах."
