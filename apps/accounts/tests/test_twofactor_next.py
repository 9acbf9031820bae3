"""Regression (found by tests/fuzz): `next=²` passed the same-site check and went
to `redirect`, which took the bare word for a URL pattern name: NoReverseMatch, a 500."""

import pytest
from django.conf import settings
from django.shortcuts import resolve_url
from django.urls import reverse

from conftest import client_for

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("next_url", ["²", "home", "staff:list", "javascript:alert(1)", "//evil.example/"])
def test_two_factor_step_goes_home_for_a_next_that_is_not_a_path_of_the_site(teacher, next_url):
    response = client_for(teacher).get(reverse("two_factor_verify"), {"next": next_url})

    assert response.status_code == 302
    assert response["Location"] == resolve_url(settings.LOGIN_REDIRECT_URL)


def test_two_factor_step_keeps_a_path_of_the_site(teacher):
    response = client_for(teacher).get(reverse("two_factor_verify"), {"next": "/staff/?status=left"})

    assert response.status_code == 302
    assert response["Location"] == "/staff/?status=left"
