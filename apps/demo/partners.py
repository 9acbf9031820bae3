"""Demo social partners of the main demo school, as a school's partnership runs: the partners
by direction, their stages with the dates of each move, agreements (one of them
expiring within 60 days) and a year of joint activities with their products.
Safe to run again."""

import datetime

from django.db import transaction

from apps.partners.models import JointActivity, PartnerDirection, PartnerOrganisation, Stage
from apps.partners.services import (
    activity_create,
    agreement_create,
    contact_create,
    directions_ensure_defaults,
    partner_create,
    partner_stage_change,
)
from apps.staff.models import StaffMember

K = PartnerOrganisation.Kind
SOCIAL, CIVIC, SPORT, PREVENTION = PartnerDirection.DEFAULTS
GOALS, JOINT, PARTNERSHIP = Stage.COMMON_GOALS, Stage.JOINT_ACTIVITY, Stage.PARTNERSHIP

# name, kind, direction, address, stage reached, years of partnership
PARTNERS = [
    ("Родительская общественность школы", K.PARENTS, SOCIAL, "", PARTNERSHIP, 6),
    ("МДОУ «Детский сад № 382»", K.KINDERGARTEN, SOCIAL, "ул. Школьная, 12", PARTNERSHIP, 5),
    ("Приход храма Архангела Гавриила", K.RELIGIOUS, SOCIAL, "ул. Гавриила, 3", JOINT, 3),
    ("Областная детская библиотека", K.LIBRARY, SOCIAL, "ул. Мира, 15", PARTNERSHIP, 6),
    ("Детский технопарк «Кванториум» РЖД", K.EDUCATION, SOCIAL, "ул. Железнодорожная, 2", JOINT, 2),
    ("Детский технопарк «Кванториум»", K.EDUCATION, SOCIAL, "пр. Ленина, 60", GOALS, 1),
    ("В/ч 98540, железнодорожные войска, п. Гумрак", K.MILITARY, CIVIC, "п. Гумрак", PARTNERSHIP, 4),
    ("МОУ «Центр детского творчества»", K.EDUCATION, CIVIC, "ул. Пионерская, 8", PARTNERSHIP, 5),
    ("Военно-патриотический клуб «Пехотинец»", K.NGO, CIVIC, "ул. Гвардейская, 4", JOINT, 2),
    ("ГУЗ «Поликлиника № 28»", K.MEDICAL, SPORT, "ул. Здоровья, 28", PARTNERSHIP, 4),
    ("Волонтёры-медики", K.NGO, SPORT, "", JOINT, 2),
    ("ДЮСШОР № 10", K.SPORTS, SPORT, "ул. Спортивная, 10", PARTNERSHIP, 5),
    ("ПДН и КДН района", K.PREVENTION, PREVENTION, "ул. Дзержинского, 7", PARTNERSHIP, 6),
    ("Центр семьи «Перекрёсток»", K.PREVENTION, PREVENTION, "ул. Семейная, 5", JOINT, 3),
    ("Дзержинский наркологический кабинет", K.MEDICAL, PREVENTION, "ул. Дзержинского, 21", JOINT, 2),
    ("Госнаркоконтроль", K.PREVENTION, PREVENTION, "", GOALS, 1),
]

CONTACTS = {
    "Областная детская библиотека": (
        "Смирнова Ирина Петровна",
        "заведующая отделом обслуживания",
        "+7 (8442) 33-12-45",
        "smirnova@library.demo",
    ),
    "МДОУ «Детский сад № 382»": (
        "Кузнецова Елена Викторовна",
        "заведующая",
        "8 (8442) 41-22-10",
        "ds382@kindergarten.demo",
    ),
    "ГУЗ «Поликлиника № 28»": (
        "Орлов Дмитрий Сергеевич",
        "заведующий педиатрическим отделением",
        "+7 927 512-33-44",
        "",
    ),
    "ПДН и КДН района": ("Гусева Наталья Ивановна", "инспектор ПДН", "+7 (8442) 94-02-02", ""),
}

# partner, number, signed (days ago), valid for (days from today; negative: expired)
AGREEMENTS = [
    ("Областная детская библиотека", "7/СП", 700, 400),
    ("МДОУ «Детский сад № 382»", "12/СП", 1000, 40),  # expiring: the reminder shows it
    ("ГУЗ «Поликлиника № 28»", "3-П", 800, 200),
    ("ДЮСШОР № 10", "21/СП", 1100, -30),  # expired, not renewed yet
    ("В/ч 98540, железнодорожные войска, п. Гумрак", "44", 600, 500),
]

