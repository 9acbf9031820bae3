"""The yearly report (§5–6 of the report form) on hand-built data: every figure equals the
value counted by hand, on screen, on the print page and in the XLSX."""

import datetime
import io

import pytest
from django.urls import reverse
from django.utils import translation
from openpyxl import load_workbook

from apps.dashboards.models import ReportExport
from apps.dashboards.report import annual_report
from apps.dashboards.xlsx import annual_report_xlsx
from apps.mentoring.models import MentorGroup
from apps.mentoring.tests.factories import MentorGroupFactory
from apps.partners.models import JointActivity
from apps.partners.tests.factories import JointActivityFactory
from apps.problemdays.models import ProblemDay
from apps.problemdays.tests.factories import ProblemDayFactory
from apps.staff.models import Achievement, QualificationCategory
from apps.staff.tests.factories import AchievementFactory, CategoryAwardFactory, StaffMemberFactory
from apps.teams.models import TeamMember
from apps.teams.tests.factories import TaskTeamFactory
from apps.visits.models import LessonVisit
from apps.visits.tests.factories import LessonVisitFactory
from conftest import client_for

pytestmark = pytest.mark.django_db

YEAR = 2025  # the academic year 1 September 2025 – 31 August 2026
D = datetime.date


def visit(school, *, observed, observer, on, status, cancel_reason=""):
    starts = datetime.datetime.combine(on, datetime.time(10), tzinfo=school.tzinfo)
    ends = starts + datetime.timedelta(minutes=45)
    due = ends + datetime.timedelta(hours=48)
    debriefed = {
        LessonVisit.Status.DEBRIEFED: ends + datetime.timedelta(hours=3),
        LessonVisit.Status.DEBRIEFED_LATE: ends + datetime.timedelta(hours=60),
    }.get(status)
    return LessonVisitFactory(
        school=school,
        observed=observed,
        observers=[observer],
        starts_at=starts,
        ends_at=ends,
        debrief_due_at=due,
        debriefed_at=debriefed,
        status=status,
        cancel_reason=cancel_reason,
    )


def build_school_year(school):
    """Four teachers of the year, one who left before it, and what they did.

    A: first category 2019, highest since May 2024; a network project; observes B on time.
    B: first category awarded exactly on 1 September 2025; a contest (participant); observes A, debriefed late.
    C: left on 15 January 2026; contest prize-winner; organiser of a problem-theme day held;
       a cancelled visit to D; responsible for a partner activity held and one cancelled.
    D: first category that ended on 31 August 2025; a publication (and one of the year before).
    E: left on 30 June 2025, first category until January 2025: counts in the earlier years only.
    """
    a = StaffMemberFactory(school=school, last_name="Александрова")
    b = StaffMemberFactory(school=school, last_name="Борисова")
    c = StaffMemberFactory(school=school, last_name="Васильева", is_active=False, left_on=D(2026, 1, 15))
    d = StaffMemberFactory(school=school, last_name="Григорьева")
    e = StaffMemberFactory(school=school, last_name="Дмитриева", is_active=False, left_on=D(2025, 6, 30))
    first, highest = QualificationCategory.FIRST, QualificationCategory.HIGHEST
    CategoryAwardFactory(staff=a, category=first, awarded_on=D(2019, 12, 20), valid_until=D(2024, 12, 19))
    CategoryAwardFactory(staff=a, category=highest, awarded_on=D(2024, 5, 1), valid_until=D(2029, 4, 30))
    CategoryAwardFactory(staff=b, category=first, awarded_on=D(2025, 9, 1), valid_until=D(2030, 8, 31))
    CategoryAwardFactory(staff=d, category=first, awarded_on=D(2020, 9, 1), valid_until=D(2025, 8, 31))
    CategoryAwardFactory(staff=e, category=first, awarded_on=D(2020, 1, 10), valid_until=D(2025, 1, 9))

    kinds, results = Achievement.Kind, Achievement.Result
    AchievementFactory(staff=a, kind=kinds.NETWORK_PROJECT, date=D(2026, 3, 1), result=results.PARTICIPANT)
    AchievementFactory(staff=b, kind=kinds.CONTEST, date=D(2026, 4, 1), result=results.PARTICIPANT)
    AchievementFactory(staff=c, kind=kinds.CONTEST, date=D(2025, 12, 1), result=results.PRIZE_WINNER)
    AchievementFactory(staff=d, kind=kinds.PUBLICATION, date=D(2026, 2, 1), result=results.PARTICIPANT)
    AchievementFactory(staff=d, kind=kinds.PUBLICATION, date=D(2025, 8, 31), result=results.PARTICIPANT)

    status = LessonVisit.Status
    on_time = visit(school, observed=b, observer=a, on=D(2025, 10, 10), status=status.DEBRIEFED)
    visit(school, observed=a, observer=b, on=D(2026, 2, 2), status=status.DEBRIEFED_LATE)
    visit(school, observed=d, observer=c, on=D(2025, 11, 11), status=status.CANCELLED, cancel_reason="Карантин")

    ProblemDayFactory(school=school, date=D(2025, 12, 10), status=ProblemDay.Status.HELD, organisers=[c])
    ProblemDayFactory(school=school, date=D(2026, 4, 1), status=ProblemDay.Status.PLANNING)
    ProblemDayFactory(school=school, date=D(2025, 5, 1), status=ProblemDay.Status.REFLECTED)
    JointActivityFactory(school=school, responsible=c, starts_on=D(2025, 10, 15))
    JointActivityFactory(school=school, responsible=c, starts_on=D(2026, 3, 15), status=JointActivity.Status.CANCELLED)
    return {"a": a, "b": b, "c": c, "d": d, "e": e, "visit": on_time}


