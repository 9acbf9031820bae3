"""The demo's collective-work rating: the main school's criteria, modelled on the seed's
emphasis on collective work (mentoring, visits with a debrief on time, reverse visits, task
teams, problem-theme days, partners, network results, the community, seminars led, and one
manual criterion), its commission (the director, and the deputy head named by the school),
last quarter approved with a remark that was answered, and this quarter open. It runs
after the rest of the demo: the sheets are computed from the demo's own records. Safe to
run again."""

import datetime
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from apps.core.dates import add_months
from apps.core.indicators import INDICATORS
from apps.ratings import services
from apps.ratings.models import CommissionMember, Criterion, RatingPeriod, Sheet
from apps.staff.models import StaffMember

# (indicator key or "" for manual, title, points per unit, cap)
CRITERIA = [
    ("mentoring.months_as_mentor", "Наставничество в паре или триаде (за месяц работы)", "2", "6"),
    ("mentoring.months_as_curator", "Кураторство пары или триады (за месяц работы)", "2", "6"),
    ("mentoring.months_as_peer", "Работа в триаде равных (за месяц работы)", "1", "3"),
    ("visits.observed_on_time", "Посещённые уроки коллег с разбором в течение 48 часов", "1", "6"),
    ("visits.reverse_visits", "Обратные посещения в паре или триаде", "1.5", "6"),
    ("teams.membership", "Работа в команде под задачу", "1", "4"),
    ("teams.outcomes", "Результаты команды под задачу", "2", "6"),
    ("problemdays.roles", "Роли в подготовке проблемно-тематического дня", "1", "3"),
    ("problemdays.activities_led", "Проведённые мероприятия проблемно-тематического дня", "2", "6"),
    ("partners.activities_responsible", "Совместные мероприятия с социальными партнёрами", "2", "6"),
    ("mentoring.network_results", "Результаты сетевых пар, представленные сети", "3", "6"),
    ("network_events.events_led", "Проведённые сетевые семинары и мастер-классы", "3", "9"),
    ("community.materials_shared", "Разработки, размещённые в сетевом сообществе", "1", "4"),
    ("community.comments_helped", "Комментарии коллегам, отмеченные «помогло»", "0.5", "2"),
    ("", "Открытые занятия для коллег вне плана (вносит комиссия)", "2", "6"),
]

REMARK = (
    "В листе не учтено открытое занятие для молодых учителей 12-го числа второго месяца: "
    "прошу проверить запись в журнале ШМО."
)
ANSWER = (
    "Проверили: занятие проведено, внесено вручную по критерию «Открытые занятия для коллег вне плана» "
    "со ссылкой на протокол заседания ШМО."
)


def _quarter_start(day):
    return datetime.date(day.year, (day.month - 1) // 3 * 3 + 1, 1)


def _card(school, user):
    return StaffMember.objects.filter(school=school, user=user, is_active=True).first()


def _criteria(school):
    for position, (key, title, per_unit, cap) in enumerate(CRITERIA, 1):
        if key and INDICATORS.get(key) is None:
            continue  # an indicator the catalogue does not (yet) hold
        services.criterion_save(
            school=school,
            indicator_key=key,
            title=title,
            points_per_unit=Decimal(per_unit),
            cap=Decimal(cap),
            position=position,
        )
    return Criterion.objects.get(school=school, indicator_key="")


def _at(day, hour, tz):
    return datetime.datetime.combine(day, datetime.time(hour, 0), tzinfo=tz)


@transaction.atomic
def seed_ratings(*, schools, users, today):
    """Nothing if the main school already has criteria."""
    school = schools["main"]
    if Criterion.objects.filter(school=school).exists():
        return False
    tz, now = school.tzinfo, timezone.now()
    director = users["director@berezovka.demo"]
    teacher = _card(school, users["teacher@berezovka.demo"])
    deputy = _card(school, users["zavuch@berezovka.demo"])
    if deputy is not None and not CommissionMember.objects.filter(school=school, staff=deputy).exists():
        services.commission_member_add(school=school, staff=deputy)
    manual = _criteria(school)

    # Last quarter: computed, a remark answered with a manual entry, approved.
    this_quarter = _quarter_start(today)
    last_start = add_months(this_quarter, -3)
    last_end = this_quarter - datetime.timedelta(days=1)
    # The commission met two weeks after the quarter (yesterday at the latest): approval
    # comes on its date, once the remarks are in.
    commission_day = min(last_end + datetime.timedelta(days=14), today - datetime.timedelta(days=1))
    approved = services.period_create(
        school=school, kind=RatingPeriod.Kind.QUARTER, starts_on=last_start, remarks_until=commission_day
    )
    moments = [min(_at(commission_day, hour, tz), now - datetime.timedelta(hours=12 - hour)) for hour in (9, 10, 11)]
    services.period_compute(period=approved, now=moments[0] - datetime.timedelta(days=5))
    if teacher is not None:
        remark_at = moments[0] - datetime.timedelta(days=3)
        sheet = Sheet.objects.get(period=approved, staff=teacher)
        remark = services.remark_file(sheet=sheet, author=teacher, text=REMARK, now=remark_at)
        services.manual_entry_add(
            period=approved,
            criterion=manual,
            staff=teacher,
            units=Decimal("1"),
            on=last_start + datetime.timedelta(days=42),
            note="Открытое занятие «Смысловое чтение на уроке» для молодых учителей",
            link="https://berezovka.demo/shmo/protokol-2",
            by=director,
        )
        services.period_compute(period=approved, now=moments[0])
        services.remark_answer(remark=remark, answer=ANSWER, by=director, now=moments[1])
    services.period_approve(period=approved, by=director, now=moments[2])

    # This quarter: open, computed from the records so far; remarks until ten days after it.
    current = services.period_create(
        school=school,
        kind=RatingPeriod.Kind.QUARTER,
        starts_on=this_quarter,
        remarks_until=add_months(this_quarter, 3) + datetime.timedelta(days=9),
    )
    services.period_compute(period=current)
    return True
