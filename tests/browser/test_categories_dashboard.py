"""An administrator of the demo school opens the categories dashboard on a phone,
sees the chart and the school's reported 2014–2017 table, and downloads it as XLSX. The
screenshot stays in test-artifacts/ for a person to look at the chart."""

import os

import pytest
from openpyxl import load_workbook

from apps.demo.staff import CATEGORY_SHARES
from tests.browser.conftest import open_main_menu

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _percent(text):
    return int(text.split("%")[0].strip())


def test_administrator_reads_the_category_shares_and_downloads_them(demo_database, page, live_server, log_in, tmp_path):
    log_in(page, "director@berezovka.demo", demo_database.password)

    open_main_menu(page)
    page.get_by_test_id("nav-dashboards").click()
    page.wait_for_url(f"{live_server.url}/dashboards/categories/")

    chart = page.get_by_test_id("categories-chart")
    assert chart.locator("svg rect").count() >= 8  # two bars a year
    for year, (highest, first) in CATEGORY_SHARES.items():
        assert abs(_percent(page.get_by_test_id(f"highest-{year}").inner_text()) - highest) <= 1, year
        assert abs(_percent(page.get_by_test_id(f"first-{year}").inner_text()) - first) <= 1, year

    os.makedirs("test-artifacts", exist_ok=True)
    page.screenshot(path="test-artifacts/categories-dashboard.png", full_page=True)

    with page.expect_download() as download_info:
        page.get_by_test_id("export-xlsx").click()
    path = tmp_path / "categories.xlsx"
    download_info.value.save_as(path)
    sheet = load_workbook(path).worksheets[0]
    rows = {row[0]: row for row in sheet.iter_rows(min_row=2, values_only=True)}
    for year, (highest, _first) in CATEGORY_SHARES.items():
        assert abs(rows[year][3] - highest) <= 1, rows[year]


@pytest.mark.parametrize("width", [1366, 1920])
def test_breakdown_tables_do_not_cover_each_other(width, demo, chromium, live_server):
    """By association and by experience: side by side in half a page, the long
    association names pushed the first table under the second."""
    from django.conf import settings

    from apps.accounts.models import User
    from conftest import client_for

    context = chromium.new_context(locale="ru-RU", viewport={"width": width, "height": 900})
    session = client_for(User.objects.get(email="director@berezovka.demo")).cookies[settings.SESSION_COOKIE_NAME]
    context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "value": session.value, "url": live_server.url}])
    page = context.new_page()
    try:
        page.goto(f"{live_server.url}/dashboards/categories/")
        tables = page.locator("[data-testid^=breakdown-]")
        assert tables.count() == 2
        first, second = tables.nth(0).bounding_box(), tables.nth(1).bounding_box()
        apart = (
            first["x"] + first["width"] <= second["x"]
            or second["x"] + second["width"] <= first["x"]
            or first["y"] + first["height"] <= second["y"]
            or second["y"] + second["height"] <= first["y"]
        )
        assert apart, (first, second)
    finally:
        context.close()
