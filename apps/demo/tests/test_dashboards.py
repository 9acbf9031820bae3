"""The demo shows the programme's growth and a network coordinator's view."""

from django.urls import reverse

from apps.accounts.models import User
from apps.core.dates import academic_year_of, school_today
from apps.dashboards.models import YearSummary
from conftest import client_for


def test_the_demo_history_grows_year_by_year(demo):
    current = academic_year_of(school_today(demo))
    rows = {
        row.year: row
        for row in YearSummary.objects.filter(school=demo, association=None, year__in=range(current - 3, current))
    }
    assert rows[current - 3].visits_held < rows[current - 2].visits_held < rows[current - 1].visits_held
    assert rows[current - 3].covered < rows[current - 2].covered < rows[current - 1].covered
    assert rows[current - 3].ties < rows[current - 1].ties


def test_the_demo_coordinator_lands_on_the_network(demo):
    coordinator = User.objects.get(email="coordinator@network.demo")
    assert not coordinator.memberships.exists()
    client = client_for(coordinator)
    response = client.get(reverse("home"), follow=True)
    assert response.status_code == 200
    body = response.content.decode()
    assert "Берёзовская СОШ" in body and "Ольховская ООШ" in body


def test_the_demo_year_counts_the_network_community(demo):
    # The demo's held seminar, its association meeting, materials and comments show on
    # the dashboards: the year summaries hold them.
    current = academic_year_of(school_today(demo))
    row = YearSummary.objects.get(school=demo, association=None, year=current)
    assert row.in_network_events > 0 and row.in_association_meetings > 0
    assert row.shared_materials > 0 and row.shared_materials_items >= row.shared_materials
    assert row.commented > 0 and row.commented_items >= row.commented
