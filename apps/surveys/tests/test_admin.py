"""The Django admin of advice-network surveys only looks up (apps/surveys/admin.py)."""

import pytest

from apps.core.tests.admin_checks import assert_looked_up_not_changed, superuser_client

from .factories import SurveyRoundFactory

pytestmark = pytest.mark.django_db


def test_survey_rounds_are_looked_up_only():
    survey_round = SurveyRoundFactory(name="Осенний опрос", people__size=2)
    assert_looked_up_not_changed(
        superuser_client(),
        survey_round,
        {"school": survey_round.school_id, "name": "Подмена", "opens_on": "2020-01-01", "closes_on": "2030-01-01"},
    )
    survey_round.refresh_from_db()
    assert survey_round.name == "Осенний опрос"
