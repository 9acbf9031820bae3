"""Opening a survey round: the service refuses the days its form refuses."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from apps.core.dates import school_today
from apps.staff.tests.factories import StaffMemberFactory
from apps.surveys.forms import SurveyRoundForm
from apps.surveys.services import survey_round_create


@pytest.fixture(autouse=True)
def _english_messages(settings):
    settings.LANGUAGE_CODE = "en"


@pytest.mark.parametrize(("opens", "closes"), [(-10, -1), (5, 2)])
def test_a_round_nobody_could_answer_is_refused(school, opens, closes):
    today = school_today(school)
    opens_on, closes_on = today + datetime.timedelta(days=opens), today + datetime.timedelta(days=closes)
    staff = [StaffMemberFactory(school=school) for _ in range(5)]
    data = {"name": "Опрос", "opens_on": opens_on, "closes_on": closes_on, "max_choices": 5, "min_respondents": 5}
    form = SurveyRoundForm({**data, "staff": [person.pk for person in staff]}, school=school)
    with pytest.raises(ValidationError) as refused:
        survey_round_create(school=school, staff=staff, **data)
    assert form.errors["closes_on"] == refused.value.message_dict["closes_on"]
