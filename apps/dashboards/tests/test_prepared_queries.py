"""The dashboards' prepared queries are compiled once per process and rerun with each
request's values: a school (a network, a person) asked after another gets only its own
rows, never the first one's through the cached compile."""

import datetime

import pytest
from django.utils import timezone

from apps.accounts.context_processors import _coordinated_networks
from apps.accounts.tests.factories import SchoolFactory, SchoolNetworkFactory, UserFactory
from apps.dashboards import collaboration, selectors, views
from apps.dashboards.forms import DashboardFilterForm
from apps.dashboards.models import YearSummary
from apps.dashboards.periods import academic_year
from apps.mentoring.tests.factories import MentorGroupFactory
from apps.staff.models import QualificationCategory, SubjectAssociation
from apps.staff.tests.factories import CategoryAwardFactory, StaffMemberFactory, SubjectAssociationFactory

pytestmark = pytest.mark.django_db

D = datetime.date
TODAY = D(2026, 11, 23)


def _school_world(network, name, headcount):
    school = SchoolFactory(short_name=f"Школа {name}", network=network)
    association = SubjectAssociationFactory(school=school, name=f"ШМО {name}")
    people = [
        StaffMemberFactory(school=school, last_name=f"{name}{i}", hired_on=D(2015, 8, 30), association=association)
        for i in range(3)
    ]
    CategoryAwardFactory(
        staff=people[0], category=QualificationCategory.FIRST, awarded_on=D(2021, 12, 1), valid_until=D(2027, 1, 10)
    )
    group = MentorGroupFactory(school=school, members=people[:2], curator=people[2], starts_on=D(2026, 9, 1))
    YearSummary.objects.create(school=school, year=2025, refreshed_at=timezone.now(), headcount=headcount, ties=1)
    return {"school": school, "association": association, "people": people, "group": group, "headcount": headcount}


def _names(rows):
    return {row.staff.last_name for row in rows}


def test_each_school_gets_only_its_own_rows_through_the_cached_compiles():
    network, other_network = SchoolNetworkFactory(), SchoolNetworkFactory()
    a, b = _school_world(network, "Альфа", 10), _school_world(other_network, "Бета", 20)
    partner = SchoolFactory(network=network)
    pair = MentorGroupFactory(
        school=a["school"],
        partner_school=partner,
        members=[StaffMemberFactory(school=a["school"]), StaffMemberFactory(school=partner)],
        curator=a["people"][2],
    )
    period = academic_year(2026)
    for first, second in ((a, b), (b, a)):
        for world in (first, second):
            school = world["school"]
            form = DashboardFilterForm(None, school=school, today=TODAY)
            assert list(form.associations) == list(
                SubjectAssociation.objects.filter(school=school).order_by("name").values_list("pk", flat=True)
            )
            assert world["association"].pk in form.associations
            assert _names(selectors.attestations_due(school=school, today=TODAY)) == {world["people"][0].last_name}
            assert _names(selectors.attestations_due(school=school, today=TODAY, association=world["association"])) == {
                world["people"][0].last_name
            }
            groups = selectors._timeliness_groups.rows(school_id=school.pk, ids=[a["group"].pk, b["group"].pk, pair.pk])
            own = {world["group"].pk, pair.pk} if world is a else {world["group"].pk}
            assert {group.pk for group in groups} == own
            series, _refreshed = selectors.categories_series(school=school, years=[2025])
            assert series[0]["headcount"] == world["headcount"]
            staff = collaboration._staff_of_period(school=school, period=period, association=world["association"])
            assert {person.pk for person in staff} == {person.pk for person in world["people"]}
            growth, _refreshed = collaboration._growth(school=school, association=None)
            assert [(row.year, row.ties) for row in growth] == [(2025, 1)]
    # A network's coordinator sees the pairs of their own network only.
    assert [group.pk for group in selectors.network_pairs(network=network, schools=[a["school"]])] == [pair.pk]
    assert selectors.network_pairs(network=other_network, schools=[b["school"]]) == []
    assert [s.pk for s in selectors.network_schools(network=other_network)] == [b["school"].pk]


def test_a_persons_cards_and_networks_are_their_own():
    school = SchoolFactory()
    anna, boris = UserFactory(), UserFactory()
    card = StaffMemberFactory(school=school, user=anna)
    StaffMemberFactory(school=SchoolFactory(), user=boris)
    mine, theirs = SchoolNetworkFactory(name="Сеть Анны"), SchoolNetworkFactory(name="Сеть Бориса")
    mine.coordinators.add(anna)
    theirs.coordinators.add(boris)

    class Request:
        def __init__(self, user):
            self.user, self.school = user, school

    assert [c.pk for c in views._own_cards(Request(anna))] == [card.pk]
    assert views._own_cards(Request(boris)) == []  # Boris's card is in another school
    assert [n.pk for n in _coordinated_networks(Request(anna))] == [mine.pk]
    assert [n.pk for n in _coordinated_networks(Request(boris))] == [theirs.pk]
