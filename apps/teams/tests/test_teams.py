"""Task teams: forming rules, the lifecycle and its history, outcome and
dissolution, re-forming, load warnings, query counts and bad input in forms."""

import datetime

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from apps.core.tests.compiles import compiled_models
from apps.mentoring.tests.factories import MentorGroupFactory
from apps.staff.tests.factories import StaffMemberFactory, SubjectFactory
from apps.teams import services
from apps.teams.models import Milestone, TaskTeam, TeamMember, TeamOutcome
from apps.teams.selectors import (
    composition_hints,
    member_filter_choices,
    team_archive,
    team_for_page,
    team_load_warnings,
)
from apps.teams.services import MemberSpec
from apps.teams.tests.factories import MilestoneFactory, TaskTeamFactory
from conftest import client_for

TODAY = datetime.date(2026, 3, 2)


@pytest.fixture(autouse=True)
def _frozen():
    with time_machine.travel(datetime.datetime(2026, 3, 2, 9, 0, tzinfo=datetime.UTC), tick=False):
        yield


@pytest.fixture(autouse=True)
def _english_messages(settings):
    """These tests read the English source of messages (the Russian is in the .po)."""
    settings.LANGUAGE_CODE = "en"


def _create(school, lead, others=(), **extra):
    members = [MemberSpec(staff=lead, role=TeamMember.Role.LEAD)] + [MemberSpec(staff=p) for p in others]
    kwargs = {
        "school": school,
        "kind": TaskTeam.Kind.TASK_TEAM,
        "title": "Подготовка к проблемно-тематическому дню",
        "task": "Спланировать день",
        "expected_result": "Сценарий",
        "deadline": TODAY + datetime.timedelta(days=60),
        "members": members,
    }
    kwargs.update(extra)
    return services.team_create(**kwargs)


# Forming


def test_team_is_formed_with_members_and_history(school, deputy_head):
    lead, other = StaffMemberFactory(school=school), StaffMemberFactory(school=school)
    team, warnings = _create(school, lead, [other], created_by=deputy_head)
    assert team.status == TaskTeam.Status.FORMING
    assert {(m.staff, m.role) for m in team.members.all()} == {(lead, "lead"), (other, "member")}
    assert all(m.joined_on == TODAY and m.left_on is None for m in team.members.all())
    change = team.status_changes.get()
    assert (change.from_status, change.to_status, change.changed_by) == ("", "forming", deputy_head)
    assert warnings == []


@pytest.mark.parametrize(
    "case,field",
    [
        ("deadline_in_the_past", "deadline"),
        ("person_twice", "members"),
        ("no_lead", "lead"),
        ("other_school", "members"),
    ],
)
def test_bad_team_is_refused_and_nothing_saved(school, other_school, case, field):
    lead = StaffMemberFactory(school=school)
    kwargs, others = {}, [StaffMemberFactory(school=school)]
    if case == "deadline_in_the_past":
        kwargs["deadline"] = TODAY - datetime.timedelta(days=1)
    elif case == "person_twice":
        others = [lead]
    elif case == "no_lead":
        kwargs["members"] = [MemberSpec(staff=lead)]
    elif case == "other_school":
        others = [StaffMemberFactory(school=other_school)]
    with pytest.raises(ValidationError) as caught:
        _create(school, lead, others, **kwargs)
    assert field in caught.value.message_dict
    assert not TaskTeam.objects.exists()


def test_partner_school_member_joins_and_both_schools_see_the_team(school, administrator):
    from apps.accounts.models import Role
    from apps.accounts.tests.factories import MembershipFactory, SchoolFactory, SchoolNetworkFactory

    school.network = SchoolNetworkFactory()
    school.save()
    partner = SchoolFactory(network=school.network)
    partner_admin = MembershipFactory(school=partner, roles=[Role.ADMINISTRATOR]).user
    theirs = StaffMemberFactory(school=partner)
    team, _ = _create(school, StaffMemberFactory(school=school), [theirs], partner_school=partner)
    for user in (administrator, partner_admin):
        assert client_for(user).get(reverse("teams:team_detail", args=[team.pk])).status_code == 200
    # Only the owning school's administration manages it.
    assert client_for(partner_admin).get(reverse("teams:team_edit", args=[team.pk])).status_code == 403


