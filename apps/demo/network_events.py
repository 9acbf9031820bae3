"""Demo network events: a network seminar held last month by the main school
(Берёзовская) with registrations from both schools and attendance marked; an
upcoming master class with 10 places, full, with 2 on the waiting list; an
online webinar next week with an invitation to the partner school (Ольховская).
Safe to run again."""

import datetime

from django.db import transaction
from django.utils import timezone

from apps.community.models import Material
from apps.core.tenancy import Viewer
from apps.network_events import services
from apps.network_events.models import Event, Registration
from apps.staff.models import StaffMember

SEMINAR = "Сетевой семинар «Формирующее оценивание на уроке»"
MASTER_CLASS = "Мастер-класс «Приёмы смыслового чтения»"
WEBINAR = "Вебинар «Цифровые инструменты обратной связи»"


def _at(school, day, hour, minute=0):
    return datetime.datetime.combine(day, datetime.time(hour, minute), tzinfo=school.tzinfo)


def _people(school):
    return list(StaffMember.objects.filter(school=school, is_active=True).order_by("pk"))


def _organiser(people, last_name):
    return next((p for p in people if p.last_name == last_name), people[0])


@transaction.atomic
def seed_network_events(*, schools, today, now=None):
    """Nothing if the main school's demo seminar is there already."""
    now = now or timezone.now()
    main, partner = schools["main"], schools.get("partner")
    if Event.objects.filter(school=main, title=SEMINAR).exists():
        return False
    ours = _people(main)
    theirs = _people(partner) if partner else []
    organiser = _organiser(ours, "Миронова")
    circle = "network" if main.network_id else "school"

    # Held last month: registrations from both schools, attendance marked.
    day = today - datetime.timedelta(days=30)
    seminar = services.event_create(
        school=main,
        created_by=organiser,
        leads=[organiser],
        kind=Event.Kind.SEMINAR,
        title=SEMINAR,
        description="Обмен опытом: как учитель и ученики видят продвижение к цели урока.",
        starts_at=_at(main, day, 14, 30),
        ends_at=_at(main, day, 16, 0),
        place="Берёзовская СОШ, актовый зал",
        online_link="",
        capacity=30,
        circle=circle,
        association=organiser.association,
    )
    attendees = [p for p in ours if p != organiser][:6] + theirs[:4]
    for n, staff in enumerate(attendees):
        Registration.objects.create(
            event=seminar,
            staff=staff,
            school_id=staff.school_id,
            status=Registration.Status.REGISTERED,
            created_at=seminar.starts_at - datetime.timedelta(days=7, minutes=-n),
        )
    marks = {r.pk: n % 5 != 4 for n, r in enumerate(seminar.registrations.order_by("pk"))}
    services.attendance_mark(event=seminar, attended=marks, now=now)
    # Afterwards the organiser attaches a material of the school shared with the network.
    material = (
        Material.objects.visible_to(Viewer.of_staff(organiser))
        .filter(school=main, circle=circle)
        .order_by("pk")
        .first()
    )
    if material is not None:
        services.event_material_attach(event=seminar, material=material, staff=organiser)

    # Coming: 10 places taken, 2 on the waiting list.
    soon = today + datetime.timedelta(days=12)
    master_class = services.event_create(
        school=main,
        created_by=organiser,
        leads=[_organiser(ours, "Соколова")],
        kind=Event.Kind.MASTER_CLASS,
        title=MASTER_CLASS,
        description="Практика: работа с текстом на уроках русского языка и литературы.",
        starts_at=_at(main, soon, 15),
        ends_at=_at(main, soon, 16, 30),
        place="Берёзовская СОШ, кабинет 21",
        online_link="",
        capacity=10,
        circle=circle,
    )
    for staff in ([p for p in ours if p != organiser] + theirs)[:12]:
        services.registration_create(event=master_class, staff=staff, now=now)

    # Online next week, the partner school invited.
    next_week = today + datetime.timedelta(days=7)
    webinar = services.event_create(
        school=main,
        created_by=organiser,
        kind=Event.Kind.WEBINAR,
        title=WEBINAR,
        description="Как собирать обратную связь учеников за пять минут урока.",
        starts_at=_at(main, next_week, 16),
        ends_at=_at(main, next_week, 17),
        place="",
        online_link="https://vebinar.example.ru/berezovka/feedback",
        capacity=None,
        circle="school",
    )
    if partner is not None and partner.network_id and partner.network_id == main.network_id:
        services.invitation_add(event=webinar, school=partner)
    return True
