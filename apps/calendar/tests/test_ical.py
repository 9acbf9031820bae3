"""The personal calendar feed: a private, revocable .ics address with the person's
visits, meetings and development route steps, and nobody else's."""

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
from apps.core.calendars import CALENDAR_SOURCES
from apps.core.dates import school_today
from apps.mentoring.models import CalendarFeed, GroupEvent, RouteStep
from apps.mentoring.tests.factories import GroupEventFactory, MentorGroupFactory
from apps.mentoring.tests.route_factories import DevelopmentRouteFactory, EarlyCareerTeacherFactory, RouteStepFactory
from apps.staff.tests.factories import StaffMemberFactory
from conftest import client_for

DAY = datetime.timedelta(days=1)


@pytest.fixture
def me(school, teacher):
    return EarlyCareerTeacherFactory(school=school, user=teacher)


@pytest.fixture
def my_mentor(school, curator):
    return StaffMemberFactory(school=school, user=curator)


@pytest.fixture
def my_pair(school, me, my_mentor):
    return MentorGroupFactory(school=school, members=[my_mentor, me])


def _at(days, hour=9):
    return (timezone.now() + days * DAY).replace(hour=hour, minute=0, second=0, microsecond=0)


def _event(group, days, **fields):
    starts_at = _at(days)
    return GroupEventFactory(
        group=group, starts_at=starts_at, ends_at=starts_at + datetime.timedelta(minutes=45), **fields
    )


def _feed_url(user):
    return reverse("mentoring:ical", kwargs={"token": calendar_feed_get_or_create(user=user).token})


def _components(user):
    response = client_for(None).get(_feed_url(user))
    assert response.status_code == 200
    calendar = Calendar.from_ical(response.content)
    return {str(component["uid"]): component for component in calendar.walk("VEVENT")}


def _ru(label):
    with translation.override("ru"):
        return capfirst(str(label))


def test_feed_holds_my_visits_and_meetings_and_nobody_else_s(school, teacher, me, my_pair):
    visit = _event(my_pair, 1, kind=GroupEvent.Kind.LESSON_VISIT, title="Смысловое чтение", place="каб. 12")
    meeting = _event(my_pair, 7, kind=GroupEvent.Kind.MEETING, title="Обсуждение плана")
    recent = _event(my_pair, -80, kind=GroupEvent.Kind.DEBRIEF, title="Разбор урока")
    old = _event(my_pair, -100, title="Давняя встреча")
    cancelled = _event(my_pair, 3, title="Отменённая встреча", status=GroupEvent.Status.CANCELLED)
    someone_else_s = _event(MentorGroupFactory(school=school), 2, title="Чужая встреча")

    components = _components(teacher)

    assert set(components) == {f"event-{e.pk}@collabschool" for e in (visit, meeting, recent)}
    assert f"event-{old.pk}@collabschool" not in components
    assert f"event-{cancelled.pk}@collabschool" not in components
    assert f"event-{someone_else_s.pk}@collabschool" not in components
    item = components[f"event-{visit.pk}@collabschool"]
    assert str(item["summary"]) == f"{_ru(GroupEvent.Kind.LESSON_VISIT.label)}: Смысловое чтение"
    assert item.decoded("dtstart") == visit.starts_at
    assert item.decoded("dtstart").utcoffset() == datetime.timedelta(0)
    assert item.decoded("dtend") == visit.ends_at
    assert str(item["location"]) == "каб. 12"
    assert me.short_name in str(item["description"])
    assert str(components[f"event-{meeting.pk}@collabschool"]["location"]) == school.short_name


def test_feed_holds_events_of_my_records_in_every_school(school, other_school, teacher, me, my_pair):
    MembershipFactory(school=other_school, user=teacher)
    there = StaffMemberFactory(school=other_school, user=teacher)
    elsewhere = _event(MentorGroupFactory(school=other_school, members=[there]), 4, title="Сетевая встреча")
    here = _event(my_pair, 4)
    assert set(_components(teacher)) == {f"event-{elsewhere.pk}@collabschool", f"event-{here.pk}@collabschool"}


