"""Programmes of help: the services refuse what their forms refuse."""

import pytest
from django.core.exceptions import ValidationError

from apps.core.dates import academic_year_of, add_years, school_today
from apps.help_programmes import services
from apps.help_programmes.forms import MilestoneForm, ProgrammeCreateForm, ReviewForm
from apps.help_programmes.tests.factories import ProgrammeFactory, leader_and_supported

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english_messages(settings):
    settings.LANGUAGE_CODE = "en"


def _refusal(call, field):
    with pytest.raises(ValidationError) as refused:
        call()
    return refused.value.message_dict[field]


def test_a_milestone_due_three_years_ahead_is_refused():
    programme = ProgrammeFactory()
    far = add_years(school_today(programme.leader_school), 3)
    form = MilestoneForm({"title": "Открытые уроки", "due_on": far.isoformat()}, programme=programme)
    service = _refusal(
        lambda: services.milestone_save(programme=programme, title="Открытые уроки", due_on=far), "due_on"
    )
    assert form.errors["due_on"] == service


def test_a_programme_for_a_year_the_form_does_not_offer_is_refused():
    leader, supported = leader_and_supported()
    long_ago = academic_year_of(school_today(leader)) - 3
    form = ProgrammeCreateForm(
        {"supported_school": supported.pk, "year": long_ago, "title": "Программа"}, school=leader
    )
    assert "year" in form.errors
    assert _refusal(
        lambda: services.programme_create(
            leader_school=leader, supported_school=supported, year=long_ago, title="Программа"
        ),
        "year",
    )


def test_each_school_writes_only_its_own_analysis():
    programme = ProgrammeFactory()
    for side, other in (("leader", "review_supported"), ("supported", "review_leader")):
        assert other not in ReviewForm(own_side=side).fields
        with pytest.raises(ValidationError):
            services.programme_review(programme=programme, side=side, results="", **{other: "За другую школу"})
    programme.refresh_from_db()
    assert programme.review_leader == "" and programme.review_supported == ""