EXPECTED = {
    # key: (count, share %)
    "staff": (4, None),
    "with_category": (2, 50),  # A highest, B first (awarded on the day itself); D's ended the day before
    "covered": (3, 75),  # A, B by visits, C by the problem-theme day; D only has a publication
    "network_projects": (1, 25),
    "network_events": (0, 0),
    "association_meetings": (0, 0),
    "shared_materials": (0, 0),
    "materials_shared": (0, None),
    "community_replies": (0, None),
    "contestants": (2, 50),
    "prize_winners": (1, 25),
    "authors": (1, 25),
    "publications": (1, None),
    "problem_days": (1, None),
    "joint_activities": (1, None),
    "visits_held": (2, None),  # the cancelled visit is not counted
    "visits_on_time": (1, 50),
}

# §6: 1 September of 2022–2025. Headcount 5, 5, 5, then 4 (E left).
EXPECTED_CATEGORIES = {
    2022: (5, 0, 3),  # first: A, D, E
    2023: (5, 0, 3),
    2024: (5, 1, 2),  # A highest (the latest award in force); first: D, E
    2025: (4, 1, 1),  # A highest; B first
}
EXPECTED_SHARES = {"highest": [0, 0, 20, 25], "first": [60, 60, 40, 25]}


@pytest.fixture
def year_data(school):
    return build_school_year(school)


def test_every_criterion_equals_the_hand_count(school, year_data):
    report = annual_report(school=school, year=YEAR)
    figures = {c.key: (c.count, c.share) for c in report.criteria}
    assert figures == EXPECTED


