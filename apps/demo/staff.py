"""Demo staff registries.

The main school reproduces the rural school whose report the programme follows:
about 28 teachers, and shares (on 1 September and at the year's end) of the highest
and the first category of 20/18 % (2014), 23/21 % (2015), 25/28 % (2016) and
27/31 % (2017), each within one percentage point (whole people cannot hit them
exactly). `CATEGORY_SHARES` is what the tests check the demo against.
"""

import datetime
import random

from django.db import transaction

from apps.core.dates import academic_year_bounds, academic_year_of, add_years
from apps.staff.models import Achievement, QualificationCategory, StaffMember
from apps.staff.services import (
    achievement_create,
    association_get_or_create,
    category_award_create,
    staff_member_create,
    subject_get_or_create,
)

H, F, P = QualificationCategory.HIGHEST, QualificationCategory.FIRST, QualificationCategory.FITS_POST
D = datetime.date

# Year → (highest %, first %) as the school reported them (its yearly report, §6).
CATEGORY_SHARES = {2014: (20, 18), 2015: (23, 21), 2016: (25, 28), 2017: (27, 31)}

ASSOCIATIONS = {
    "primary": "ШМО учителей начальных классов",
    "humanities": "ШМО учителей гуманитарного цикла",
    "science": "ШМО учителей естественно-математического цикла",
    "arts": "ШМО учителей физической культуры, искусства и технологии",
}

