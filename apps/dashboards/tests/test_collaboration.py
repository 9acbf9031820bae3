"""The collaboration network page: who is tied to whom in a period, who has no
ties, who is the most connected, and the growth year on year."""

import datetime
import io
import re

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from apps.dashboards.collaboration import collaboration_network
from apps.dashboards.models import YearSummary
from apps.dashboards.periods import academic_year
from apps.mentoring.models import MentorGroup
from apps.mentoring.tests.factories import MentorGroupFactory
from apps.staff.tests.factories import StaffMemberFactory, SubjectAssociationFactory
from apps.teams.tests.factories import TaskTeamFactory
from apps.visits.models import LessonVisit
from apps.visits.tests.factories import LessonVisitFactory
from conftest import client_for

URL = reverse("dashboards:collaboration")
XLSX_URL = reverse("dashboards:collaboration_xlsx")
YEAR = 2026  # the academic year 2026/27, current on the frozen day


@pytest.fixture(autouse=True)
def _frozen():
    with time_machine.travel(datetime.datetime(2026, 11, 23, 9, 0, tzinfo=datetime.UTC), tick=False):
        yield


@pytest.fixture(autouse=True)
def _english_messages(settings):
    """These tests read the English source of messages (the Russian is in the .po)."""
    settings.LANGUAGE_CODE = "en"


def _person(school, last_name, association=None, **extra):
    association = association or SubjectAssociationFactory(school=school)
    return StaffMemberFactory(
        school=school, last_name=last_name, first_name="Мария", patronymic="Ивановна", association=association, **extra
    )


@pytest.fixture
def people(school):
    """Антонова visited Борисова; Борисова and Васильева are a pair; Васильева and
    Григорьева are in a team; Антонова's visit to Дмитриева was cancelled and
    Дмитриева and Григорьева's pair is still forming, so Дмитриева has no ties;
    Ефимова left before the year began."""
    maths = SubjectAssociationFactory(school=school, name="ШМО математиков")
    a = _person(school, "Антонова", maths)
    b = _person(school, "Борисова", maths)
    c = _person(school, "Васильева")
    d = _person(school, "Григорьева")
    e = _person(school, "Дмитриева")
    gone = _person(school, "Ефимова", is_active=False, left_on=datetime.date(2026, 6, 30))
    LessonVisitFactory(school=school, observed=b, observers=[a])
    LessonVisitFactory(
        school=school, observed=e, observers=[a], status=LessonVisit.Status.CANCELLED, cancel_reason="Болезнь"
    )
    MentorGroupFactory(school=school, curator=a, members=[b, c])
    MentorGroupFactory(school=school, curator=a, members=[d, e], status=MentorGroup.Status.FORMING)
    TaskTeamFactory(school=school, lead=c, members=[d])
    return {"a": a, "b": b, "c": c, "d": d, "e": e, "gone": gone, "maths": maths}


def _names(persons):
    return [person.full_name.split()[0] for person in persons]


def _ties(network):
    return [
        (tie.a.full_name.split()[0], tie.b.full_name.split()[0], tie.visits, tie.groups, tie.teams)
        for tie in network.ties
    ]


def test_network_has_the_staff_of_the_period_and_their_ties(school, people):
    network = collaboration_network(school=school, period=academic_year(YEAR))

    assert _names(network.people) == ["Антонова", "Борисова", "Васильева", "Григорьева", "Дмитриева"]
    assert _ties(network) == [
        ("Антонова", "Борисова", 1, 0, 0),
        ("Борисова", "Васильева", 0, 1, 0),
        ("Васильева", "Григорьева", 0, 0, 1),
    ]
    assert _names(network.isolates) == ["Дмитриева"]
    assert _names(network.most_connected) == ["Борисова", "Васильева", "Антонова", "Григорьева"]
    assert [p.colleagues for p in network.most_connected] == [2, 2, 1, 1]
    assert (network.connected, network.share_connected) == (4, 80.0)


def test_network_of_one_association_keeps_ties_inside_it(school, people):
    network = collaboration_network(school=school, period=academic_year(YEAR), association=people["maths"])

    assert _names(network.people) == ["Антонова", "Борисова"]
    assert _ties(network) == [("Антонова", "Борисова", 1, 0, 0)]
    assert network.isolates == []


def test_layout_is_the_same_on_every_request(school, people):
    first = collaboration_network(school=school, period=academic_year(YEAR))
    second = collaboration_network(school=school, period=academic_year(YEAR))

    assert [(p.x, p.y) for p in first.people] == [(p.x, p.y) for p in second.people]
    assert all(0 < p.x < first.width and 0 < p.y < first.height for p in first.people)