def test_network_pairs_and_teams_count_as_network_projects(school, other_school, year_data):
    """A network pair (its members and curator) and a team with a partner school's people
    are network projects; each teacher counts once, whatever the number of projects."""
    people = year_data
    partner_teacher = StaffMemberFactory(school=other_school, last_name="Партнёрова")
    # A (who already has a network project among the achievements) and B's pair with the
    # partner school, curated by D.
    MentorGroupFactory(
        school=school,
        partner_school=other_school,
        members=[people["a"], partner_teacher],
        curator=people["d"],
        starts_on=D(2025, 10, 1),
        planned_end_on=D(2026, 5, 31),
    )
    MentorGroupFactory(
        school=school,
        partner_school=other_school,
        members=[people["b"], StaffMemberFactory(school=other_school)],
        curator=people["d"],
        starts_on=D(2025, 10, 1),
        planned_end_on=D(2026, 5, 31),
    )
    # C in a team with the partner school's teacher.
    team = TaskTeamFactory(school=school, partner_school=other_school, lead=people["c"], members=[partner_teacher])
    TeamMember.objects.filter(team=team).update(joined_on=D(2025, 11, 1))
    # Not network projects of the year: a network pair dissolved while forming, a pair of
    # one school, a network team left before the year began.
    MentorGroupFactory(
        school=school,
        partner_school=other_school,
        members=[people["e"], StaffMemberFactory(school=other_school)],
        curator=people["d"],
        status=MentorGroup.Status.DISSOLVED,
        starts_on=D(2025, 10, 1),
        planned_end_on=D(2026, 5, 31),
    )
    lead = StaffMemberFactory(school=school)
    old_team = TaskTeamFactory(school=school, partner_school=other_school, lead=lead)
    TeamMember.objects.filter(team=old_team).update(joined_on=D(2024, 9, 1), left_on=D(2025, 6, 1))
    MentorGroupFactory(
        school=school,
        members=[lead, people["e"]],
        curator=people["d"],
        starts_on=D(2025, 10, 1),
        planned_end_on=D(2026, 5, 31),
    )

    report = annual_report(school=school, year=YEAR)
    staff = report.criterion("staff").count
    assert staff == 5  # the former team's lead joins the staff of the year; E left before it
    network = report.criterion("network_projects")
    assert (network.count, network.share) == (4, 80)  # A, B, C (team), D (curator)
    # The partner school's report counts its own teacher once (pair and team).
    assert annual_report(school=other_school, year=YEAR).criterion("network_projects").count == 2


def test_categories_on_1_september_of_four_years(school, year_data):
    report = annual_report(school=school, year=YEAR)
    assert [(c.year, c.on) for c in report.categories] == [(y, D(y, 9, 1)) for y in range(2022, 2026)]
    assert {c.year: (c.headcount, c.highest, c.first) for c in report.categories} == EXPECTED_CATEGORIES
    assert dict(report.category_rows) == {
        "Высшая категория": EXPECTED_SHARES["highest"],
        "Первая категория": EXPECTED_SHARES["first"],
    }


def test_another_school_does_not_change_the_report(school, other_school, year_data):
    build_school_year(other_school)
    report = annual_report(school=school, year=YEAR)
    assert {c.key: (c.count, c.share) for c in report.criteria} == EXPECTED


def test_an_empty_year_has_zeros_and_no_shares(school):
    report = annual_report(school=school, year=2001)
    assert all(c.count == 0 and c.share is None for c in report.criteria)
    assert all(c.headcount == 0 and c.highest_share is None for c in report.categories)


def test_report_is_five_queries_whatever_the_size(school, year_data, django_assert_num_queries):
    # The four aggregates of §5–6 (the ages in one of them) and the survey round's analysis.
    with django_assert_num_queries(5):
        annual_report(school=school, year=YEAR)
    build_school_year(school)
    with django_assert_num_queries(5):
        annual_report(school=school, year=YEAR)


def test_xlsx_has_the_russian_headings_and_the_numbers(school, year_data):
    content = annual_report_xlsx(annual_report(school=school, year=YEAR))
    sheet = load_workbook(io.BytesIO(content)).active
    rows = list(sheet.iter_rows(values_only=True))
    flat = [value for row in rows for value in row if value is not None]
    for heading in ("Годовой отчёт: 2025/26 учебный год", "Критерий", "Количество", "Доля, %"):
        assert heading in flat
    assert any(str(v).startswith("5. Измерение и оценка качества инновации") for v in flat)
    assert any(str(v).startswith("6. Результативность") for v in flat)
    by_label = {row[0]: row[1:] for row in rows if row and row[0]}
    assert by_label["Педагогов в штате за учебный год"][:2] == (4, None)
    assert by_label["Охват: педагогов хотя бы в одной форме профессионального взаимодействия"][:2] == (3, 75)
    assert by_label["Педагогов — призёров и победителей конкурсов"][:2] == (1, 25)
    assert by_label["из них с разбором в срок"][:2] == (1, 50)
    assert by_label["Критерий"][:4] == ("2022", "2023", "2024", "2025")
    assert by_label["Высшая категория, %"][:4] == (0, 0, 20, 25)
    assert by_label["Первая категория, %"][:4] == (60, 60, 40, 25)


