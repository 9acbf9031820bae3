"""The demo programme of interaction and help: this academic year the leader school
Берёзовская helps Ольховская (three professional difficulties, five forms of help,
the network pair among them, responsible people on both sides, six milestones done,
overdue and coming), and last year's programme, reviewed together. Safe to run again."""

import datetime

from django.db import transaction

from apps.community.models import Material
from apps.core.dates import academic_year_of
from apps.core.tenancy import Circle, Viewer
from apps.help_programmes.models import HelpForm, HelpMilestone, Programme, Responsible
from apps.help_programmes.services import (
    difficulty_save,
    help_form_save,
    milestone_done,
    milestone_save,
    programme_agree,
    programme_create,
    programme_review,
    responsible_add,
)
from apps.mentoring.models import MentorGroup, ProblemTag
from apps.staff.models import StaffMember

DIFFICULTIES = [
    ("Смысловое чтение", "Учителя-предметники не владеют приёмами смыслового чтения на своих уроках."),
    ("Формирующее оценивание", "Оценивание сводится к отметке: нет критериев и обратной связи ученику."),
    ("Дисциплина и мотивация на уроке", "Молодым учителям трудно удерживать внимание и мотивацию класса."),
]
RESPONSIBLE = [
    ("main", "Миронова", Responsible.Side.LEADER, "координатор программы от школы-лидера"),
    ("main", "Соколова", Responsible.Side.LEADER, "тьютор, куратор сетевой пары"),
    ("partner", "Крылова", Responsible.Side.SUPPORTED, "координатор программы в школе"),
    ("partner", "Фомин", Responsible.Side.SUPPORTED, "участник сетевой пары"),
]
# (title, days from today, responsible, done days from today or None)
MILESTONES = [
    ("Диагностика профессиональных затруднений педагогов", -75, ("partner", "Крылова"), -76),
    ("Совместный семинар «Формирующее оценивание на уроке»", -30, ("main", "Миронова"), -30),
    ("Первый круг взаимопосещений уроков", -5, ("partner", "Фомин"), None),
    ("Отчёт сетевой пары за четверть", 6, ("main", "Степанова"), None),
    ("Мастер-класс тьютора «Приёмы смыслового чтения»", 12, ("main", "Соколова"), None),
    ("Открытые уроки учителей Ольховской ООШ", 60, ("partner", "Крылова"), None),
]


def _staff(schools, key, last_name):
    return StaffMember.objects.filter(school=schools[key], last_name=last_name).first()


def _this_year(*, schools, today):
    main, partner = schools["main"], schools["partner"]
    day = datetime.timedelta(days=1)
    programme = programme_create(
        leader_school=main,
        supported_school=partner,
        year=academic_year_of(today),
        title="Программа взаимодействия и помощи Ольховской ООШ",
        goal="Помочь педагогам Ольховской ООШ преодолеть профессиональные затруднения в смысловом чтении, "
        "оценивании и мотивации учеников через сетевое взаимодействие со школой-лидером.",
    )
    tags = {tag.name: tag for tag in ProblemTag.objects.filter(school=partner)}
    difficulties = [difficulty_save(programme=programme, text=text, tag=tags.get(name)) for name, text in DIFFICULTIES]
    pair = MentorGroup.objects.filter(school=main, partner_school=partner).order_by("pk").first()
    forms = [
        (HelpForm.Kind.TUTORING, "Тьютор школы-лидера сопровождает молодых учителей: план, консультации.", 2, None),
        (HelpForm.Kind.JOINT_SEMINAR, "Совместные семинары по формирующему оцениванию раз в четверть.", 1, None),
        (HelpForm.Kind.MUTUAL_VISITS, "Взаимопосещения уроков с разбором в течение 48 часов.", 0, None),
        (HelpForm.Kind.NETWORK_PAIR, "Сетевая пара учителей двух школ: общий краеведческий проект.", 0, pair),
        (HelpForm.Kind.SHARED_MATERIALS, "Общие методические материалы в сетевом сообществе.", 0, None),
    ]
    # The shared materials form links the leader school's materials shared with the network.
    leader = Viewer(school_id=main.pk, network_id=main.network_id)
    shared = list(Material.objects.visible_to(leader).filter(school=main, circle=Circle.NETWORK).order_by("pk")[:3])
    for kind, description, difficulty, group in forms:
        help_form_save(
            programme=programme,
            kind=kind,
            description=description,
            difficulty=difficulties[difficulty],
            group=group,
            materials=shared if kind == HelpForm.Kind.SHARED_MATERIALS else None,
            school=main,
        )
    for key, last_name, side, role in RESPONSIBLE:
        person = _staff(schools, key, last_name)
        if person is not None:
            responsible_add(programme=programme, staff=person, side=side, role=role)
    # Agreed first: only an agreed programme's milestones are marked done.
    programme = programme_agree(programme=programme)
    for title, due, (key, last_name), done in MILESTONES:
        milestone = milestone_save(
            programme=programme, title=title, due_on=today + due * day, responsible=_staff(schools, key, last_name)
        )
        if done is not None:
            milestone_done(milestone=milestone, done_on=today + done * day, note="Проведено, материалы в общей папке.")
    # Agreed when the school year began.
    Programme.objects.filter(pk=programme.pk).update(agreed_on=today - 80 * day)
    return programme


def _last_year(*, schools, today):
    main, partner = schools["main"], schools["partner"]
    year = academic_year_of(today) - 1
    programme = programme_create(
        leader_school=main,
        supported_school=partner,
        year=year,
        title="Программа помощи Ольховской ООШ: первый год",
        goal="Наладить взаимопосещения и тьюторское сопровождение молодых учителей.",
    )
    difficulty = difficulty_save(programme=programme, text=DIFFICULTIES[2][1])
    help_form_save(
        programme=programme, kind=HelpForm.Kind.TUTORING, description="Тьюторское сопровождение.", difficulty=difficulty
    )
    help_form_save(programme=programme, kind=HelpForm.Kind.MUTUAL_VISITS, description="Взаимопосещения уроков.")
    programme_agree(programme=programme)
    # Last year's dates lie outside the window the forms offer: written as they were.
    for title, month, day in (("Тьюторский план согласован", 10, 15), ("Взаимопосещения: 12 уроков", 3, 20)):
        due = datetime.date(year if month >= 9 else year + 1, month, day)
        HelpMilestone.objects.create(programme=programme, title=title, due_on=due, done_on=due)
    results = (
        "Затруднение с дисциплиной снято у трёх из четырёх молодых учителей. На следующий год — "
        "смысловое чтение и формирующее оценивание."
    )
    # Each school writes its own analysis; the supported school closes the year.
    programme_review(
        programme=programme,
        side=Responsible.Side.LEADER,
        review_leader="Тьютор провёл 18 консультаций; молодые учителя освоили приёмы удержания внимания класса.",
        results=results,
    )
    programme_review(
        programme=programme,
        side=Responsible.Side.SUPPORTED,
        review_supported="Все молодые учителя посетили уроки наставников; двое провели открытые уроки.",
        results=results,
        complete=True,
    )
    Programme.objects.filter(pk=programme.pk).update(
        agreed_on=datetime.date(year, 9, 25), reviewed_on=datetime.date(year + 1, 6, 10)
    )
    return programme


@transaction.atomic
def seed_help_programmes(*, schools, today):
    """Nothing if the two demo schools already have a programme."""
    if Programme.objects.filter(leader_school=schools["main"], supported_school=schools["partner"]).exists():
        return False
    _last_year(schools=schools, today=today)
    _this_year(schools=schools, today=today)
    return True