def test_a_previous_year_without_activity_has_no_ties(school, people):
    network = collaboration_network(school=school, period=academic_year(YEAR - 1))

    assert network.ties == []
    # Ефимова worked then; the others were all hired in 2012.
    assert "Ефимова" in _names(network.isolates)
    assert len(network.people) == 6


def test_administrator_sees_the_picture_and_the_tables(school, administrator, people):
    response = client_for(administrator).get(URL)

    assert response.status_code == 200
    html = response.content.decode()
    assert 'data-testid="network-svg"' in html
    svg = html.split('data-testid="network-svg"')[1].split("</svg>")[0]
    assert svg.count("<circle") == 5
    assert svg.count("<line") == 3
    assert "<title>Антонова М.И.</title>" in svg
    assert "Ефимова" not in html
    for testid in ("ties-table", "isolates", "most-connected", "network-legend"):
        assert f'data-testid="{testid}"' in html
    assert "Дмитриева Мария Ивановна" in html.split('data-testid="isolates"')[1]
    assert "pair or triad" in html


def test_svg_numbers_are_not_localised(school, administrator, people, settings):
    """Russian writes decimals with a comma, which would break the SVG's coordinates."""
    settings.LANGUAGE_CODE = "ru"
    YearSummary.objects.create(school=school, year=2025, refreshed_at=timezone.now(), ties=7, connected=6, staff=12)

    html = client_for(administrator).get(URL).content.decode()

    for testid in ("network-svg", "growth-chart"):
        svg = html.split(f'data-testid="{testid}"')[1].split("</svg>")[0]
        coordinates = re.findall(r' (?:cx|cy|r|x|y|x1|y1|x2|y2|width|height|stroke-width)="([^"]*)"', svg)
        assert coordinates
        assert not [value for value in coordinates if "," in value]


def test_other_schools_people_never_appear(school, other_school, administrator, people):
    stranger = _person(other_school, "Чужакова")
    LessonVisitFactory(school=other_school, observed=stranger, observers=[_person(other_school, "Незнакомова")])

    html = client_for(administrator).get(URL).content.decode()

    assert "Чужакова" not in html and "Незнакомова" not in html


def test_growth_comes_from_the_year_summaries(school, administrator, people):
    now = timezone.now()
    YearSummary.objects.create(school=school, year=2024, refreshed_at=now, ties=3, connected=4, staff=10)
    YearSummary.objects.create(school=school, year=2025, refreshed_at=now, ties=7, connected=6, staff=12)
    YearSummary.objects.create(
        school=school, year=2025, association=people["maths"], refreshed_at=now, ties=1, connected=2, staff=2
    )

    network = collaboration_network(school=school, period=academic_year(YEAR))
    assert [(g.year, g.ties, g.connected, g.staff, g.share, g.change) for g in network.growth] == [
        (2024, 3, 4, 10, 40.0, None),
        (2025, 7, 6, 12, 50.0, 4),
    ]
    maths = collaboration_network(school=school, period=academic_year(YEAR), association=people["maths"])
    assert [(g.year, g.ties, g.connected) for g in maths.growth] == [(2025, 1, 2)]

    html = client_for(administrator).get(URL).content.decode()
    assert 'data-testid="growth-chart"' in html
    table = html.split('data-testid="growth-table"')[1].split("</table>")[0]
    assert "2024/25 academic year" in table and "+4" in table and "50.0" in table
    assert 'data-testid="growth-pending"' not in html


def test_growth_notice_while_summaries_are_computed(school, administrator, people):
    html = client_for(administrator).get(URL).content.decode()

    assert 'data-testid="growth-pending"' in html
    assert 'data-testid="growth-chart"' not in html


def test_export_holds_the_ties(school, administrator, people):
    response = client_for(administrator).get(XLSX_URL, {"year": YEAR})

    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="collaboration-20260901-20270831.xlsx"'
    workbook = load_workbook(io.BytesIO(response.content))
    assert workbook.sheetnames == ["Ties", "No ties", "Most connected", "By year"]
    rows = list(workbook["Ties"].values)
    assert rows == [
        ("Person A", "Person B", "Visits", "Pairs and triads", "Teams"),
        ("Антонова Мария Ивановна", "Борисова Мария Ивановна", 1, 0, 0),
        ("Борисова Мария Ивановна", "Васильева Мария Ивановна", 0, 1, 0),
        ("Васильева Мария Ивановна", "Григорьева Мария Ивановна", 0, 0, 1),
    ]
    assert list(workbook["No ties"].values)[1:] == [("Дмитриева Мария Ивановна",)]