def test_xlsx_is_russian_even_when_english_is_active(school, year_data):
    with translation.override("en"):
        report = annual_report(school=school, year=YEAR)
        assert report.title == "Yearly report: 2025/26 academic year"
        content = annual_report_xlsx(report)
    sheet = load_workbook(io.BytesIO(content)).active
    flat = [value for row in sheet.iter_rows(values_only=True) for value in row if value is not None]
    assert sheet.title == "Годовой отчёт"
    assert "Годовой отчёт: 2025/26 учебный год" in flat
    assert "из них с разбором в срок" in flat and "Высшая категория, %" in flat


def test_report_page_follows_the_interface_language(settings, school, administrator, year_data):
    settings.LANGUAGE_CODE = "en"
    html = client_for(administrator).get(report_url(), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "5. Measuring and assessing the quality of the innovation" in html
    assert "Highest category" in html and "Высшая категория" not in html


def report_url(year=YEAR):
    return f"{reverse('dashboards:annual_report')}?year={year}"


def test_deputy_head_sees_both_tables(school, deputy_head, year_data):
    response = client_for(deputy_head).get(report_url())
    assert response.status_code == 200
    figures = {c.key: (c.count, c.share) for c in response.context["report"].criteria}
    assert figures == EXPECTED
    html = response.content.decode()
    assert "Высшая категория" in html and "Первая категория" in html
    assert 'data-testid="report-prepare-xlsx"' in html
    assert 'data-testid="report-prepare-matrix"' not in html  # the per-teacher table: administrators only


def test_administrator_may_prepare_the_per_teacher_table(administrator):
    html = client_for(administrator).get(report_url()).content.decode()
    assert 'data-testid="report-prepare-matrix"' in html


@pytest.mark.parametrize("persona", ["teacher", "curator"])
def test_teacher_and_curator_get_403_on_the_report(request, persona):
    user = request.getfixturevalue(persona)
    assert client_for(user).get(report_url()).status_code == 403
    assert client_for(user).get(reverse("dashboards:annual_report_print")).status_code == 403


def test_anonymous_is_sent_to_log_in(client):
    response = client.get(report_url())
    assert response.status_code == 302 and "/login" in response["Location"]


def test_invalid_year_is_a_form_error_not_a_500(school, administrator):
    response = client_for(administrator).get(f"{reverse('dashboards:annual_report')}?year=abc")
    assert response.status_code == 200
    assert response.context["form"].errors
    assert response.context["report"].year == response.context["form"].current_year


def test_print_page_is_russian_even_when_the_site_is_english(settings, school, administrator, year_data):
    settings.LANGUAGE_CODE = "en"
    client = client_for(administrator)
    response = client.get(f"{reverse('dashboards:annual_report_print')}?year={YEAR}", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    html = response.content.decode()
    assert '<html lang="ru">' in html
    assert "<title>Годовой отчёт" in html
    assert "5. Измерение и оценка качества инновации" in html
    assert "Высшая категория" in html and "25%" in html
    # The print rules come from a static style sheet: the CSP allows no inline <style>.
    assert "css/annual-report-print.css" in html and "<style" not in html
    from django.contrib.staticfiles import finders

    with open(finders.find("css/annual-report-print.css")) as sheet:
        assert "@media print" in sheet.read()


# The user with their memberships (the session comes from the cache); five report statements;
# the requester's exports; the unread bell; the networks the person coordinates (the
# dashboards' menu); the count of «Мои дела».
PAGE_QUERIES = 10


def test_report_page_query_count_does_not_grow_with_the_data(school, administrator, django_assert_num_queries):
    client = client_for(administrator)
    build_school_year(school)
    ReportExport.objects.create(school=school, requested_by=administrator, kind="annual_report", params={"year": YEAR})
    with django_assert_num_queries(PAGE_QUERIES):
        assert client.get(report_url()).status_code == 200
    for _ in range(3):
        build_school_year(school)
    for year in range(2020, 2026):
        ReportExport.objects.create(
            school=school, requested_by=administrator, kind="annual_report", params={"year": year}
        )
    with django_assert_num_queries(PAGE_QUERIES):
        assert client.get(report_url()).status_code == 200