# Surname, first name, patronymic, position, subjects, association,
# teaching since, hired here, left on, [(category, awarded on), ...] up to 2017.
MAIN_STAFF = [
    # c1–c7: the highest category in 2014–2017 (c7 from June 2015).
    (
        "Соколова",
        "Наталья",
        "Ивановна",
        "учитель",
        ["Русский язык", "Литература"],
        "humanities",
        D(1994, 9, 1),
        D(1999, 8, 25),
        None,
        [(H, D(2010, 5, 20)), (H, D(2015, 4, 28))],
    ),
    (
        "Гусева",
        "Татьяна",
        "Николаевна",
        "директор",
        ["История", "Обществознание"],
        "humanities",
        D(1990, 9, 1),
        D(1996, 8, 20),
        None,
        [(H, D(2012, 6, 18)), (H, D(2017, 5, 30))],
    ),
    (
        "Миронова",
        "Ольга",
        "Викторовна",
        "заместитель директора",
        ["Математика"],
        "science",
        D(1997, 9, 1),
        D(2001, 8, 28),
        None,
        [(H, D(2013, 4, 10))],
    ),
    (
        "Кузнецова",
        "Галина",
        "Петровна",
        "учитель начальных классов",
        ["Начальные классы"],
        "primary",
        D(1988, 9, 1),
        D(1988, 9, 1),
        None,
        [(H, D(2011, 5, 25)), (H, D(2016, 4, 27))],
    ),
    (
        "Васильев",
        "Сергей",
        "Александрович",
        "учитель",
        ["Физика", "Информатика"],
        "science",
        D(1999, 9, 1),
        D(2003, 8, 30),
        None,
        [(F, D(2009, 3, 18)), (H, D(2014, 3, 19))],
    ),
    (
        "Морозова",
        "Людмила",
        "Геннадьевна",
        "учитель",
        ["Биология", "Химия"],
        "science",
        D(1993, 9, 1),
        D(1993, 9, 1),
        None,
        [(H, D(2014, 5, 26))],
    ),
    (
        "Павлова",
        "Марина",
        "Юрьевна",
        "учитель",
        ["Английский язык"],
        "humanities",
        D(2002, 9, 1),
        D(2006, 8, 29),
        None,
        [(F, D(2012, 2, 15)), (H, D(2015, 6, 23))],
    ),
    # c8–c15: the first category.
    (
        "Николаева",
        "Светлана",
        "Владимировна",
        "учитель",
        ["Математика"],
        "science",
        D(2005, 9, 1),
        D(2005, 9, 1),
        None,
        [(F, D(2013, 4, 30))],
    ),
    (
        "Фёдорова",
        "Ирина",
        "Алексеевна",
        "учитель начальных классов",
        ["Начальные классы"],
        "primary",
        D(2001, 9, 1),
        D(2004, 8, 26),
        None,
        [(F, D(2010, 6, 22)), (F, D(2015, 6, 16))],
    ),
    (
        "Егоров",
        "Андрей",
        "Викторович",
        "учитель",
        ["Физическая культура", "ОБЗР"],
        "arts",
        D(2006, 9, 1),
        D(2008, 8, 27),
        None,
        [(F, D(2014, 4, 23))],
    ),
    (
        "Степанова",
        "Елена",
        "Сергеевна",
        "учитель",
        ["География"],
        "science",
        D(2004, 9, 1),
        D(2009, 8, 31),
        None,
        [(F, D(2014, 6, 17))],
    ),
    (
        "Алексеева",
        "Юлия",
        "Николаевна",
        "учитель начальных классов",
        ["Начальные классы"],
        "primary",
        D(2008, 9, 1),
        D(2008, 9, 1),
        None,
        [(P, D(2010, 4, 14)), (F, D(2015, 3, 25))],
    ),
    (
        "Лебедева",
        "Оксана",
        "Игоревна",
        "учитель",
        ["Русский язык", "Литература"],
        "humanities",
        D(2009, 9, 1),
        D(2011, 8, 29),
        None,
        [(F, D(2015, 4, 28))],
    ),
    (
        "Семёнов",
        "Максим",
        "Олегович",
        "учитель",
        ["Технология", "Изобразительное искусство"],
        "arts",
        D(2010, 9, 1),
        D(2010, 9, 1),
        None,
        [(P, D(2011, 5, 18)), (F, D(2016, 4, 27))],
    ),
    (
        "Орлова",
        "Вера",
        "Михайловна",
        "учитель",
        ["Химия"],
        "science",
        D(2011, 9, 1),
        D(2012, 8, 30),
        None,
        [(F, D(2016, 6, 21))],
    ),
    # c16–c24: no category in force at the year-ends (or "fits the post").
    (
        "Андреева",
        "Надежда",
        "Петровна",
        "учитель",
        ["Музыка"],
        "arts",
        D(2000, 9, 1),
        D(2007, 8, 29),
        None,
        [(P, D(2013, 2, 20))],
    ),
    (
        "Макаров",
        "Игорь",
        "Васильевич",
        "учитель",
        ["История"],
        "humanities",
        D(2012, 9, 1),
        D(2012, 9, 1),
        None,
        [(P, D(2016, 2, 17))],
    ),
    ("Никитина", "Анастасия", "Дмитриевна", "педагог-психолог", [], None, D(2013, 9, 1), D(2013, 9, 1), None, []),
    (
        "Захарова",
        "Дарья",
        "Андреевна",
        "учитель",
        ["Английский язык", "Немецкий язык"],
        "humanities",
        D(2013, 9, 1),
        D(2013, 9, 1),
        None,
        [],
    ),
    (
        "Зуева",
        "Кристина",
        "Евгеньевна",
        "учитель начальных классов",
        ["Начальные классы"],
        "primary",
        D(2012, 9, 1),
        D(2014, 8, 28),
        None,
        [],
    ),
    (
        "Борисова",
        "Татьяна",
        "Алексеевна",
        "социальный педагог",
        [],
        None,
        D(2011, 9, 1),
        D(2013, 1, 14),
        None,
        [(P, D(2014, 5, 21))],
    ),
    (
        "Яковлев",
        "Павел",
        "Сергеевич",
        "учитель",
        ["Информатика", "Математика"],
        "science",
        D(2013, 9, 1),
        D(2013, 9, 1),
        None,
        [],
    ),
    (
        "Романова",
        "Ксения",
        "Валерьевна",
        "учитель",
        ["Литература", "Русский язык"],
        "humanities",
        D(2012, 9, 1),
        D(2013, 8, 29),
        None,
        [],
    ),
    (
        "Григорьева",
        "Полина",
        "Игоревна",
        "учитель-логопед",
        ["Начальные классы"],
        "primary",
        D(2010, 9, 1),
        D(2012, 8, 27),
        None,
        [(P, D(2013, 6, 18))],
    ),
    # x1–x5: on the staff in 2014, leaving in 2016–2019.
    (
        "Тихонов",
        "Виктор",
        "Семёнович",
        "учитель",
        ["Физика"],
        "science",
        D(1979, 9, 1),
        D(1985, 8, 26),
        D(2016, 6, 30),
        [(P, D(2012, 3, 21))],
    ),
    (
        "Белякова",
        "Зоя",
        "Фёдоровна",
        "учитель",
        ["Биология"],
        "science",
        D(1981, 9, 1),
        D(1981, 9, 1),
        D(2016, 8, 31),
        [],
    ),
    (
        "Ершова",
        "Лариса",
        "Борисовна",
        "учитель начальных классов",
        ["Начальные классы"],
        "primary",
        D(1983, 9, 1),
        D(1990, 8, 28),
        D(2017, 6, 30),
        [],
    ),
    (
        "Голубев",
        "Роман",
        "Юрьевич",
        "учитель",
        ["Физическая культура"],
        "arts",
        D(2011, 9, 1),
        D(2011, 9, 1),
        D(2017, 8, 31),
        [],
    ),
    (
        "Комарова",
        "Алла",
        "Витальевна",
        "учитель",
        ["Немецкий язык"],
        "humanities",
        D(1998, 9, 1),
        D(2005, 8, 29),
        D(2019, 6, 28),
        [(P, D(2014, 4, 22))],
    ),
    # y1: hired in 2015.
    (
        "Киселёва",
        "Мария",
        "Александровна",
        "учитель",
        ["Математика", "Физика"],
        "science",
        D(2015, 9, 1),
        D(2015, 9, 1),
        None,
        [],
    ),
]