# Database invariants


def test_database_refuses_a_second_active_membership(school):
    team = TaskTeamFactory(school=school)
    lead = team.members.get()
    with pytest.raises(IntegrityError), transaction.atomic():
        TeamMember.objects.create(team=team, staff=lead.staff, role="member", joined_on=TODAY)


def test_a_person_who_left_may_join_again(school):
    team = TaskTeamFactory(school=school)
    person = StaffMemberFactory(school=school)
    member, _ = services.team_member_add(team=team, staff=person)
    services.team_member_remove(member=member)
    again, _ = services.team_member_add(team=team, staff=person)
    assert again.pk != member.pk


def test_database_refuses_leaving_before_joining(school):
    member = TaskTeamFactory(school=school).members.get()
    with pytest.raises(IntegrityError), transaction.atomic():
        TeamMember.objects.filter(pk=member.pk).update(left_on=member.joined_on - datetime.timedelta(days=1))


def test_database_refuses_abandoning_without_a_reason(school):
    team = TaskTeamFactory(school=school)
    with pytest.raises(IntegrityError), transaction.atomic():
        TaskTeam.objects.filter(pk=team.pk).update(status="abandoned", closed_on=TODAY)


def test_database_refuses_a_done_milestone_without_a_date(school):
    milestone = MilestoneFactory(team=TaskTeamFactory(school=school))
    with pytest.raises(IntegrityError), transaction.atomic():
        Milestone.objects.filter(pk=milestone.pk).update(is_done=True)


# Members


def test_adding_a_person_twice_is_refused(school):
    team = TaskTeamFactory(school=school)
    with pytest.raises(ValidationError) as caught:
        services.team_member_add(team=team, staff=team.members.get().staff)
    assert "staff" in caught.value.message_dict


def test_the_only_lead_cannot_leave(school):
    team = TaskTeamFactory(school=school)
    with pytest.raises(ValidationError):
        services.team_member_remove(member=team.members.get())


def test_removed_member_keeps_the_row_with_left_on(school):
    person = StaffMemberFactory(school=school)
    team = TaskTeamFactory(school=school, members=[person])
    member = services.team_member_remove(member=team.members.get(staff=person))
    assert member.left_on == TODAY
    assert team.members.filter(staff=person).count() == 1


# Lifecycle


def test_status_moves_along_and_keeps_history(school, administrator):
    team, _ = _create(school, StaffMemberFactory(school=school))
    services.team_status_change(team=team, to_status="working", changed_by=administrator)
    with pytest.raises(ValidationError) as caught:
        services.team_status_change(team=team, to_status="forming")
    assert "to_status" in caught.value.message_dict
    assert list(team.status_changes.values_list("to_status", flat=True)) == ["working", "forming"]


def test_abandoning_needs_a_reason_and_frees_the_members(school):
    team = TaskTeamFactory(school=school)
    with pytest.raises(ValidationError) as caught:
        services.team_status_change(team=team, to_status="abandoned", reason=" ")
    assert "reason" in caught.value.message_dict
    services.team_status_change(team=team, to_status="abandoned", reason="Задача снята")
    team.refresh_from_db()
    assert (team.status, team.abandon_reason, team.closed_on) == ("abandoned", "Задача снята", TODAY)
    assert not team.members.filter(left_on__isnull=True).exists()


