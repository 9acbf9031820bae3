"""Demo pairs and triads as the curator method runs them: curators, tasks and narrow observed
aspects, a schedule of work around today, a network pair with the partner school."""

import datetime

from django.db import transaction
from django.utils import timezone

from apps.mentoring.models import GroupEvent, MentorGroup, NetworkPairResult
from apps.mentoring.services import (
    MemberSpec,
    group_event_create,
    mentor_group_create,
    mentor_group_status_change,
    problem_tag_create,
)
from apps.staff.models import StaffMember

PROBLEMS = [
    "Смысловое чтение",
    "Формирующее оценивание",
    "Дисциплина и мотивация на уроке",
    "Работа с неуспевающими",
    "Проектная деятельность",
    "Цифровые образовательные ресурсы",
]

# (curator, [(member, role)], kind, task, aspect, problems, status, start offset days)
GROUPS = [
    (
        "Соколова",
        [("Васильев", "mentor"), ("Белова", "mentee")],
        "pair",
        "Удержать внимание семиклассников на этапе объяснения нового материала: к середине урока половина класса "
        "перестаёт слушать.",
        "Как учитель проверяет понимание сразу после объяснения",
        ["Дисциплина и мотивация на уроке", "Формирующее оценивание"],
        "active",
        -80,
    ),
    (
        "Соколова",
        [("Кузнецова", "mentor"), ("Осипова", "mentee")],
        "pair",
        "Научить второклассников задавать вопросы к тексту, а не только отвечать на вопросы учителя.",
        "Вопросы учеников на этапе работы с текстом",
        ["Смысловое чтение"],
        "active",
        -60,
    ),
    (
        "Павлова",
        [("Николаева", "peer"), ("Лебедева", "peer"), ("Титов", "mentee")],
        "triad",
        "Выстроить единые приёмы смыслового чтения на математике, русском языке и истории в 6-х классах.",
        "Формулировка учебной задачи к тексту (условию задачи, параграфу)",
        ["Смысловое чтение", "Формирующее оценивание"],
        "active",
        -70,
    ),
    (
        "Соколова",
        [("Захарова", "peer"), ("Яковлев", "peer")],
        "pair",
        "Снизить число неуспевающих в 8-х классах по английскому языку и информатике за счёт индивидуальных маршрутов.",
        "Как учитель организует помощь слабым ученикам во время самостоятельной работы",
        ["Работа с неуспевающими"],
        "forming",
        7,
    ),
    (
        "Павлова",
        [("Морозова", "mentor"), ("Орлова", "mentee")],
        "pair",
        "Перейти от демонстрационного эксперимента к ученическому исследованию на уроках химии и биологии.",
        "Доля времени урока, когда ученики действуют самостоятельно",
        ["Проектная деятельность"],
        "completed",
        -400,
    ),
]

NETWORK_PAIR = (
    "Соколова",
    [("Степанова", "mentor"), ("Фомин", "mentee")],
    "Связать краеведческий материал уроков географии и истории двух сёл в общий сетевой проект.",
    "Приёмы включения краеведческого материала в урок",
    ["Проектная деятельность"],
)


def _staff(schools, last_name):
    return StaffMember.objects.filter(school__in=schools, last_name=last_name).select_related("school").get()


def _at(day, hour, minute=0):
    zone = timezone.get_current_timezone()
    return datetime.datetime.combine(day, datetime.time(hour, minute), tzinfo=zone)


