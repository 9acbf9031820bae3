"""Every way data leaves the app writes an "export made" row: what, the file and
the filters, never the content."""

import pytest
from django.urls import reverse

from apps.accounts.models import Role
from apps.accounts.tests.factories import SchoolNetworkFactory
from apps.audit.models import AuditEvent
from apps.core.tests.test_url_walk import OBJECTS, SCHOOL_ROUTES
from apps.core.tests.world import World
from apps.staff.tests.factories import StaffMemberFactory
from apps.surveys.tests.factories import SurveyRoundFactory
from apps.surveys.tests.test_surveys import answer, closed_and_analysed
from conftest import client_for

pytestmark = pytest.mark.django_db

# Downloads, print pages and the calendar address, with a query string where the export follows filters.
EXPORTS = {
    "staff:export": {"status": "all", "q": "Орл"},
    "partners:registry_export": {},
    "partners:activity_export": {},
    "dashboards:categories_xlsx": {},
    "dashboards:participation_xlsx": {},
    "dashboards:timeliness_xlsx": {},
    "dashboards:collaboration_xlsx": {},
    "dashboards:annual_report_print": {"year": "2025"},
    "dashboards:export_download": {},
    "problemdays:day_print": {},
    "mentoring:feed": {},
    "audit:event_export": {},
    "network_events:attendees_xlsx": {},
    "ratings:protocol_xlsx": {},
    "ratings:protocol_pdf": {},
}


@pytest.fixture
def world(school, teacher, curator, deputy_head, administrator):
    users = {Role.TEACHER: teacher, Role.CURATOR: curator, Role.DEPUTY_HEAD: deputy_head}
    return World(school, {**users, Role.ADMINISTRATOR: administrator})


def export_rows():
    return list(AuditEvent.objects.filter(action=AuditEvent.Action.EXPORT_MADE))


@pytest.mark.parametrize("name", sorted(EXPORTS))
def test_export_writes_one_row(name, world, school, administrator):
    _method, kind, _roles = SCHOOL_ROUTES[name]
    url = reverse(name, kwargs=OBJECTS[kind](world) if kind else {})
    client = client_for(administrator)
    response = client.get(url, EXPORTS[name])
    assert response.status_code == 200
    [row] = export_rows()
    assert (row.school, row.actor) == (school, administrator)
    assert row.target_label
    if response.get("Content-Disposition", "").startswith("attachment"):
        assert row.changes["file"] in response["Content-Disposition"]
    if EXPORTS[name]:
        for key, value in EXPORTS[name].items():
            assert f"{key}: {value}" in row.changes["filters"]


def test_every_export_route_is_covered():
    downloads = {name for name in SCHOOL_ROUTES if "export" in name or name.endswith(("_xlsx", "_print"))}
    # Preparing a file in the background is not yet an export; its download is. The
    # personal-data ZIP has its own test: test_personal_data.py records it on download.
    downloads -= {"dashboards:export_request", "privacy:personal_data_export"}
    # Needs answers and an analysis first: test_survey_results_export_is_recorded.
    downloads -= {"surveys:results_export"}
    assert downloads <= set(EXPORTS)


def test_calendar_address_is_recorded_when_issued_not_on_every_visit(school, teacher):
    client = client_for(teacher)
    client.get(reverse("mentoring:feed"))
    client.get(reverse("mentoring:feed"))
    assert len(export_rows()) == 1
    client.post(reverse("mentoring:feed_reset"))
    assert len(export_rows()) == 2


def test_survey_results_export_is_recorded(school, administrator):
    people = [StaffMemberFactory(school=school) for _ in range(5)]
    survey_round = SurveyRoundFactory(school=school, people=people)
    for who, named in zip(people, people[1:] + people[:1], strict=True):
        answer(survey_round, who, advice=[named])
    closed_and_analysed(survey_round)
    response = client_for(administrator).get(reverse("surveys:results_export", args=[survey_round.pk]))
    assert response.status_code == 200
    [row] = export_rows()
    assert row.changes == {"file": f"survey-{survey_round.pk}-results.xlsx"}
    # The names in the workbook are not in the trail.
    assert not any(str(person.last_name) in row.target_label for person in people)


def test_network_export_is_recorded(school, administrator):
    network = SchoolNetworkFactory()
    school.network = network
    school.save()
    network.coordinators.add(administrator)
    response = client_for(administrator).get(reverse("dashboards:network_xlsx", kwargs={"network_id": network.pk}))
    assert response.status_code == 200
    [row] = export_rows()
    assert row.actor == administrator and network.name in row.target_label


def test_an_export_that_is_refused_writes_nothing(school, teacher):
    assert client_for(teacher).get(reverse("staff:export")).status_code == 403
    assert export_rows() == []