def test_export_keeps_a_formula_like_name_as_text(school, administrator):
    a = _person(school, "=HYPERLINK(1)")
    LessonVisitFactory(school=school, observed=_person(school, "Борисова"), observers=[a])

    workbook = load_workbook(io.BytesIO(client_for(administrator).get(XLSX_URL).content))

    cell = workbook["Ties"]["B2"] if workbook["Ties"]["A2"].value.startswith("Б") else workbook["Ties"]["A2"]
    assert cell.data_type == "s"


def test_export_link_keeps_the_filters(school, administrator, people):
    html = client_for(administrator).get(URL, {"year": YEAR - 1}).content.decode()

    assert f'href="{XLSX_URL}?year={YEAR - 1}"' in html


@pytest.mark.parametrize("persona", ["teacher", "curator"])
def test_teachers_and_curators_get_403(persona, request):
    user = request.getfixturevalue(persona)

    assert client_for(user).get(URL).status_code == 403
    assert client_for(user).get(XLSX_URL).status_code == 403


def test_deputy_head_sees_the_page(deputy_head):
    assert client_for(deputy_head).get(URL).status_code == 200


def test_outsider_sees_their_own_school_not_ours(outsider, people):
    # An administrator of another school reaches this page for their own school only.
    response = client_for(outsider).get(URL)

    assert response.status_code == 200
    assert "Антонова" not in response.content.decode()


def test_anonymous_is_sent_to_login(db):
    response = client_for(None).get(URL)

    assert response.status_code == 302


def test_invalid_date_shows_the_error_and_the_current_year(school, administrator, people):
    response = client_for(administrator).get(URL, {"date_from": "2026-13-45", "date_to": "2027-01-01"})

    assert response.status_code == 200
    html = response.content.decode()
    assert "Enter a valid date." in html
    assert "2026/27 academic year" in html.split('data-testid="network-scope"')[1]
    assert html.split('data-testid="network-svg"')[1].split("</svg>")[0].count("<circle") == 5


def test_unknown_association_is_a_form_error_not_a_500(school, other_school, administrator, people):
    foreign = SubjectAssociationFactory(school=other_school)

    response = client_for(administrator).get(URL, {"association": foreign.pk})

    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    assert client_for(administrator).get(XLSX_URL, {"association": "x"}).status_code == 200


def _busy_school(school, size):
    """`size` teachers in a ring of visits, with pairs and a team among them."""
    association = SubjectAssociationFactory(school=school)
    staff = [_person(school, f"Учитель{n:03}", association) for n in range(size)]
    for n, person in enumerate(staff):
        LessonVisitFactory(school=school, observed=staff[(n + 1) % size], observers=[person])
    for n in range(0, size - 1, 4):
        MentorGroupFactory(school=school, curator=staff[-1], members=[staff[n], staff[n + 2]])
    TaskTeamFactory(school=school, lead=staff[0], members=staff[1:4])
    now = timezone.now()
    for year in range(2020, 2026):
        YearSummary.objects.create(school=school, year=year, refreshed_at=now, ties=year - 2000, connected=3, staff=9)
    return staff


# The user with their memberships (the session comes from the cache); the school's
# subject associations (the filter's choices); the staff of the period, the ties and the year summaries. The
# page adds the navbar's count of unread notifications and the networks the person
# coordinates (the dashboards' menu), and the count of «Мои дела». The export also writes
# its audit-trail row.
EXPORT_QUERIES = 6
PAGE_QUERIES = EXPORT_QUERIES - 1 + 3  # no audit row, and the navbar


@pytest.mark.parametrize("size", [5, 40])
def test_page_runs_a_fixed_number_of_queries(school, administrator, size, django_assert_num_queries):
    _busy_school(school, size)
    client = client_for(administrator)

    with django_assert_num_queries(PAGE_QUERIES):
        response = client.get(URL)

    assert response.status_code == 200
    svg = response.content.decode().split('data-testid="network-svg"')[1].split("</svg>")[0]
    assert svg.count("<circle") == size


@pytest.mark.parametrize("size", [5, 40])
def test_export_runs_a_fixed_number_of_queries(school, administrator, size, django_assert_num_queries):
    _busy_school(school, size)
    client = client_for(administrator)

    with django_assert_num_queries(EXPORT_QUERIES):
        response = client.get(XLSX_URL)

    assert response.status_code == 200
