"""The demo's recognition tree: about forty recognitions over the academic year
in the main school (Берёзовская), each for a concrete piece of help, most of them
pointing at the demo's own lessons, team outcomes, materials, problem-theme days,
network pair results and the network seminar; a few name colleagues of the
partner school (Ольховская), so both schools see them; a few more from the
previous year keep a past tree to look at. Written through the service, so the
people with a login are notified as they would be. Safe to run again."""

import datetime
import random

from django.db import transaction
from django.utils import timezone

from apps.community.models import Material
from apps.core.dates import academic_year_bounds, academic_year_of
from apps.mentoring.models import MentorGroupMember, NetworkPairResult
from apps.network_events.models import Event, Registration
from apps.problemdays.models import ProblemDay
from apps.recognition.models import Recognition
from apps.recognition.services import recognition_create
from apps.staff.models import StaffMember
from apps.teams.models import TeamMember, TeamOutcome
from apps.visits.models import LessonVisit, VisitObserver

ABOUT_LESSON = (
    "За открытый урок «{topic}» в {grade} и разбор после него: теперь держу паузу после вопроса",
    "За урок «{topic}» ({grade}): приём «тонкие и толстые вопросы» забираю в свои 6-е классы",
    "За то, что пустила на урок «{topic}» в {grade} и спокойно выслушала мои наблюдения по одному аспекту",
    "За урок «{topic}»: увидела, как взаимопроверка в парах экономит десять минут урока",
)
ABOUT_DEBRIEF = "За бережный разбор моего урока «{topic}» в {grade}: один аспект и два конкретных шага"
ABOUT_OUTCOME = (
    "За «{title}»: довели работу команды до результата, и им уже пользуется вся школа",
    "За «{title}»: взяли на себя самую трудную часть и собрали всё к сроку",
)
ABOUT_MATERIAL = (
    "За материал «{title}»: взяла для урока в 7Б, дети впервые сами сформулировали цель",
    "За материал «{title}»: понятная структура, переделала под свои 5-е классы за вечер",
    "За «{title}»: подробные комментарии к каждому шагу, разобралась без вопросов",
)
ABOUT_DAY = (
    "За подготовку дня «{title}»: маршруты групп и станции получились живыми, дети не хотели расходиться",
    "За проведение дня «{title}»: договорились с партнёрами и собрали рефлексию с каждой группы",
)
ABOUT_RESULT = "За сетевой результат «{title}»: посмотрели его на заседании ШМО и взяли два приёма"
ABOUT_EVENT = (
    "За семинар «{title}»: лист самооценки уже работает в моём 5А",
    "За семинар «{title}»: наконец поняла, чем критерии отличаются от отметки",
)
PLAIN = (
    "За то, что подменила мои уроки в 6А, пока я была на курсах, и оставила подробные записи, что успели",
    "За помощь с электронным журналом: показала, как выгрузить отчёт по успеваемости за четверть",
    "За совет по работе с тревожным учеником в 8Б: договорились о тихом знаке, и он стал отвечать у доски",
    "За подборку заданий по функциональной грамотности для 9-х классов к пробному экзамену",
    "За практикум по интерактивной доске перед педсоветом: теперь не боюсь вести с ней урок",
    "За организацию школьного этапа олимпиады по биологии: задания, проверка и протоколы в срок",
    "За наставничество: каждую неделю находит время разобрать со мной планы уроков на следующую неделю",
    "За общий проект с 5-ми классами «Книга о родном селе»: литература и технология на одном занятии",
    "За помощь в подготовке к аттестации: разобрали портфолио и самоанализ урока по шагам",
    "За поддержку на родительском собрании в 7А и готовые ответы про новую систему оценивания",
    "За то, что взяла мой кружок робототехники на две недели и довела ребят до районного конкурса",
    "За чек-лист подготовки к ВПР по математике: раздала его всем классным руководителям",
    "За идею утренних пятиминуток в учительской: каждый делится одним приёмом, который сработал",
)
PLAIN_NETWORK = (
    "За консультацию по смысловому чтению для наших учителей начальных классов в сетевой паре",
    "За приглашение на открытый урок в Ольховской школе и подробный разбор после него",
)
PAST_YEAR = (
    "За помощь в подготовке к педсовету по формирующему оцениванию: собрали примеры из уроков",
    "За открытый урок химии в 9А: опыты в парах с листами наблюдений",
    "За то, что провела для новеньких экскурсию по школе и рассказала, где что лежит",
    "За проверку олимпиадных работ в выходной, чтобы дети узнали результаты до каникул",
    "За школьный театр на последнем звонке: сценарий, репетиции и костюмы вместе с детьми",
    "За наставничество в первый год: без этих разговоров я бы не осталась в школе",
)


def _people(school):
    return list(StaffMember.objects.filter(school=school, is_active=True).select_related("school").order_by("pk"))


