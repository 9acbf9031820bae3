"""The demo problem days, seeded on a bare school."""

import datetime

from apps.demo.problemdays import seed_problem_days
from apps.problemdays.models import ProblemDay
from apps.problemdays.selectors import planner_queryset, stage_checks
from apps.staff.tests.factories import StaffMemberFactory


def test_demo_problem_days_are_seeded_once(school, administrator):
    StaffMemberFactory(school=school, last_name="Миронова")
    today = datetime.date(2025, 10, 1)
    assert seed_problem_days(schools={"main": school}, users={}, today=today) is True
    assert seed_problem_days(schools={"main": school}, users={}, today=today) is False
    held = ProblemDay.objects.get(date=datetime.date(2025, 5, 9))
    assert held.status == "reflected" and held.theme == "День Победы" and held.reflection
    planning = ProblemDay.objects.get(status="planning")
    assert planning.activities.count() == 4
    # The demo keeps one clash for the confirmation of «готов» to show.
    assert any(check.clash for check in stage_checks(planner_queryset(school=school).get(pk=planning.pk))["ready"])