A = JointActivity
# title, partners, days ago (negative: planned), length in days, kind, mechanism, product, responsible
ACTIVITIES = [
    (
        "Педагогический совет «Школа и социум: модель партнёрства»",
        ["Родительская общественность школы", "ПДН и КДН района"],
        330,
        0,
        A.Kind.STRATEGY,
        A.Mechanism.RESEARCH,
        "Модель социального партнёрства школы на 2025–2028 годы",
        "Миронова",
    ),
    (
        "Программа преемственности «Детский сад — школа»",
        ["МДОУ «Детский сад № 382»"],
        300,
        30,
        A.Kind.DESIGN,
        A.Mechanism.SUBJECT_PROJECT,
        "Образовательная программа адаптации первоклассников",
        "Павлова",
    ),
    (
        "Неделя детской книги",
        ["Областная детская библиотека"],
        280,
        6,
        A.Kind.IMPLEMENTATION,
        A.Mechanism.CAMPAIGN,
        "Конкурс буктрейлеров: 14 работ, 3 призёра",
        "Белова",
    ),
    (
        "Уроки мужества с военнослужащими",
        ["В/ч 98540, железнодорожные войска, п. Гумрак", "Военно-патриотический клуб «Пехотинец»"],
        250,
        0,
        A.Kind.IMPLEMENTATION,
        A.Mechanism.SOCIAL_PROJECT,
        "Цикл из 5 уроков, сборка-разборка макета автомата",
        "Васильев",
    ),
    (
        "Проектная сессия в «Кванториуме»",
        ["Детский технопарк «Кванториум» РЖД"],
        220,
        2,
        A.Kind.DESIGN,
        A.Mechanism.CROSS_SUBJECT_PROJECT,
        "Программа курса «Робототехника на железной дороге»",
        "Миронова",
    ),
    (
        "Акция «Здоровое поколение»",
        ["ГУЗ «Поликлиника № 28»", "Волонтёры-медики"],
        190,
        0,
        A.Kind.IMPLEMENTATION,
        A.Mechanism.CAMPAIGN,
        "Скрининг здоровья 7–9 классов, памятки для родителей",
        "Павлова",
    ),
    (
        "Рождественские чтения",
        ["Приход храма Архангела Гавриила", "Областная детская библиотека"],
        160,
        0,
        A.Kind.IMPLEMENTATION,
        A.Mechanism.RESEARCH,
        "Сборник исследовательских работ учащихся",
        "Белова",
    ),
    (
        "Профилактическая неделя «Мой выбор»",
        ["ПДН и КДН района", "Дзержинский наркологический кабинет"],
        130,
        5,
        A.Kind.IMPLEMENTATION,
        A.Mechanism.CAMPAIGN,
        "Классные часы и квест для 8–10 классов",
        "Васильев",
    ),
    (
        "Семейные консультации «Перекрёстка»",
        ["Центр семьи «Перекрёсток»"],
        100,
        60,
        A.Kind.SUPPORT,
        A.Mechanism.SOCIAL_PROJECT,
        "Психологический комфорт: 18 семей получили консультации",
        "Миронова",
    ),
    (
        "Спартакиада школьников",
        ["ДЮСШОР № 10"],
        70,
        1,
        A.Kind.IMPLEMENTATION,
        A.Mechanism.CAMPAIGN,
        "Соревнования по 4 видам спорта, 120 участников",
        "Васильев",
    ),
    (
        "Фестиваль детского творчества",
        ["МОУ «Центр детского творчества»"],
        40,
        0,
        A.Kind.IMPLEMENTATION,
        A.Mechanism.SOCIAL_PROJECT,
        "Концерт и выставка работ",
        "Павлова",
    ),
    (
        "Круглый стол с родителями о профилактике",
        ["Родительская общественность школы", "Центр семьи «Перекрёсток»"],
        14,
        0,
        A.Kind.SUPPORT,
        A.Mechanism.RESEARCH,
        "Соглашение о совместных родительских собраниях",
        "Белова",
    ),
    (
        "Смена в «Кванториуме»",
        ["Детский технопарк «Кванториум»"],
        -20,
        5,
        A.Kind.IMPLEMENTATION,
        A.Mechanism.SUBJECT_PROJECT,
        "",
        "Миронова",
    ),
]


def _staff(school, last_name, fallback):
    return StaffMember.objects.filter(school=school, last_name=last_name, is_active=True).first() or fallback


@transaction.atomic
def seed_partners(*, schools, users, today):
    """Nothing if the main school already has partners."""
    main = schools["main"]
    if PartnerOrganisation.objects.filter(school=main).exists():
        return False
    fallback = StaffMember.objects.filter(school=main, is_active=True).order_by("pk").first()
    if fallback is None:
        return False
    admin = users.get("zavuch@berezovka.demo") or users.get("director@berezovka.demo")
    day = datetime.timedelta(days=1)
    directions = {d.name: d for d in directions_ensure_defaults(school=main)}

    partners = {}
    for name, kind, direction, address, reached, years in PARTNERS:
        start = today - years * 365 * day
        partner = partner_create(
            school=main,
            name=name,
            kind=kind,
            direction=directions.get(direction),
            address=address,
            stage=GOALS,
            stage_since=start,
            created_by=admin,
        )
        moves = [JOINT, PARTNERSHIP][: [GOALS, JOINT, PARTNERSHIP].index(reached)]
        for step, stage in enumerate(moves, start=1):
            since = start + (today - start) * step // (len(moves) + 1)
            partner_stage_change(partner=partner, stage=stage, changed_on=since, changed_by=admin)
        partners[name] = partner

    for partner_name, (name, role, phone, email) in CONTACTS.items():
        contact_create(partner=partners[partner_name], name=name, role=role, phone=phone, email=email)

    for partner_name, number, signed_ago, valid_for in AGREEMENTS:
        agreement_create(
            partner=partners[partner_name],
            number=number,
            signed_on=today - signed_ago * day,
            valid_until=today + valid_for * day,
            subject="О сотрудничестве в образовательной и воспитательной деятельности",
        )

    for title, names, ago, length, kind, mechanism, product, responsible in ACTIVITIES:
        starts_on = today - ago * day
        lead = _staff(main, responsible, fallback)
        activity_create(
            school=main,
            partners=[partners[n] for n in names],
            teachers=[lead],
            title=title,
            starts_on=starts_on,
            ends_on=starts_on + length * day if length else None,
            kind=kind,
            mechanism=mechanism,
            product_text=product,
            students_count=25 + 5 * len(title) % 60,
            parents_count=len(names) * 4,
            responsible=lead,
            status=A.Status.HELD if ago > 0 else A.Status.PLANNED,
        )
    return True
