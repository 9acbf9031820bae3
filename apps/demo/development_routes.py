"""Demo development routes (маршруты индивидуального развития) for the demo schools.

Every early-career teacher working at the school gets a route with three to five
steps: one done with a link as evidence, one overdue, the rest ahead. The
mentor is an experienced teacher with the highest category who is not a curator
or in the administration, picked deterministically: the most experienced one of
the teacher's own subject association not yet mentoring, else the most
experienced one not yet mentoring.
"""

import datetime

from django.db import transaction
from django.utils import timezone

from apps.accounts.models import Membership, Role
from apps.mentoring.models import DevelopmentRoute, GroupEvent, RouteStep
from apps.mentoring.route_selectors import EVIDENCE_EVENT_KINDS, route_teacher_choices
from apps.mentoring.route_services import development_route_create, route_step_create, route_step_update
from apps.staff.models import QualificationCategory
from apps.staff.selectors import staff_with_derived

DAY = datetime.timedelta(days=1)

GOALS = [
    "Освоить приёмы формирующего оценивания и давать ученикам обратную связь по критериям; "
    "выстроить дисциплину на уроке через ясные правила и договорённости с классом.",
    "Научиться ставить цели урока вместе с учениками и подводить итоги через рефлексию; "
    "подготовить и провести открытый урок для ШМО.",
    "Освоить работу в группах и парах на уроке; наладить общение с родителями класса; "
    "подготовиться к первой аттестации на соответствие занимаемой должности.",
]

# Title, due in days from today, status. The first three are in every route.
STEPS = [
    ("Посетить 4 урока наставника и заполнить протоколы наблюдения", -40, RouteStep.Status.DONE),
    ("Разработать технологическую карту урока по теме раздела", -7, RouteStep.Status.IN_PROGRESS),
    ("Провести открытый урок для ШМО", 21, RouteStep.Status.PLANNED),
    ("Подготовить самоанализ урока и обсудить его с наставником", 35, RouteStep.Status.PLANNED),
    ("Пройти курсы ПК «Формирующее оценивание», 36 ч", 60, RouteStep.Status.PLANNED),
]
EVIDENCE_LINK = "https://berezovka.example/metodicheskaya-kopilka/protokoly-poseshcheniy"
NOT_MENTORS = [Role.CURATOR, Role.DEPUTY_HEAD, Role.ADMINISTRATOR]


def _mentor_candidates(school, today):
    others = Membership.objects.filter(school=school, roles__overlap=NOT_MENTORS).values("user")
    experienced = (
        staff_with_derived(school=school, on=today)
        .filter(is_active=True, is_early_career=False, position__startswith="учитель")
        .exclude(user__in=others)
        .order_by("teaching_since", "last_name", "first_name", "pk")
    )
    highest = list(experienced.filter(current_category=QualificationCategory.HIGHEST))
    return highest or list(experienced)


def _pick_mentor(teacher, candidates, taken):
    free = [person for person in candidates if person.pk not in taken]
    same_association = [person for person in free if person.association_id == teacher.association_id]
    return (same_association or free or candidates or [None])[0]


def _visit_of(teacher):
    """A past lesson visit of the teacher's pair or triad, if the demo has one."""
    return (
        GroupEvent.objects.filter(
            kind__in=EVIDENCE_EVENT_KINDS, group__members__staff=teacher, starts_at__lte=timezone.now()
        )
        .exclude(status=GroupEvent.Status.CANCELLED)
        .order_by("starts_at", "pk")
        .first()
    )


@transaction.atomic
def seed_development_routes(*, school, today):
    """Routes for the school's early-career teachers; does nothing if the school
    already has routes. Returns the routes made."""
    if DevelopmentRoute.objects.for_school(school).exists():
        return []
    candidates = _mentor_candidates(school, today)
    taken, routes = set(), []
    for index, teacher in enumerate(route_teacher_choices(school=school, on=today)):
        mentor = _pick_mentor(teacher, candidates, taken)
        if mentor is None:
            break
        taken.add(mentor.pk)
        route = development_route_create(
            school=school,
            teacher=teacher,
            mentor=mentor,
            goals=GOALS[index % len(GOALS)],
            starts_on=min(teacher.hired_on, today - 60 * DAY),
        )
        for title, due_in, status in STEPS[: 5 - index % 3]:
            due_on = today + due_in * DAY
            step = route_step_create(
                route=route,
                title=title,
                due_on=due_on,
                responsible=mentor,
                status=RouteStep.Status.PLANNED if status == RouteStep.Status.DONE else status,
                on=today,
            )
            if status == RouteStep.Status.DONE:
                route_step_update(
                    step=step,
                    status=RouteStep.Status.DONE,
                    evidence_link=EVIDENCE_LINK,
                    evidence_event=_visit_of(teacher),
                    on=due_on - 3 * DAY,
                )
        routes.append(route)
    return routes
