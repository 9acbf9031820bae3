"""Every page of the URL walk in a real browser, as each persona of the demo school
sees it: it fits the screen at every width (no sideways scrolling of the whole
page) and axe-core finds no serious or critical WCAG 2.1 A/AA violation.

The pages and who may open them are the walk's (apps/core/tests/test_url_walk.py,
each app's tests/routes.py); their objects are made in the seeded demo, around
the demo's logins, so that the pages carry a school's worth of real-looking data
(long names, full tables). Each page is loaded once per persona, then resized;
axe runs at the widest width, where the whole menu shows, and on the lesson
feedback form at a phone's width too. Offenders are reported all at once.
See docs/testing.md#width-and-accessibility.
"""

import json
import os
import time
from collections import Counter

import pytest
from django.conf import settings
from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import expect

from apps.accounts.models import Role, User
from conftest import client_for
from tests.browser.conftest import open_dropdown, open_main_menu
from tests.demo_walk import COORDINATOR, DEMO_PERSONAS, VISITORS, DemoWorld, pages_for

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WIDTHS = (360, 768, 1024, 1366, 1920)
PHONE = 390
# Pages a person mostly opens on a phone: axe runs there at the phone's width too.
PHONE_PAGES = {"visits:feedback"}
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
AXE_SOURCE = (settings.BASE_DIR / "node_modules" / "axe-core" / "axe.min.js").read_text(encoding="utf-8")
BLOCKING_IMPACTS = {"serious", "critical"}


# Where the element that sticks out of the page is: the outermost elements whose
# right edge passes the window's while their parent's does not, unless a box that
# scrolls or clips holds them (a wide table inside .table-responsive scrolls on its
# own; an absolutely placed element escapes that box unless it is placed within it).
OVERFLOW = """
() => {
  const width = window.innerWidth;
  const clipped = (el) => {
    let escapes = ["absolute", "fixed"].includes(getComputedStyle(el).position);
    for (let p = el.parentElement; p && p !== document.body; p = p.parentElement) {
      const style = getComputedStyle(p);
      if (!escapes && style.overflowX !== "visible") return true;
      if (escapes && style.position !== "static") escapes = ["absolute", "fixed"].includes(style.position);
    }
    return false;
  };
  const sticksOut = (el) => el.getBoundingClientRect().right + window.scrollX > width + 1 && !clipped(el);
  const name = (el) => el.tagName.toLowerCase() + (el.id ? "#" + el.id : "") +
    (el.className && typeof el.className === "string" ? "." + el.className.trim().split(/\\s+/).join(".") : "");
  const culprits = [];
  const scrollWidth = document.documentElement.scrollWidth;
  if (scrollWidth <= width) return {scrollWidth: scrollWidth, innerWidth: width, culprits: culprits};
  for (const el of document.body.querySelectorAll("*")) {
    if (!sticksOut(el) || (el.parentElement !== document.body && sticksOut(el.parentElement))) continue;
    culprits.push(name(el) + " → " + Math.round(el.getBoundingClientRect().right + window.scrollX));
    if (culprits.length >= 3) break;
  }
  return {scrollWidth: scrollWidth, innerWidth: width, culprits: culprits};
}
"""

AXE_RUN = """
async (tags) => {
  const results = await axe.run(document, {runOnly: {type: "tag", values: tags}, resultTypes: ["violations"]});
  return results.violations.map((v) => ({
    id: v.id,
    impact: v.impact,
    nodes: v.nodes.map((n) => ({target: n.target.join(" "), summary: n.failureSummary})),
  }));
}
"""


def _open(page, url):
    """Load a page; None for what is no page (a download, a file shown as is)."""
    try:
        response = page.goto(url, wait_until="load")
    except PlaywrightError as error:
        if "Download is starting" in str(error):
            return None
        raise
    if not response.headers.get("content-type", "").startswith("text/html"):
        return None
    return response


def _axe(page, where, violations):
    # Evaluated through the DevTools protocol, axe is not a script the page's
    # Content-Security-Policy would have to allow.
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.evaluate(AXE_SOURCE)
    found = page.evaluate(AXE_RUN, AXE_TAGS)
    for violation in found:
        for node in violation["nodes"]:
            violations.append({**where, "rule": violation["id"], "impact": violation["impact"], **node})