# Dates of birth: the school reported an average age of 35 for the year its §6 shows
# 25 % highest and 28 % first category (1 September 2016); on 1 September 2016 these
# give 34.4 over the 26 of its 28 teachers with a date: the social pedagogue has none
# on her card, and the demo's erasure (apps/demo/erasure.py) blanks Комарова's, so the
# report counts both as «не указан». Ten years on the same staff is about 43.
BIRTH_DATES = {
    "Соколова": D(1972, 3, 14),
    "Гусева": D(1968, 11, 2),
    "Миронова": D(1974, 6, 21),
    "Кузнецова": D(1969, 1, 9),
    "Васильев": D(1976, 8, 30),
    "Морозова": D(1971, 5, 5),
    "Павлова": D(1978, 12, 17),
    "Николаева": D(1983, 4, 26),
    "Фёдорова": D(1981, 10, 11),
    "Егоров": D(1983, 2, 3),
    "Степанова": D(1979, 7, 19),
    "Алексеева": D(1988, 9, 7),
    "Лебедева": D(1986, 3, 14),
    "Семёнов": D(1988, 11, 2),
    "Орлова": D(1988, 6, 21),
    "Андреева": D(1974, 1, 9),
    "Макаров": D(1988, 8, 30),
    "Никитина": D(1986, 5, 5),
    "Захарова": D(1990, 12, 17),
    "Зуева": D(1991, 4, 26),
    "Яковлев": D(1989, 2, 3),
    "Романова": D(1987, 7, 19),
    "Григорьева": D(1986, 9, 7),
    "Тихонов": D(1957, 3, 14),
    "Белякова": D(1960, 11, 2),
    "Ершова": D(1963, 6, 21),
    "Голубев": D(1983, 1, 9),
    "Комарова": D(1974, 8, 30),
    "Киселёва": D(1993, 5, 5),
}
# The report's day whose average age BIRTH_DATES reproduces (what the demo's test checks).
AVERAGE_AGE_YEAR, AVERAGE_AGE = 2016, 35


def _born(teaching_since, age, day_of_year):
    """A date of birth `age` years (and some days) before teaching began."""
    return add_years(teaching_since, -age) - datetime.timedelta(days=day_of_year)


# Newer teachers, hired relative to today so that the demo always shows
# early-career teachers (teaching for under three years).
YOUNG_STAFF = [
    ("Белова", "Анна", "Сергеевна", "учитель", ["Английский язык"], "humanities", 1),
    ("Титов", "Кирилл", "Андреевич", "учитель", ["История", "Обществознание"], "humanities", 2),
    ("Осипова", "Валерия", "Романовна", "учитель начальных классов", ["Начальные классы"], "primary", 0),
]