def _schedule(group, today, *, shift=0, overdue=False, past_only=False):
    """A few weeks of pair work besides its lesson visits: meetings and debriefs.
    The visits themselves are planned as visits (apps.demo.visits), with their
    observers, feedback and 48-hour deadline, and go on the schedule from there."""
    plan = [
        (-22, 15, GroupEvent.Kind.MEETING, "Встреча пары: выбираем аспект наблюдения", GroupEvent.Status.HELD),
        (-20, 15, GroupEvent.Kind.DEBRIEF, "Обсуждение посещённого урока", GroupEvent.Status.HELD),
        (-9, 14, GroupEvent.Kind.DEBRIEF, "Обсуждение: факты и следующий шаг", GroupEvent.Status.HELD),
    ]
    if overdue:
        # Past and not marked: what the curator's board asks her to mark.
        plan.append((-3, 12, GroupEvent.Kind.MEETING, "Встреча пары: итоги месяца", GroupEvent.Status.PLANNED))
    plan += (
        []
        if past_only
        else [
            (2, 14, GroupEvent.Kind.MEETING, "Встреча пары: план на следующую неделю", GroupEvent.Status.PLANNED),
            (7, 15, GroupEvent.Kind.MEETING, "Встреча пары: итоги взаимопосещений", GroupEvent.Status.PLANNED),
        ]
    )
    for offset, hour, kind, title, status in plan:
        # Each group keeps its own days, so the curator is not in two places at once.
        day = today + datetime.timedelta(days=offset + shift)
        hour = min(hour + shift, 17)
        if day.weekday() == 6:  # no school on Sunday
            day -= datetime.timedelta(days=1)
        event, _conflicts = group_event_create(
            group=group,
            kind=kind,
            title=title,
            starts_at=_at(day, hour),
            ends_at=_at(day, hour, 45),
            place="Кабинет 12",
        )
        if status != GroupEvent.Status.PLANNED:
            GroupEvent.objects.filter(pk=event.pk).update(status=status)


@transaction.atomic
def seed_mentoring(*, schools, users, today):
    """Pairs, triads and a network pair for the demo schools; nothing if present."""
    main, partner = schools["main"], schools["partner"]
    if MentorGroup.objects.filter(school=main).exists():
        return False
    tags = {name: problem_tag_create(school=main, name=name) for name in PROBLEMS}
    for name in PROBLEMS[:3]:
        problem_tag_create(school=partner, name=name)
    admin = users.get("director@berezovka.demo")
    both = [main, partner]
    for index, (curator, members, kind, task, aspect, problems, status, start) in enumerate(GROUPS):
        starts_on = today + datetime.timedelta(days=start)
        # The forming pair is the demo curator's proposal: it waits on the administration's «Мои дела».
        proposal = status == "forming"
        group, _warnings = mentor_group_create(
            school=main,
            kind=kind,
            curator=_staff(both, curator),
            members=[MemberSpec(staff=_staff(both, name), role=role) for name, role in members],
            task=task,
            observed_aspect=aspect,
            starts_on=starts_on,
            planned_end_on=starts_on + datetime.timedelta(days=270),
            problem_tags=[tags[p] for p in problems],
            created_by=users.get("curator@berezovka.demo") if proposal else admin,
            proposal=proposal,
        )
        if status in ("active", "completed"):
            mentor_group_status_change(group=group, to_status="active", changed_by=admin)
            if status == "active":
                _schedule(group, today, shift=index, overdue=index == 1)
            else:
                _schedule(group, starts_on + datetime.timedelta(days=60), past_only=True)
        if status == "completed":
            mentor_group_status_change(
                group=group,
                to_status="completed",
                changed_by=admin,
                reason="Задача решена: ученики проводят мини-исследования на каждом втором уроке.",
            )
    curator, members, task, aspect, problems = NETWORK_PAIR
    group, _warnings = mentor_group_create(
        school=main,
        partner_school=partner,
        kind="pair",
        curator=_staff(both, curator),
        members=[MemberSpec(staff=_staff(both, name), role=role) for name, role in members],
        task=task,
        observed_aspect=aspect,
        starts_on=datetime.date(today.year, 1, 12),
        planned_end_on=datetime.date(today.year, 12, 25),
        problem_tags=[tags[p] for p in problems],
        created_by=admin,
    )
    mentor_group_status_change(group=group, to_status="active", changed_by=admin)
    _schedule(group, today, shift=3)
    results = [
        (1, NetworkPairResult.Form.PROGRAMME, "Программа взаимодействия сетевой пары на год"),
        (2, NetworkPairResult.Form.MASTER_CLASS, "Мастер-класс «Краеведение на уроке» для педагогов округа"),
        (3, NetworkPairResult.Form.VIDEO, "Видеозапись совместного урока двух школ"),
    ]
    for quarter, form, title in results:
        if datetime.date(today.year, 3 * quarter, 28) <= today:
            NetworkPairResult.objects.create(
                group=group,
                year=today.year,
                quarter=quarter,
                form=form,
                title=title,
                link=f"https://disk.example.ru/collabschool/{today.year}-q{quarter}",
                uploaded_by=admin,
            )
    return True