@pytest.mark.parametrize("visitor", VISITORS)
def test_every_page_fits_the_screen_and_passes_axe(visitor, demo, chromium, live_server):
    users = {role: User.objects.get(email=email) for role, email in DEMO_PERSONAS.items()}
    world = DemoWorld(demo, users)
    user = users.get(visitor) or (User.objects.get(email=COORDINATOR) if visitor == "coordinator" else None)
    context = chromium.new_context(locale="ru-RU", viewport={"width": WIDTHS[-1], "height": 900})
    if user is not None:
        # Signed in before the objects are made: a notification is made for who is signed in.
        session = client_for(user).cookies[settings.SESSION_COOKIE_NAME].value
        context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "value": session, "url": live_server.url}])
    pages = pages_for(visitor, world)
    page = context.new_page()
    page.set_default_timeout(30000)
    refused = []
    page.on("console", lambda message: "Content Security Policy" in message.text and refused.append(message.text))

    started = time.monotonic()
    spent = Counter()
    too_wide, violations, failures, visited = [], [], [], 0
    try:
        for name, url in pages:
            where = {"visitor": str(visitor), "route": name, "url": url}
            clock = time.monotonic()
            page.set_viewport_size({"width": WIDTHS[-1], "height": 900})
            response = _open(page, f"{live_server.url}{url}")
            spent["load"] += time.monotonic() - clock
            if response is None:
                continue
            if response.status != 200:
                failures.append(f"{name} {url}: {response.status}")
                continue
            visited += 1
            # Widest first: axe runs there, where the whole menu shows, before any resizing.
            widths = sorted({*WIDTHS, PHONE} if name in PHONE_PAGES else WIDTHS, reverse=True)
            for width in widths:
                clock = time.monotonic()
                if width != WIDTHS[-1]:
                    page.set_viewport_size({"width": width, "height": 900})
                measured = page.evaluate(OVERFLOW)
                if measured["scrollWidth"] > measured["innerWidth"]:
                    too_wide.append({**where, "width": width, **measured})
                spent["widths"] += time.monotonic() - clock
                if width == WIDTHS[-1] or width == PHONE:
                    clock = time.monotonic()
                    _axe(page, {**where, "width": width}, violations)
                    spent["axe"] += time.monotonic() - clock
    finally:
        context.close()
    seconds = time.monotonic() - started

    _record(visitor, visited, seconds, spent, too_wide, violations)
    blocking = [v for v in violations if v["impact"] in BLOCKING_IMPACTS]
    problems = {
        "pages that did not open": failures,
        "pages wider than the window": [
            f"{v['route']} at {v['width']} px: {v['scrollWidth']} px wide ({', '.join(v['culprits'])})"
            for v in too_wide
        ],
        # The same element of the shared layout fails on every page: one line for it.
        "serious or critical axe violations": [
            f"{rule} ({impact}) {target}: {', '.join(where)}"
            for (rule, impact, target), where in _grouped(blocking).items()
        ],
        "refused by the Content-Security-Policy": refused,
    }
    assert not any(problems.values()), json.dumps(problems, ensure_ascii=False, indent=1)


def _grouped(violations):
    grouped = {}
    for v in violations:
        grouped.setdefault((v["rule"], v["impact"], v["target"]), []).append(f"{v['route']} at {v['width']} px")
    return grouped


def _record(visitor, visited, seconds, spent, too_wide, violations):
    """What the run found, in test-artifacts/ for a person to read (the numbers of a
    change's closing note): violations by impact, the widest page at each width."""
    os.makedirs("test-artifacts", exist_ok=True)
    widest = {}
    for entry in too_wide:
        if entry["width"] not in widest or entry["scrollWidth"] > widest[entry["width"]]["scrollWidth"]:
            widest[entry["width"]] = entry
    summary = {
        "visitor": str(visitor),
        "pages": visited,
        "seconds": round(seconds, 1),
        "seconds_by_step": {step: round(value, 1) for step, value in spent.items()},
        "violations_by_impact": dict(Counter(v["impact"] for v in violations)),
        "rules_by_impact": dict(Counter(f"{v['impact']} {v['rule']}" for v in violations)),
        "widest": {w: {k: e[k] for k in ("route", "url", "scrollWidth", "culprits")} for w, e in widest.items()},
        "too_wide": too_wide,
        "violations": violations,
    }
    with open(f"test-artifacts/every-page-{visitor}.json", "w", encoding="utf-8") as out:
        json.dump(summary, out, ensure_ascii=False, indent=1)


@pytest.mark.parametrize("width", [360, 1024, 1366, 1920])
def test_account_menu_opens_inside_the_window(width, demo, chromium, live_server):
    """The director's menu is the longest; its account menu, at the right end, opened
    past the window's right edge at 1366 px."""
    user = User.objects.get(email=DEMO_PERSONAS[Role.ADMINISTRATOR])
    context = chromium.new_context(locale="ru-RU", viewport={"width": width, "height": 900})
    session = client_for(user).cookies[settings.SESSION_COOKIE_NAME].value
    context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "value": session, "url": live_server.url}])
    page = context.new_page()
    try:
        page.goto(f"{live_server.url}/")
        open_main_menu(page)
        toggle = page.get_by_test_id("account-menu")
        open_dropdown(toggle)
        menu = page.locator(".dropdown-menu.show")
        expect(menu).to_be_visible()
        box = menu.bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= width, (box, width)
        assert page.evaluate("document.documentElement.scrollWidth") <= width
        # The name is shown or, where the menu shows icons only, read out and shown on hover.
        expect(toggle).to_contain_text(user.get_short_name())
        expect(toggle).to_have_attribute("title", user.get_short_name())
    finally:
        context.close()
