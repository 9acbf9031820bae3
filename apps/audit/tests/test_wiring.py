"""Each service that changes staff data, categories, roles or memberships writes
exactly one expected trail row per person concerned, with the field diff."""

import datetime

import pytest
import time_machine
from django.urls import reverse

from apps.accounts.models import Membership, Role
from apps.accounts.services import membership_grant
from apps.accounts.tests.factories import UserFactory
from apps.audit.models import AuditEvent
from apps.core.request_context import RequestContext, request_context_reset, request_context_set
from apps.mentoring import services as mentoring
from apps.staff import services as staff_services
from apps.staff.models import Achievement, CategoryAward, QualificationCategory
from apps.staff.tests.factories import (
    AchievementFactory,
    CategoryAwardFactory,
    StaffMemberFactory,
    SubjectAssociationFactory,
    SubjectFactory,
)
from apps.staff.tests.test_import import GOOD_ROWS, HEADER, xlsx
from apps.teams import services as teams
from apps.teams.models import TaskTeam, TeamMember
from conftest import client_for

pytestmark = pytest.mark.django_db
D = datetime.date
Action = AuditEvent.Action


@pytest.fixture(autouse=True)
def _english(settings):
    settings.LANGUAGE_CODE = "en"


@pytest.fixture(autouse=True)
def acting(administrator, school):
    """Everything below happens in a request of the school's administrator."""
    token = request_context_set(
        RequestContext(
            request_id="req-wiring-1",
            user_id=administrator.pk,
            school_id=school.pk,
            ip_address="192.0.2.7",
            user=administrator,
        )
    )
    yield administrator
    request_context_reset(token)


def only_row(**lookup):
    rows = list(AuditEvent.objects.filter(**lookup))
    assert len(rows) == 1, rows
    return rows[0]


def assert_about(event, staff, action, acting, school):
    assert event.action == action
    assert (event.target_type, event.target_id, event.target_label) == ("staff.staffmember", str(staff.pk), str(staff))
    assert (event.actor, event.school) == (acting, school)
    assert (event.request_id, event.ip_address) == ("req-wiring-1", "192.0.2.7")


# The staff registry


def test_card_created_lists_its_filled_in_fields(school, acting):
    chemistry = SubjectFactory(school=school, name="химия")
    staff = staff_services.staff_member_create(
        school=school,
        subjects=[chemistry],
        last_name="Орлова",
        first_name="Вера",
        email="orlova@school.test",
        teaching_since=D(2011, 9, 1),
        hired_on=D(2012, 8, 30),
    )
    event = only_row()
    assert_about(event, staff, Action.STAFF_CREATED, acting, school)
    assert event.changes == {
        "last_name": [None, "Орлова"],
        "first_name": [None, "Вера"],
        "email": [None, "orlova@school.test"],
        "position": [None, "учитель"],
        "teaching_since": [None, "2011-09-01"],
        "hired_on": [None, "2012-08-30"],
        "is_active": [None, "true"],
        "subjects": [None, "химия"],
    }


def test_card_updated_records_only_what_changed(school, acting):
    association = SubjectAssociationFactory(school=school, name="ШМО филологов")
    staff = StaffMemberFactory(school=school, last_name="Сидорова", email="s@school.test", position="учитель")
    was_in = str(staff.association)
    staff_services.staff_member_update(
        staff=staff, last_name="Петрова", email="s@school.test", position="учитель", association=association
    )
    event = only_row()
    assert_about(event, staff, Action.STAFF_UPDATED, acting, school)
    assert event.changes == {"last_name": ["Сидорова", "Петрова"], "association": [was_in, "ШМО филологов"]}


def test_card_updated_with_subjects_records_the_subjects(school):
    old, new = SubjectFactory(school=school, name="алгебра"), SubjectFactory(school=school, name="геометрия")
    staff = StaffMemberFactory(school=school, subjects=[old])
    staff_services.staff_member_update(staff=staff, subjects=[old, new])
    assert only_row().changes == {"subjects": ["алгебра", "алгебра, геометрия"]}


def test_deactivate_and_reactivate(school, acting):
    staff = StaffMemberFactory(school=school, hired_on=D(2020, 9, 1), teaching_since=D(2020, 9, 1))
    staff_services.staff_member_deactivate(staff=staff, left_on=D(2025, 5, 31))
    left = only_row(action=Action.STAFF_DEACTIVATED)
    assert_about(left, staff, Action.STAFF_DEACTIVATED, acting, school)
    assert left.changes == {"is_active": ["true", "false"], "left_on": [None, "2025-05-31"]}

    staff_services.staff_member_reactivate(staff=staff)
    back = only_row(action=Action.STAFF_REACTIVATED)
    assert back.changes == {"is_active": ["false", "true"], "left_on": ["2025-05-31", None]}
    assert AuditEvent.objects.count() == 2