def test_solved_team_waits_for_its_outcome_then_is_dissolved(school, teacher):
    team = TaskTeamFactory(school=school)
    services.team_status_change(team=team, to_status="solved", changed_by=teacher)
    team.refresh_from_db()
    assert team.status == "solved"
    with pytest.raises(ValidationError):
        services.team_dissolve(team=team)
    assert team.members.filter(left_on__isnull=True).count() == 1

    services.outcome_record(team=team, kind="model_concept", title="Модель наставничества", recorded_by=teacher)
    team.refresh_from_db()
    assert (team.status, team.closed_on) == ("dissolved", TODAY)
    assert not team.members.filter(left_on__isnull=True).exists()
    assert list(team.status_changes.values_list("to_status", flat=True))[:2] == ["dissolved", "solved"]


def test_marking_solved_with_an_outcome_already_recorded_dissolves_at_once(school):
    team = TaskTeamFactory(school=school)
    services.outcome_record(team=team, kind="document", title="Положение")
    services.team_status_change(team=team, to_status="solved")
    team.refresh_from_db()
    assert team.status == "dissolved"


# Milestones and meetings


def test_milestone_after_the_deadline_is_refused(school):
    team = TaskTeamFactory(school=school, deadline=TODAY + datetime.timedelta(days=10))
    with pytest.raises(ValidationError) as caught:
        services.milestone_create(team=team, title="Итог", due_on=TODAY + datetime.timedelta(days=11))
    assert "due_on" in caught.value.message_dict
    assert not Milestone.objects.exists()


def test_milestone_is_marked_done_with_its_date(school):
    milestone = MilestoneFactory(team=TaskTeamFactory(school=school))
    services.milestone_mark_done(milestone=milestone)
    milestone.refresh_from_db()
    assert (milestone.is_done, milestone.done_on) == (True, TODAY)


def test_deadline_cannot_move_before_a_milestone(school):
    team = TaskTeamFactory(school=school, deadline=TODAY + datetime.timedelta(days=30))
    MilestoneFactory(team=team, due_on=TODAY + datetime.timedelta(days=20))
    with pytest.raises(ValidationError) as caught:
        services.team_update(
            team=team,
            kind=team.kind,
            title=team.title,
            task=team.task,
            expected_result=team.expected_result,
            deadline=TODAY + datetime.timedelta(days=10),
        )
    assert "deadline" in caught.value.message_dict


def test_member_records_a_meeting_but_cannot_edit(school, curator):
    team = TaskTeamFactory(school=school, members=[StaffMemberFactory(school=school, user=curator)])
    client = client_for(curator)
    response = client.post(
        reverse("teams:meeting_create", args=[team.pk]),
        {"held_on": TODAY.isoformat(), "agenda": "Распределили роли", "minutes": "Ведущая — Миронова"},
    )
    assert response.status_code == 302
    assert team.meetings.get().recorded_by == curator
    assert client.get(reverse("teams:team_edit", args=[team.pk])).status_code == 403


# Re-forming


def test_reforming_copies_chosen_members_and_keeps_the_predecessor(school, administrator):
    lead, keep, drop = (StaffMemberFactory(school=school) for _ in range(3))
    old = TaskTeamFactory(school=school, lead=lead, members=[keep, drop])
    services.team_status_change(team=old, to_status="solved")
    services.outcome_record(team=old, kind="model_concept", title="Модель")
    old = TaskTeam.objects.prefetch_related("members__staff").get(pk=old.pk)
    new, _ = services.team_reform(
        team=old,
        title="Внедрение модели",
        task="Внедрить",
        expected_result="Положение",
        member_ids=[keep.pk, lead.pk],
        lead_id=keep.pk,
        deadline=TODAY + datetime.timedelta(days=90),
        created_by=administrator,
    )
    assert new.predecessor == old
    assert {(m.staff, m.role) for m in new.members.all()} == {(keep, "lead"), (lead, "member")}
    assert list(old.successors.all()) == [new]
    assert "Модель" not in new.title
    assert new.status_changes.get().reason.startswith("Re-formed")


