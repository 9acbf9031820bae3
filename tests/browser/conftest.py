"""Headless Chromium (Debian's package) driven by Playwright against the live server."""

import os
import re
import shutil

import pytest

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="session")
def chromium():
    from playwright.sync_api import sync_playwright

    path = os.environ.get("CHROMIUM_PATH") or shutil.which("chromium") or "/usr/bin/chromium"
    if not os.path.exists(path):
        pytest.fail(f"Chromium not found at {path}: install Debian's chromium package (make test does).")
    # Playwright's sync API runs an event loop in this thread; the ORM calls of
    # the tests themselves are still synchronous.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=path, headless=True, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(chromium, request):
    context = chromium.new_context(locale="ru-RU", viewport={"width": 390, "height": 844})
    page = context.new_page()
    page.set_default_timeout(15000)
    # Whatever a browser test does, the Content-Security-Policy refuses nothing on the way
    # (tests/browser/test_csp.py checks the pages that once had inline code more closely).
    refused = []
    page.on("console", lambda message: "Content Security Policy" in message.text and refused.append(message.text))
    yield page
    if getattr(request.node, "rep_call", None) is not None and request.node.rep_call.failed:
        os.makedirs("test-artifacts", exist_ok=True)
        page.screenshot(path=f"test-artifacts/{request.node.name}.png", full_page=True)
    context.close()
    assert not refused, f"the Content-Security-Policy refused: {refused}"


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    setattr(item, f"rep_{report.when}", report)


def visit_held_an_hour_ago(*, group, observed, observers):
    """A lesson visit of `group` that ended an hour ago, on the default one-aspect
    protocol, as an observer opens its feedback form right after the lesson."""
    import datetime

    from django.utils import timezone

    from apps.visits.services import protocols_ensure_defaults
    from apps.visits.tests.factories import LessonVisitFactory

    protocols_ensure_defaults(school=group.school)
    ends = timezone.now().replace(second=0, microsecond=0) - datetime.timedelta(hours=1)
    return LessonVisitFactory(
        school=group.school,
        group=group,
        observed=observed,
        observers=observers,
        starts_at=ends - datetime.timedelta(minutes=45),
        ends_at=ends,
        topic="Причастный оборот",
        protocol=group.school.observation_protocols.get(name="Взаимопосещение: один аспект урока"),
    )


def open_main_menu(page):
    """On a phone-sized screen, open the collapsed navigation and wait until Bootstrap's
    collapse transition has ended: a tap on a dropdown toggle while the menu is still
    sliding open was lost on a loaded machine."""
    from playwright.sync_api import expect

    toggler = page.locator(".navbar-toggler")
    if toggler.is_visible():
        if toggler.get_attribute("aria-expanded") != "true":
            toggler.click()
        expect(page.locator("#mainNav")).to_have_class(re.compile(r"(^|\s)show(\s|$)"))


def open_dropdown(toggle):
    """Click a Bootstrap dropdown toggle until its menu is open (aria-expanded), so that
    a click that lands before the page settles is tried again instead of timing out."""
    from playwright.sync_api import expect

    for _attempt in range(3):
        toggle.click()
        try:
            expect(toggle).to_have_attribute("aria-expanded", "true", timeout=3000)
            return
        except AssertionError:
            continue
    expect(toggle).to_have_attribute("aria-expanded", "true")


def pass_two_factor(page, email):
    """After the password: type the code of the user's authenticator app if the site
    asks for it, or set one up (from the key the page shows) if it must be set up.
    A user who owes no second factor is left where the password step sent them."""
    import time

    from django_otp.oath import TOTP
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from apps.accounts.tests.factories import totp_code_for_secret

    page.wait_for_url(lambda url: "/accounts/login/" not in url)
    if "/accounts/two-factor/verify/" in page.url:
        device = TOTPDevice.objects.get(user__email=email.lower(), confirmed=True)
        totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
        while totp.t() <= device.last_t:  # this step's code was used already: wait for the next
            time.sleep(1)
        page.locator("input[name=code]").fill(f"{totp.token():0{device.digits}d}")
        page.get_by_test_id("two-factor-submit").click()
        page.wait_for_url(lambda url: "/accounts/two-factor/" not in url)
    elif "/accounts/two-factor/setup/" in page.url:
        secret = page.get_by_test_id("totp-secret").inner_text()
        page.locator("input[name=code]").fill(totp_code_for_secret(secret))
        page.get_by_test_id("two-factor-submit").click()
        page.wait_for_url(re.compile(r"/accounts/two-factor/recovery-codes/"))
        assert page.get_by_test_id("recovery-codes").locator("li").count() == 10
        page.get_by_test_id("two-factor-continue").click()
        page.wait_for_url(lambda url: "/accounts/two-factor/" not in url)


@pytest.fixture
def log_in(live_server):
    """Log in through the login form, as a person would, with the second factor
    for those who need it."""

    def _log_in(page, email, password="correct-horse-42"):
        page.goto(f"{live_server.url}/accounts/login/")
        page.get_by_label("E-mail").fill(email)
        page.get_by_label("Пароль").fill(password)
        page.get_by_role("button", name="Войти").click()
        pass_two_factor(page, email)
        page.wait_for_url(f"{live_server.url}/")

    return _log_in


@pytest.fixture(autouse=True)
def _signed_in_person_kept(signed_in_person_kept):
    """The signed-in person kept beside the session, as in production."""
