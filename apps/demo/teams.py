"""Demo task teams of the main demo school: two working teams, a dissolved team
with its outcome, and a team re-formed from it. Safe to run again."""

import datetime

from django.db import transaction

from apps.staff.models import StaffMember
from apps.teams.models import TaskTeam, TeamMember
from apps.teams.services import (
    MemberSpec,
    meeting_create,
    milestone_create,
    milestone_mark_done,
    outcome_record,
    team_create,
    team_reform,
    team_status_change,
)

LEAD, MEMBER, EXPERT = TeamMember.Role.LEAD, TeamMember.Role.MEMBER, TeamMember.Role.EXPERT


def _staff(school, last_name):
    return StaffMember.objects.filter(school=school, last_name=last_name, is_active=True).first()


def _members(school, pairs):
    specs = [MemberSpec(staff=_staff(school, name), role=role) for name, role in pairs]
    return [spec for spec in specs if spec.staff is not None]


@transaction.atomic
def seed_teams(*, schools, users, today):
    """Nothing if the main school already has teams."""
    main = schools["main"]
    if TaskTeam.objects.filter(school=main).exists():
        return False
    admin = users.get("director@berezovka.demo")
    day = datetime.timedelta(days=1)

    ptd, _ = team_create(
        school=main,
        kind=TaskTeam.Kind.TASK_TEAM,
        title="Подготовка к проблемно-тематическому дню",
        task="Подготовить проблемно-тематический день «Смысловое чтение на всех предметах» для 5–9 классов.",
        expected_result="Сценарий дня, задания для групп по предметам, лист наблюдения для учителей.",
        why_these_people="Опытные предметники разных циклов и молодой учитель, для которого это первый такой день.",
        deadline=today + 45 * day,
        members=_members(main, [("Миронова", LEAD), ("Васильев", MEMBER), ("Павлова", MEMBER), ("Белова", MEMBER)]),
        created_by=admin,
    )
    team_status_change(team=ptd, to_status=TaskTeam.Status.WORKING, changed_by=admin)
    done = milestone_create(team=ptd, title="Тема и формат дня согласованы", due_on=today - 5 * day)
    milestone_mark_done(milestone=done, done_on=today - 6 * day)
    milestone_create(team=ptd, title="Задания для групп готовы", due_on=today + 20 * day)
    milestone_create(team=ptd, title="Проведение дня", due_on=today + 40 * day)
    meeting_create(
        team=ptd,
        held_on=today - 6 * day,
        agenda="Тема дня и распределение ролей",
        minutes="Тема — смысловое чтение. Миронова — сценарий, Васильев и Павлова — задания, Белова — лист наблюдения.",
        recorded_by=admin,
    )

    project, _ = team_create(
        school=main,
        kind=TaskTeam.Kind.PROJECT_GROUP,
        title="Школьная цифровая лаборатория",
        task="Собрать проект межпредметной лаборатории для 7–8 классов: физика, биология, информатика.",
        expected_result="Программа курса внеурочной деятельности и перечень оборудования.",
        deadline=today + 120 * day,
        members=_members(main, [("Морозова", LEAD), ("Васильев", MEMBER), ("Кузнецова", EXPERT)]),
        created_by=admin,
    )
    team_status_change(team=project, to_status=TaskTeam.Status.WORKING, changed_by=admin)
    milestone_create(team=project, title="Перечень лабораторных работ", due_on=today - 3 * day)

    model, _ = team_create(
        school=main,
        kind=TaskTeam.Kind.TASK_TEAM,
        title="Наставничество в малой школе",
        task="Описать, как в школе на 20 учителей устроить наставничество без отдельных ставок.",
        expected_result="Модель наставничества и положение о ней.",
        deadline=today + 10 * day,
        members=_members(main, [("Соколова", LEAD), ("Миронова", MEMBER), ("Кузнецова", EXPERT)]),
        created_by=admin,
    )
    team_status_change(team=model, to_status=TaskTeam.Status.WORKING, changed_by=admin)
    team_status_change(team=model, to_status=TaskTeam.Status.SOLVED, changed_by=admin)
    outcome_record(
        team=model,
        kind="model_concept",
        title="Модель наставничества в малой школе",
        description="Пары и тройки под кураторством опытного учителя, взаимопосещения с узким аспектом наблюдения, "
        "разбор в течение двух суток.",
        recorded_by=admin,
    )

    model = TaskTeam.objects.prefetch_related("members__staff").get(pk=model.pk)
    keep = [m.staff_id for m in model.members.all() if m.role != EXPERT]
    if keep:
        team_reform(
            team=model,
            title="Внедрение модели наставничества",
            task="Запустить модель в новом учебном году: подобрать пары, обучить кураторов.",
            expected_result="Приказ о парах и план работы кураторов на год.",
            member_ids=keep,
            lead_id=keep[0],
            deadline=today + 150 * day,
            created_by=admin,
        )
    return True
