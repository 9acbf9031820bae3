"""The planning service refuses what the planning form refuses: the rules live in
`services.visit_check`, so a script, an import or another page calling
`visit_create` cannot plan what the page would not."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from apps.accounts.models import Role
from apps.mentoring.models import MentorGroup
from apps.mentoring.tests.factories import MentorGroupFactory
from apps.staff.models import StaffMember
from apps.staff.tests.factories import StaffMemberFactory, SubjectFactory
from apps.visits import services
from apps.visits.models import LessonVisit, ObservationProtocol
from apps.visits.tests.factories import LessonVisitFactory
from apps.visits.tests.test_pages import person, plan_data
from conftest import client_for

H = datetime.timedelta(hours=1)


@pytest.fixture(autouse=True)
def _english_messages(settings):
    settings.LANGUAGE_CODE = "en"


@pytest.fixture
def pair(school):
    """A pair with a curator, as in test_pages: the mentee observes the mentor's lesson."""
    curator_user, curator = person(school, Role.CURATOR)
    observed_user, observed = person(school)
    observer_user, observer = person(school)
    group = MentorGroupFactory(school=school, curator=curator, members=[observed, observer])
    return {
        "group": group,
        "curator": curator_user,
        "observed": observed,
        "observer_user": observer_user,
        "observer": observer,
    }


def _service_kwargs(pair, data):
    """What the form would pass to the service for `data` (plan_data's fields)."""
    zone = pair["group"].school.tzinfo
    day = datetime.date.fromisoformat(data["day"])
    start, end = (datetime.time.fromisoformat(data[name]) for name in ("start", "end"))
    by_pk = {person.pk: person for person in StaffMember.objects.all()}
    return {
        "kind": data["kind"],
        "observed": by_pk[data["observed"]],
        "observers": [by_pk[pk] for pk in data["observers"]],
        "starts_at": datetime.datetime.combine(day, start, tzinfo=zone),
        "ends_at": datetime.datetime.combine(day, end, tzinfo=zone),
        "grade": data["grade"],
        "topic": data["topic"],
        "observed_aspect": data["observed_aspect"],
        "group": MentorGroup.objects.filter(pk=data["group"]).first() if data["group"] else None,
        "subject": data.get("_subject"),
        "protocol": data.get("_protocol"),
        "answers_visit": data.get("_answers_visit"),
    }


def _answered_by_others(pair):
    """A visit of the pair that the new lesson's teacher did not observe: the curator did."""
    return LessonVisitFactory(
        school=pair["group"].school,
        group=pair["group"],
        observed=pair["observer"],
        observers=[pair["group"].curator],
        starts_at=timezone.now() - 30 * 24 * H,
    )


def _cases(pair):
    school = pair["group"].school
    far = (timezone.localdate() + datetime.timedelta(days=800)).isoformat()
    closed = MentorGroupFactory(
        school=school,
        curator=pair["group"].curator,
        members=[pair["observed"], pair["observer"]],
        status=MentorGroup.Status.COMPLETED,
    )
    gone = StaffMemberFactory(school=school, is_active=False, left_on=timezone.localdate())
    foreign_subject = SubjectFactory()
    retired = ObservationProtocol.objects.create(school=school, name="Старый протокол", is_active=False)
    cancelled = LessonVisitFactory(
        school=school, observers=[pair["observed"]], status=LessonVisit.Status.CANCELLED, cancel_reason="Болезнь"
    )
    return {
        "no observer": ({"observers": []}, "observers", "Choose at least one observer."),
        "own lesson": (
            {"observers": [pair["observed"].pk, pair["observer"].pk]},
            "observers",
            "The observed teacher cannot observe their own lesson.",
        ),
        "ends before it starts": ({"end": "09:30"}, "end", "The lesson must end after it starts."),
        "two years ahead": ({"day": far}, "day", "Plan a visit within a year from today."),
        "reverse visit to the wrong teacher": (
            {"answers_visit": "ANSWERED", "_answers_visit": _answered_by_others(pair)},
            "answers_visit",
            "A reverse visit is to the lesson of a teacher who observed the first one.",
        ),
        "closed pair": ({"group": closed.pk}, "group", None),
        "teacher who left": ({"group": "", "observers": [gone.pk]}, "observers", None),
        "another school's subject": ({"subject": foreign_subject.pk, "_subject": foreign_subject}, "subject", None),
        "protocol out of use": ({"protocol": retired.pk, "_protocol": retired}, "protocol", None),
        "cancelled visit answered": (
            {"answers_visit": cancelled.pk, "_answers_visit": cancelled},
            "answers_visit",
            None,
        ),
    }


CASES = [
    "no observer",
    "own lesson",
    "ends before it starts",
    "two years ahead",
    "reverse visit to the wrong teacher",
    "closed pair",
    "teacher who left",
    "another school's subject",
    "protocol out of use",
    "cancelled visit answered",
]
SERVICE_FIELD = {"end": "ends_at", "day": "starts_at"}


@pytest.mark.parametrize("case", CASES)
def test_the_service_refuses_what_the_form_refuses(school, pair, case):
    overrides, field, message = _cases(pair)[case]
    if overrides.get("answers_visit") == "ANSWERED":
        overrides["answers_visit"] = overrides["_answers_visit"].pk
    data = plan_data(pair, topic="Урок, которого не будет", **overrides)
    posted = {key: value for key, value in data.items() if not key.startswith("_")}
    response = client_for(pair["curator"]).post(reverse("visits:create"), posted)
    assert response.status_code == 200
    form_errors = response.context["form"].errors[field]
    with pytest.raises(ValidationError) as refused:
        services.visit_create(school=school, **_service_kwargs(pair, data))
    service_errors = refused.value.message_dict[SERVICE_FIELD.get(field, field)]
    if message is not None:
        assert message in form_errors and message in service_errors
    assert not LessonVisit.objects.filter(topic=data["topic"]).exists()


def test_a_teacher_plans_through_the_service_only_visits_they_take_part_in(school, pair):
    _user, other = person(school)
    _user, third = person(school)
    data = plan_data(pair, group="", observed=other.pk, observers=[third.pk])
    response = client_for(pair["observer_user"]).post(reverse("visits:create"), data)
    message = "A teacher plans visits they take part in: as the observed teacher or an observer."
    assert message in response.context["form"].non_field_errors()
    with pytest.raises(ValidationError) as refused:
        services.visit_create(school=school, planner=pair["observer"], **_service_kwargs(pair, data))
    assert message in refused.value.messages
