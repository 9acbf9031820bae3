"""A teacher's load sums what every app registers: open pairs and triads, open
task teams, and whatever a later app adds, without staff knowing the apps."""

from apps.mentoring.tests.factories import MentorGroupFactory
from apps.staff.load import LOAD_COUNTERS, teacher_load, teacher_load_warnings
from apps.staff.tests.factories import StaffMemberFactory
from apps.teams.tests.factories import TaskTeamFactory


def test_mentoring_and_teams_register_their_counts():
    assert {name for name, _counter in LOAD_COUNTERS.items()} >= {"mentor_groups", "task_teams"}


def test_the_load_sums_open_groups_and_open_teams_and_leaves_out_the_one_being_saved(school):
    busy = StaffMemberFactory(school=school)
    group = MentorGroupFactory(school=school, members=[busy])
    team = TaskTeamFactory(school=school, lead=busy)
    assert teacher_load(staff_ids=[busy.pk]) == {busy.pk: 2}
    assert teacher_load(staff_ids=[busy.pk], exclude=group) == {busy.pk: 1}
    assert teacher_load(staff_ids=[busy.pk], exclude=team) == {busy.pk: 1}


def test_an_app_joins_the_load_by_registering(school):
    busy = StaffMemberFactory(school=school)
    school.max_active_groups_per_teacher = 2
    LOAD_COUNTERS.register("olympiad_juries", lambda *, staff_ids, exclude: dict.fromkeys(staff_ids, 2))
    try:
        assert teacher_load_warnings(school=school, staff=[busy, busy], adding=1) == [(busy, 3)]
    finally:
        LOAD_COUNTERS._entries.pop("olympiad_juries")
