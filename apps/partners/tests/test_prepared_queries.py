"""The partnership's prepared queries (compiled once per process, apps.core.prepared)
give each school and each person their own rows, whichever ran first."""

import datetime

import pytest
from django.http import QueryDict
from django.urls import reverse

from apps.accounts.models import Role
from apps.accounts.tests.factories import MembershipFactory, UserFactory
from apps.partners import selectors
from apps.partners.filters import PartnerFilter
from apps.partners.tests.factories import (
    AgreementFactory,
    JointActivityFactory,
    PartnerContactFactory,
    PartnerOrganisationFactory,
)
from apps.staff.tests.factories import StaffMemberFactory
from conftest import client_for

pytestmark = pytest.mark.django_db

TODAY = datetime.date.today()


def _member(school, role):
    return MembershipFactory(school=school, roles=[role], user=UserFactory()).user


def _manager(school):
    return _member(school, Role.DEPUTY_HEAD)


def _populate(school):
    partners = [PartnerOrganisationFactory(school=school, name=f"Библиотека {n}") for n in range(3)]
    AgreementFactory(partner=partners[0], valid_until=TODAY + datetime.timedelta(days=10))
    AgreementFactory(partner=partners[1], valid_until=TODAY + datetime.timedelta(days=400))
    PartnerOrganisationFactory(school=school, name="Бывший партнёр", is_active=False)
    PartnerContactFactory(partner=partners[0])
    JointActivityFactory(school=school, partners=partners[:2], starts_on=TODAY)
    JointActivityFactory(school=school, partners=[partners[2]], starts_on=TODAY - datetime.timedelta(days=3))
    return partners


@pytest.mark.parametrize(
    "query", ["", "?q=библ", "?q=библ+1", "?active=all", "?active=", "?agreement=expiring", "?agreement=none"]
)
def test_each_schools_registry_shows_its_own_partners_as_the_filters_choose(school, other_school, query):
    _populate(school), _populate(other_school)
    for place in (school, other_school, school):
        response = client_for(_manager(place)).get(reverse("partners:registry") + query)
        page = response.context["page"]
        rows = selectors.partner_queryset(school=place)
        plain = PartnerFilter(QueryDict(query.lstrip("?")), queryset=rows, school=place)
        assert plain.is_valid()
        expected = list(plain.qs.order_by("name", "pk"))
        assert [p.pk for p in page.object_list] == [p.pk for p in expected]
        assert [p.agreement_status for p in page.object_list] == [p.agreement_status for p in expected]
        assert {p.school_id for p in page.object_list} <= {place.pk}


def test_a_direction_of_another_school_is_refused(school, other_school):
    mine, theirs = _populate(school), _populate(other_school)
    client = client_for(_manager(school))
    found = client.get(reverse("partners:registry") + f"?direction={mine[0].direction_id}").context["page"]
    assert [p.pk for p in found.object_list] == [mine[0].pk]
    response = client.get(reverse("partners:registry") + f"?direction={theirs[0].direction_id}")
    assert response.status_code == 200 and not response.context["page"].object_list
    assert response.context["filter"].form.errors["direction"]


def test_each_schools_activities_come_with_their_own_partners(school, other_school):
    _populate(school), _populate(other_school)
    for place in (other_school, school):
        client = client_for(_manager(place))
        period = f"?start={TODAY - datetime.timedelta(days=30)}&end={TODAY}"
        page = client.get(reverse("partners:activity_list") + period).context["page"]
        expected = selectors.activity_list(school=place, start=TODAY - datetime.timedelta(days=30), end=TODAY)
        assert [a.pk for a in page.object_list] == [a.pk for a in expected]
        assert [[p.pk for p in a.partners.all()] for a in page.object_list] == [
            [p.pk for p in a.partners.all()] for a in expected
        ]
        assert {p.school_id for a in page.object_list for p in a.partners.all()} == {place.pk}


def test_my_activities_are_each_persons_own(school, other_school):
    _populate(other_school)
    one, two = _member(school, Role.TEACHER), _member(school, Role.TEACHER)
    own = JointActivityFactory(school=school, responsible=StaffMemberFactory(school=school, user=one))
    taking_part = JointActivityFactory(school=school, teachers=[StaffMemberFactory(school=school, user=two)])
    for user, expected in ((one, [own.pk]), (two, [taking_part.pk]), (one, [own.pk])):
        page = client_for(user).get(reverse("partners:my_activities")).context["page"]
        assert [a.pk for a in page.object_list] == expected
        assert [len(a.partners.all()) for a in page.object_list] == [1]


def test_a_partner_page_shows_its_schools_partner_only(school, other_school):
    mine, theirs = _populate(school), _populate(other_school)
    client = client_for(_manager(school))
    partner = client.get(reverse("partners:partner_detail", args=[mine[0].pk])).context["partner"]
    assert [a.school_id for a in partner.activities.all()] == [school.pk]
    assert len(partner.contacts.all()) == 1
    assert client.get(reverse("partners:partner_detail", args=[theirs[0].pk])).status_code == 404
    assert client.get(reverse("partners:activity_create", args=[theirs[0].pk])).status_code == 404
    activity = theirs[0].activities.get()
    assert client.get(reverse("partners:activity_edit", args=[activity.pk])).status_code == 404
    other = client_for(_manager(other_school)).get(reverse("partners:partner_detail", args=[theirs[0].pk]))
    assert [a.pk for a in other.context["partner"].activities.all()] == [activity.pk]