def test_reform_page_is_for_managers_and_shows_the_link(school, administrator):
    old = TaskTeamFactory(school=school)
    person = old.members.get().staff
    response = client_for(administrator).post(
        reverse("teams:team_reform", args=[old.pk]),
        {
            "kind": "project_group",
            "title": "Новая группа",
            "task": "Новая задача",
            "expected_result": "Программа",
            "deadline": (TODAY + datetime.timedelta(days=30)).isoformat(),
            "member_ids": [person.pk],
            "lead_id": person.pk,
        },
    )
    assert response.status_code == 302
    new = TaskTeam.objects.get(predecessor=old)
    page = client_for(administrator).get(reverse("teams:team_detail", args=[new.pk]))
    assert "Новая группа" in page.content.decode()
    assert reverse("teams:team_detail", args=[old.pk]) in page.content.decode()


# Load


def test_load_counts_open_teams_and_mentor_groups(school):
    school.max_active_groups_per_teacher = 2
    school.save()
    busy = StaffMemberFactory(school=school)
    MentorGroupFactory(school=school, members=[busy])
    TaskTeamFactory(school=school, members=[busy])
    team, warnings = _create(school, busy)
    assert warnings == [(busy, 3)]
    services.team_status_change(team=team, to_status="abandoned", reason="Не нужна")
    assert team_load_warnings(school=school, staff=[busy]) == []


def test_dissolved_team_no_longer_counts(school):
    school.max_active_groups_per_teacher = 1
    school.save()
    busy = StaffMemberFactory(school=school)
    old = TaskTeamFactory(school=school, lead=busy)
    assert team_load_warnings(school=school, staff=[busy]) == []
    _team, warnings = _create(school, busy)
    assert warnings == [(busy, 2)]
    services.outcome_record(team=old, kind="event", title="День")
    services.team_status_change(team=old, to_status="solved")
    assert team_load_warnings(school=school, staff=[busy]) == []


# Composition hints, archive


def test_composition_hints_point_at_a_one_sided_mix(school):
    veterans = [StaffMemberFactory(school=school, teaching_since=datetime.date(1995, 9, 1)) for _ in range(2)]
    hints = composition_hints(school=school, staff_ids=[p.pk for p in veterans])
    assert (hints.size, hints.experienced, hints.early_career) == (2, 2, 0)
    assert any("early-career" in advice for advice in hints.advice)
    young = StaffMemberFactory(
        school=school, teaching_since=datetime.date(2025, 9, 1), hired_on=datetime.date(2025, 9, 1)
    )
    hints = composition_hints(school=school, staff_ids=[veterans[0].pk, young.pk])
    assert hints.early_career == 1
    assert not any("early-career" in advice for advice in hints.advice)


def test_composition_hints_read_the_subjects_with_the_staff(school, django_assert_num_queries):
    maths, physics = SubjectFactory(school=school, name="Математика"), SubjectFactory(school=school, name="Физика")
    people = [StaffMemberFactory(school=school, subjects=chosen) for chosen in ([maths, physics], [maths], [])]
    # One query for the people and their subjects; the staff survey's ties are not asked.
    with django_assert_num_queries(1):
        hints = composition_hints(school=school, staff_ids=[p.pk for p in people], network=False)
    assert hints.subjects == [("Математика", 2), ("Физика", 1)]


def test_archive_finds_dissolved_teams_by_their_outcome(school):
    team = TaskTeamFactory(school=school, title="Команда А", status="solved")
    services.outcome_record(team=team, kind="model_concept", title="Модель наставничества в малой школе")
    TaskTeamFactory(school=school, title="Команда Б")
    assert list(team_archive(school=school)) == [team]
    assert list(team_archive(school=school, query="наставничества")) == [team]
    assert list(team_archive(school=school, query="другое")) == []


# Views: bad input keeps the input


def _form_data(lead, *, members=(), deadline=TODAY + datetime.timedelta(days=30)):
    return {
        "kind": "task_team",
        "title": "Проектная неделя",
        "task": "Провести неделю",
        "expected_result": "Отчёт",
        "deadline": deadline.isoformat(),
        "lead": lead.pk,
        "members": [m.pk for m in members],
    }


