"""Regression (found by tests/fuzz): the archive's search with a NUL byte
(`?q=%00`) reached PostgreSQL, which refuses NUL in a query: a 500."""

import pytest
from django.urls import reverse

from apps.teams import services
from apps.teams.selectors import team_archive
from apps.teams.tests.factories import TaskTeamFactory
from conftest import client_for

pytestmark = pytest.mark.django_db


def test_archive_page_answers_a_nul_byte_search(school, teacher):
    response = client_for(teacher).get(reverse("teams:archive"), {"q": "\x00"})

    assert response.status_code == 200


def test_a_nul_byte_separates_words_of_the_search(school):
    team = TaskTeamFactory(school=school, title="Команда А", status="solved")
    services.outcome_record(team=team, kind="model_concept", title="Модель наставничества в малой школе")

    assert list(team_archive(school=school, query="\x00")) == [team]
    assert list(team_archive(school=school, query="наставничества\x00")) == [team]
    assert list(team_archive(school=school, query="модель\x00наставничества")) == [team]  # a space
