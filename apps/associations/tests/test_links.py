"""What the workspace links to in the neighbouring apps: the association's
materials and questions (read through their circles), and this year's head
organising network events for the association."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from apps.accounts.models import Role
from apps.accounts.tests.factories import MembershipFactory, SchoolFactory, SchoolNetworkFactory
from apps.associations.selectors import associations_headed_by
from apps.associations.tests.factories import YearPlanFactory
from apps.community.tests.factories import MaterialFactory, QuestionFactory
from apps.core.dates import academic_year_of, school_today
from apps.core.tenancy import Circle
from apps.network_events.models import Event
from apps.staff.association_heads import associations_headed
from apps.staff.tests.factories import StaffMemberFactory, SubjectAssociationFactory
from conftest import client_for

SECRET = "Только для ШМО 4d2b"


def _person(school, association=None, roles=(Role.TEACHER,)):
    user = MembershipFactory(school=school, roles=list(roles)).user
    return StaffMemberFactory(school=school, user=user, association=association)


@pytest.fixture
def network(db):
    return SchoolNetworkFactory(name="Кинельская сеть")


@pytest.fixture
def main_school(network):
    return SchoolFactory(short_name="Берёзовская СОШ", time_zone="Europe/Samara", network=network)


@pytest.fixture
def association(main_school):
    return SubjectAssociationFactory(school=main_school, name="ШМО учителей гуманитарного цикла")


def _url(association):
    return reverse("associations:detail", args=[association.pk])


def test_the_panel_shows_the_associations_materials_and_questions_through_their_circles(main_school, association):
    member, colleague = _person(main_school, association), _person(main_school, association)
    MaterialFactory(school=main_school, author=member, circle=Circle.ASSOCIATION, title=SECRET)
    MaterialFactory(school=main_school, author=colleague, circle=Circle.NETWORK, title="Сетевая разработка")
    MaterialFactory(school=main_school, author=colleague, circle=Circle.DRAFT, title="Черновик коллеги")
    MaterialFactory(school=main_school, circle=Circle.SCHOOL, title="Материал другого МО")
    QuestionFactory(school=main_school, author=member, circle=Circle.ASSOCIATION, title="Вопрос к своим")
    QuestionFactory(school=main_school, author=colleague, circle=Circle.SCHOOL, title="Вопрос школе")

    page = client_for(colleague.user).get(_url(association)).content.decode()
    assert 'data-testid="association-materials-panel"' in page
    assert SECRET in page and "Сетевая разработка" in page and "Вопрос к своим" in page and "Вопрос школе" in page
    assert "Черновик коллеги" not in page and "Материал другого МО" not in page
    assert "?circle=association" in page

    outsider = _person(main_school)  # another association of the same school
    page = client_for(outsider.user).get(_url(association)).content.decode()
    assert "Сетевая разработка" in page and "Вопрос школе" in page
    assert SECRET not in page and "Вопрос к своим" not in page and "?circle=association" not in page


def test_the_workspace_reads_the_same_queries_whatever_the_panel(main_school, association):
    member = _person(main_school, association)
    client = client_for(member.user)
    client.get(_url(association))

    def count(n):
        for _ in range(n):
            MaterialFactory(school=main_school, author=member, circle=Circle.ASSOCIATION)
            QuestionFactory(school=main_school, author=member, circle=Circle.NETWORK)
        with CaptureQueriesContext(connection) as captured:
            assert client.get(_url(association)).status_code == 200
        return len(captured)

    assert count(2) == count(14)


def test_this_years_head_may_organise_an_event_for_the_association_and_others_may_not(main_school, association):
    head = _person(main_school, association)
    YearPlanFactory(association=association, head=head, year=academic_year_of(school_today(main_school)))
    last_years = _person(main_school, association)
    YearPlanFactory(association=association, head=last_years, year=academic_year_of(school_today(main_school)) - 1)
    member = _person(main_school, association)

    assert associations_headed(head) == {association.pk}
    assert associations_headed(last_years) == set() == associations_headed_by(member)
    for not_head in (last_years, member):
        assert client_for(not_head.user).get(reverse("network_events:create")).status_code == 403

    date = school_today(main_school) + datetime.timedelta(days=7)
    response = client_for(head.user).post(
        reverse("network_events:create"),
        {
            "kind": "open_lesson",
            "title": "Открытый урок литературы",
            "date": date.isoformat(),
            "starts": "10:00",
            "ends": "10:45",
            "place": "Кабинет 21",
            "circle": "network",
            "association": association.pk,
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    event = Event.objects.get()
    assert event.association == association and event.created_by == head
