"""What an organiser types to find a material to attach is kept as typed, and
never reaches PostgreSQL with a byte it refuses."""

import datetime

import pytest
from django.urls import reverse

from apps.community.tests.factories import MaterialFactory
from apps.core.tenancy import Circle
from apps.network_events.models import Event
from conftest import client_for

from .conftest import person
from .factories import EventFactory, in_days


@pytest.mark.parametrize("typed", ["смысловое\x00чтение", "\x00", "  смысловое   чтение  "])
def test_a_nul_or_spaces_in_the_search_find_the_words_not_a_server_error(main_school, typed):
    organiser = person(main_school)
    starts = in_days(-20, school=main_school)
    event = EventFactory(
        school=main_school,
        created_by=organiser,
        starts_at=starts,
        ends_at=starts + datetime.timedelta(hours=1),
        status=Event.Status.HELD,
    )
    material = MaterialFactory(
        school=main_school, author=organiser, circle=Circle.SCHOOL, title="Смысловое чтение на уроке"
    )
    response = client_for(organiser.user).get(reverse("network_events:materials", args=[event.pk]), {"q": typed})
    assert response.status_code == 200
    # A NUL separates words like a space; nothing but NUL is no filter at all.
    assert material.title in response.content.decode()