PARTNER_STAFF = [
    ("Лаптев", "Виктор", "Павлович", "директор", ["Физика"], "science", 1996, H),
    ("Крылова", "Елена", "Андреевна", "заместитель директора", ["Русский язык", "Литература"], "humanities", 2003, F),
    ("Зайцева", "Ирина", "Михайловна", "учитель", ["Математика"], "science", 2000, H),
    ("Фомин", "Дмитрий", "Олегович", "учитель", ["История"], "humanities", 2019, None),
    ("Сидорова", "Любовь", "Ивановна", "учитель начальных классов", ["Начальные классы"], "primary", 1992, F),
    ("Воронина", "Алёна", "Викторовна", "учитель", ["Английский язык"], "humanities", 2024, None),
    ("Медведев", "Олег", "Николаевич", "учитель", ["Физическая культура"], "arts", 2008, P),
    ("Полякова", "Галина", "Степановна", "учитель", ["Биология", "Химия", "География"], "science", 1987, F),
    ("Жукова", "Светлана", "Игоревна", "учитель", ["Информатика"], "science", 2023, None),
    ("Ковалёва", "Наталья", "Юрьевна", "учитель", ["Музыка", "Изобразительное искусство"], "arts", 2010, P),
    ("Давыдова", "Ольга", "Петровна", "учитель начальных классов", ["Начальные классы"], "primary", 2015, F),
]

ACHIEVEMENT_TITLES = {
    Achievement.Kind.CONTEST: [
        "«Учитель года»",
        "«Педагогический дебют»",
        "«Сердце отдаю детям»",
        "«Лучший урок с применением ЦОР»",
    ],
    Achievement.Kind.PUBLICATION: [
        "Статья о взаимопосещении уроков в сборнике ИРО",
        "Методическая разработка урока в сетевом журнале",
        "Статья «Обратная связь без оценки» в региональном журнале",
    ],
    Achievement.Kind.NETWORK_PROJECT: ["Сетевой проект «Эффективная школа»", "Сетевая пара со школой-партнёром"],
    Achievement.Kind.MASTER_CLASS: [
        "Мастер-класс для молодых педагогов округа",
        "Мастер-класс «Смысловое чтение на разных предметах»",
    ],
    Achievement.Kind.CONFERENCE_TALK: ["Доклад на августовской конференции", "Выступление на региональных чтениях"],
    Achievement.Kind.COURSE: [
        "Курсы ПК «Наставничество в образовательной организации», 72 ч",
        "Курсы ПК «Формирующее оценивание», 36 ч",
    ],
}


def _renew_until_now(staff, today, rng):
    """Keep a category holder attested to this day: each renewal comes a few weeks
    before the previous award runs out, and a first category may turn into the highest."""
    last = staff.category_awards.order_by("-awarded_on").first()
    while last is not None and last.valid_until <= today + datetime.timedelta(days=200):
        awarded_on = last.valid_until - datetime.timedelta(days=rng.randint(14, 45))
        if awarded_on > today:
            break
        category = H if last.category == F and rng.random() < 0.35 else last.category
        last = category_award_create(
            staff=staff, category=category, awarded_on=awarded_on, order_number=f"№ {rng.randint(100, 999)}-к"
        )


def _achievements(staff, rng, *, since_year, today):
    kinds = list(ACHIEVEMENT_TITLES)
    for _ in range(rng.randint(0, 3)):
        kind = rng.choice(kinds)
        year = rng.randint(since_year, today.year)
        day = min(D(year, rng.randint(1, 12), rng.randint(1, 28)), today)
        if kind == Achievement.Kind.CONTEST:
            result = rng.choice(list(Achievement.Result))
        else:
            result = Achievement.Result.PARTICIPANT
        achievement_create(
            staff=staff,
            kind=kind,
            title=rng.choice(ACHIEVEMENT_TITLES[kind]),
            date=day,
            level=rng.choice(
                [
                    Achievement.Level.SCHOOL,
                    Achievement.Level.MUNICIPAL,
                    Achievement.Level.REGIONAL,
                    Achievement.Level.REGIONAL,
                    Achievement.Level.FEDERAL,
                ]
            ),
            result=result,
        )


