"""Each demo person's «Мои дела» has work on it, one tap from where it is done."""

import pytest
from django.urls import reverse

from apps.accounts.models import User
from conftest import client_for

EXPECTED = {
    "teacher@berezovka.demo": {"feedback"},
    "curator@berezovka.demo": {"curated_overdue"},
    "director@berezovka.demo": {"group_activation", "school_overdue"},
    "zavuch@berezovka.demo": {"group_activation", "school_overdue"},
}


@pytest.mark.parametrize("email", sorted(EXPECTED))
def test_each_demo_persona_has_work_on_their_to_dos(demo, email):
    response = client_for(User.objects.get(email=email)).get(reverse("home"))
    kinds = {item.kind for item in response.context["todos"]}
    print(email, sorted(kinds))
    assert EXPECTED[email] <= kinds
    assert response.context["todos_open"]() == len(response.context["todos"])
