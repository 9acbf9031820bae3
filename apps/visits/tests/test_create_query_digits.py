"""Regression (found by fuzzing): `str.isdigit` takes "²", which `int` refuses,
so `/visits/new/?group=²` (and `from_visit`, `answers`) failed in the lookup: a 500."""

import pytest
from django.urls import reverse

from conftest import client_for

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("key", ["group", "from_visit", "answers"])
@pytest.mark.parametrize("value", ["²", "٣"])
def test_plan_a_visit_answers_odd_digits_in_its_parameters(school, administrator, key, value):
    response = client_for(administrator).get(reverse("visits:create"), {key: value})

    assert response.status_code == 200