def test_category_awarded_and_deleted(school, acting):
    staff = StaffMemberFactory(school=school)
    award = staff_services.category_award_create(
        staff=staff, category=QualificationCategory.HIGHEST, awarded_on=D(2023, 12, 20), order_number="№ 7-к"
    )
    awarded = only_row(action=Action.CATEGORY_AWARDED)
    assert_about(awarded, staff, Action.CATEGORY_AWARDED, acting, school)
    assert awarded.changes == {
        "category": [None, "highest category"],
        "awarded_on": [None, "2023-12-20"],
        "valid_until": [None, str(award.valid_until)],
        "order_number": [None, "№ 7-к"],
    }

    staff_services.category_award_delete(award=CategoryAward.objects.get(pk=award.pk))
    deleted = only_row(action=Action.CATEGORY_DELETED)
    assert_about(deleted, staff, Action.CATEGORY_DELETED, acting, school)
    assert deleted.changes["category"] == ["highest category", None]
    assert deleted.changes["awarded_on"] == ["2023-12-20", None]


def test_deleting_an_award_made_elsewhere_is_recorded(school):
    award = CategoryAwardFactory(staff__school=school, category=QualificationCategory.FIRST)
    staff_services.category_award_delete(award=award)
    assert only_row().changes["category"] == ["first category", None]


def test_achievement_added_and_deleted(school, acting):
    staff = StaffMemberFactory(school=school)
    achievement = staff_services.achievement_create(
        staff=staff,
        kind=Achievement.Kind.CONTEST,
        title="Учитель года — 2025",
        date=D(2025, 3, 14),
        level=Achievement.Level.MUNICIPAL,
        result=Achievement.Result.WINNER,
    )
    added = only_row(action=Action.ACHIEVEMENT_ADDED)
    assert_about(added, staff, Action.ACHIEVEMENT_ADDED, acting, school)
    assert added.changes == {
        "kind": [None, "professional contest"],
        "title": [None, "Учитель года — 2025"],
        "date": [None, "2025-03-14"],
        "level": [None, "municipal"],
        "result": [None, "winner"],
    }
    staff_services.achievement_delete(achievement=achievement)
    assert only_row(action=Action.ACHIEVEMENT_DELETED).changes["title"] == ["Учитель года — 2025", None]


def test_deleting_an_achievement_of_a_factory_card(school):
    achievement = AchievementFactory(staff__school=school)
    staff_services.achievement_delete(achievement=achievement)
    assert only_row().target_id == str(achievement.staff_id)


def test_import_writes_a_summary_and_a_row_per_new_card(school, administrator):
    staff_import = staff_services.staff_import_create(
        school=school, user=administrator, file_name="list.xlsx", content=xlsx([HEADER, *GOOD_ROWS])
    )
    created = staff_services.staff_import_confirm(staff_import=staff_import)
    summary = only_row(action=Action.STAFF_IMPORTED)
    assert (summary.target_type, summary.target_label) == ("staff.staffimport", "list.xlsx")
    assert summary.changes == {"rows_imported": [None, "2"]}
    cards = AuditEvent.objects.filter(action=Action.STAFF_CREATED).order_by("target_label")
    assert [e.target_id for e in cards] == [str(s.pk) for s in sorted(created, key=str)]
    orlova = cards.get(target_label__startswith="Орлова")
    assert orlova.actor == administrator and orlova.school == school
    assert orlova.changes["email"] == [None, "orlova@school.test"]
    assert orlova.changes["subjects"] == [None, "Биология, Химия"]
    assert orlova.changes["category"] == [None, "first category"]


# Roles and memberships


def test_granting_access_and_roles(school, acting):
    user = UserFactory(first_name="Инна", last_name="Котова")
    membership_grant(user=user, school=school, roles=[Role.TEACHER])
    granted = only_row(action=Action.MEMBERSHIP_CREATED)
    assert (granted.target_type, granted.target_id, granted.school) == ("accounts.user", str(user.pk), school)
    assert granted.changes == {"roles": [None, "teacher"]}

    membership_grant(user=user, school=school, roles=[Role.TEACHER, Role.CURATOR])
    changed = only_row(action=Action.ROLES_CHANGED)
    assert changed.changes == {"roles": ["teacher", "teacher, curator"]}
    assert changed.actor == acting

    membership_grant(user=user, school=school, roles=[Role.CURATOR])  # nothing new
    assert AuditEvent.objects.count() == 2
    assert Membership.objects.get(user=user).roles == [Role.TEACHER, Role.CURATOR]


# Pairs, triads and task teams


def _pair(school, curator, a, b):
    return mentoring.mentor_group_create(
        school=school,
        kind="pair",
        curator=curator,
        members=[mentoring.MemberSpec(staff=a, role="mentor"), mentoring.MemberSpec(staff=b, role="mentee")],
        task="Смысловое чтение",
        observed_aspect="Вопросы к тексту",
        starts_on=D(2026, 9, 1),
        planned_end_on=D(2027, 5, 31),
    )[0]


