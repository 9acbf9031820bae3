"""Reminders of teams' overdue milestones and passed deadlines: by the school's
own date, each exactly once."""

import datetime
import zoneinfo

import time_machine

from apps.accounts.tests.factories import MembershipFactory
from apps.mentoring.selectors import group_load_warnings
from apps.mentoring.tests.factories import MentorGroupFactory
from apps.notifications.models import Notification
from apps.staff.tests.factories import StaffMemberFactory
from apps.teams.sweeps import teams_deadline_sweep
from apps.teams.tests.factories import MilestoneFactory, TaskTeamFactory


def _with_account(school):
    return StaffMemberFactory(school=school, user=MembershipFactory(school=school).user)


def test_overdue_milestone_is_reminded_once_by_the_schools_date(school):
    school.time_zone = "Asia/Vladivostok"  # UTC+10
    school.save()
    lead, member = _with_account(school), _with_account(school)
    team = TaskTeamFactory(school=school, lead=lead, members=[member], deadline=datetime.date(2027, 3, 1))
    MilestoneFactory(team=team, title="Анкета для родителей", due_on=datetime.date(2026, 12, 1))
    overdue = Notification.objects.filter(kind=Notification.Kind.MILESTONE_OVERDUE)
    vladivostok = zoneinfo.ZoneInfo("Asia/Vladivostok")
    # 23:30 on the due day in Vladivostok: not yet overdue there.
    with time_machine.travel(datetime.datetime(2026, 12, 1, 23, 30, tzinfo=vladivostok), tick=False):
        teams_deadline_sweep()
    assert not overdue.exists()
    # 00:30 the next day in Vladivostok (still 1 December in UTC): overdue.
    with time_machine.travel(datetime.datetime(2026, 12, 2, 0, 30, tzinfo=vladivostok), tick=False):
        teams_deadline_sweep()
        teams_deadline_sweep()
    assert sorted(overdue.values_list("user_id", flat=True)) == sorted([lead.user_id, member.user_id])


def test_team_still_working_after_its_deadline_is_reminded_once(school):
    lead = _with_account(school)
    team = TaskTeamFactory(school=school, lead=lead, deadline=datetime.date(2026, 11, 1))
    with time_machine.travel(datetime.datetime(2026, 11, 20, 9, 0, tzinfo=datetime.UTC), tick=False):
        teams_deadline_sweep()
        teams_deadline_sweep()
    passed = Notification.objects.filter(kind=Notification.Kind.TEAM_DEADLINE_PASSED)
    assert list(passed.values_list("user_id", "key")) == [(lead.user_id, f"team:{team.pk}")]


def test_teams_count_towards_the_load_of_mentor_groups(school):
    school.max_active_groups_per_teacher = 1
    school.save()
    busy = StaffMemberFactory(school=school)
    TaskTeamFactory(school=school, lead=busy)
    warnings = group_load_warnings(group=MentorGroupFactory(school=school), staff=[busy])
    assert warnings == [(busy, 2)]


def test_the_sweep_reaches_beyond_its_batch(school):
    lead = _with_account(school)
    team = TaskTeamFactory(school=school, lead=lead, deadline=datetime.date(2027, 3, 1))
    for day in (1, 2, 3):
        MilestoneFactory(team=team, due_on=datetime.date(2026, 11, day))
    with time_machine.travel(datetime.datetime(2026, 11, 20, 9, 0, tzinfo=datetime.UTC), tick=False):
        assert teams_deadline_sweep(batch=2) == 2
        assert teams_deadline_sweep(batch=2) == 1
    assert Notification.objects.filter(kind=Notification.Kind.MILESTONE_OVERDUE).count() == 3
