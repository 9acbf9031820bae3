"""The demo shows the programme's growth and a network coordinator's view."""

import re

from django.urls import reverse

from apps.accounts.models import User
from apps.core.dates import academic_year_of, school_today
from apps.dashboards.models import YearSummary
from apps.dashboards.report import annual_report
from apps.demo.staff import AVERAGE_AGE, AVERAGE_AGE_YEAR
from apps.staff.models import StaffMember
from apps.surveys.models import SurveyRound
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


def test_the_demo_report_has_the_seeds_average_age_and_readiness(demo):
    # The seed's «средний возраст — 35 лет», for the year of its 25 % / 28 % categories.
    seed_year = annual_report(school=demo, year=AVERAGE_AGE_YEAR)
    assert seed_year.ages.shown and abs(seed_year.ages.average - AVERAGE_AGE) <= 1
    # «Не указан»: the social pedagogue's card has no date, and the erased teacher's was blanked.
    assert seed_year.ages.unknown == 2
    # Ten years on, the same staff is older; the bands add up to the staff at work on 1 September.
    current = annual_report(school=demo, year=academic_year_of(school_today(demo)))
    assert current.ages.shown and current.ages.average > seed_year.ages.average
    headcount = next(year.headcount for year in current.categories if year.on == current.ages.on)
    assert sum(current.ages.bands.values()) + current.ages.unknown == current.ages.staff == headcount
    # The latest analysed round: the seed's 75 % readiness to interact, up from about a third.
    latest = SurveyRound.objects.filter(school=demo, analysed_at__isnull=False).order_by("-closes_on").first()
    year = academic_year_of(latest.closes_on)
    shown = annual_report(school=demo, year=year).readiness
    assert (shown.status, shown.share) == ("shown", 75)
    before = annual_report(school=demo, year=year - 1).readiness
    assert before.status == "shown" and 25 <= before.share <= 45


def test_no_page_a_demo_teacher_opens_shows_a_date_of_birth(demo):
    """The teacher may not see cards: whatever page she reaches from her start page, and
    the pages that list colleagues (her survey, her groups, the community), no date of
    birth of anyone appears on it."""
    dates = {
        text
        for day in StaffMember.objects.filter(birth_date__isnull=False).values_list("birth_date", flat=True)
        for text in (f"{day:%d.%m.%Y}", day.isoformat())
    }
    assert len(dates) > 40
    client = client_for(User.objects.get(email="teacher@berezovka.demo"))
    start = client.get(reverse("home"))
    assert start.status_code == 200
    links = sorted(set(re.findall(r'href="(/[^"#?]*)"', start.content.decode())))
    pages = [reverse("home"), *links]
    assert len(pages) > 10
    seen = 0
    for url in pages:
        if url.startswith(("/static/", "/media/", "/logout", "/accounts/logout")):
            continue
        response = client.get(url)
        if response.status_code != 200 or "text/html" not in response.get("Content-Type", ""):
            continue
        seen += 1
        body = response.content.decode()
        assert not [text for text in dates if text in body], url
        # Colleagues' pages one step further (a group, a team, a survey).
        for inner in sorted(set(re.findall(r'href="(/(?:mentoring|teams|surveys|community)/[^"#?]*)"', body)))[:5]:
            page = client.get(inner)
            if page.status_code == 200 and "text/html" in page.get("Content-Type", ""):
                assert not [text for text in dates if text in page.content.decode()], inner
    assert seen > 5
