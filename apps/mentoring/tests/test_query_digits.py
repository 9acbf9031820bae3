"""Regression (found by fuzzing): `str.isdigit` takes "²" (a superscript two),
which `int` refuses, so `?mentee=²` reached the database lookup and failed: a 500."""

import pytest
from django.urls import reverse

from conftest import client_for

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("value", ["²", "٣", "99999999999999999999"])
def test_suggestions_answer_any_mentee_parameter(school, curator, value):
    response = client_for(curator).get(reverse("mentoring:suggestions"), {"mentee": value})

    assert response.status_code == 200


@pytest.mark.parametrize("key", ["members", "tag", "partner"])
def test_group_form_answers_odd_digits_in_its_parameters(school, administrator, key):
    from apps.accounts.tests.factories import SchoolNetworkFactory

    school.network = SchoolNetworkFactory()
    school.save()

    response = client_for(administrator).get(reverse("mentoring:group_create"), {key: "²"})

    assert response.status_code == 200
