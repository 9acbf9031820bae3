"""The mentoring pages' prepared queries (compiled once per process, run with each
request's values): each school and person gets their own rows, the same rows the
plain querysets give, whichever ran first."""

import datetime

import pytest
from django.utils import timezone

from apps.accounts.tests.factories import SchoolFactory, UserFactory
from apps.core.dates import school_today
from apps.mentoring import route_selectors, selectors
from apps.mentoring.forms import MentorGroupForm
from apps.mentoring.tests.factories import GroupEventFactory, MentorGroupFactory, ProblemTagFactory
from apps.mentoring.tests.route_factories import DevelopmentRouteFactory, RouteStepFactory
from apps.staff.tests.factories import StaffMemberFactory

pytestmark = pytest.mark.django_db

DAY = datetime.timedelta(days=1)


def _school_with_a_curator():
    school = SchoolFactory()
    user = UserFactory()
    me = StaffMemberFactory(school=school, user=user)
    group = MentorGroupFactory(school=school, curator=me)
    now = timezone.now().replace(microsecond=0)
    soon = GroupEventFactory(group=group, starts_at=now + DAY, ends_at=now + DAY + datetime.timedelta(hours=1))
    past = GroupEventFactory(group=group, starts_at=now - 2 * DAY, ends_at=now - 2 * DAY + datetime.timedelta(hours=1))
    teacher = group.members.order_by("slot").last().staff
    route = DevelopmentRouteFactory(school=school, teacher=teacher)
    step = RouteStepFactory(route=route, due_on=school_today(school) - DAY)
    return {
        "school": school,
        "user": user,
        "me": me,
        "group": group,
        "events": {soon.pk, past.pk},
        "teacher": teacher,
        "route": route,
        "step": step,
    }


def _seen(case):
    """What the prepared queries give this person of this school."""
    school, user, now = case["school"], case["user"], timezone.now()
    curated, mine = selectors.board_groups(school=school, user=user, now=now)
    upcoming, due = selectors.board_events(school=school, staff_ids=[case["me"].pk], groups=curated, now=now)
    steps, _mentored, _own = route_selectors.route_steps_overdue_on_board(
        school=school,
        on=school_today(school),
        me=case["me"],
        curated_teachers=[m.staff_id for g in curated for m in g.member_rows],
    )
    page = selectors.mentor_group_list_page(
        school=school, user=user, see_all=False, status="open", number=1, per_page=25, now=now
    )
    start, end = now - 7 * DAY, now + 7 * DAY
    calendar = selectors.calendar_event_rows(school=school, start=start, end=end, staff_ids=[case["me"].pk])
    return {
        "board": [g.pk for g in curated],
        "mine": [g.pk for g in mine],
        "events": {e.pk for e in [*upcoming, *due]},
        "steps": [s.pk for s in steps],
        "list": [g.pk for g in page.object_list],
        "total": page.paginator.count,
        "calendar": [e.pk for e in calendar],
        "plain calendar": [
            e.pk for e in selectors.calendar_events(school=school, start=start, end=end, staff_ids=[case["me"].pk])
        ],
        "plain list": [
            g.pk for g in selectors.mentor_group_list(school=school, user_id=user.pk, see_all=False, status="open")
        ],
    }


def test_each_school_and_person_gets_their_own_rows_from_the_cached_compiles():
    one, two = _school_with_a_curator(), _school_with_a_curator()
    for case in (one, two, one):
        seen = _seen(case)
        assert seen["board"] == seen["list"] == seen["plain list"] == [case["group"].pk]
        assert seen["mine"] == []
        assert seen["total"] == 1
        assert seen["events"] == case["events"]
        assert seen["calendar"] == seen["plain calendar"] and set(seen["calendar"]) == case["events"]
        assert seen["steps"] == [case["step"].pk]


