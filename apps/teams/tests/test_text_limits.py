"""Texts of task teams have limits, in the forms and in the services."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from apps.teams import services
from apps.teams.forms import MeetingForm, TaskTeamForm
from apps.teams.models import TaskTeam, TeamMeeting, TeamStatusChange
from apps.teams.tests.factories import TaskTeamFactory


@pytest.fixture(autouse=True)
def _english_messages(settings):
    settings.LANGUAGE_CODE = "en"


def test_abandoning_with_an_oversized_reason_is_refused_and_changes_nothing(school):
    team = TaskTeamFactory(school=school)
    with pytest.raises(ValidationError) as error:
        services.team_status_change(team=team, to_status="abandoned", reason="п" * 2001)
    assert "reason" in error.value.error_dict
    team.refresh_from_db()
    assert team.status == TaskTeam.Status.WORKING and team.abandon_reason == ""
    assert team.members.filter(left_on__isnull=True).exists()
    assert not TeamStatusChange.objects.filter(team=team).exists()


def test_minutes_over_their_limit_are_refused_by_the_service_and_the_form(school):
    team = TaskTeamFactory(school=school)
    with pytest.raises(ValidationError) as error:
        services.meeting_create(team=team, held_on=datetime.date.today(), agenda="План", minutes="м" * 10_001)
    assert "minutes" in error.value.error_dict
    assert not TeamMeeting.objects.exists()
    form = MeetingForm(data={"held_on": datetime.date.today(), "agenda": "а" * 4001}, team=team)
    assert not form.is_valid() and form.has_error("agenda", "max_length")


def test_the_team_form_keeps_the_limits_on_its_text_areas(school):
    html = str(TaskTeamForm(school=school)["task"])
    assert "<textarea" in html and 'maxlength="4000"' in html and 'rows="3"' in html
