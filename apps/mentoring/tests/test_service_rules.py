"""Mentoring's services refuse what its forms refuse: a group's dates and a schedule
entry within the window the forms offer, the school's own problems, a result's year."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from apps.accounts.tests.factories import SchoolFactory, SchoolNetworkFactory
from apps.core.dates import add_years, school_today
from apps.mentoring.forms import GroupEventForm, MentorGroupForm, NetworkResultForm
from apps.mentoring.models import MentorGroupMember
from apps.mentoring.services import MemberSpec, group_event_create, mentor_group_create, network_result_create
from apps.mentoring.tests.factories import MentorGroupFactory, ProblemTagFactory
from apps.staff.tests.factories import StaffMemberFactory


@pytest.fixture(autouse=True)
def _english_messages(settings):
    settings.LANGUAGE_CODE = "en"


def _group_kwargs(school, **overrides):
    today = school_today(school)
    mentor, mentee = StaffMemberFactory(school=school), StaffMemberFactory(school=school)
    return {
        "school": school,
        "kind": "pair",
        "curator": StaffMemberFactory(school=school),
        "members": [
            MemberSpec(mentor, MentorGroupMember.Role.MENTOR),
            MemberSpec(mentee, MentorGroupMember.Role.MENTEE),
        ],
        "task": "Научить учеников формулировать вопросы к тексту",
        "observed_aspect": "Вопросы учителя",
        "starts_on": today,
        "planned_end_on": today + datetime.timedelta(days=200),
        **overrides,
    }


def _refusal(call, field):
    with pytest.raises(ValidationError) as refused:
        call()
    return refused.value.message_dict[field]


def test_a_group_starting_six_years_ago_is_refused_by_the_form_and_the_service(school):
    long_ago = add_years(school_today(school), -6)
    form = MentorGroupForm({"starts_on": long_ago.isoformat()}, school=school)
    service = _refusal(lambda: mentor_group_create(**_group_kwargs(school, starts_on=long_ago)), "starts_on")
    assert form.errors["starts_on"] == service


def test_a_problem_of_another_school_is_refused(school):
    foreign = ProblemTagFactory()
    form = MentorGroupForm({"problem_tags": [foreign.pk]}, school=school)
    assert "problem_tags" in form.errors
    assert _refusal(lambda: mentor_group_create(**_group_kwargs(school, problem_tags=[foreign])), "problem_tags")


def test_a_schedule_entry_four_years_ahead_is_refused(school):
    group = MentorGroupFactory(school=school)
    day = add_years(school_today(school), 4)
    form = GroupEventForm({"day": day.isoformat()}, group=group)
    starts_at = datetime.datetime.combine(day, datetime.time(10), tzinfo=school.tzinfo)
    service = _refusal(
        lambda: group_event_create(
            group=group,
            kind="meeting",
            title="Встреча",
            starts_at=starts_at,
            ends_at=starts_at + datetime.timedelta(hours=1),
        ),
        "starts_at",
    )
    assert form.errors["day"] == service


def test_a_result_of_1999_is_refused(school):
    school.network = SchoolNetworkFactory()
    school.save()
    partner = SchoolFactory(network=school.network)
    members = [StaffMemberFactory(school=school), StaffMemberFactory(school=partner)]
    group = MentorGroupFactory(school=school, partner_school=partner, members=members)
    form = NetworkResultForm({"year": 1999}, school=school)
    service = _refusal(
        lambda: network_result_create(
            group=group, year=1999, quarter=1, form="video", title="Итоги", link="https://x.ru"
        ),
        "year",
    )
    assert form.errors["year"] == service