@pytest.mark.parametrize("case", ["deadline_in_the_past", "person_twice"])
def test_bad_form_input_shows_errors_keeps_input_and_saves_nothing(school, deputy_head, case):
    lead = StaffMemberFactory(school=school)
    data = (
        _form_data(lead, deadline=TODAY - datetime.timedelta(days=1))
        if case == "deadline_in_the_past"
        else _form_data(lead, members=[lead])
    )
    response = client_for(deputy_head).post(reverse("teams:team_create"), data)
    assert response.status_code == 200
    assert response.context["form"].errors
    assert "Проектная неделя" in response.content.decode()
    assert not TaskTeam.objects.exists()


def test_milestone_after_deadline_in_the_form(school, teacher):
    team = TaskTeamFactory(school=school, lead=StaffMemberFactory(school=school, user=teacher))
    response = client_for(teacher).post(
        reverse("teams:milestone_create", args=[team.pk]),
        {"title": "Поздний этап", "due_on": (team.deadline + datetime.timedelta(days=1)).isoformat()},
    )
    assert response.status_code == 200
    assert "due_on" in response.context["form"].errors
    assert "Поздний этап" in response.content.decode()
    assert not Milestone.objects.exists()


def test_create_preview_shows_hints_and_saves_nothing(school, deputy_head):
    lead, other = StaffMemberFactory(school=school), StaffMemberFactory(school=school)
    response = client_for(deputy_head).post(
        reverse("teams:team_create"), {**_form_data(lead, members=[other]), "preview": "1"}
    )
    assert response.status_code == 200
    assert response.context["hints"].size == 2
    assert not TaskTeam.objects.exists()


def test_deputy_head_forms_a_team_and_is_warned_of_a_double_load(school, deputy_head):
    school.max_active_groups_per_teacher = 1
    school.save()
    busy = StaffMemberFactory(school=school)
    TaskTeamFactory(school=school, lead=busy)
    response = client_for(deputy_head).post(reverse("teams:team_create"), _form_data(busy), follow=True)
    team = TaskTeam.objects.get(title="Проектная неделя")
    assert response.redirect_chain[-1][0] == reverse("teams:team_detail", args=[team.pk])
    assert any(m.level_tag == "warning" for m in response.context["messages"])


def test_marking_solved_asks_the_lead_for_the_outcome(school, teacher):
    team = TaskTeamFactory(school=school, lead=StaffMemberFactory(school=school, user=teacher))
    client = client_for(teacher)
    response = client.post(reverse("teams:team_status", args=[team.pk]), {"to_status": "solved"})
    assert response["Location"] == reverse("teams:outcome_record", args=[team.pk])
    client.post(reverse("teams:outcome_record", args=[team.pk]), {"kind": "method", "title": "Методика"})
    team.refresh_from_db()
    assert team.status == "dissolved"
    assert TeamOutcome.objects.get(team=team).recorded_by == teacher


def test_outcome_file_of_the_wrong_type_is_refused(school, teacher):
    from django.core.files.uploadedfile import SimpleUploadedFile

    team = TaskTeamFactory(school=school, lead=StaffMemberFactory(school=school, user=teacher))
    response = client_for(teacher).post(
        reverse("teams:outcome_record", args=[team.pk]),
        {"kind": "document", "title": "Положение", "file": SimpleUploadedFile("x.pdf", b"MZ not a pdf")},
    )
    assert response.status_code == 200
    assert "file" in response.context["form"].errors
    assert not TeamOutcome.objects.exists()


# Query counts


def _count(client, url, params=None):
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url, params or {})
    assert response.status_code == 200
    return len(captured)


def _populate(school, me, n):
    for i in range(n):
        team = TaskTeamFactory(school=school, members=[me, StaffMemberFactory(school=school)])
        MilestoneFactory(team=team)
        closed = TaskTeamFactory(school=school, status="solved", title=f"Архив {i}")
        services.outcome_record(team=closed, kind="document", title=f"Итог {i}")


