"""The eve-of-the-day reminder and the phone calendar of problem-theme day duties."""

import datetime

import time_machine
from django.urls import reverse
from icalendar import Calendar

from apps.accounts.tests.factories import MembershipFactory
from apps.calendar.ical import calendar_feed_get_or_create
from apps.notifications.models import Notification
from apps.problemdays.sweeps import problem_day_duties_sweep
from apps.problemdays.tests.factories import DayActivityFactory, ProblemDayFactory
from apps.staff.tests.factories import StaffMemberFactory
from conftest import client_for


def _teacher(school):
    user = MembershipFactory(school=school).user
    return StaffMemberFactory(school=school, user=user)


def test_duties_are_reminded_once_on_the_eve_by_the_schools_date(school):
    school.time_zone = "Asia/Vladivostok"
    school.save()
    teacher = _teacher(school)
    day = ProblemDayFactory(school=school, date=datetime.date(2026, 5, 9))
    DayActivityFactory(day=day, title="Классный час «Мы помним»", responsible=[teacher])
    duty = Notification.objects.filter(kind=Notification.Kind.PROBLEM_DAY_DUTY)
    # 6 May, 23:00 in Vladivostok: two days before — nothing yet.
    with time_machine.travel(datetime.datetime(2026, 5, 6, 13, 0, tzinfo=datetime.UTC), tick=False):
        problem_day_duties_sweep()
    assert not duty.exists()
    # 8 May, 01:00 in Vladivostok (still 7 May in UTC): the eve there.
    with time_machine.travel(datetime.datetime(2026, 5, 7, 15, 0, tzinfo=datetime.UTC), tick=False):
        problem_day_duties_sweep()
        problem_day_duties_sweep()
    assert list(duty.values_list("user_id", flat=True)) == [teacher.user_id]


def test_duties_are_in_the_phone_calendar(school):
    teacher = _teacher(school)
    day = ProblemDayFactory(school=school)
    activity = DayActivityFactory(day=day, title="Встреча с ветеранами", responsible=[teacher])
    DayActivityFactory(day=day, title="Чужая обязанность", responsible=[_teacher(school)])
    token = calendar_feed_get_or_create(user=teacher.user).token
    content = client_for(None).get(reverse("mentoring:ical", args=[token])).content
    uids = {str(c.get("uid")) for c in Calendar.from_ical(content).walk("VEVENT")}
    assert f"problem-day-activity-{activity.pk}@collabschool" in uids
    assert len([u for u in uids if u.startswith("problem-day-activity-")]) == 1


def test_duties_are_in_the_in_app_calendar(school):
    teacher = _teacher(school)
    day = ProblemDayFactory(school=school)
    DayActivityFactory(day=day, title="Встреча с ветеранами", responsible=[teacher])
    response = client_for(teacher.user).get(reverse("mentoring:my_calendar"), {"date": day.date.isoformat()})
    assert "Встреча с ветеранами" in response.content.decode()


def test_a_far_date_is_a_form_error_and_a_new_date_moves_the_activities(school, deputy_head):
    import pytest
    from django.core.exceptions import ValidationError

    from apps.problemdays.services import day_create, day_update

    with pytest.raises(ValidationError):
        day_create(school=school, date=datetime.date(1, 1, 1), working_title="Древность")
    day = ProblemDayFactory(school=school)
    activity = DayActivityFactory(day=day, title="Классный час")
    local_before = activity.starts_at.astimezone(school.tzinfo)
    new_date = day.date + datetime.timedelta(days=3)
    day_update(day=day, date=new_date)
    activity.refresh_from_db()
    local_after = activity.starts_at.astimezone(school.tzinfo)
    assert (local_after.date(), local_after.time()) == (new_date, local_before.time())
