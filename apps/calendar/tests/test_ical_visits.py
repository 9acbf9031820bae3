"""Lesson visits in the personal calendar feed: the ones the person observes or is
observed at, unless their pair's schedule already holds them, and nobody else's."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.text import capfirst
from icalendar import Calendar

from apps.accounts.tests.factories import MembershipFactory
from apps.calendar.ical import calendar_feed_get_or_create
from apps.mentoring.models import GroupEvent, GroupEventParticipant
from apps.mentoring.tests.factories import MentorGroupFactory
from apps.staff.tests.factories import StaffMemberFactory, SubjectFactory
from apps.visits.models import LessonVisit
from apps.visits.tests.factories import LessonVisitFactory
from conftest import client_for

DAY = datetime.timedelta(days=1)


@pytest.fixture
def me(school, teacher):
    return StaffMemberFactory(
        school=school, user=teacher, last_name="Белова", first_name="Анна", patronymic="Сергеевна"
    )


def _visit(school, *, days, observed=None, observers=None, **fields):
    starts_at = (timezone.now() + days * DAY).replace(hour=8, minute=30, second=0, microsecond=0)
    return LessonVisitFactory(
        school=school,
        starts_at=starts_at,
        ends_at=starts_at + datetime.timedelta(minutes=45),
        observed=observed or StaffMemberFactory(school=school),
        observers=observers,
        status=fields.pop("status", LessonVisit.Status.PLANNED if days > 0 else LessonVisit.Status.HELD),
        **fields,
    )


def _components(user):
    token = calendar_feed_get_or_create(user=user).token
    response = client_for(None).get(reverse("mentoring:ical", kwargs={"token": token}))
    assert response.status_code == 200
    calendar = Calendar.from_ical(response.content)
    return {str(component["uid"]): component for component in calendar.walk("VEVENT")}


def _uid(visit):
    return f"visit-{visit.pk}@collabschool"


def test_feed_holds_visits_i_observe_and_visits_to_my_lessons(school, teacher, me):
    subject = SubjectFactory(school=school, name="Английский язык")
    observed_me = _visit(school, days=2, observed=me, grade="7Б", subject=subject, topic="Past Simple")
    i_observe = _visit(
        school,
        days=-3,
        observers=[me],
        kind=LessonVisit.Kind.OPEN_LESSON,
        grade="5А",
        observed=StaffMemberFactory(school=school, last_name="Васильев", first_name="Игорь", patronymic="Петрович"),
    )
    overdue = _visit(school, days=-5, observers=[me], status=LessonVisit.Status.OVERDUE)
    cancelled = _visit(school, days=4, observed=me, status=LessonVisit.Status.CANCELLED, cancel_reason="Карантин")
    long_ago = _visit(school, days=-120, observed=me, status=LessonVisit.Status.DEBRIEFED)
    someone_else_s = _visit(school, days=1)

    components = _components(teacher)

    assert {uid for uid in components if uid.startswith("visit-")} == {
        _uid(observed_me),
        _uid(i_observe),
        _uid(overdue),
    }
    for visit in (cancelled, long_ago, someone_else_s):
        assert _uid(visit) not in components
    with translation.override("ru"):
        pair_visit = capfirst(str(LessonVisit.Kind.PAIR_VISIT.label))
        open_lesson = capfirst(str(LessonVisit.Kind.OPEN_LESSON.label))
    mine = components[_uid(observed_me)]
    assert str(mine["summary"]) == f"{pair_visit}: 7Б, {me.short_name}"
    assert mine.decoded("dtstart") == observed_me.starts_at
    assert mine.decoded("dtstart").utcoffset() == datetime.timedelta(0)
    assert mine.decoded("dtend") == observed_me.ends_at
    assert "Английский язык: Past Simple" in str(mine["description"])
    assert observed_me.observed_aspect in str(mine["description"])
    assert str(mine["location"]) == school.short_name
    assert str(components[_uid(i_observe)]["summary"]) == f"{open_lesson}: 5А, {i_observe.observed.short_name}"
    assert me.short_name in str(components[_uid(i_observe)]["description"])


def test_a_visit_on_the_pair_s_schedule_comes_once_as_its_event(school, teacher, me):
    group = MentorGroupFactory(school=school, members=[StaffMemberFactory(school=school), me])
    event = GroupEvent.objects.create(
        group=group,
        kind=GroupEvent.Kind.LESSON_VISIT,
        title="Посещение урока наставника",
        starts_at=timezone.now() + DAY,
        ends_at=timezone.now() + DAY + datetime.timedelta(minutes=45),
    )
    GroupEventParticipant.objects.create(event=event, staff=me)
    scheduled = _visit(school, days=1, observers=[me], group=group, event=event)

    components = _components(teacher)

    assert f"event-{event.pk}@collabschool" in components
    assert _uid(scheduled) not in components


def test_visits_of_my_record_in_another_school_are_in_the_feed(school, other_school, teacher, me):
    MembershipFactory(school=other_school, user=teacher)
    there = StaffMemberFactory(school=other_school, user=teacher)
    elsewhere = _visit(other_school, days=3, observers=[there])
    assert _uid(elsewhere) in _components(teacher)


def _count(user):
    token = calendar_feed_get_or_create(user=user).token
    with CaptureQueriesContext(connection) as captured:
        response = client_for(None).get(reverse("mentoring:ical", kwargs={"token": token}))
    assert response.status_code == 200
    return len(captured)


def test_feed_with_visits_runs_a_fixed_number_of_queries(school, teacher, me):
    def populate(size):
        for day in range(size):
            _visit(school, days=day - size // 2, observed=me, observers=[StaffMemberFactory(school=school)])
            _visit(school, days=day, observers=[me, StaffMemberFactory(school=school)])

    populate(2)
    small = _count(teacher)
    populate(10)
    assert len([uid for uid in _components(teacher) if uid.startswith("visit-")]) == 24
    assert _count(teacher) == small
