"""Logging out on a shared school computer forgets the drafts kept in the browser."""

import pytest

from apps.accounts.models import Role
from apps.accounts.tests.factories import MembershipFactory, UserFactory
from tests.browser.conftest import open_main_menu

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_logout_forgets_local_drafts(page, live_server, log_in):
    MembershipFactory(user=UserFactory(email="teacher@school.test"), roles=[Role.TEACHER])
    log_in(page, "teacher@school.test")
    page.evaluate(
        "localStorage.setItem('collabschool:draft:visit-1', '{}'); localStorage.setItem('other-site-thing', '1')"
    )
    open_main_menu(page)
    page.locator("form[data-logout] button").evaluate("button => button.closest('form').requestSubmit()")
    page.wait_for_url(f"{live_server.url}/accounts/login/")
    assert page.evaluate("localStorage.getItem('collabschool:draft:visit-1')") is None
    assert page.evaluate("localStorage.getItem('other-site-thing')") == "1"
