"""`request.staff`: the user's active card in the current school, looked up on
first use and once per request (apps/staff/middleware.py)."""

import datetime

import pytest
from django.contrib.auth.models import AnonymousUser
from django.test import RequestFactory
from django.urls import reverse

from apps.staff.middleware import CurrentStaffMiddleware
from apps.staff.tests.factories import StaffMemberFactory
from conftest import client_for


def _cards_seen(*, user, school, reads):
    """The cards a view sees reading `request.staff` `reads` times."""
    request = RequestFactory().get("/")
    request.user, request.school = user, school
    seen = []

    def view(request):
        seen.extend(request.staff for _ in range(reads))

    CurrentStaffMiddleware(view)(request)
    return seen


def test_the_card_is_the_users_active_one_in_the_current_school_read_once(
    school, other_school, teacher, django_assert_num_queries
):
    card = StaffMemberFactory(school=school, user=teacher)
    StaffMemberFactory(school=other_school, user=teacher)
    with django_assert_num_queries(1):
        assert _cards_seen(user=teacher, school=school, reads=3) == [card, card, card]


def test_a_view_that_never_asks_pays_no_query(school, teacher, django_assert_num_queries):
    StaffMemberFactory(school=school, user=teacher)
    with django_assert_num_queries(0):
        assert _cards_seen(user=teacher, school=school, reads=0) == []


def test_no_card_a_card_of_someone_who_left_or_no_school_is_none(school, other_school, teacher, curator):
    StaffMemberFactory(school=other_school, user=teacher)
    StaffMemberFactory(school=school, user=curator, is_active=False, left_on=datetime.date(2024, 6, 1))
    assert _cards_seen(user=teacher, school=school, reads=1) == [None]
    assert _cards_seen(user=curator, school=school, reads=1) == [None]
    assert _cards_seen(user=teacher, school=None, reads=1) == [None]
    assert _cards_seen(user=AnonymousUser(), school=school, reads=1) == [None]


@pytest.mark.parametrize("with_card", [True, False])
def test_pages_read_the_card_of_the_request(school, teacher, with_card):
    """A teacher plans a visit only with a card: the page asks `request.staff`."""
    if with_card:
        StaffMemberFactory(school=school, user=teacher)
    response = client_for(teacher).get(reverse("visits:create"))
    assert response.status_code == (200 if with_card else 302)
