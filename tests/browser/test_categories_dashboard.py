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
