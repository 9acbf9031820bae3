"""The milestone sweep, «Мои дела» and the calendar feed: each for the person
responsible, on their school's own date, each reminder once."""

import datetime
import zoneinfo

import pytest
from django.utils import timezone

from apps.accounts.models import Role
from apps.accounts.tests.factories import MembershipFactory, SchoolFactory, UserFactory
from apps.core.dates import school_today
from apps.core.todos import todo_count, todo_items, todo_scope
from apps.help_programmes.calendar_items import milestone_feed_items
from apps.help_programmes.models import Programme
from apps.help_programmes.sweeps import help_milestones_sweep
from apps.help_programmes.tests.factories import HelpMilestoneFactory, ProgrammeFactory, leader_and_supported
from apps.notifications.models import Notification
from apps.staff.tests.factories import StaffMemberFactory

pytestmark = pytest.mark.django_db


def _person(school, *roles):
    user = UserFactory()
    membership = MembershipFactory(school=school, user=user, roles=list(roles) or [Role.TEACHER])
    return StaffMemberFactory(school=school, user=user), membership


def _programme(zone="Europe/Samara", **fields):
    leader, supported = leader_and_supported(SchoolFactory(time_zone=zone), SchoolFactory(time_zone=zone))
    return ProgrammeFactory(leader_school=leader, supported_school=supported, **fields)


def _notes(user):
    return list(
        Notification.objects.filter(user=user, kind=Notification.Kind.HELP_MILESTONE_DUE).values_list("key", flat=True)
    )


def test_due_within_a_week_then_overdue_each_told_once():
    programme = _programme()
    person, _m = _person(programme.supported_school)
    today = school_today(person.school)
    soon = HelpMilestoneFactory(programme=programme, responsible=person, due_on=today + datetime.timedelta(days=7))
    later = HelpMilestoneFactory(programme=programme, responsible=person, due_on=today + datetime.timedelta(days=8))
    overdue = HelpMilestoneFactory(programme=programme, responsible=person, due_on=today - datetime.timedelta(days=1))
    HelpMilestoneFactory(
        programme=programme, responsible=person, due_on=today - datetime.timedelta(days=3), done_on=today
    )

    assert help_milestones_sweep() == 2
    assert help_milestones_sweep() == 0
    assert sorted(_notes(person.user)) == sorted([f"milestone-soon:{soon.pk}", f"milestone-overdue:{overdue.pk}"])
    assert f"milestone-soon:{later.pk}" not in _notes(person.user)

    # Eight days on, the soon one is overdue: told once more, with its own key.
    eight_days = timezone.now() + datetime.timedelta(days=8)
    help_milestones_sweep(now=eight_days)
    help_milestones_sweep(now=eight_days)
    keys = _notes(person.user)
    assert keys.count(f"milestone-overdue:{soon.pk}") == 1
    assert keys.count(f"milestone-soon:{later.pk}") == 1
    assert len(keys) == len(set(keys))


def test_overdue_by_the_schools_own_date():
    """At 19:00 UTC it is already tomorrow in Vladivostok (UTC+10), not yet in Samara (UTC+4)."""
    samara, east = _programme("Europe/Samara"), _programme("Asia/Vladivostok")
    person_samara, _m = _person(samara.leader_school)
    person_east, _m = _person(east.leader_school)
    now = datetime.datetime(2026, 12, 1, 19, 0, tzinfo=datetime.UTC)
    due = datetime.date(2026, 12, 1)
    HelpMilestoneFactory(programme=samara, responsible=person_samara, due_on=due)
    east_milestone = HelpMilestoneFactory(programme=east, responsible=person_east, due_on=due)
    help_milestones_sweep(now=now)
    assert _notes(person_east.user) == [f"milestone-overdue:{east_milestone.pk}"]
    samara_keys = _notes(person_samara.user)
    assert samara_keys and all(key.startswith("milestone-soon:") for key in samara_keys)
    assert now.astimezone(zoneinfo.ZoneInfo("Asia/Vladivostok")).date() > due


