"""The demo shows the programme's growth and a network coordinator's view."""

import pytest
from django.core.management import call_command
from django.urls import reverse

from apps.accounts.models import School, User
from apps.core.dates import academic_year_of, school_today
from apps.dashboards.models import YearSummary
from conftest import client_for


@pytest.fixture
def demo(db):
    call_command("seed_demo", password="demo-pass-1")
    return School.objects.get(short_name="Берёзовская СОШ")


def test_the_demo_history_grows_year_by_year(demo):
    current = academic_year_of(school_today(demo))
    rows = {
        row.year: row
        for row in YearSummary.objects.filter(school=demo, association=None, year__in=range(current - 3, current))
    }
    assert rows[current - 3].visits_held < rows[current - 2].visits_held < rows[current - 1].visits_held
    assert rows[current - 3].covered < rows[current - 2].covered < rows[current - 1].covered
    assert rows[current - 3].ties < rows[current - 1].ties


def test_seeding_twice_adds_no_history(demo):
    before = YearSummary.objects.get(school=demo, association=None, year=academic_year_of(school_today(demo)) - 1)
    call_command("seed_demo", password="demo-pass-1")
    after = YearSummary.objects.get(school=demo, association=None, year=before.year)
    assert after.visits_held == before.visits_held


def test_the_demo_coordinator_lands_on_the_network(demo):
    coordinator = User.objects.get(email="coordinator@network.demo")
    assert not coordinator.memberships.exists()
    client = client_for(coordinator)
    response = client.get(reverse("home"), follow=True)
    assert response.status_code == 200
    body = response.content.decode()
    assert "Берёзовская СОШ" in body and "Ольховская ООШ" in body