def _create(school, row, subjects_cache, associations_cache, user=None):
    last_name, first_name, patronymic, position, subjects, association = row[:6]
    return staff_member_create(
        school=school,
        subjects=[subjects_cache[name] for name in subjects],
        last_name=last_name,
        first_name=first_name,
        patronymic=patronymic,
        position=position,
        association=associations_cache.get(association),
        email="",
        user=user,
        **row[6],
    )


def _catalogs(school, rows):
    subjects = {name: subject_get_or_create(school=school, name=name) for row in rows for name in row[4]}
    associations = {key: association_get_or_create(school=school, name=name) for key, name in ASSOCIATIONS.items()}
    return subjects, associations


@transaction.atomic
def seed_main_school(*, school, users_by_name, today):
    """The main school's registry; does nothing if the school already has staff."""
    if StaffMember.objects.for_school(school).exists():
        return False
    rng = random.Random(2017)  # nosec B311 # reproducible demo data, not a secret
    subjects, associations = _catalogs(school, MAIN_STAFF + YOUNG_STAFF)
    for row in MAIN_STAFF:
        teaching_since, hired_on, left_on, awards = row[6:10]
        staff = _create(
            school,
            (
                *row[:6],
                {"teaching_since": teaching_since, "hired_on": hired_on, "birth_date": BIRTH_DATES.get(row[0])},
            ),
            subjects,
            associations,
            user=users_by_name.get((row[0], row[1])),
        )
        for category, awarded_on in awards:
            category_award_create(
                staff=staff, category=category, awarded_on=awarded_on, order_number=f"№ {rng.randint(100, 999)}-к"
            )
        if left_on:
            staff.is_active, staff.left_on = False, left_on
            staff.save(update_fields=["is_active", "left_on"])
        else:
            _renew_until_now(staff, today, rng)
        _achievements(staff, rng, since_year=max(2014, hired_on.year), today=left_on or today)
    # Mid-career colleagues without a category: a first attestation comes due soon.
    for index, (last_name, first_name) in enumerate((("Яковлев", "Павел"), ("Захарова", "Дарья"))):
        staff = StaffMember.objects.get(school=school, last_name=last_name, first_name=first_name)
        awarded_on = add_years(today, -5) + datetime.timedelta(days=40 + 60 * index)
        category_award_create(staff=staff, category=F, awarded_on=awarded_on, order_number="№ 77-к")
    y1 = StaffMember.objects.get(school=school, last_name="Киселёва")
    category_award_create(staff=y1, category=F, awarded_on=D(2020, 12, 16), order_number="№ 214-к")
    _renew_until_now(y1, today, rng)
    for row in YOUNG_STAFF:
        years_ago = row[6]
        start, _end = academic_year_bounds(academic_year_of(today) - years_ago)
        staff = _create(
            school,
            (
                *row[:6],
                {"teaching_since": start, "hired_on": start, "birth_date": _born(start, 22, 40 + 70 * years_ago)},
            ),
            subjects,
            associations,
            user=users_by_name.get((row[0], row[1])),
        )
        _achievements(staff, rng, since_year=start.year, today=today)
    return True


@transaction.atomic
def seed_partner_school(*, school, users_by_name, today):
    if StaffMember.objects.for_school(school).exists():
        return False
    rng = random.Random(2018)  # nosec B311 # reproducible demo data, not a secret
    subjects, associations = _catalogs(school, PARTNER_STAFF)
    for row in PARTNER_STAFF:
        since_year, category = row[6], row[7]
        start = D(since_year, 9, 1)
        staff = _create(
            school,
            (*row[:6], {"teaching_since": start, "hired_on": start, "birth_date": _born(start, 23, 29 * len(row[0]))}),
            subjects,
            associations,
            user=users_by_name.get((row[0], row[1])),
        )
        if category:
            awarded_on = today - datetime.timedelta(days=rng.randint(30, 5 * 365 - 30))
            category_award_create(
                staff=staff, category=category, awarded_on=awarded_on, order_number=f"№ {rng.randint(10, 99)}-од"
            )
        _achievements(staff, rng, since_year=max(since_year, 2018), today=today)
    return True
