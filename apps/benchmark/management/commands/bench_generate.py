"""Generate the benchmark's regional dataset: networks of schools, their
staff with category histories, mentor groups, task teams, problem-theme days,
partners and joint activities, and a million lesson visits over ten academic years.

Everything but the visits goes through bulk_create (thousands of rows); the
visits and their observers are built inside PostgreSQL with INSERT … SELECT over
generate_series, which is what makes a million rows take a minute, not an hour.
Each school keeps a fixed set of posts ("slots"); some posts change hands once
during the decade, so every visit is given to the person holding the post on
that day, and nobody is visited before being hired or after leaving.
"""

import datetime
import random
import time

from django.contrib.auth.hashers import make_password
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.utils import timezone
from psycopg2.extras import execute_values

from apps.accounts.models import Membership, Role, School, SchoolNetwork, User
from apps.community.models import Material
from apps.core.dates import academic_year_bounds, academic_year_of
from apps.dashboards.services import summaries_refresh
from apps.mentoring.models import MentorGroup, MentorGroupMember, ProblemTag
from apps.partners.models import JointActivity, PartnerDirection, PartnerOrganisation
from apps.problemdays.models import DayActivity, ProblemDay, Reflection
from apps.staff.models import (
    CATEGORY_VALIDITY_YEARS,
    CategoryAward,
    QualificationCategory,
    StaffMember,
    Subject,
    SubjectAssociation,
)
from apps.teams.models import TaskTeam, TeamMember, TeamOutcome

BENCH_DOMAIN = "bench.local"
BENCH_PASSWORD = "bench-school-2026"  # nosec B105 # the benchmark's throwaway logins
TIME_ZONE = "Europe/Samara"
SUBJECTS = (
    "Русский язык",
    "Литература",
    "Математика",
    "Физика",
    "Химия",
    "Биология",
    "История",
    "География",
    "Английский язык",
    "Информатика",
)
ASSOCIATIONS = ("ШМО гуманитарного цикла", "ШМО естественно-научного цикла", "ШМО математики", "ШМО начальных классов")
SURNAMES = ("Иванов", "Петров", "Смирнов", "Кузнецов", "Попов", "Соколов", "Лебедев", "Козлов", "Новиков", "Морозов")
FIRST_NAMES = ("Анна", "Мария", "Елена", "Ольга", "Наталья", "Ирина", "Светлана", "Сергей", "Андрей", "Татьяна")
PATRONYMICS = ("Ивановна", "Петровна", "Сергеевна", "Николаевна", "Викторовна", "Андреевна")
# Words and phrases of Russian pedagogy the community's generated texts are drawn from: the first are
# drawn most often (a Zipf-like draw), so «урок» is common and the last ones are rare.
COMMUNITY_WORDS = (
    "урок",
    "ученики",
    "класс",
    "задание",
    "текст",
    "работа в группах",
    "обратная связь",
    "оценивание",
    "смысловое чтение",
    "формирующее оценивание",
    "проектная деятельность",
    "рефлексия",
    "цель урока",
    "учебная задача",
    "мотивация",
    "функциональная грамотность",
    "читательская грамотность",
    "математическая грамотность",
    "естественно-научная грамотность",
    "критическое мышление",
    "диалог",
    "вопросы учителя",
    "работа в парах",
    "дифференциация",
    "индивидуальный подход",
    "домашнее задание",
    "контрольная работа",
    "самостоятельная работа",
    "проверочная работа",
    "ВПР",
    "ОГЭ",
    "ЕГЭ",
    "подготовка к экзамену",
    "олимпиада",
    "исследовательская работа",
    "учебный проект",
    "кейс",
    "игровые технологии",
    "технология развития критического мышления",
    "кластер",
    "синквейн",
    "инсерт",
    "денотатный граф",
    "таблица «знаю — хочу узнать — узнал»",
    "мозговой штурм",
    "ментальная карта",
    "лист самооценки",
    "критерии оценивания",
    "чек-лист",
    "рубрики",
    "взаимооценка",
    "самооценка",
    "портфолио",
    "рабочая программа",
    "тематическое планирование",
    "технологическая карта урока",
    "конспект урока",
    "методическая разработка",
    "презентация",
    "мастер-класс",
    "видеоурок",
    "открытый урок",
    "внеурочная деятельность",
    "классный час",
    "родительское собрание",
    "работа с родителями",
    "адаптация пятиклассников",
    "преемственность",
    "начальная школа",
    "основная школа",
    "старшая школа",
    "профильное обучение",
    "ФГОС",
    "федеральная рабочая программа",
    "метапредметные результаты",
    "личностные результаты",
    "предметные результаты",
    "универсальные учебные действия",
    "познавательные действия",
    "коммуникативные действия",
    "регулятивные действия",
    "учебное сотрудничество",
    "смешанное обучение",
    "перевёрнутый класс",
    "цифровые ресурсы",
    "электронный журнал",
    "интерактивная доска",
    "онлайн-тренажёр",
    "дистанционное обучение",
    "видеофрагмент",
    "учебный диалог",
    "проблемная ситуация",
    "проблемный вопрос",
    "постановка проблемы",
    "выдвижение гипотезы",
    "эксперимент",
    "лабораторная работа",
    "практическая работа",
    "наблюдение",
    "экскурсия",
    "музейный урок",
    "урок-путешествие",
    "урок-игра",
    "квест",
    "дебаты",
    "ролевая игра",
    "театрализация",
    "чтение с остановками",
    "пересказ",
    "сочинение",
    "изложение",
    "диктант",
    "орфография",
    "пунктуация",
    "словарная работа",
    "устная речь",
    "письменная речь",
    "работа с текстом",
    "анализ стихотворения",
    "анализ эпизода",
    "литературная гостиная",
    "дроби",
    "уравнения",
    "текстовые задачи",
    "геометрия",
    "функции",
    "вероятность и статистика",
    "устный счёт",
    "решение задач",
    "моделирование",
    "закон Ома",
    "механика",
    "оптика",
    "электричество",
    "фотосинтез",
    "клетка",
    "экосистема",
    "химические реакции",
    "периодическая система",
    "география России",
    "климат",
    "карта",
    "история России",
    "Великая Отечественная война",
    "исторический источник",
    "обществознание",
    "финансовая грамотность",
    "права ребёнка",
    "английский язык",
    "Present Perfect",
    "аудирование",
    "говорение",
    "лексика",
    "грамматика",
    "информатика",
    "алгоритмы",
    "программирование",
    "робототехника",
    "технология",
    "изобразительное искусство",
    "музыка",
    "физическая культура",
    "здоровьесбережение",
    "дисциплина на уроке",
    "тишина в классе",
    "правила работы",
    "организационный момент",
    "актуализация знаний",
    "первичное закрепление",
    "контроль и коррекция",
    "итог урока",
    "домашнее задание по выбору",
    "опережающее задание",
    "дети с ОВЗ",
    "инклюзия",
    "одарённые дети",
    "слабоуспевающие ученики",
    "неуспешность",
    "тревожность",
    "учебная мотивация",
    "интерес к предмету",
    "внимание",
    "память",
    "темп урока",
    "хронометраж",
    "время на объяснение",
    "паузы",
    "смена деятельности",
    "физкультминутка",
    "наглядность",
    "раздаточный материал",
    "опорный конспект",
    "памятка",
    "алгоритм действий",
    "образец",
    "инструкция",
    "карточки",
    "рабочий лист",
    "тетрадь",
    "учебник",
    "хрестоматия",
    "справочник",
    "словарь",
    "атлас",
    "контурная карта",
    "сетевое взаимодействие",
    "наставничество",
    "взаимопосещение",
    "педагогический тур",
    "lesson study",
    "исследование урока",
    "методическое объединение",
    "педсовет",
    "самообразование",
    "аттестация",
    "профессиональные затруднения",
    "школа-лидер",
    "тьюторское сопровождение",
    "совместный семинар",
    "коуч-сессия",
    "вебинар",
    "педагогическая мастерская",
    "фестиваль уроков",
    "конкурс",
    "публикация",
    "обобщение опыта",
    "трансляция опыта",
    "инновационная площадка",
    "проектная неделя",
    "день проблемной темы",
    "метапредметная неделя",
    "интегрированный урок",
    "бинарный урок",
    "межпредметные связи",
    "краеведение",
    "экологическое воспитание",
    "патриотическое воспитание",
    "профориентация",
    "проба профессии",
    "социальный проект",
    "волонтёрство",
    "школьный музей",
    "школьная газета",
    "медиацентр",
    "кружок",
    "элективный курс",
    "индивидуальный проект",
    "защита проекта",
    "рецензия",
    "оппонирование",
    "презентация результатов",
    "стендовый доклад",
    "научное общество учащихся",
    "исследовательская лаборатория",
    "цифровая лаборатория",
    "датчики",
    "микроскоп",
    "гербарий",
    "коллекция минералов",
    "глобус",
    "телескоп",
    "астрономия",
    "погода",
    "времена года",
    "каникулы",
    "четверть",
    "полугодие",
    "сказкотерапия",
    "арт-педагогика",
    "мнемотехника",
    "скорочтение",
    "каллиграфия",
    "шахматы в школе",
    "ментальная арифметика",
    "логические задачи",
    "головоломки",
    "ребусы",
    "кроссворд",
    "викторина",
    "брейн-ринг",
    "интеллектуальный марафон",
    "фенологические наблюдения",
)
# The community's circles: shares of drafts, association, school (the rest: network).
CIRCLE_DRAFT_UNTIL = 0.05
CIRCLE_ASSOCIATION_UNTIL = 0.30
CIRCLE_SCHOOL_UNTIL = 0.65
# A material's versions: 1.3 on average; comments that reply to another.
SECOND_VERSION_SHARE = 0.3
REPLY_SHARE = 0.2
# Who reads a shared row (`{row}`: a material or a question joined with its school `s`), as
# bench_reader's keys: the network's people (the school's alone outside a network), the school's,
# or the association's.
CIRCLE_KEY = """CASE {row}.circle WHEN 'network' THEN 'network:' || COALESCE(s.network_id, -s.id)
                     WHEN 'school' THEN 'school:' || {row}.school_id
                     ELSE 'association:' || {row}.association_id END"""
