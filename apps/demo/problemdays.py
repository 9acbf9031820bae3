"""Demo problem-theme days of the main demo school: a held and reflected day on
Victory Day of the last school year, and one in planning. Safe to run again."""

import datetime

from django.db import transaction

from apps.partners.models import PartnerOrganisation
from apps.problemdays import services
from apps.problemdays.models import PreparationRole, ProblemDay
from apps.staff.models import StaffMember


def _staff(school, *last_names):
    people = StaffMember.objects.filter(school=school, is_active=True)
    found = [people.filter(last_name=name).first() for name in last_names]
    found = [p for p in found if p]
    return found or list(people.order_by("pk")[:2])


def _at(day, hour, minute=0):
    return datetime.datetime.combine(day.date, datetime.time(hour, minute), tzinfo=day.school.tzinfo)


def _victory_day(today):
    year = today.year if (today.month, today.day) > (5, 9) else today.year - 1
    return datetime.date(year, 5, 9)


@transaction.atomic
def seed_problem_days(*, schools, users, today):
    """Nothing if the main school already has problem-theme days."""
    school = schools["main"]
    if ProblemDay.objects.filter(school=school).exists():
        return False
    admin = users.get("director@berezovka.demo")
    organisers = _staff(school, "Миронова")
    teachers = _staff(school, "Васильев", "Павлова", "Белова", "Соколова")
    partners = list(PartnerOrganisation.objects.for_school(school).order_by("pk")[:2])

    held = services.day_create(
        school=school,
        date=_victory_day(today),
        working_title="День Победы",
        problem_question="Зачем помнить о войне, которую мы не видели?",
        goal="Целостный взгляд на историю семьи, села и страны через литературу, историю, музыку и технологию.",
        grades="1–11",
        organisers=organisers,
        created_by=admin,
    )
    for kind, person in zip(PreparationRole.Kind.values, teachers, strict=False):
        services.role_save(
            day=held, kind=kind, staff=person, when=_at(held, 14) - datetime.timedelta(days=21), place="Актовый зал"
        )
    ideas = [
        ("День Победы", "student_group", "Совет старшеклассников", "Прадеды многих воевали", 96),
        ("Мы помним", "class", "7 «Б»", "Собрать истории семей", 71),
        ("Дети войны", "teacher", "Павлова Н. С.", "Жизнь сверстников в тылу", 23),
    ]
    chosen = None
    for title, kind, who, why, votes in ideas:
        idea = services.idea_save(
            day=held, title=title, proposed_by_kind=kind, proposed_by=who, rationale=why, votes=votes
        )
        chosen = chosen or idea
    services.idea_choose(idea=chosen)
    plan = [
        ("Классные часы «Мы помним»", "class_hour", 9, 0, 9, 45, "Кабинеты классов", "1–11", teachers[:2], []),
        (
            "Встреча с поисковым отрядом",
            "community_meeting",
            10,
            0,
            11,
            0,
            "Актовый зал",
            "7–11",
            teachers[1:2],
            partners[:1],
        ),
        (
            "Бессмертный полк: истории семей",
            "school_event",
            11,
            30,
            12,
            30,
            "Школьный двор",
            "1–11",
            organisers,
            partners,
        ),
    ]
    for title, kind, h1, m1, h2, m2, place, grades, people, orgs in plan:
        services.activity_save(
            day=held,
            title=title,
            kind=kind,
            starts_at=_at(held, h1, m1),
            ends_at=_at(held, h2, m2),
            place=place,
            grades=grades,
            responsible=people,
            partners=orgs,
            parents_involved=kind == "school_event",
        )
    held.status = ProblemDay.Status.REFLECTED
    held.save(update_fields=["status"])
    services.reflection_save(
        day=held,
        what_worked="Тему выбрали сами дети; истории семей связали историю, литературу и музыку.",
        what_to_change="Начать сбор семейных историй на месяц раньше; меньше выступлений, больше работы в группах.",
        students_count=180,
        teachers_count=18,
        parents_count=40,
        partners_count=len(partners),
    )

    planning = services.day_copy(
        source=held, date=today + datetime.timedelta(days=24), working_title="Вода в нашем селе", created_by=admin
    )
    # A clash left in the plan on purpose: the stage panel lists it, and «готов» asks to confirm it.
    services.activity_save(
        day=planning,
        title="Классный час «Откуда вода в кране?»",
        kind="class_hour",
        starts_at=_at(planning, 9, 15),
        ends_at=_at(planning, 10, 0),
        place="Кабинеты классов",
        grades="5–7",
        responsible=teachers[2:3] or teachers[:1],
    )
    planning.problem_question = "Откуда берётся вода в кране и что будет, если её не станет?"
    planning.status = ProblemDay.Status.PLANNING
    planning.save(update_fields=["problem_question", "status"])
    services.idea_choose(
        idea=services.idea_save(
            day=planning,
            title="Вода в нашем селе",
            proposed_by_kind="class",
            proposed_by="6 «А»",
            rationale="Летом пересыхал колодец",
            votes=54,
        )
    )
    return True