@pytest.mark.parametrize(
    "name,params",
    [
        ("teams:team_list", {}),
        ("teams:team_list", {"status": "all", "kind": "task_team"}),
        ("teams:my_teams", {}),
        ("teams:archive", {"q": "Итог"}),
    ],
)
def test_lists_run_a_fixed_number_of_queries(school, teacher, name, params):
    me = StaffMemberFactory(school=school, user=teacher)
    client = client_for(teacher)
    _populate(school, me, 2)
    small = _count(client, reverse(name), params)
    _populate(school, me, 12)
    assert _count(client, reverse(name), params) == small


@pytest.mark.parametrize("name", ["teams:team_list", "teams:my_teams"])
def test_list_pages_read_the_cards_members_with_the_teams(school, teacher, name):
    me = StaffMemberFactory(school=school, user=teacher, last_name="Павлова", first_name="Марина", patronymic="Юрьевна")
    TaskTeamFactory(school=school, members=[me])
    with CaptureQueriesContext(connection) as captured:
        page = client_for(teacher).get(reverse(name)).content.decode()
    assert not any(q["sql"].startswith('SELECT "teams_teammember"') for q in captured)
    assert "Павлова М.Ю." in page


def test_list_pages_count_their_teams_without_a_separate_count(school, administrator):
    TaskTeamFactory.create_batch(27, school=school)
    client = client_for(administrator)
    for number, cards in ((1, 25), (2, 2)):
        with CaptureQueriesContext(connection) as captured:
            response = client.get(reverse("teams:team_list"), {"page": number})
        assert len(response.context["page"].object_list) == cards
        assert f"page {number} of 2" in response.content.decode()
        # A paginator counts the annotated list's rows as a subquery of its own.
        assert not any(q["sql"].startswith("SELECT COUNT(*)") and "FROM (SELECT" in q["sql"] for q in captured)
    # A page past the end shows the last one, as before.
    assert client.get(reverse("teams:team_list"), {"page": 9}).context["page"].number == 2


def test_team_page_runs_a_fixed_number_of_queries(school, administrator):
    client = client_for(administrator)
    team = TaskTeamFactory(school=school)
    MilestoneFactory(team=team)
    services.meeting_create(team=team, held_on=TODAY, agenda="Старт")
    small = _count(client, reverse("teams:team_detail", args=[team.pk]))
    for i in range(10):
        services.team_member_add(team=team, staff=StaffMemberFactory(school=school))
        MilestoneFactory(team=team)
        services.meeting_create(team=team, held_on=TODAY, agenda=f"Встреча {i}")
        TaskTeamFactory(school=school, predecessor=team)
    assert _count(client, reverse("teams:team_detail", args=[team.pk])) == small


def _tables(client, url):
    """The tables each query of the page reads first (FROM ...), in order."""
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return [table for table in (_main_table(q["sql"]) for q in captured) if table]


def _main_table(sql):
    """The table after the statement's own FROM (not a subquery's in its select list)."""
    depth = 0
    for index, char in enumerate(sql):
        depth += {"(": 1, ")": -1}.get(char, 0)
        if depth == 0 and sql.startswith(" FROM ", index):
            return sql[index + 6 :].split()[0].strip('"')
    return None


def test_team_form_reads_the_staff_once_for_lead_members_and_experts(school, deputy_head):
    StaffMemberFactory.create_batch(3, school=school)
    tables = _tables(client_for(deputy_head), reverse("teams:team_create"))
    assert tables.count("staff_staffmember") == 1


def test_team_page_reads_the_members_once(school, administrator):
    team = TaskTeamFactory(school=school, members=[StaffMemberFactory(school=school)])
    services.team_member_remove(member=team.members.filter(role=TeamMember.Role.MEMBER).get())
    tables = _tables(client_for(administrator), reverse("teams:team_detail", args=[team.pk]))
    assert tables.count("teams_teammember") == 1


