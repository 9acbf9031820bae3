"""The pages: each school sees its own programmes, read-only for members; the
administration of either side edits; the coordinator sees the network's counts."""

import datetime
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from apps.accounts.tests.factories import UserFactory
from apps.core.dates import academic_year_of, school_today
from apps.help_programmes import selectors
from apps.help_programmes.models import Programme
from apps.help_programmes.tests.factories import (
    DifficultyFactory,
    HelpFormFactory,
    HelpMilestoneFactory,
    ProgrammeFactory,
    ResponsibleFactory,
    leader_and_supported,
)
from apps.staff.tests.factories import StaffMemberFactory
from conftest import _member, client_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def programme(school, other_school):
    leader, supported = leader_and_supported(school, other_school)
    return ProgrammeFactory(leader_school=leader, supported_school=supported)


def _fill(programme, size):
    for n in range(size):
        DifficultyFactory(programme=programme, text=f"Затруднение {n}")
        HelpFormFactory(programme=programme)
        ResponsibleFactory(programme=programme, staff=StaffMemberFactory(school=programme.leader_school))
        HelpMilestoneFactory(programme=programme, responsible=StaffMemberFactory(school=programme.supported_school))


def test_the_programme_page_reads_a_fixed_number_of_queries(programme, teacher):
    client = client_for(teacher)
    url = reverse("help_programmes:detail", args=[programme.pk])
    _fill(programme, 2)
    with CaptureQueriesContext(connection) as small:
        assert client.get(url).status_code == 200
    _fill(programme, 20)
    with CaptureQueriesContext(connection) as large:
        response = client.get(url)
    assert response.status_code == 200
    assert len(large) == len(small)
    assert "Затруднение 19" in response.content.decode()


def test_the_list_reads_a_fixed_number_of_queries(programme, teacher, school, other_school):
    client = client_for(teacher)
    url = reverse("help_programmes:list")
    with CaptureQueriesContext(connection) as small:
        client.get(url)
    for year in range(programme.year - 3, programme.year):
        p = ProgrammeFactory(leader_school=school, supported_school=other_school, year=year)
        _fill(p, 2)
    with CaptureQueriesContext(connection) as large:
        response = client.get(url)
    assert len(large) == len(small)
    assert response.content.decode().count('data-testid="programme-') >= 4


def test_the_supported_schools_members_see_it_and_outsiders_do_not(programme, outsider, teacher):
    url = reverse("help_programmes:detail", args=[programme.pk])
    # `outsider` is the supported school's administrator here.
    assert client_for(outsider).get(url).status_code == 200
    third = leader_and_supported(programme.leader_school)[1]
    stranger = _member(third, "administrator")
    assert client_for(stranger).get(url).status_code == 404
    assert programme.title in client_for(teacher).get(reverse("help_programmes:list")).content.decode()
    assert "programme-edit" not in client_for(teacher).get(url).content.decode()


def test_the_supported_schools_administration_edits_but_cannot_create(programme, outsider):
    client = client_for(outsider)
    response = client.post(
        reverse("help_programmes:difficulties", args=[programme.pk]), {"text": "Низкая мотивация учеников"}
    )
    assert response.status_code == 302
    assert programme.difficulties.get().text == "Низкая мотивация учеников"
    response = client.get(reverse("help_programmes:create"))
    assert 'data-testid="not-leader"' in response.content.decode()


def test_the_leader_creates_with_what_was_typed_kept_on_error(school, other_school, administrator):
    leader_and_supported(school, other_school)
    client = client_for(administrator)
    year = academic_year_of(school_today(school))
    response = client.post(
        reverse("help_programmes:create"),
        {"supported_school": other_school.pk, "year": 1990, "title": "Моя программа", "goal": "Цель"},
    )
    assert response.status_code == 200 and "Моя программа" in response.content.decode()
    response = client.post(
        reverse("help_programmes:create"),
        {"supported_school": other_school.pk, "year": year, "title": "Моя программа", "goal": "Цель"},
    )
    programme = Programme.objects.get()
    assert response["Location"] == reverse("help_programmes:detail", args=[programme.pk])
    assert programme.leader_school == school and programme.status == Programme.Status.DRAFT


def test_a_bad_milestone_date_is_a_form_error_not_a_500(programme, administrator):
    response = client_for(administrator).post(
        reverse("help_programmes:milestones", args=[programme.pk]),
        {"title": "Семинар", "due_on": "31.02.2026"},
    )
    assert response.status_code == 200 and "Семинар" in response.content.decode()


def test_the_responsible_teacher_marks_the_milestone_done(programme, teacher, school):
    card = StaffMemberFactory(school=school, user=teacher)
    milestone = HelpMilestoneFactory(programme=programme, responsible=card)
    other = HelpMilestoneFactory(programme=programme)
    client = client_for(teacher)
    assert client.post(reverse("help_programmes:milestone_done", args=[milestone.pk])).status_code == 302
    assert client.post(reverse("help_programmes:milestone_done", args=[other.pk])).status_code == 403
    milestone.refresh_from_db()
    assert milestone.done_on == school_today(school)


def test_each_side_writes_its_own_analysis(programme, administrator, outsider):
    url = reverse("help_programmes:review", args=[programme.pk])
    client_for(administrator).post(url, {"review_leader": "Лидер", "review_supported": "подмена", "results": ""})
    client_for(outsider).post(url, {"review_supported": "Школа", "results": "Итоги", "complete": "1"})
    programme.refresh_from_db()
    assert (programme.review_leader, programme.review_supported, programme.status) == ("Лидер", "Школа", "reviewed")