def test_feed_holds_my_route_steps_as_all_day_events(school, teacher, curator, me, my_mentor):
    today = school_today(school)
    route = DevelopmentRouteFactory(school=school, teacher=me, mentor=my_mentor, starts_on=today - 200 * DAY)
    upcoming = RouteStepFactory(route=route, due_on=today + 5 * DAY, title="Провести открытый урок")
    overdue_long_ago = RouteStepFactory(route=route, due_on=today - 150 * DAY, status=RouteStep.Status.IN_PROGRESS)
    done = RouteStepFactory(route=route, due_on=today - 10 * DAY, status=RouteStep.Status.DONE)
    done_long_ago = RouteStepFactory(route=route, due_on=today - 150 * DAY, status=RouteStep.Status.DONE)
    cancelled = RouteStepFactory(route=route, due_on=today + 9 * DAY, status=RouteStep.Status.CANCELLED)
    someone_else_s = RouteStepFactory(route=DevelopmentRouteFactory(school=school), due_on=today + DAY)

    mine = _components(teacher)

    expected = {f"route-step-{s.pk}@collabschool" for s in (upcoming, overdue_long_ago, done)}
    assert set(mine) == expected
    for step in (done_long_ago, cancelled, someone_else_s):
        assert f"route-step-{step.pk}@collabschool" not in mine
    item = mine[f"route-step-{upcoming.pk}@collabschool"]
    assert item.decoded("dtstart") == upcoming.due_on  # a date: an all-day entry
    assert item.decoded("dtend") == upcoming.due_on + DAY
    assert "Провести открытый урок" in str(item["summary"])
    # The responsible mentor sees the same steps, with whose route they are.
    mentors = _components(curator)
    assert set(mentors) == expected
    assert me.short_name in str(mentors[f"route-step-{upcoming.pk}@collabschool"]["summary"])


def test_feed_answers_without_login_with_a_private_cache(teacher, me):
    response = client_for(None).get(_feed_url(teacher))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    cache = {part.strip() for part in response["Cache-Control"].split(",")}
    assert {"private", "max-age=300"} <= cache
    calendar = Calendar.from_ical(response.content)
    assert str(calendar["version"]) == "2.0"
    assert calendar.walk("VEVENT") == []


def test_unknown_token_gets_404(db):
    assert client_for(None).get(reverse("mentoring:ical", kwargs={"token": "no-such-token"})).status_code == 404


def test_reset_revokes_the_old_address(teacher):
    client = client_for(teacher)
    page = client.get(reverse("mentoring:feed"))
    old_url = reverse("mentoring:ical", kwargs={"token": page.context["feed"].token})
    assert page.context["feed_url"] == f"http://testserver{old_url}"
    assert page.context["webcal_url"] == f"webcal://testserver{old_url}"
    assert old_url in page.content.decode()

    response = client.post(reverse("mentoring:feed_reset"))

    assert response.status_code == 302
    new_token = CalendarFeed.objects.get(user=teacher).token
    assert new_token not in old_url
    assert client_for(None).get(old_url).status_code == 404
    assert client_for(None).get(reverse("mentoring:ical", kwargs={"token": new_token})).status_code == 200


def test_feed_page_keeps_the_address_between_visits(teacher):
    client = client_for(teacher)
    first = client.get(reverse("mentoring:feed")).context["feed"].token
    assert client.get(reverse("mentoring:feed")).context["feed"].token == first
    assert client.get(reverse("mentoring:feed_reset")).status_code == 405


def test_feed_of_a_deactivated_account_gets_404(teacher):
    url = _feed_url(teacher)
    teacher.is_active = False
    teacher.save()
    assert client_for(None).get(url).status_code == 404


def _fill(school, pair, me, mentor, count):
    today = school_today(school)
    route = DevelopmentRouteFactory(school=school, teacher=me, mentor=mentor, starts_on=today - 30 * DAY)
    for index in range(count):
        _event(pair, index % 30 - 5, kind=GroupEvent.Kind.LESSON_VISIT)
        RouteStepFactory(route=route, due_on=today + index * DAY)


def test_feed_runs_the_same_number_of_queries_for_2_and_20_events(school, teacher, me, my_mentor, my_pair):
    url = _feed_url(teacher)
    client = client_for(None)

    def queries():
        with CaptureQueriesContext(connection) as captured:
            response = client.get(url)
        assert response.status_code == 200
        return len(captured), len(Calendar.from_ical(response.content).walk("VEVENT"))

    _fill(school, my_pair, me, my_mentor, 2)
    small, small_items = queries()
    _fill(school, my_pair, me, my_mentor, 18)
    large, large_items = queries()
    assert (small_items, large_items) == (4, 40)
    # The feed and its owner, then one query for each app's calendar source, whatever the data.
    sources = len([source for source in CALENDAR_SOURCES if source.feed_items is not None])
    assert small == large <= 2 + sources


def test_feed_holds_my_groups_events_i_do_not_attend_as_free_time(school, curator, my_mentor):
    """The phone shows what the calendar page and the board show (one rule): the
    curator's pair visit she does not attend is there, leaving her time free."""
    curated = MentorGroupFactory(school=school, curator=my_mentor)
    without_her = _event(curated, 2, kind=GroupEvent.Kind.LESSON_VISIT, title="Урок без куратора")
    without_her.participations.filter(staff=curated.curator).delete()
    with_her = _event(curated, 3, title="Встреча с куратором")

    components = _components(curator)

    assert str(components[f"event-{without_her.pk}@collabschool"]["transp"]) == "TRANSPARENT"
    assert "status" not in components[f"event-{without_her.pk}@collabschool"]
    attended = components[f"event-{with_her.pk}@collabschool"]
    assert "transp" not in attended and str(attended["status"]) == "CONFIRMED"
