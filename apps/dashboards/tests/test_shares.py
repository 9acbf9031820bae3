"""A share is rounded once, half up from the exact counts, so every page, export
and report shows the same number for the same thing."""

import io
import re

import pytest
from django.core.management import call_command
from django.urls import reverse
from openpyxl import load_workbook

from apps.accounts.models import Membership, Role, School
from apps.core.dates import academic_year_of, school_today
from apps.core.shares import percent, percent_change
from apps.dashboards.models import YearSummary
from apps.dashboards.report import annual_report
from conftest import client_for


def test_ten_of_twenty_six_is_38_percent_not_39():
    assert percent(10, 26) == 38  # 38.46: rounding 38.5 again would give 39
    assert percent(51, 200) == 26  # 25.5 rounds half up
    assert percent(1, 0) is None
    assert percent(10, 26, places=1) == 38.5
    assert percent_change(10, 26, 9, 26) == 3.8


@pytest.fixture
def demo(db):
    call_command("seed_demo", password="demo-pass-1")
    return School.objects.get(short_name="Берёзовская СОШ")


def _page_shares(html, year):
    shares = {}
    for key in ("highest", "first"):
        cell = re.search(rf'data-testid="{key}-{year}">(\d+) %', html)
        shares[key] = int(cell.group(1))
    return shares


def test_the_categories_page_its_xlsx_and_the_yearly_report_agree_for_every_year_of_the_demo(demo):
    administrator = Membership.objects.filter(school=demo, roles__contains=[Role.ADMINISTRATOR]).first().user
    client = client_for(administrator)
    current = academic_year_of(school_today(demo))
    years = sorted({*YearSummary.objects.filter(school=demo).values_list("year", flat=True), current})
    query = {"first_year": years[0], "last_year": years[-1]}
    html = client.get(reverse("dashboards:categories"), query).content.decode()
    workbook = load_workbook(io.BytesIO(client.get(reverse("dashboards:categories_xlsx"), query).content))
    # Year, staff, then each category's count and share: highest first, then first.
    xlsx = {row[0]: row for row in workbook.worksheets[0].iter_rows(min_row=2, values_only=True)}
    for year in years:
        report = annual_report(school=demo, year=year).categories[-1]
        assert report.year == year
        page = _page_shares(html, year)
        row = xlsx[year]
        in_xlsx = {"highest": row[3], "first": row[5]}
        expected = {"highest": report.highest_share or 0, "first": report.first_share or 0}
        assert page == in_xlsx == expected, year
