"""Task teams' services refuse the dates their forms refuse."""

import pytest
from django.core.exceptions import ValidationError

from apps.core.dates import add_years, school_today
from apps.teams.forms import MeetingForm, MilestoneForm, TaskTeamForm
from apps.teams.services import meeting_create, milestone_create, team_update
from apps.teams.tests.factories import TaskTeamFactory


@pytest.fixture(autouse=True)
def _english_messages(settings):
    settings.LANGUAGE_CODE = "en"


def _refusal(call, field):
    with pytest.raises(ValidationError) as refused:
        call()
    return refused.value.message_dict[field]


def test_a_deadline_six_years_ahead_is_refused(school):
    team = TaskTeamFactory(school=school)
    far = add_years(school_today(school), 6)
    form = TaskTeamForm({"deadline": far.isoformat()}, school=school)
    fields = {"kind": team.kind, "title": team.title, "task": team.task, "expected_result": team.expected_result}
    service = _refusal(lambda: team_update(team=team, deadline=far, **fields), "deadline")
    assert form.errors["deadline"] == service


def test_a_milestone_due_two_years_ago_is_refused(school):
    team = TaskTeamFactory(school=school)
    long_ago = add_years(school_today(school), -2)
    form = MilestoneForm({"title": "Анкета", "due_on": long_ago.isoformat()}, team=team)
    assert form.errors["due_on"] == _refusal(
        lambda: milestone_create(team=team, title="Анкета", due_on=long_ago), "due_on"
    )


def test_a_meeting_two_years_ahead_is_refused(school):
    team = TaskTeamFactory(school=school)
    later = add_years(school_today(school), 2)
    form = MeetingForm({"held_on": later.isoformat(), "agenda": "План"}, team=team)
    assert form.errors["held_on"] == _refusal(
        lambda: meeting_create(team=team, held_on=later, agenda="План"), "held_on"
    )
