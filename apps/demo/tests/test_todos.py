"""Each demo person's «Мои дела» has work on it, one tap from where it is done."""

import pytest
from django.urls import reverse

from apps.accounts.models import User
from apps.mentoring.models import MentorGroup
from apps.notifications.models import Notification
from conftest import client_for

EXPECTED = {
    "teacher@berezovka.demo": {"feedback"},
    "curator@berezovka.demo": {"curated_overdue", "event_held", "reverse_visit"},
    "director@berezovka.demo": {"group_activation", "school_overdue", "attestations", "agreement"},
    "zavuch@berezovka.demo": {"group_activation", "school_overdue", "attestations", "agreement"},
}


@pytest.mark.parametrize("email", sorted(EXPECTED))
def test_each_demo_persona_has_work_on_their_to_dos(demo, email):
    response = client_for(User.objects.get(email=email)).get(reverse("home"))
    kinds = {item.kind for item in response.context["todos"]}
    assert EXPECTED[email] <= kinds
    assert response.context["todos_open"]() == len(response.context["todos"])


def test_the_demo_proposal_waits_for_the_directors_activation(demo):
    director = User.objects.get(email="director@berezovka.demo")
    [proposal] = MentorGroup.objects.filter(school=demo, is_proposal=True, status=MentorGroup.Status.FORMING)
    assert proposal.curator.user.email == "curator@berezovka.demo"
    assert Notification.objects.filter(user=director, kind=Notification.Kind.GROUP_PROPOSED).count() == 1