def test_programme_xlsx(programme, teacher):
    _fill(programme, 2)
    response = client_for(teacher).get(reverse("help_programmes:xlsx", args=[programme.pk]))
    workbook = load_workbook(io.BytesIO(response.content))
    assert len(workbook.sheetnames) == 5
    assert workbook[workbook.sheetnames[1]].max_row == 3


def test_the_coordinator_sees_every_programme_of_the_network_by_counts(programme, school):
    coordinator = UserFactory()
    programme.network.coordinators.add(coordinator)
    today = school_today(school)
    HelpMilestoneFactory(programme=programme, due_on=today - datetime.timedelta(days=2))
    HelpMilestoneFactory(programme=programme, due_on=today - datetime.timedelta(days=5), done_on=today)
    HelpMilestoneFactory(programme=programme, due_on=today + datetime.timedelta(days=9), title="Тайная точка")
    other_network = ProgrammeFactory()
    client = client_for(coordinator)
    response = client.get(reverse("help_programmes:network", args=[programme.network_id]))
    html = response.content.decode()
    assert f'data-programme="{programme.pk}"' in html and f'data-programme="{other_network.pk}"' not in html
    assert "Тайная точка" not in html
    assert (today + datetime.timedelta(days=9)).strftime("%d.%m.%Y") in html
    response = client.get(reverse("help_programmes:network_xlsx", args=[programme.network_id]))
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert [c.value for c in sheet[2]][5:8] == [3, 1, 1]


def test_the_network_page_reads_a_fixed_number_of_queries(programme, school):
    coordinator = UserFactory()
    programme.network.coordinators.add(coordinator)
    client = client_for(coordinator)
    url = reverse("help_programmes:network", args=[programme.network_id])
    _fill(programme, 1)
    with CaptureQueriesContext(connection) as small:
        assert client.get(url).status_code == 200
    for _n in range(3):
        leader, supported = leader_and_supported(school)
        _fill(ProgrammeFactory(leader_school=leader, supported_school=supported), 3)
    with CaptureQueriesContext(connection) as large:
        response = client.get(url)
    assert len(large) == len(small)
    assert response.content.decode().count("data-programme=") == 4


def test_two_schools_asked_in_turn_each_get_their_own_programmes_parts_and_choices(school, other_school):
    # The pages read prepared queries (SQL kept per process): one school's rows never answer another's.
    first = ProgrammeFactory(leader_school=school, supported_school=leader_and_supported(school, other_school)[1])
    third, fourth = leader_and_supported()
    second = ProgrammeFactory(leader_school=third, supported_school=fourth)
    for programme, word in ((first, "Первое"), (second, "Второе")):
        DifficultyFactory(programme=programme, text=f"{word} затруднение")
        HelpMilestoneFactory(programme=programme, title=f"{word} мероприятие")
        ResponsibleFactory(
            programme=programme, staff=StaffMemberFactory(school=programme.leader_school, last_name=f"{word}ва")
        )
    clients = {first: client_for(_member(school, "administrator")), second: client_for(_member(third, "administrator"))}
    for _ in range(2):
        for own, other, word, not_word in ((first, second, "Первое", "Второе"), (second, first, "Второе", "Первое")):
            client = clients[own]
            page = client.get(reverse("help_programmes:detail", args=[own.pk])).content.decode()
            assert f"{word} затруднение" in page and f"{word} мероприятие" in page and f"{word}ва" in page
            assert not_word not in page
            assert client.get(reverse("help_programmes:detail", args=[other.pk])).status_code == 404
            assert client.get(reverse("help_programmes:people", args=[other.pk])).status_code == 404
            listing = client.get(reverse("help_programmes:list")).content.decode()
            assert own.title in listing and other.title not in listing
            people = client.get(reverse("help_programmes:people", args=[own.pk])).content.decode()
            assert f"{word}ва" in people and f"{not_word}ва" not in people
            milestones = client.get(reverse("help_programmes:milestones", args=[own.pk])).content.decode()
            assert f"{word} мероприятие" in milestones and not_word not in milestones


def test_the_network_page_filtered_by_a_year_still_offers_every_year(programme, school):
    coordinator = UserFactory()
    programme.network.coordinators.add(coordinator)
    ProgrammeFactory(
        leader_school=programme.leader_school, supported_school=programme.supported_school, year=programme.year - 1
    )
    url = reverse("help_programmes:network", args=[programme.network_id])
    html = client_for(coordinator).get(url, {"year": programme.year}).content.decode()
    assert html.count("data-programme=") == 1
    assert f'<option value="{programme.year - 1}"' in html and f'<option value="{programme.year}"' in html


def test_the_network_s_overdue_milestones_are_by_the_leader_school_s_date(school, other_school):
    school.time_zone = "Asia/Vladivostok"
    school.save()
    leader, supported = leader_and_supported(school, other_school)
    programme = ProgrammeFactory(leader_school=leader, supported_school=supported, year=2025)
    HelpMilestoneFactory(programme=programme, due_on=datetime.date(2026, 3, 10))
    # 22:30 of 10 March in Moscow is already 05:30 of 11 March in Vladivostok: the milestone is overdue.
    now = datetime.datetime(2026, 3, 10, 19, 30, tzinfo=datetime.UTC)
    (found,) = selectors.network_programmes(network=leader.network, now=now)
    assert found.milestones_overdue == 1 and found.next_due_on is None