def _candidates(main, ours):
    """(author, recipients, text, link kind, link id) for each concrete thing of the demo."""
    rng = random.Random(21)  # nosec B311 - a fixed demo, not a secret
    by_pk = {person.pk: person for person in ours}
    found = []
    held = (
        LessonVisit.objects.filter(school=main, status__in=LessonVisit.LESSON_HELD_STATUSES)
        .select_related("observed")
        .order_by("starts_at", "pk")
    )
    for n, visit in enumerate(held[:8]):
        observers = [
            by_pk[o] for o in VisitObserver.objects.filter(visit=visit).values_list("staff", flat=True) if o in by_pk
        ]
        if not observers or visit.observed_id not in by_pk:
            continue
        values = {"topic": visit.topic, "grade": visit.grade}
        if n % 4 == 3:
            found.append((visit.observed, [observers[0]], ABOUT_DEBRIEF.format(**values), "visit", visit.pk))
        else:
            text = ABOUT_LESSON[n % len(ABOUT_LESSON)].format(**values)
            found.append((observers[0], [visit.observed], text, "visit", visit.pk))
    for n, outcome in enumerate(TeamOutcome.objects.for_school(main).select_related("team").order_by("pk")[:3]):
        members = [
            by_pk[s] for s in TeamMember.objects.filter(team=outcome.team).values_list("staff", flat=True) if s in by_pk
        ]
        if len(members) < 2:
            continue
        text = ABOUT_OUTCOME[n % len(ABOUT_OUTCOME)].format(title=outcome.title)
        found.append((members[0], members[1:3], text, "team_outcome", outcome.pk))
    materials = Material.objects.filter(school=main, circle__in=("school", "network")).order_by("pk")
    for n, material in enumerate(materials[:6]):
        authors = [p for p in ours if p.pk != material.author_id]
        if material.author_id not in by_pk or not authors:
            continue
        text = ABOUT_MATERIAL[n % len(ABOUT_MATERIAL)].format(title=material.title)
        found.append((rng.choice(authors), [by_pk[material.author_id]], text, "material", material.pk))
    for n, day in enumerate(ProblemDay.objects.filter(school=main).order_by("date", "pk")[:3]):
        organisers = [by_pk[s] for s in day.organisers.values_list("pk", flat=True) if s in by_pk]
        others = [p for p in ours if p not in organisers]
        if not organisers or not others:
            continue
        text = ABOUT_DAY[n % len(ABOUT_DAY)].format(title=day.title)
        found.append((rng.choice(others), organisers[:3], text, "problem_day", day.pk))
    results = NetworkPairResult.objects.for_school(main).select_related("group__curator").order_by("pk")[:3]
    for result in results:
        members = list(
            StaffMember.objects.filter(
                pk__in=MentorGroupMember.objects.filter(group=result.group).values("staff")
            ).select_related("school")
        )
        curator = result.group.curator
        if not members or curator.pk not in by_pk:
            continue
        found.append((curator, members, ABOUT_RESULT.format(title=result.title), "network_result", result.pk))
    events = Event.objects.filter(school=main).exclude(status=Event.Status.CANCELLED).order_by("starts_at", "pk")
    for event in events[:2]:
        leads = list(event.leads.select_related("school"))
        came = (
            Registration.objects.filter(event=event, status=Registration.Status.REGISTERED)
            .select_related("staff__school")
            .order_by("pk")
        )
        attendees = [r.staff for r in came if r.staff not in leads]
        if not leads:
            continue
        # Two of the people who came, one of them from the partner school when there is one.
        chosen = attendees[:1] + [a for a in attendees if a.school_id != main.pk][:1]
        for n, author in enumerate(chosen):
            text = ABOUT_EVENT[n % len(ABOUT_EVENT)].format(title=event.title.split("«")[-1].rstrip("»"))
            found.append((author, leads, text, "event", event.pk))
    return found


def _moments(school, start, end, count):
    """`count` school-day moments spread from `start` to `end` (dates), in order."""
    days = max((end - start).days, 1)
    moments = []
    for n in range(count):
        day = start + datetime.timedelta(days=round(n * days / max(count - 1, 1)))
        if day.weekday() >= 5:
            day -= datetime.timedelta(days=day.weekday() - 4)
        day = max(day, start)
        moments.append(
            datetime.datetime.combine(day, datetime.time(14 + n % 3, 10 + (n * 7) % 45), tzinfo=school.tzinfo)
        )
    return moments


@transaction.atomic
def seed_recognition(*, schools, today, now=None):
    """Nothing if the main school has recognitions already."""
    now = now or timezone.now()
    main, partner = schools["main"], schools.get("partner")
    if Recognition.objects.filter(school=main).exists():
        return False
    ours = _people(main)
    theirs = _people(partner) if partner is not None and main.network_id else []
    if len(ours) < 3:
        return False
    rng = random.Random(2021)  # nosec B311 - a fixed demo, not a secret
    plan = _candidates(main, ours)
    for n, text in enumerate(PLAIN):
        author, recipient = ours[(3 * n + 1) % len(ours)], ours[(5 * n + 2) % len(ours)]
        if author == recipient:
            recipient = ours[(5 * n + 3) % len(ours)]
        plan.append((author, [recipient], text, "", None))
    for n, text in enumerate(PLAIN_NETWORK if theirs else ()):
        plan.append((ours[(7 * n + 4) % len(ours)], [theirs[n % len(theirs)]], text, "", None))
    rng.shuffle(plan)

    start = academic_year_bounds(academic_year_of(today))[0]
    latest = min(today - datetime.timedelta(days=1), now.astimezone(main.tzinfo).date())
    moments = _moments(main, start, max(latest, start), len(plan))
    for (author, recipients, text, kind, pk), at in zip(plan, moments, strict=True):
        if not author.is_active or any(not p.is_active or p.pk == author.pk for p in recipients):
            continue
        recognition_create(
            author=author, recipients=recipients, text=text[:300], link_kind=kind, link_id=pk, now=min(at, now)
        )

    # Last year's tree stays viewable.
    past_start, past_end = academic_year_bounds(academic_year_of(today) - 1)
    for n, (text, at) in enumerate(zip(PAST_YEAR, _moments(main, past_start, past_end, len(PAST_YEAR)), strict=True)):
        author, recipient = ours[(2 * n + 5) % len(ours)], ours[(3 * n + 7) % len(ours)]
        if author == recipient:
            recipient = ours[(3 * n + 8) % len(ours)]
        recognition_create(author=author, recipients=[recipient], text=text, now=at)
    return True