def test_team_page_reads_its_successors_with_the_team(school, administrator):
    team = TaskTeamFactory(school=school)
    later = TaskTeamFactory(school=school, predecessor=team, title="Новая группа")
    client = client_for(administrator)
    with CaptureQueriesContext(connection) as captured:
        client.get(reverse("teams:team_detail", args=[team.pk]))
    assert sum(q["sql"].startswith('SELECT "teams_taskteam"') for q in captured) == 1
    page = client.get(reverse("teams:team_detail", args=[team.pk])).content.decode()
    assert f'<a href="{reverse("teams:team_detail", args=[later.pk])}">«Новая группа»</a>' in page


def test_team_page_reads_milestones_and_meetings_with_the_team(school, administrator):
    team = TaskTeamFactory(school=school)
    MilestoneFactory(team=team, title="Сценарий готов")
    services.meeting_create(team=team, held_on=TODAY, agenda="Старт", minutes="Решили начать.")
    with CaptureQueriesContext(connection) as captured:
        page = client_for(administrator).get(reverse("teams:team_detail", args=[team.pk])).content.decode()
    assert not any(q["sql"].startswith(('SELECT "teams_milestone"', 'SELECT "teams_teammeeting"')) for q in captured)
    assert "Сценарий готов" in page
    assert f"<strong>{TODAY:%d.%m.%Y}</strong> · Старт" in page
    assert "Решили начать." in page


def test_team_page_asks_the_staff_survey_only_for_whom_may_see_its_ties(school, administrator, curator):
    team = TaskTeamFactory(school=school, members=[StaffMemberFactory(school=school)])
    url = reverse("teams:team_detail", args=[team.pk])
    assert "surveys_surveynodemetric" in _tables(client_for(administrator), url)
    assert "surveys_surveynodemetric" not in _tables(client_for(curator), url)


def test_reform_page_reads_only_the_team_and_its_members(school, administrator):
    team = TaskTeamFactory(school=school, members=[StaffMemberFactory(school=school)])
    MilestoneFactory(team=team)
    services.meeting_create(team=team, held_on=TODAY, agenda="Старт")
    tables = _tables(client_for(administrator), reverse("teams:team_reform", args=[team.pk]))
    assert tables.count("teams_teammember") == 1
    assert not {"teams_milestone", "teams_teammeeting", "teams_teamstatuschange"} & set(tables)


def test_cards_and_rows_link_where_reverse_would(school, administrator):
    old = TaskTeamFactory(school=school)
    team = TaskTeamFactory(school=school, predecessor=old, members=[StaffMemberFactory(school=school)])
    milestone = MilestoneFactory(team=team)
    member = team.members.filter(role=TeamMember.Role.MEMBER).get()
    client = client_for(administrator)
    listing = client.get(reverse("teams:team_list")).content.decode()
    assert f'href="{reverse("teams:team_detail", args=[team.pk])}"' in listing
    assert 'data-testid="team-status">working</span>' in listing
    page = client.get(reverse("teams:team_detail", args=[old.pk])).content.decode()
    assert f'<a href="{reverse("teams:team_detail", args=[team.pk])}">' in page
    page = client.get(reverse("teams:team_detail", args=[team.pk])).content.decode()
    assert f'action="{reverse("teams:milestone_done", args=[milestone.pk])}"' in page
    assert f'action="{reverse("teams:member_remove", args=[member.pk])}"' in page


def test_editing_cannot_move_the_deadline_into_the_past_or_before_a_milestone(school, administrator):
    from apps.teams.tests.factories import MilestoneFactory

    team = TaskTeamFactory(school=school, deadline=TODAY + datetime.timedelta(days=30))
    MilestoneFactory(team=team, due_on=TODAY + datetime.timedelta(days=20))
    response = client_for(administrator).post(
        reverse("teams:team_edit", args=[team.pk]),
        {
            "kind": team.kind,
            "title": team.title,
            "task": team.task,
            "expected_result": "Результат",
            "deadline": (TODAY + datetime.timedelta(days=10)).isoformat(),
        },
    )
    assert response.status_code == 200 and "deadline" in response.context["form"].errors
    team.refresh_from_db()
    assert team.deadline == TODAY + datetime.timedelta(days=30)


