"""Demo methodical associations: the main school's humanities ШМО with this academic
year's plan of five meetings (the first held, with attendance, minutes and three
decisions: done, due tomorrow and overdue; the next planned), the partner school's
humanities ШМО with its plan, and the network association of Russian-language and
literature teachers that joins the two. Safe to run again."""

import datetime

from django.db import transaction

from apps.associations import selectors, services
from apps.associations.models import NetworkAssociation, YearPlan
from apps.core.dates import academic_year_bounds, academic_year_of
from apps.staff.models import StaffMember, SubjectAssociation

ASSOCIATION = "ШМО учителей гуманитарного цикла"
NETWORK_ASSOCIATION = "Сетевое МО учителей русского языка и литературы"

AGENDAS = [
    "1. Утверждение плана работы МО на учебный год.\n"
    "2. Итоги взаимопосещения уроков в первой четверти.\n"
    "3. Смысловое чтение на уроках гуманитарного цикла: обмен опытом.",
    "1. Подготовка к предметной неделе русского языка и литературы.\n2. Открытые уроки молодых учителей.",
    "1. Формирующее оценивание: приёмы обратной связи без отметки.\n2. Итоги полугодия.",
    "1. Подготовка к итоговому сочинению и ВПР.\n2. Отчёт о курсах повышения квалификации.",
    "1. Итоги работы МО за год.\n2. Предложения в план на следующий учебный год.",
]

MINUTES = (
    "Слушали: Соколову Н. И. о плане работы МО на год; Павлову М. Ю. об итогах взаимопосещений "
    "(посещено 9 уроков, разборы проведены в срок).\n"
    "Выступили: Белова А. С. поделилась приёмами смыслового чтения на уроках английского языка.\n"
    "Постановили: план утвердить; продолжить взаимопосещения в паре «опытный — молодой учитель»."
)


def _staff(school, last_name):
    return StaffMember.objects.filter(school=school, last_name=last_name, is_active=True).first()


def _association(school):
    return SubjectAssociation.objects.filter(school=school, name=ASSOCIATION).first()


def _planned_days(today, year_end, count):
    """`count` meeting days after today, about six weeks apart, none after the year's end."""
    return [min(today + datetime.timedelta(days=42 * (k + 1)), year_end) for k in range(count)]


def _main_plan(school, today):
    association = _association(school)
    head = _staff(school, "Соколова")
    if association is None or head is None:
        return None
    year = academic_year_of(today)
    start, end = academic_year_bounds(year)
    plan = services.year_plan_save(
        association=association,
        year=year,
        head=head,
        theme="Смысловое чтение и формирующее оценивание на уроках гуманитарного цикла",
        goals="Освоить приёмы смыслового чтения на всех предметах цикла.\n"
        "Провести взаимопосещения уроков в парах «опытный — молодой учитель».\n"
        "Подготовить открытые уроки к предметной неделе.",
    )
    held_on = max(today - datetime.timedelta(days=14), start)
    held = services.meeting_save(plan=plan, planned_on=held_on, agenda=AGENDAS[0], place="Кабинет русского языка")
    for day, agenda in zip(_planned_days(today, end, 4), AGENDAS[1:], strict=True):
        services.meeting_save(
            plan=plan, planned_on=day, starts_at=datetime.time(15, 0), place="Кабинет русского языка", agenda=agenda
        )
    members = selectors.member_cards(association=association)
    absent = _staff(school, "Гусева")
    services.meeting_hold(
        meeting=held, held_on=held_on, present_ids=[p.pk for p in members if absent is None or p.pk != absent.pk]
    )
    services.minutes_save(meeting=held, minutes=MINUTES, by=head)
    young = _staff(school, "Белова") or head
    colleague = _staff(school, "Павлова") or head
    done = services.decision_add(
        meeting=held,
        text="Составить график взаимопосещений уроков на вторую четверть.",
        responsible=head,
        due_on=today - datetime.timedelta(days=5),
    )
    services.decision_done(decision=done, on=today - datetime.timedelta(days=6))
    services.decision_add(
        meeting=held,
        text="Подготовить открытый урок по смысловому чтению для предметной недели.",
        responsible=young,
        due_on=today + datetime.timedelta(days=1),
    )
    services.decision_add(
        meeting=held,
        text="Обобщить итоги взаимопосещений и представить на методическом совете.",
        responsible=colleague,
        due_on=today - datetime.timedelta(days=2),
    )
    return plan


def _partner_plan(school, today):
    association = _association(school)
    head = _staff(school, "Крылова")
    if association is None or head is None:
        return None
    year = academic_year_of(today)
    _start, end = academic_year_bounds(year)
    plan = services.year_plan_save(
        association=association,
        year=year,
        head=head,
        theme="Развитие читательской грамотности обучающихся",
        goals="Включиться в работу сетевого МО; провести совместный семинар со школой-лидером.",
    )
    for day, agenda in zip(_planned_days(today, end, 2), AGENDAS[1:3], strict=True):
        services.meeting_save(plan=plan, planned_on=day, starts_at=datetime.time(14, 30), agenda=agenda)
    return plan


@transaction.atomic
def seed_associations(*, schools, users, today):
    """Nothing if the main school's association already has this year's plan."""
    main, partner = schools["main"], schools.get("partner")
    association = _association(main)
    if association is None or YearPlan.objects.filter(association=association, year=academic_year_of(today)).exists():
        return False
    _main_plan(main, today)
    if partner is not None:
        _partner_plan(partner, today)
        partner_association = _association(partner)
        if (
            main.network_id
            and partner.network_id == main.network_id
            and partner_association is not None
            and not NetworkAssociation.objects.filter(network_id=main.network_id, name=NETWORK_ASSOCIATION).exists()
        ):
            created = services.network_association_create(
                network=main.network,
                name=NETWORK_ASSOCIATION,
                subject_name="Русский язык и литература",
                lead_association=association,
            )
            services.network_association_member_add(network_association=created, association=partner_association)
    return True
