"""The eve-of-the-due-date reminder of an association's decisions."""

import datetime

import time_machine

from apps.accounts.tests.factories import MembershipFactory
from apps.associations.sweeps import association_decisions_sweep
from apps.associations.tests.factories import DecisionFactory
from apps.notifications.models import Notification
from apps.staff.tests.factories import StaffMemberFactory


def _responsible(school):
    return StaffMemberFactory(school=school, user=MembershipFactory(school=school).user)


def test_a_decision_is_reminded_once_on_the_eve_by_the_schools_date(school):
    school.time_zone = "Asia/Vladivostok"  # UTC+10
    school.save()
    person = _responsible(school)
    decision = DecisionFactory(
        meeting__plan__association__school=school, responsible=person, due_on=datetime.date(2026, 12, 10)
    )
    DecisionFactory(
        meeting=decision.meeting,
        responsible=person,
        due_on=datetime.date(2026, 12, 10),
        done_on=datetime.date(2026, 12, 1),
    )
    due = Notification.objects.filter(kind=Notification.Kind.DECISION_DUE)
    # 8 December, 23:00 in Vladivostok: two days before — nothing yet.
    with time_machine.travel(datetime.datetime(2026, 12, 8, 13, 0, tzinfo=datetime.UTC), tick=False):
        assert association_decisions_sweep() == 0
    # 9 December, 01:00 in Vladivostok (still 8 December in UTC): the eve there.
    with time_machine.travel(datetime.datetime(2026, 12, 8, 15, 0, tzinfo=datetime.UTC), tick=False):
        assert association_decisions_sweep() == 1
        assert association_decisions_sweep() == 0
    assert list(due.values_list("user_id", "key")) == [(person.user_id, f"decision:{decision.pk}")]


def test_in_samara_the_eve_is_the_schools_own_day(school):
    person = _responsible(school)  # the school is in Europe/Samara (UTC+4)
    DecisionFactory(meeting__plan__association__school=school, responsible=person, due_on=datetime.date(2026, 12, 10))
    # 8 December, 23:00 in Samara: not yet the eve.
    with time_machine.travel(datetime.datetime(2026, 12, 8, 19, 0, tzinfo=datetime.UTC), tick=False):
        assert association_decisions_sweep() == 0
    # 9 December, 00:30 in Samara.
    with time_machine.travel(datetime.datetime(2026, 12, 8, 20, 30, tzinfo=datetime.UTC), tick=False):
        assert association_decisions_sweep() == 1