ANSWERS_PER_QUESTION = 3
PROBLEM_TAGS = (
    "смысловое чтение",
    "дисциплина на уроке",
    "формирующее оценивание",
    "мотивация учеников",
    "работа с неуспевающими",
    "функциональная грамотность",
    "дети с ОВЗ",
    "цифровые ресурсы",
)
# Shares of replaced posts and of triads among groups.
REPLACED_SHARE = 0.12
TRIAD_SHARE = 0.3
# Visit statuses: cancelled, then for lessons whose debrief deadline passed, overdue and late.
CANCELLED_SHARE = 0.04
OVERDUE_UNTIL = 0.10
LATE_UNTIL = 0.20
SECOND_OBSERVER_SHARE = 0.4
# Visits fall on school days up to this many days ahead (the planned ones).
PLANNED_AHEAD_DAYS = 30


def school_sizes(schools, staff_per_school):
    """Staff per school around the mean, in pairs of +d and −d so the total is exact."""
    sizes = []
    for i in range(schools):
        d = ((i // 2) % 4) * staff_per_school // 8
        sizes.append(staff_per_school + (d if i % 2 == 0 else -d))
    if schools % 2:
        sizes[-1] = staff_per_school
    return sizes


class Command(BaseCommand):
    help = "Generate the regional benchmark dataset (schools, staff, groups, teams, a million visits)."

    def add_arguments(self, parser):
        parser.add_argument("--schools", type=int, default=200)
        parser.add_argument("--staff-per-school", type=int, default=25)
        parser.add_argument("--visits", type=int, default=1_000_000)
        parser.add_argument("--years", type=int, default=10)
        parser.add_argument("--materials", type=int, default=100_000)
        parser.add_argument("--comments", type=int, default=500_000)
        parser.add_argument("--questions", type=int, default=20_000)
        parser.add_argument("--network-size", type=int, default=20, help="Schools per network.")
        parser.add_argument("--seed", type=int, default=8)
        parser.add_argument(
            "--force", action="store_true", help="Wipe every school and the bench users first (TRUNCATE … CASCADE)."
        )

    def handle(self, *args, **options):
        if options["staff_per_school"] < 5:
            raise CommandError("--staff-per-school must be at least 5: every school needs a triad and its curator.")
        if min(options["materials"], options["comments"], options["questions"]) < 0:
            raise CommandError("--materials, --comments and --questions must not be negative.")
        if options["schools"] < 1 or options["years"] < 1 or options["visits"] < 0:
            raise CommandError("--schools and --years must be positive, --visits not negative.")
        if School.objects.exists() or User.objects.filter(email__endswith=f"@{BENCH_DOMAIN}").exists():
            if not options["force"]:
                raise CommandError("The database already has schools; use --force to wipe them first.")
            self.wipe()
        self.rng = random.Random(options["seed"])  # nosec B311 # reproducible benchmark data
        self.today = timezone.localdate()
        first_year = academic_year_of(self.today) - options["years"] + 1
        self.span_start, _end = academic_year_bounds(first_year)
        self.years = list(range(first_year, academic_year_of(self.today) + 1))

        started = time.perf_counter()
        with transaction.atomic():
            self.phase("schools, networks and users", self.schools_create, options)
            self.phase("staff, subjects and associations", self.staff_create, options["staff_per_school"])
            self.phase("category awards", self.categories_create)
            self.phase("mentor groups", self.groups_create)
            self.phase("curators' accounts", self.curators_create)
            self.phase("task teams", self.teams_create)
            self.phase("partners and joint activities", self.partners_create)
            self.phase("problem-theme days", self.problem_days_create)
            self.phase(
                "community",
                self.community_create,
                options["materials"],
                options["comments"],
                options["questions"],
            )
            self.phase("lesson visits and observers", self.visits_create, options["visits"], options["seed"])
        self.phase("ANALYZE", self.analyze)
        self.summaries_refresh()
        self.stdout.write(f"bench_generate: done in {time.perf_counter() - started:.1f} s")

    def phase(self, name, function, *args):
        started = time.perf_counter()
        detail = function(*args)
        self.stdout.write(f"bench_generate: {name}: {detail} ({time.perf_counter() - started:.1f} s)")

    def wipe(self):
        with connection.cursor() as cursor:
            cursor.execute("TRUNCATE accounts_school, accounts_schoolnetwork CASCADE")
        User.objects.filter(email__endswith=f"@{BENCH_DOMAIN}").delete()

    def summaries_refresh(self):
        """Fill the dashboards' summary tables, which the dashboards read for past years."""
        self.phase("summaries_refresh()", summaries_refresh)

    def analyze(self):
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
        return "statistics updated"

    # --- schools, networks, users ---------------------------------------------

    def schools_create(self, options):
        size = options["network_size"]
        count = options["schools"]
        networks = SchoolNetwork.objects.bulk_create(
            SchoolNetwork(name=f"Сеть школ № {n + 1} (бенчмарк)", kind=SchoolNetwork.Kind.MUNICIPAL)
            for n in range((count + size - 1) // size)
        )
        self.schools = School.objects.bulk_create(
            School(
                name=f"МБОУ «Средняя общеобразовательная школа № {i + 1}» (бенчмарк)",
                short_name=f"СОШ № {i + 1}",
                municipality=f"Муниципальный район № {i // size + 1}",
                region="Самарская область",
                time_zone=TIME_ZONE,
                network=networks[i // size],
                is_network_leader=i % size == 0,
            )
            for i in range(count)
        )
        password = make_password(BENCH_PASSWORD)
        admins = User.objects.bulk_create(
            User(email=f"admin-{n}@{BENCH_DOMAIN}", first_name="Директор", last_name=f"СОШ № {n}", password=password)
            for n in range(1, count + 1)
        )
        coordinator = User.objects.create(
            email=f"coordinator@{BENCH_DOMAIN}", first_name="Координатор", last_name="Сети № 1", password=password
        )
        memberships = [
            Membership(user=user, school=school, roles=[Role.ADMINISTRATOR, Role.DEPUTY_HEAD])
            for user, school in zip(admins, self.schools, strict=True)
        ]
        # The coordinator also works in the network's leader school, so they have a current school.
        memberships.append(Membership(user=coordinator, school=self.schools[0], roles=[Role.DEPUTY_HEAD]))
        Membership.objects.bulk_create(memberships)
        if hasattr(SchoolNetwork, "coordinators"):
            networks[0].coordinators.add(coordinator)
        return f"{len(networks)} networks, {count} schools, {len(admins) + 1} users"

    def curators_create(self):
        """A login for the curator of each school's network pair of this year, so that the deadline
        board is timed as a curator too (their pair's visits reach the partner school's board)."""
        groups = (
            MentorGroup.objects.filter(status=MentorGroup.Status.ACTIVE, partner_school__isnull=False)
            .select_related("curator", "school")
            .order_by("school_id", "pk")
        )
        curator_of = {}
        for group in groups:
            curator_of.setdefault(group.school_id, group.curator)
        number = {school.pk: n for n, school in enumerate(self.schools, start=1)}
        password = make_password(BENCH_PASSWORD)
        users = User.objects.bulk_create(
            User(
                email=f"curator-{number[school_id]}@{BENCH_DOMAIN}",
                first_name=staff.first_name,
                last_name=staff.last_name,
                password=password,
            )
            for school_id, staff in curator_of.items()
        )
        Membership.objects.bulk_create(
            Membership(user=user, school_id=school_id, roles=[Role.TEACHER, Role.CURATOR])
            for user, school_id in zip(users, curator_of, strict=True)
        )
        for user, staff in zip(users, curator_of.values(), strict=True):
            staff.user = user
        StaffMember.objects.bulk_update(curator_of.values(), ["user"], batch_size=2000)
        return f"{len(users)} curators"

    # --- staff -----------------------------------------------------------------

    def date_between(self, start, end):
        return start + datetime.timedelta(days=self.rng.randint(0, max((end - start).days, 0)))

    def staff_create(self, per_school):
        rng = self.rng
        subjects = Subject.objects.bulk_create(Subject(school=s, name=n) for s in self.schools for n in SUBJECTS)
        associations = SubjectAssociation.objects.bulk_create(
            SubjectAssociation(school=s, name=n) for i, s in enumerate(self.schools) for n in ASSOCIATIONS[: 3 + i % 2]
        )
        subjects_of = {s.pk: [x for x in subjects if x.school_id == s.pk] for s in self.schools}
        associations_of = {s.pk: [x for x in associations if x.school_id == s.pk] for s in self.schools}
        last_switch = self.today - datetime.timedelta(days=60)
        staff, self.posts = [], []
        for school, size in zip(self.schools, school_sizes(len(self.schools), per_school), strict=True):
            replaced = round(size * REPLACED_SHARE)
            holders = size - replaced
            for slot in range(holders):
                teaching_since = self.span_start - datetime.timedelta(days=rng.randint(365, 30 * 365))
                hired_on = max(teaching_since, self.span_start - datetime.timedelta(days=rng.randint(0, 15 * 365)))
                switch_on = None
                if slot < replaced:
                    switch_on = self.date_between(self.span_start + datetime.timedelta(days=365), last_switch)
                post = {"school": school, "switch_on": switch_on, "people": []}
                tenures = [(teaching_since, hired_on, switch_on and switch_on - datetime.timedelta(days=1))]
                if switch_on:
                    tenures.append((switch_on - datetime.timedelta(days=rng.randint(0, 400)), switch_on, None))
                for teaching, hired, left in tenures:
                    n = len(staff)
                    member = StaffMember(
                        school=school,
                        last_name=SURNAMES[n % len(SURNAMES)],
                        first_name=FIRST_NAMES[n % 7],
                        patronymic=PATRONYMICS[n % len(PATRONYMICS)],
                        association=rng.choice(associations_of[school.pk]),
                        teaching_since=teaching,
                        hired_on=hired,
                        is_active=left is None,
                        left_on=left,
                    )
                    staff.append(member)
                    post["people"].append(member)
                self.posts.append(post)
        StaffMember.objects.bulk_create(staff, batch_size=2000)
        links = []
        for member in staff:
            for subject in rng.sample(subjects_of[member.school_id], rng.choice((1, 1, 2))):
                links.append(StaffMember.subjects.through(staffmember_id=member.pk, subject_id=subject.pk))
        StaffMember.subjects.through.objects.bulk_create(links, batch_size=5000)
        self.staff = staff
        self.posts_of = {s.pk: [p for p in self.posts if p["school"].pk == s.pk] for s in self.schools}
        return (
            f"{len(staff)} staff in {len(self.posts)} posts, {len(subjects)} subjects, {len(associations)} associations"
        )

    def person(self, post, day):
        """Who holds the post on `day`."""
        if post["switch_on"] is not None and day >= post["switch_on"]:
            return post["people"][1]
        return post["people"][0]

    def people_on(self, school, day, count):
        return [self.person(post, day) for post in self.rng.sample(self.posts_of[school.pk], count)]

    # --- categories --------------------------------------------------------------

    def categories_create(self):
        rng = self.rng
        weights = {
            QualificationCategory.HIGHEST: 3,
            QualificationCategory.FIRST: 3,
            QualificationCategory.FITS_POST: 3,
            QualificationCategory.NONE: 1,
        }
        awards = []
        for member in self.staff:
            awarded = max(member.hired_on, self.span_start - datetime.timedelta(days=rng.randint(0, 5 * 365)))
            if member.hired_on > self.span_start:  # a newcomer is attested after two years
                awarded = member.hired_on + datetime.timedelta(days=730)
            end = member.left_on or self.today
            while awarded <= end:
                category = rng.choices(list(weights), list(weights.values()))[0]
                valid_until = awarded + datetime.timedelta(days=CATEGORY_VALIDITY_YEARS * 365)
                awards.append(
                    CategoryAward(
                        staff=member,
                        category=category,
                        awarded_on=awarded,
                        valid_until=valid_until,
                        order_number=f"{awarded.year}-{member.pk}",
                    )
                )
                awarded = valid_until + datetime.timedelta(days=rng.randint(-60, 1))
        CategoryAward.objects.bulk_create(awards, batch_size=5000)
        return f"{len(awards)} awards"

    # --- mentor groups -------------------------------------------------------------

    def year_window(self, year):
        return datetime.date(year, 9, 15), datetime.date(year + 1, 5, 31)

    def groups_create(self):
        rng = self.rng
        current = self.years[-1]
        groups, members = [], []
        for school in self.schools:
            partners = [s for s in self.schools if s.network_id == school.network_id and s.pk != school.pk]
            for year in self.years:
                starts_on, ends_on = self.year_window(year)
                status = MentorGroup.Status.ACTIVE if year == current else MentorGroup.Status.COMPLETED
                count = len(self.posts_of[school.pk]) // 5
                # Each post takes part in at most one group a year; one network pair a year.
                people = self.people_on(school, starts_on, len(self.posts_of[school.pk]))
                for g in range(count + (1 if partners else 0)):
                    network = g == count
                    kind = MentorGroup.Kind.TRIAD if rng.random() < TRIAD_SHARE else MentorGroup.Kind.PAIR
                    size = MentorGroup.SIZE[kind]
                    partner = rng.choice(partners) if network else None
                    if network:
                        crew = [people.pop(), *self.people_on(partner, starts_on, size - 1)]
                    else:
                        crew = [people.pop() for _ in range(size)]
                    curator = people[-1]
                    group = MentorGroup(
                        school=school,
                        partner_school=partner,
                        kind=kind,
                        curator=curator,
                        task=f"Как повысить вовлечённость учеников на уроке ({year}/{year + 1})",
                        observed_aspect="вопросы учителя и ответы учеников",
                        starts_on=starts_on,
                        planned_end_on=ends_on,
                        status=(
                            MentorGroup.Status.DISSOLVED
                            if status == MentorGroup.Status.COMPLETED and rng.random() < 0.1
                            else status
                        ),
                    )
                    groups.append(group)
                    roles = ("mentor", "mentee", "peer")
                    members.extend(
                        MentorGroupMember(group=group, staff=person, role=roles[i], slot=i + 1)
                        for i, person in enumerate(crew)
                    )
        MentorGroup.objects.bulk_create(groups, batch_size=2000)
        MentorGroupMember.objects.bulk_create(members, batch_size=5000)
        return f"{len(groups)} groups, {len(members)} members"

    # --- task teams ------------------------------------------------------------------

    def teams_create(self):
        rng = self.rng
        current = self.years[-1]
        teams, members, outcomes = [], [], []
        for school in self.schools:
            for year in self.years:
                for t in range(2):
                    starts_on = datetime.date(year, 10, 1) + datetime.timedelta(days=90 * t)
                    deadline = starts_on + datetime.timedelta(days=150)
                    if year == current:
                        status, closed_on = TaskTeam.Status.WORKING, None
                    elif rng.random() < 0.2:
                        status, closed_on = TaskTeam.Status.ABANDONED, deadline
                    else:
                        status, closed_on = TaskTeam.Status.DISSOLVED, deadline
                    team = TaskTeam(
                        school=school,
                        kind=TaskTeam.Kind.TASK_TEAM if t == 0 else TaskTeam.Kind.PROJECT_GROUP,
                        title=f"Команда «Функциональная грамотность» {year}/{year + 1}, № {t + 1}",
                        task="Подготовить систему заданий на функциональную грамотность для 5–9 классов",
                        expected_result="Банк заданий и методические рекомендации",
                        deadline=deadline,
                        status=status,
                        abandon_reason="Задача потеряла актуальность" if status == TaskTeam.Status.ABANDONED else "",
                        closed_on=closed_on,
                    )
                    teams.append(team)
                    crew = self.people_on(school, starts_on, rng.randint(3, 5))
                    members.extend(
                        TeamMember(team=team, staff=person, role="lead" if i == 0 else "member", joined_on=starts_on)
                        for i, person in enumerate(crew)
                    )
                    if status == TaskTeam.Status.DISSOLVED:
                        outcomes.append(TeamOutcome(team=team, kind=TeamOutcome.Kind.METHOD, title="Банк заданий"))
        TaskTeam.objects.bulk_create(teams, batch_size=2000)
        TeamMember.objects.bulk_create(members, batch_size=5000)
        TeamOutcome.objects.bulk_create(outcomes, batch_size=2000)
        return f"{len(teams)} teams, {len(members)} members, {len(outcomes)} outcomes"

    # --- partners ------------------------------------------------------------------------

    def partners_create(self):
        rng = self.rng
        directions = PartnerDirection.objects.bulk_create(
            PartnerDirection(school=s, name=n) for s in self.schools for n in PartnerDirection.DEFAULTS
        )
        kinds = list(PartnerOrganisation.Kind.values)
        organisations = PartnerOrganisation.objects.bulk_create(
            PartnerOrganisation(
                school=d.school,
                name=f"Партнёр «{d.name}» № {k + 1}",
                kind=rng.choice(kinds),
                direction=d,
                stage=rng.choice(("common_goals", "joint_activity", "partnership")),
            )
            for d in directions
            for k in range(2)
        )
        organisations_of = {s.pk: [o for o in organisations if o.school_id == s.pk] for s in self.schools}
        activities, partner_links, teacher_links = [], [], []
        kinds = list(JointActivity.Kind.values)
        for school in self.schools:
            for year in self.years:
                for a in range(4):
                    day = datetime.date(year, 10, 1) + datetime.timedelta(days=55 * a + rng.randint(0, 30))
                    people = self.people_on(school, min(day, self.today), 3)
                    activity = JointActivity(
                        school=school,
                        title=f"Совместное мероприятие № {a + 1} ({year}/{year + 1})",
                        starts_on=day,
                        kind=rng.choice(kinds),
                        product_text="Сценарий и фотоотчёт",
                        students_count=rng.randint(10, 120),
                        parents_count=rng.randint(0, 30),
                        responsible=people[0],
                        status=JointActivity.Status.HELD if day <= self.today else JointActivity.Status.PLANNED,
                    )
                    activities.append(activity)
                    partner_links.append((activity, rng.sample(organisations_of[school.pk], rng.randint(1, 2))))
                    teacher_links.append((activity, people))
        JointActivity.objects.bulk_create(activities, batch_size=2000)
        JointActivity.partners.through.objects.bulk_create(
            (
                JointActivity.partners.through(jointactivity_id=a.pk, partnerorganisation_id=o.pk)
                for a, orgs in partner_links
                for o in orgs
            ),
            batch_size=5000,
        )
        JointActivity.teachers.through.objects.bulk_create(
            (
                JointActivity.teachers.through(jointactivity_id=a.pk, staffmember_id=p.pk)
                for a, people in teacher_links
                for p in people
            ),
            batch_size=5000,
        )
        return f"{len(organisations)} partners, {len(activities)} joint activities"

    # --- problem-theme days -------------------------------------------------------------------

    def problem_days_create(self):
        rng = self.rng
        tz = timezone.get_fixed_timezone(240)
        days, organisers, activities, responsible, reflections = [], [], [], [], []
        for school in self.schools:
            for year in self.years:
                date = datetime.date(year + 1, 2, 10) + datetime.timedelta(days=rng.randint(0, 60))
                held = date < self.today
                day = ProblemDay(
                    school=school,
                    date=date,
                    working_title=f"День проблемной темы {year}/{year + 1}",
                    theme="Память поколений" if held else "",
                    status=ProblemDay.Status.REFLECTED if held else ProblemDay.Status.PLANNING,
                )
                days.append(day)
                people = self.people_on(school, min(date, self.today), 3)
                organisers.append((day, people[:2]))
                for k in range(3):
                    starts_at = datetime.datetime.combine(date, datetime.time(9 + 2 * k), tz)
                    activity = DayActivity(
                        day=day,
                        title=f"Мероприятие {k + 1}",
                        starts_at=starts_at,
                        ends_at=starts_at + datetime.timedelta(minutes=90),
                        grades="5–9",
                    )
                    activities.append(activity)
                    responsible.append((activity, people[k]))
                if held:
                    reflections.append(
                        Reflection(day=day, what_worked="Дети сами выбрали тему", students_count=rng.randint(50, 400))
                    )
        ProblemDay.objects.bulk_create(days, batch_size=2000)
        ProblemDay.organisers.through.objects.bulk_create(
            ProblemDay.organisers.through(problemday_id=d.pk, staffmember_id=p.pk) for d, ps in organisers for p in ps
        )
        DayActivity.objects.bulk_create(activities, batch_size=2000)
        DayActivity.responsible.through.objects.bulk_create(
            DayActivity.responsible.through(dayactivity_id=a.pk, staffmember_id=p.pk) for a, p in responsible
        )
        Reflection.objects.bulk_create(reflections, batch_size=2000)
        return f"{len(days)} days, {len(activities)} activities"

    # --- lesson visits ---------------------------------------------------------------------------

    def visits_create(self, count, seed):
        """A million visits and their observers in four SQL statements.

        bench_days numbers the school days (weekdays, September to May); bench_slot
        numbers every post of every school (a post's school, its first post's
        number `base`, the school's post count `m`, who holds it before and after
        `switch_on`). A plan row draws a post, a day, a period and the random
        numbers for status, timing, kind and observers; its visit id is drawn from
        the table's sequence up front, so the observers join the plan directly.
        Observers hold other posts of the same school: offsets 1…m−1 from the
        observed post, the second offset differing from the first.
        """
        first_subject = {}
        for link in StaffMember.subjects.through.objects.order_by("subject_id"):
            first_subject.setdefault(link.staffmember_id, link.subject_id)
        slots, g = [], 0
        for school in self.schools:
            posts = self.posts_of[school.pk]
            base = g
            for post in posts:
                g += 1
                before, after = (post["people"] + [None])[:2]
                slots.append(
                    (
                        g,
                        school.pk,
                        base,
                        len(posts),
                        before.pk,
                        after and after.pk,
                        post["switch_on"],
                        first_subject[before.pk],
                        after and first_subject[after.pk],
                    )
                )
        now = timezone.now()
        end = self.today + datetime.timedelta(days=PLANNED_AHEAD_DAYS)
        with connection.cursor() as cursor:
            cursor.execute("SELECT setseed(%s)", [(seed % 1000) / 1000])
            cursor.execute(
                "CREATE TEMP TABLE bench_slot (g int PRIMARY KEY, school_id bigint, base int, m int,"
                " before_id bigint, after_id bigint, switch_on date, subject_before bigint, subject_after bigint)"
                " ON COMMIT DROP"
            )
            execute_values(cursor.cursor, "INSERT INTO bench_slot VALUES %s", slots, page_size=2000)
            cursor.execute(
                """
                CREATE TEMP TABLE bench_days ON COMMIT DROP AS
                SELECT row_number() OVER (ORDER BY d)::int AS n, d::date AS d
                FROM generate_series(%(start)s::date, %(end)s::date, interval '1 day') d
                WHERE extract(isodow FROM d) < 6 AND extract(month FROM d) NOT IN (6, 7, 8)
                """,
                {"start": self.span_start, "end": end},
            )
            cursor.execute("SELECT count(*) FROM bench_days")
            (school_days,) = cursor.fetchone()
            cursor.execute(
                """
                CREATE TEMP TABLE bench_plan ON COMMIT DROP AS
                SELECT nextval(pg_get_serial_sequence('visits_lessonvisit', 'id')) AS id,
                       x.g, s.base, s.m, d.d AS day, x.r_status, x.r_time, x.r_kind, x.r_obs, x.r_two,
                       (d.d + time '08:30' + x.period * interval '55 minutes') AT TIME ZONE %(tz)s AS starts_at
                FROM (SELECT 1 + floor(random() * %(slots)s)::int AS g,
                             1 + floor(random() * %(days)s)::int AS dn,
                             floor(random() * 6)::int AS period,
                             random() AS r_status, random() AS r_time, random() AS r_kind,
                             floor(random() * 1000000)::int AS r_obs, random() AS r_two
                      FROM generate_series(1, %(count)s)) x
                JOIN bench_slot s ON s.g = x.g
                JOIN bench_days d ON d.n = x.dn
                """,
                {"tz": TIME_ZONE, "slots": len(slots), "days": school_days, "count": count},
            )
            cursor.execute(
                """
                INSERT INTO visits_lessonvisit (
                    id, school_id, kind, observed_id, starts_at, ends_at, grade, subject_id, topic,
                    observed_aspect, status, debrief_due_at, debriefed_at, overdue_at, cancel_reason,
                    shared_with_association, created_at)
                SELECT id, school_id, kind, observed_id, starts_at, ends_at, grade, subject_id, topic, aspect, status,
                       due,
                       CASE status
                           WHEN 'debriefed' THEN ends_at + r_time * (LEAST(due, %(now)s) - ends_at)
                           WHEN 'debriefed_late' THEN LEAST(%(now)s, due + (1 + r_time * 71) * interval '1 hour')
                       END,
                       CASE WHEN status IN ('overdue', 'debriefed_late') THEN due END,
                       CASE WHEN status = 'cancelled' THEN 'Учитель на больничном' ELSE '' END,
                       r_two < 0.3,
                       starts_at - interval '7 days'
                FROM (
                    SELECT v.*,
                           CASE
                               WHEN r_status < %(cancelled)s THEN 'cancelled'
                               WHEN ends_at >= %(now)s THEN 'planned'
                               WHEN due > %(now)s THEN CASE WHEN r_status < 0.5 THEN 'held' ELSE 'debriefed' END
                               WHEN r_status < %(overdue)s THEN 'overdue'
                               WHEN r_status < %(late)s THEN 'debriefed_late'
                               ELSE 'debriefed'
                           END AS status
                    FROM (
                        SELECT p.id, p.starts_at, p.r_status, p.r_time, p.r_two, s.school_id,
                               p.starts_at + interval '45 minutes' AS ends_at,
                               p.starts_at + interval '45 minutes' + sc.debrief_hours * interval '1 hour' AS due,
                               CASE WHEN s.after_id IS NOT NULL AND p.day >= s.switch_on
                                    THEN s.after_id ELSE s.before_id END AS observed_id,
                               CASE WHEN s.after_id IS NOT NULL AND p.day >= s.switch_on
                                    THEN s.subject_after ELSE s.subject_before END AS subject_id,
                               CASE WHEN p.r_kind < 0.50 THEN 'pair_visit'
                                    WHEN p.r_kind < 0.65 THEN 'reverse_visit'
                                    WHEN p.r_kind < 0.80 THEN 'curator_visit'
                                    WHEN p.r_kind < 0.88 THEN 'lesson_study'
                                    WHEN p.r_kind < 0.95 THEN 'pedagogical_tour'
                                    ELSE 'open_lesson' END AS kind,
                               (5 + p.r_obs %% 7) || substr('АБВ', 1 + p.r_obs %% 3, 1) AS grade,
                               (ARRAY['Смысловое чтение', 'Дроби', 'Фотосинтез', 'Причастный оборот',
                                      'Закон Ома', 'Великая Отечественная война', 'Present Perfect',
                                      'Алгоритмы'])[1 + p.r_obs %% 8] AS topic,
                               (ARRAY['вопросы учителя', 'работа в группах', 'обратная связь ученикам',
                                      'постановка цели урока', 'рефлексия'])[1 + p.r_obs / 8 %% 5] AS aspect
                        FROM bench_plan p
                        JOIN bench_slot s ON s.g = p.g
                        JOIN accounts_school sc ON sc.id = s.school_id
                    ) v
                ) w
                """,
                {
                    "now": now,
                    "cancelled": CANCELLED_SHARE,
                    "overdue": OVERDUE_UNTIL,
                    "late": LATE_UNTIL,
                },
            )
            visits = cursor.rowcount
            # Pair and reverse visits to a member of a group belong to that group, network pairs included.
            cursor.execute(
                """
                UPDATE visits_lessonvisit v SET group_id = m.group_id
                FROM mentoring_mentorgroupmember m
                JOIN mentoring_mentorgroup g ON g.id = m.group_id
                WHERE m.staff_id = v.observed_id
                  AND v.kind IN ('pair_visit', 'reverse_visit')
                  AND (v.starts_at AT TIME ZONE %(tz)s)::date BETWEEN g.starts_on AND g.planned_end_on
                """,
                {"tz": TIME_ZONE},
            )
            in_groups = cursor.rowcount
            cursor.execute(
                """
                INSERT INTO visits_visitobserver (visit_id, staff_id)
                SELECT o.id, CASE WHEN s.after_id IS NOT NULL AND o.day >= s.switch_on
                                  THEN s.after_id ELSE s.before_id END
                FROM (
                    SELECT id, day, base + (g - base - 1 + 1 + r_obs %% (m - 1)) %% m + 1 AS g FROM bench_plan
                    UNION ALL
                    SELECT id, day, base + (g - base - 1 + 1 + (r_obs %% (m - 1) + 1) %% (m - 1)) %% m + 1
                    FROM bench_plan WHERE r_two < %(second)s
                ) o
                JOIN bench_slot s ON s.g = o.g
                """,
                {"second": SECOND_OBSERVER_SHARE},
            )
            observers = cursor.rowcount
        return f"{visits} visits over {school_days} school days ({in_groups} in groups), {observers} observers"

    # --- the network community ---------------------------------------------------------------------

    def community_create(self, materials, comments, questions):
        """Materials with versions and comments, questions with answers, in INSERT … SELECT statements.

        bench_author numbers the active staff (each with their association); bench_reader numbers
        them within each circle they read (their network, or their school outside one; their school;
        their association), so that comments and answers come from colleagues who see the row.
        Words are drawn Zipf-like from COMMUNITY_WORDS (random()^3): the first are in most texts,
        the last in a few. The generated search vectors are made by the database.
        """
        tags = ProblemTag.objects.bulk_create(
            ProblemTag(school=school, name=name) for school in self.schools for name in PROBLEM_TAGS
        )
        now = timezone.now()
        with connection.cursor() as cursor:
            cursor.execute("SELECT setseed(0.42)")
            cursor.execute(
                """
                CREATE TEMP TABLE bench_author ON COMMIT DROP AS
                SELECT (row_number() OVER (ORDER BY m.id))::int AS n, m.id, m.school_id, m.association_id,
                       COALESCE(s.network_id, -s.id) AS circle_of
                FROM staff_staffmember m JOIN accounts_school s ON s.id = m.school_id
                WHERE m.is_active AND m.association_id IS NOT NULL;
                CREATE TEMP TABLE bench_reader ON COMMIT DROP AS
                SELECT circle_key, id, school_id,
                       (row_number() OVER (PARTITION BY circle_key ORDER BY id))::int AS k
                FROM (SELECT 'network:' || circle_of AS circle_key, id, school_id FROM bench_author
                      UNION ALL SELECT 'school:' || school_id, id, school_id FROM bench_author
                      UNION ALL SELECT 'association:' || association_id, id, school_id FROM bench_author) r;
                CREATE INDEX ON bench_reader (circle_key, k);
                CREATE TEMP TABLE bench_circle ON COMMIT DROP AS
                SELECT circle_key, count(*)::int AS size FROM bench_reader GROUP BY circle_key;
                CREATE TEMP TABLE bench_subject ON COMMIT DROP AS
                SELECT school_id, id, (row_number() OVER (PARTITION BY school_id ORDER BY id))::int AS k,
                       count(*) OVER (PARTITION BY school_id)::int AS size
                FROM staff_subject;
                CREATE INDEX ON bench_subject (school_id, k);
                CREATE TEMP TABLE bench_tag ON COMMIT DROP AS
                SELECT school_id, id, (row_number() OVER (PARTITION BY school_id ORDER BY id))::int AS k
                FROM mentoring_problemtag;
                CREATE INDEX ON bench_tag (school_id, k);
                """
            )
            cursor.execute("SELECT count(*) FROM bench_author")
            (authors,) = cursor.fetchone()
            if not authors:
                return "no staff to write"
            words = {"words": list(COMMUNITY_WORDS), "now": now, "authors": authors}
            kinds = {"kinds": list(Material.Kind.values), "kind_count": len(Material.Kind.values)}
            # A draw of one word, and a text of `n` words (correlated with the row by `g`).
            word = f"(%(words)s::text[])[1 + floor(power(random(), 3) * {len(COMMUNITY_WORDS)})::int]"
            text = (
                "array_to_string(ARRAY(SELECT " + word + " FROM generate_series(1, {n} + {g} %% 5)), ' ')"  # nosec B608 - the benchmark's own words, no input
            )  # the reference to the row's {g} makes it run per row
            shared = f"""
                CASE WHEN r_circle < {CIRCLE_DRAFT_UNTIL} THEN 'draft'
                     WHEN r_circle < {CIRCLE_ASSOCIATION_UNTIL} THEN 'association'
                     WHEN r_circle < {CIRCLE_SCHOOL_UNTIL} THEN 'school' ELSE 'network' END
            """
            cursor.execute(
                f"""
                INSERT INTO community_material (school_id, author_id, association_id, circle, kind, title, topic,
                    description, subject_id, grades, current_version, published_at, created_at, updated_at)
                SELECT a.school_id, a.id, CASE WHEN circle = 'association' THEN a.association_id END, circle,
                       (%(kinds)s::text[])[1 + floor(r_kind * %(kind_count)s)::int],
                       upper(left(title, 1)) || substr(title, 2), topic, description,
                       (SELECT id FROM bench_subject b WHERE b.school_id = a.school_id
                        AND b.k = 1 + (r_subject * 1000)::int %% b.size),
                       CASE WHEN grade < 11 AND r_kind < 0.5 THEN ARRAY[grade, grade + 1] ELSE ARRAY[grade] END,
                       CASE WHEN r_version < {SECOND_VERSION_SHARE} THEN 2 ELSE 1 END,
                       CASE WHEN circle <> 'draft' THEN at END, at, at
                FROM (
                    SELECT g, 1 + floor(random() * %(authors)s)::int AS n, random() AS r_kind,
                           random() AS r_subject, random() AS r_version, 1 + floor(random() * 11)::int AS grade,
                           %(now)s::timestamptz - random() * interval '1095 days' AS at,
                           random() AS r_circle,
                           {text.format(n=1, g="g")} AS title, {text.format(n=1, g="g")} AS topic,
                           {text.format(n=14, g="g")} AS description
                    FROM generate_series(1, %(count)s) g
                ) x CROSS JOIN LATERAL (SELECT {shared} AS circle) c JOIN bench_author a ON a.n = x.n
                """,  # nosec B608 - the benchmark's fixed statements, numbers only
                {**words, **kinds, "count": materials},
            )
            material_count = cursor.rowcount
            cursor.execute(
                """
                INSERT INTO community_materialversion (material_id, number, file, file_size, file_name, link,
                    change_note, title, description, file_erased, created_at)
                SELECT m.id, v, '', 0, '', 'https://example.org/materials/' || m.id || '/' || v,
                       CASE WHEN v > 1 THEN 'Добавлены критерии оценивания по замечаниям коллег' ELSE '' END,
                       m.title, left(m.description, 200), false, m.created_at + (v - 1) * interval '7 days'
                FROM community_material m, generate_series(1, m.current_version) v
                """
            )
            versions = cursor.rowcount
            cursor.execute(
                f"""
                CREATE TEMP TABLE bench_shared ON COMMIT DROP AS
                SELECT (row_number() OVER (ORDER BY m.id))::int AS n, m.id, m.published_at,
                       {CIRCLE_KEY.format(row="m")} AS circle_key, v.id AS version_id
                FROM community_material m
                JOIN accounts_school s ON s.id = m.school_id
                JOIN community_materialversion v ON v.material_id = m.id AND v.number = m.current_version
                WHERE m.circle <> 'draft'
                """  # nosec B608 - the benchmark's fixed statements
            )
            cursor.execute("SELECT count(*) FROM bench_shared")
            (shared_count,) = cursor.fetchone()
            top = round(comments * (1 - REPLY_SHARE)) if shared_count else 0
            # A colleague who sees the material (its network, school or association) writes: the k-th of them.
            colleague = (
                "JOIN bench_circle c ON c.circle_key = x.circle_key"
                " JOIN bench_reader a ON a.circle_key = x.circle_key"
                " AND a.k = 1 + (x.r_author * 1000000)::int %% c.size"
            )
            cursor.execute(
                f"""
                INSERT INTO community_materialcomment (material_id, version_id, school_id, author_id, parent_id,
                    text, helped_at, created_at)
                SELECT x.id, x.version_id, a.school_id, a.id, NULL, x.text,
                       CASE WHEN x.r_helped < 0.1 THEN x.at + interval '1 day' END, x.at
                FROM (
                    SELECT m.*, random() AS r_author, random() AS r_helped,
                           m.published_at + random() * (%(now)s::timestamptz - m.published_at) AS at,
                           {text.format(n=8, g="g")} AS text
                    FROM (SELECT g, 1 + floor(random() * %(shared)s)::int AS n
                          FROM generate_series(1, %(count)s) g) p
                    JOIN bench_shared m ON m.n = p.n
                ) x {colleague}
                """,  # nosec B608 - the benchmark's fixed statements, numbers only
                {**words, "count": top, "shared": max(shared_count, 1)},
            )
            comment_count = cursor.rowcount
            if comment_count:
                cursor.execute(
                    f"""
                    CREATE TEMP TABLE bench_top ON COMMIT DROP AS
                    SELECT (row_number() OVER (ORDER BY c.id))::int AS n, c.id, c.material_id, c.version_id,
                           c.created_at, s.circle_key
                    FROM community_materialcomment c JOIN bench_shared s ON s.id = c.material_id;
                    INSERT INTO community_materialcomment (material_id, version_id, school_id, author_id,
                        parent_id, text, helped_at, created_at)
                    SELECT x.material_id, x.version_id, a.school_id, a.id, x.id,
                           'Спасибо, попробую на своём уроке. А как вы оцениваете работу групп?', NULL,
                           x.created_at + interval '1 day'
                    FROM (
                        SELECT t.*, random() AS r_author
                        FROM (SELECT 1 + floor(random() * %(top)s)::int AS n FROM generate_series(1, %(count)s)) p
                        JOIN bench_top t ON t.n = p.n
                    ) x {colleague}
                    """,  # nosec B608 - the benchmark's fixed statements, numbers only
                    {"top": comment_count, "count": comments - top},
                )
                comment_count += cursor.rowcount
            cursor.execute(
                f"""
                INSERT INTO community_question (school_id, author_id, association_id, circle, title, body,
                    subject_id, published_at, created_at)
                SELECT a.school_id, a.id, CASE WHEN circle = 'association' THEN a.association_id END, circle,
                       'Как ' || title || '?', body,
                       (SELECT id FROM bench_subject b WHERE b.school_id = a.school_id
                        AND b.k = 1 + (r_subject * 1000)::int %% b.size),
                       at, at
                FROM (
                    SELECT g, 1 + floor(random() * %(authors)s)::int AS n, random() AS r_subject,
                           %(now)s::timestamptz - random() * interval '1095 days' AS at,
                           -- a question is never a draft: the shared circles in the materials' proportions
                           {CIRCLE_DRAFT_UNTIL} + random() * (1 - {CIRCLE_DRAFT_UNTIL}) AS r_circle,
                           {text.format(n=2, g="g")} AS title, {text.format(n=12, g="g")} AS body
                    FROM generate_series(1, %(count)s) g
                ) x CROSS JOIN LATERAL (SELECT {shared} AS circle) c JOIN bench_author a ON a.n = x.n
                """,  # nosec B608 - the benchmark's fixed statements, numbers only
                {**words, "count": questions},
            )
            question_count = cursor.rowcount
            cursor.execute(
                f"""
                INSERT INTO community_answer (question_id, school_id, author_id, text, is_accepted, created_at)
                SELECT x.id, a.school_id, a.id, 'Попробуйте ' || x.text, x.number = 1 AND x.r_accept < 0.4,
                       x.created_at + x.number * interval '1 day'
                FROM (
                    SELECT q.id, q.created_at, {CIRCLE_KEY.format(row="q")} AS circle_key, number,
                           random() AS r_author, random() AS r_accept, {text.format(n=6, g="q.id")} AS text
                    FROM community_question q
                    JOIN accounts_school s ON s.id = q.school_id
                    CROSS JOIN generate_series(1, {ANSWERS_PER_QUESTION}) number
                    WHERE q.circle <> 'draft' AND q.id + number > 0
                ) x {colleague}
                """,  # nosec B608 - the benchmark's fixed statements, numbers only
                words,
            )
            answers = cursor.rowcount
            # One or two of the school's problem tags on each material and question.
            for table, column in (("community_material", "material_id"), ("community_question", "question_id")):
                cursor.execute(
                    f"""
                    INSERT INTO {table}_tags ({column}, problemtag_id)
                    SELECT DISTINCT x.id, t.id
                    FROM (
                        SELECT r.id, r.school_id, 1 + (r.id * 7 + extra) % {len(PROBLEM_TAGS)} AS k
                        FROM {table} r CROSS JOIN generate_series(0, 1) extra
                        WHERE extra = 0 OR r.id % 2 = 0
                    ) x JOIN bench_tag t ON t.school_id = x.school_id AND t.k = x.k
                    """  # nosec B608 - the benchmark's fixed statements, numbers only
                )
        return (
            f"{material_count} materials ({versions} versions, {comment_count} comments),"
            f" {question_count} questions ({answers} answers), {len(tags)} problem tags"
        )