def test_forming_a_pair_records_each_person_and_their_place(school):
    curator, a, b = (StaffMemberFactory(school=school) for _ in range(3))
    group = _pair(school, curator, a, b)
    rows = {e.target_id: e for e in AuditEvent.objects.filter(action=Action.GROUP_MEMBERSHIP_CHANGED)}
    assert set(rows) == {str(curator.pk), str(a.pk), str(b.pk)}
    assert rows[str(a.pk)].changes == {"mentor_group": [None, f"{group}: mentor"]}
    assert rows[str(b.pk)].changes == {"mentor_group": [None, f"{group}: mentee"]}
    assert rows[str(curator.pk)].changes == {"mentor_group": [None, f"{group}: curator"]}
    assert all(e.school == school for e in rows.values())


def test_changing_a_pair_records_who_left_and_who_joined(school):
    curator, a, b, c = (StaffMemberFactory(school=school) for _ in range(4))
    group = _pair(school, curator, a, b)
    earlier = set(AuditEvent.objects.values_list("pk", flat=True))
    mentoring.mentor_group_update(
        group=group,
        kind="pair",
        curator=curator,
        members=[mentoring.MemberSpec(staff=a, role="mentor"), mentoring.MemberSpec(staff=c, role="mentee")],
        task=group.task,
        observed_aspect=group.observed_aspect,
        starts_on=group.starts_on,
        planned_end_on=group.planned_end_on,
    )
    new = AuditEvent.objects.exclude(pk__in=earlier)
    assert {e.target_id: e.changes["mentor_group"] for e in new} == {
        str(b.pk): [f"{group}: mentee", None],
        str(c.pk): [None, f"{group}: mentee"],
    }


@pytest.fixture
def _school_day():
    with time_machine.travel(datetime.datetime(2026, 3, 2, 9, 0, tzinfo=datetime.UTC), tick=False):
        yield


@pytest.mark.usefixtures("_school_day")
def test_task_team_join_and_leave(school):
    lead, other, late = (StaffMemberFactory(school=school) for _ in range(3))
    team, _warnings = teams.team_create(
        school=school,
        kind=TaskTeam.Kind.TASK_TEAM,
        title="День науки",
        task="Спланировать день",
        expected_result="Сценарий",
        deadline=D(2026, 5, 1),
        members=[teams.MemberSpec(staff=lead, role=TeamMember.Role.LEAD), teams.MemberSpec(staff=other)],
    )
    formed = {e.target_id: e.changes for e in AuditEvent.objects.filter(action=Action.TEAM_MEMBERSHIP_CHANGED)}
    assert formed == {
        str(lead.pk): {"task_team": [None, "День науки: lead"]},
        str(other.pk): {"task_team": [None, "День науки: member"]},
    }
    member, _warnings = teams.team_member_add(team=team, staff=late)
    assert only_row(target_id=str(late.pk)).changes == {"task_team": [None, "День науки: member"]}
    teams.team_member_remove(member=member)
    assert list(AuditEvent.objects.filter(target_id=str(late.pk)).values_list("changes", flat=True)) == [
        {"task_team": ["День науки: member", None]},
        {"task_team": [None, "День науки: member"]},
    ]


@pytest.mark.usefixtures("_school_day")
def test_abandoning_a_team_records_everyone_freed(school):
    lead, other = StaffMemberFactory(school=school), StaffMemberFactory(school=school)
    team, _warnings = teams.team_create(
        school=school,
        kind=TaskTeam.Kind.TASK_TEAM,
        title="Проект",
        task="Задача",
        expected_result="Итог",
        deadline=D(2026, 5, 1),
        members=[teams.MemberSpec(staff=lead, role=TeamMember.Role.LEAD), teams.MemberSpec(staff=other)],
    )
    teams.team_status_change(team=team, to_status=TaskTeam.Status.ABANDONED, reason="Не успели")
    freed = AuditEvent.objects.filter(changes__task_team__1=None)
    assert {e.target_id for e in freed} == {str(lead.pk), str(other.pk)}


def test_editing_a_card_on_its_page_records_the_old_values(school, administrator):
    """The edit form binds the card, so the service must read the old values from the database."""
    staff = StaffMemberFactory(
        school=school,
        last_name="Сидорова",
        first_name="Вера",
        patronymic="",
        email="",
        position="учитель",
        teaching_since=D(2011, 9, 1),
        hired_on=D(2012, 8, 30),
        association=None,
    )
    card = {
        "last_name": "Петрова",
        "first_name": "Вера",
        "position": "учитель",
        "teaching_since": "2011-09-01",
        "hired_on": "2012-08-30",
        "email": "petrova@school.test",
        "subjects": [subject.pk for subject in staff.subjects.all()],
    }
    response = client_for(administrator).post(reverse("staff:edit", args=[staff.pk]), card, REMOTE_ADDR="203.0.113.9")
    assert response.status_code == 302
    event = only_row(action=Action.STAFF_UPDATED)
    assert event.changes == {"last_name": ["Сидорова", "Петрова"], "email": ["", "petrova@school.test"]}
    assert (event.actor, event.ip_address, event.target_label) == (administrator, "203.0.113.9", "Петрова Вера")