def test_drafts_and_people_without_a_milestone_hear_nothing():
    draft = _programme(status=Programme.Status.DRAFT)
    person, _m = _person(draft.leader_school)
    HelpMilestoneFactory(programme=draft, responsible=person, due_on=school_today(person.school))
    HelpMilestoneFactory(programme=_programme(), responsible=None, due_on=datetime.date.today())
    assert help_milestones_sweep() == 0


def test_my_milestones_within_two_weeks_and_the_review_for_who_manages():
    programme = _programme()
    person, membership = _person(programme.supported_school)
    other, other_membership = _person(programme.supported_school)
    today = school_today(person.school)
    mine = HelpMilestoneFactory(programme=programme, responsible=person, due_on=today + datetime.timedelta(days=14))
    HelpMilestoneFactory(programme=programme, responsible=person, due_on=today + datetime.timedelta(days=15))
    HelpMilestoneFactory(programme=programme, responsible=other, due_on=today)

    scope = todo_scope(school=person.school, user=person.user, membership=membership)
    items = [item for item in todo_items(scope=scope) if item.kind.startswith("help_")]
    assert [(item.kind, item.due) for item in items] == [("help_milestone", mine.due_on)]

    # The review of last year's programme is due for who manages the programmes, on either side.
    last_year = ProgrammeFactory(
        leader_school=programme.leader_school, supported_school=programme.supported_school, year=programme.year - 1
    )
    deputy, deputy_membership = _person(programme.supported_school, Role.DEPUTY_HEAD)
    scope = todo_scope(school=deputy.school, user=deputy.user, membership=deputy_membership)
    items = [item for item in todo_items(scope=scope) if item.kind == "help_review"]
    assert [item.url for item in items] == [f"/help/{last_year.pk}/review/"]
    assert items[0].for_administration
    assert todo_count(scope=scope) >= 1
    other_scope = todo_scope(school=other.school, user=other.user, membership=other_membership)
    assert not [item for item in todo_items(scope=other_scope) if item.kind == "help_review"]


def test_milestones_in_the_responsible_persons_feed_all_day():
    programme = _programme()
    person, _m = _person(programme.leader_school)
    due = school_today(person.school) + datetime.timedelta(days=3)
    milestone = HelpMilestoneFactory(programme=programme, responsible=person, due_on=due)
    HelpMilestoneFactory(
        programme=programme, responsible=StaffMemberFactory(school=programme.leader_school), due_on=due
    )
    entries = list(milestone_feed_items(user=person.user, since=timezone.now()))
    assert [entry.uid for entry in entries] == [f"help-milestone-{milestone.pk}@collabschool"]
    assert entries[0].start == due and entries[0].end == due + datetime.timedelta(days=1)
    assert entries[0].transparent


def test_my_milestones_on_my_calendar_page(school, other_school, teacher):
    from django.urls import reverse

    from conftest import client_for

    leader, supported = leader_and_supported(school, other_school)
    programme = ProgrammeFactory(leader_school=leader, supported_school=supported)
    draft = ProgrammeFactory(
        leader_school=leader, supported_school=supported, year=programme.year + 1, status=Programme.Status.DRAFT
    )
    card = StaffMemberFactory(school=school, user=teacher)
    today = school_today(school)
    HelpMilestoneFactory(programme=programme, responsible=card, due_on=today, title="Моя контрольная точка")
    HelpMilestoneFactory(programme=draft, responsible=card, due_on=today, title="Точка черновика")
    HelpMilestoneFactory(
        programme=programme, responsible=StaffMemberFactory(school=school), due_on=today, title="Чужая точка"
    )
    html = client_for(teacher).get(reverse("mentoring:my_calendar")).content.decode()
    assert "Моя контрольная точка" in html
    assert "Точка черновика" not in html and "Чужая точка" not in html