def test_odd_filter_values_do_not_break_the_list(school, teacher):
    assert client_for(teacher).get(reverse("teams:team_list"), {"member": "²"}).status_code == 200


def test_team_page_reads_the_composition_hints_with_the_members(school, administrator):
    maths = SubjectFactory(school=school, name="Математика")
    veteran = StaffMemberFactory(school=school, teaching_since=datetime.date(1995, 9, 1), subjects=[maths])
    young = StaffMemberFactory(
        school=school, teaching_since=datetime.date(2025, 9, 1), hired_on=datetime.date(2025, 9, 1)
    )
    team = TaskTeamFactory(school=school, members=[veteran, young])
    client = client_for(administrator)
    url = reverse("teams:team_detail", args=[team.pk])
    # The members' cards bring the hints' category and subjects: no staff query of its own.
    assert "staff_staffmember" not in _tables(client, url)
    active = [m.staff_id for m in team.members.filter(left_on__isnull=True)]
    assert client.get(url).context["hints"] == composition_hints(school=school, staff_ids=active)


def test_prepared_queries_give_each_school_and_person_their_own_teams(school, other_school, teacher, outsider):
    """The team pages' queries are compiled once per process and rerun with each
    request's values: one school's or person's rows never reach another's page."""
    mine = TaskTeamFactory(
        school=school, title="Наша команда", members=[StaffMemberFactory(school=school, user=teacher)]
    )
    theirs = TaskTeamFactory(
        school=other_school, title="Чужая команда", members=[StaffMemberFactory(school=other_school, user=outsider)]
    )
    for user, own, other in ((teacher, mine, theirs), (outsider, theirs, mine)):
        client = client_for(user)
        for name in ("teams:team_list", "teams:my_teams"):
            page = client.get(reverse(name)).content.decode()
            assert own.title in page
            assert other.title not in page
        page = client.get(reverse("teams:team_detail", args=[own.pk])).content.decode()
        assert all(m.staff.full_name in page for m in own.members.all())
        assert not any(m.staff.full_name in page for m in other.members.all())
        assert client.get(reverse("teams:team_detail", args=[other.pk])).status_code == 404
        assert client.get(reverse("teams:team_edit", args=[other.pk])).status_code == 404
        assert team_for_page(school=own.school, pk=other.pk, page="detail") is None
        found = team_for_page(school=own.school, pk=own.pk, page="detail")
        assert {m.pk for m in found.all_members} == set(own.members.values_list("pk", flat=True))
        people = dict(member_filter_choices(school=own.school))
        assert set(people) == set(own.school.staff.values_list("pk", flat=True))


def test_team_pages_compile_their_queries_once(school, administrator, monkeypatch, settings):
    """The team pages run prepared queries: after a first visit no team (or staff
    survey) query is built and compiled again, 1–3 ms of Python each."""
    settings.PERSON_CACHE_SECONDS = 60  # the navbar's to-dos counted once, as in production
    team = TaskTeamFactory(school=school, members=[StaffMemberFactory(school=school)])
    MilestoneFactory(team=team)
    urls = [
        reverse(name, args=args)
        for name, args in (
            ("teams:team_detail", [team.pk]),
            ("teams:team_list", []),
            ("teams:my_teams", []),
            ("teams:team_edit", [team.pk]),
            ("teams:member_add", [team.pk]),
            ("teams:team_create", []),
        )
    ]
    compiled = compiled_models(client_for(administrator), urls, monkeypatch)
    assert not {label for label in compiled if label.startswith(("teams.", "surveys."))}