def test_another_school_s_group_route_and_step_are_not_found():
    one, two = _school_with_a_curator(), _school_with_a_curator()
    for case, other in ((one, two), (two, one)):
        school = case["school"]
        on = school_today(school)
        assert selectors.mentor_group_page_get(school=school, pk=case["group"].pk).pk == case["group"].pk
        assert selectors.mentor_group_page_get(school=school, pk=other["group"].pk) is None
        group = selectors.mentor_group_get(school=school, pk=case["group"].pk)
        assert [m.staff_id for m in group.members.all()] == [m.staff_id for m in case["group"].members.order_by("slot")]
        assert selectors.mentor_group_get(school=school, pk=other["group"].pk) is None
        assert selectors.mentor_group_for_schedule_get(school=school, pk=other["group"].pk) is None
        route = route_selectors.route_detail_get(school=school, pk=case["route"].pk, on=on)
        assert [s.pk for s in route.steps.all()] == [case["step"].pk]
        assert route.steps.all()[0].is_overdue
        assert route_selectors.route_detail_get(school=school, pk=other["route"].pk, on=on) is None
        assert route_selectors.route_step_get(school=school, pk=other["step"].pk) is None
        assert selectors.curates_teacher(school=school, user=case["user"], teacher=case["teacher"])
        assert not selectors.curates_teacher(school=school, user=other["user"], teacher=case["teacher"])


def test_similar_problems_of_each_school_name_only_its_own_teachers():
    cases = []
    for _ in range(2):
        school = SchoolFactory()
        tag = ProblemTagFactory(school=school)
        groups = [MentorGroupFactory(school=school) for _ in range(2)]
        for group in groups:
            group.problem_tags.add(tag)
        teachers = {m.staff_id for group in groups for m in group.members.all()}
        cases.append((school, tag, teachers))
    for school, tag, teachers in (*cases, cases[0]):
        found = selectors.similar_problems(school=school)
        assert [problem.tag.pk for problem in found] == [tag.pk]
        assert {staff.pk for staff, _group in found[0].teachers} == teachers


def test_each_school_s_group_form_offers_its_own_people_and_problems():
    one, two = _school_with_a_curator(), _school_with_a_curator()
    for case in (one, two):
        ProblemTagFactory(school=case["school"])
    for case in (one, two, one):
        school = case["school"]
        people = set(school.staff.filter(is_active=True).values_list("pk", flat=True))
        form = MentorGroupForm(school=school)
        for name in ("curator", "member1", "member2", "member3"):
            assert {value for value, _label in form.fields[name].choices if value} == people
        tags = {value for value, _label in form.fields["problem_tags"].choices}
        assert tags == set(school.problem_tags.values_list("pk", flat=True)) != set()
        proposed = MentorGroupForm(school=school, curator_fixed=case["me"])
        assert [value for value, _label in proposed.fields["curator"].choices if value] == [case["me"].pk]


@pytest.mark.parametrize(
    "options",
    [{}, {"own": True}, {"overdue_only": True}, {"query": "петр"}, {"query": "zz"}, {"own": True, "query": "пет ова"}],
)
def test_each_schools_route_list_page_gives_the_plain_lists_rows(options):
    one, two = _school_with_a_curator(), _school_with_a_curator()
    for case in (one, two):
        case["teacher"].user = UserFactory()
        case["teacher"].save()
    for case in (one, two, one):
        school = case["school"]
        kwargs = {
            "school": school,
            "on": school_today(school),
            "user": case["teacher"].user if options.get("own") else None,
            "overdue_only": options.get("overdue_only", False),
            "query": options.get("query", ""),
        }
        page = route_selectors.route_list_page(number=1, per_page=25, **kwargs)
        plain = list(route_selectors.route_list(**kwargs))
        assert [r.pk for r in page.object_list] == [r.pk for r in plain]
        assert page.paginator.count == len(plain)
        assert {r.school_id for r in page.object_list} <= {school.pk}
        for prepared, row in zip(page.object_list, plain, strict=True):
            assert (prepared.step_count, prepared.done_count, prepared.overdue_count, prepared.next_due_on) == (
                row.step_count,
                row.done_count,
                row.overdue_count,
                row.next_due_on,
            )
