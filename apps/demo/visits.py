"""Demo lesson visits for the demo schools, in every state of the 48-hour rule.

Built on the demo pairs and triads (apps.demo.mentoring). Among them is one visit
whose deadline passed "while the stack was off": held, past `debrief_due_at`,
not flagged. The first deadline sweep after `make run` flags it and notifies its
people, which shows the sweep catching up.
"""

import datetime

from django.db import transaction
from django.urls import reverse

from apps.mentoring.models import GroupEvent, MentorGroup, ProblemTag
from apps.notifications.models import Notification
from apps.notifications.services import notification_send
from apps.staff.models import StaffMember
from apps.visits import services
from apps.visits.models import Feedback, LessonVisit, ObservationProtocol

H = datetime.timedelta(hours=1)
LESSON = datetime.timedelta(minutes=45)

# Feedback on the seven principles: facts before interpretations, the result and
# not the person, tied to the goal, trusting, non-directive questions, a positive
# picture of the future, and a next step with a later look at progress.
FEEDBACK = {
    "english_7b": {
        "facts": (
            "После объяснения правила (10:12–10:20) учитель спросила: «Всем понятно?» — ответили хором трое. "
            "Первое упражнение без ошибок выполнили 6 учеников из 24, у 9 — ошибки в порядке слов, "
            "остальные не успели за 5 минут. Во время объяснения двое учеников на последней парте "
            "смотрели в телефон."
        ),
        "toward_goal": (
            "Опорная таблица на доске: во время упражнения ученики смотрели на неё и сами исправляли порядок "
            "слов (я насчитал 11 таких исправлений). На этапе работы в парах каждая пара проговорила вслух "
            "не меньше двух предложений."
        ),
        "reconsider": (
            "Вопрос «Всем понятно?» не показал, кто понял правило: по упражнению видно, что его усвоила "
            "примерно четверть класса. На первое упражнение ушло 5 минут из запланированных 8."
        ),
        "questions": (
            "Как вы могли бы узнать, кто понял правило, ещё до упражнения? Что изменится, если все ученики "
            "покажут ответ одновременно? Что помогло тем шестерым, кто справился без ошибок?"
        ),
        "next_step": (
            "На двух следующих уроках в 7Б после объяснения — проверка понимания карточками «да/нет» "
            "(3 вопроса, все отвечают одновременно); по результату — задания двух уровней."
        ),
        "debrief_format": "in_person",
    },
    "physics_8a": {
        "facts": (
            "Класс работал в группах по 4 человека, у каждой группы — динамометр и три бруска. "
            "После объяснения учитель попросил каждую группу записать на листе одну фразу: «Сила трения "
            "зависит от …». 5 групп из 6 написали «от веса», одна — «от скорости»."
        ),
        "toward_goal": (
            "Листы групп учитель сразу повесил на доску, и класс сам увидел расхождение; ошибку про скорость "
            "группа исправила после опыта, без подсказки."
        ),
        "reconsider": "Два ученика в группе у окна за весь опыт не взяли динамометр в руки.",
        "questions": ("Как сделать, чтобы в группе измерял каждый? Какие роли можно раздать на следующем опыте?"),
        "next_step": "Попробовать роли в группах (измеряет, записывает, проверяет) на лабораторной в 8А.",
        "debrief_format": "in_person",
    },
    "reading_2a": {
        "facts": (
            "На этапе работы с текстом «Косточка» учитель предложила задать вопрос к тексту соседу по парте. "
            "Вопросы задали 14 учеников из 19; 9 вопросов начинались со слова «почему». Учитель записала "
            "на доске четыре вопроса учеников и по ним построила обсуждение."
        ),
        "toward_goal": (
            "Памятка «Как задать вопрос к тексту» с картинками на каждой парте: ученики заглядывали в неё, "
            "прежде чем спросить."
        ),
        "reconsider": "Пятеро учеников, которые не задали вопрос, во время работы в парах молчали.",
        "questions": "Что помогло бы этим пятерым начать? Какой вопрос вы сами задали бы к этому тексту?",
        "next_step": (
            "На следующем чтении дать пятерым ученикам начало вопроса («Почему Ваня…?») и посмотреть, "
            "сколько из них спросят сами."
        ),
        "debrief_format": "in_person",
    },
    "math_6b": {
        "facts": (
            "Условие задачи на движение ученики читали молча 3 минуты; затем учитель спросила: «Что "
            "нужно найти?» — ответили 4 ученика. Составить краткую запись по условию смогли 11 из 22."
        ),
        "toward_goal": "Схема движения на доске, которую ученики достраивали сами, по очереди выходя к доске.",
        "reconsider": "До составления схемы никто из учеников не сформулировал, что известно в задаче.",
        "questions": "Как ученики могли бы сами сформулировать учебную задачу к условию?",
        "next_step": "Ввести на уроках в 6Б правило «три вопроса к условию» до решения задачи.",
        "debrief_format": "online",
    },
    "math_6b_literature": {
        "facts": (
            "Пока класс решал задачу, учитель подходила к каждой паре; к трём парам — по два раза. "
            "Шесть учеников подняли руку и ждали учителя в среднем по 2 минуты."
        ),
        "toward_goal": "Ученики, составившие схему, объясняли её соседу своими словами.",
        "reconsider": "Ожидание учителя: шесть учеников в это время не работали.",
        "questions": "Кто ещё в классе мог бы помочь тем, кто ждёт?",
        "next_step": "Попробовать «консультантов» из числа учеников на одном из следующих уроков.",
        "debrief_format": "online",
    },
    "history_7": {
        "facts": (
            "Учитель начал урок с вопроса о фотографии старой церкви в соседнем селе; 8 учеников из 13 "
            "рассказали, что знают о ней от родных."
        ),
        "toward_goal": "Связь темы урока с историей села: ученики сами предложили, что узнать дома.",
        "reconsider": "На вопросы о датах отвечал один и тот же ученик.",
        "questions": "Как дать слово тем, кто молчит, не вызывая их к доске?",
        "next_step": "Мини-проект «История моей улицы» в 7 классе до конца четверти.",
        "debrief_format": "in_person",
    },
}

REFLECTIONS = {
    "english_7b": (
        "Я действительно думала, что «Всем понятно?» работает: класс молчит — значит, понятно. По записям "
        "наблюдателя вижу, что молчание ничего не показывает. Попробую карточки; боюсь, что это займёт "
        "много времени, поэтому хочу посмотреть, как проверяет понимание Сергей Александрович, когда буду "
        "у него на обратном посещении."
    ),
    "history_7": ("Заметил, что отвечают одни и те же. Хочу попробовать работу в парах перед общим обсуждением."),
}


def _staff(schools, last_name):
    return StaffMember.objects.filter(school__in=schools, last_name=last_name).get()


def _group(school, *last_names):
    groups = MentorGroup.objects.filter(school=school, status=MentorGroup.Status.ACTIVE)
    for name in last_names:
        groups = groups.filter(members__staff__last_name=name)
    return groups.distinct().first()


def _lesson_at(school, today, days, hour, minute=0):
    """A lesson `days` from today at `hour` in the school's time; Sunday moves to Saturday."""
    day = today + datetime.timedelta(days=days)
    if day.weekday() == 6:
        day -= datetime.timedelta(days=1)
    return datetime.datetime.combine(day, datetime.time(hour, minute), tzinfo=school.tzinfo)


def _ended(now, ago):
    return (now - ago).replace(second=0, microsecond=0)


def _plan(*, school, observed, observers, ends_at, grade, topic, aspect, kind="pair_visit", subject=None, **extra):
    subjects = observed.subjects.order_by("name")
    return services.visit_create(
        school=school,
        kind=kind,
        observed=observed,
        observers=observers,
        starts_at=ends_at - LESSON,
        ends_at=ends_at,
        grade=grade,
        subject=subjects.filter(name=subject).first() if subject else subjects.first(),
        topic=topic,
        observed_aspect=aspect,
        **extra,
    )


def _held(visit, **fields):
    """The lesson took place: the visit awaits its debrief (or is overdue)."""
    LessonVisit.objects.filter(pk=visit.pk).update(status=fields.pop("status", LessonVisit.Status.HELD), **fields)
    if visit.event_id:
        GroupEvent.objects.filter(pk=visit.event_id).update(status=GroupEvent.Status.HELD)
    visit.refresh_from_db()
    return visit


def _debrief(visit, observer, texts, *, held_after, follow_up_in=None, today=None):
    held_at = visit.ends_at + held_after
    fields = dict(texts)
    if follow_up_in is not None:
        fields["follow_up_on"] = today + datetime.timedelta(days=follow_up_in)
    # The observer ticked the protocol's checklist, all but its last item.
    checks = list(services.feedback_check_items(visit=visit))[:-1]
    return services.feedback_submit(
        visit=visit,
        observer=observer,
        now=held_at + datetime.timedelta(minutes=20),
        debrief_held_at=held_at,
        checks=checks,
        **fields,
    )


def _flag_overdue(visit):
    """As the sweep would have done when the deadline passed."""
    _held(visit, status=LessonVisit.Status.OVERDUE, overdue_at=visit.debrief_due_at + datetime.timedelta(minutes=2))
    people = [link.staff for link in visit.observer_links.select_related("staff__user")] + [visit.observed]
    if visit.group_id:
        people.append(visit.group.curator)
    for person in people:
        if person.user_id:
            notification_send(
                user=person.user,
                school=visit.school,
                kind=Notification.Kind.DEBRIEF_OVERDUE,
                key=f"visit:{visit.pk}",
                title=f"Обсуждение просрочено: {visit.observed.short_name}, {visit.grade}, «{visit.topic}»",
                body="Обсуждение посещённого урока проводится не позднее 48 часов после него.",
                url=reverse("visits:detail", args=[visit.pk]),
            )


def _seed_main(*, school, schools, users, today, now):
    protocols = {p.name: p for p in ObservationProtocol.objects.for_school(school)}
    one_aspect = protocols.get("Взаимопосещение: один аспект урока")
    reverse_protocol = protocols.get("Обратное посещение")
    curator_user = users.get("curator@berezovka.demo")
    admin = users.get("director@berezovka.demo")
    staff = {
        name: _staff(schools, name)
        for name in (
            "Белова",
            "Васильев",
            "Кузнецова",
            "Осипова",
            "Николаева",
            "Лебедева",
            "Титов",
            "Степанова",
            "Фомин",
        )
    }
    pair = _group(school, "Васильев", "Белова")
    reading = _group(school, "Кузнецова", "Осипова")
    triad = _group(school, "Николаева", "Лебедева", "Титов")
    network = _group(school, "Степанова", "Фомин")
    visits = []

    if pair is not None:
        aspect = pair.observed_aspect
        # Debriefed on time, with full feedback and the teacher's self-reflection.
        first = _plan(
            school=school,
            group=pair,
            observed=staff["Белова"],
            observers=[staff["Васильев"]],
            ends_at=_lesson_at(school, today, -8, 10, 45),
            grade="7Б",
            topic="Past Simple: правильные и неправильные глаголы",
            aspect=aspect,
            protocol=one_aspect,
            created_by=curator_user,
        )
        _debrief(first, staff["Васильев"], FEEDBACK["english_7b"], held_after=20 * H, follow_up_in=6, today=today)
        services.self_reflection_save(visit=first, text=REFLECTIONS["english_7b"])
        # She shares it with her association: the colleagues in it now read it; the
        # director, whose card is in it too, does not (administration never does).
        services.visit_share_set(visit=first, shared=True)
        # The reverse visit answering it: the observed teacher visits back.
        back = _plan(
            school=school,
            group=pair,
            kind="reverse_visit",
            observed=staff["Васильев"],
            subject="Физика",
            observers=[staff["Белова"]],
            ends_at=_lesson_at(school, today, -5, 11, 45),
            grade="8А",
            topic="Сила трения",
            aspect=aspect,
            protocol=reverse_protocol,
            answers_visit=first,
            created_by=curator_user,
        )
        _debrief(back, staff["Белова"], FEEDBACK["physics_8a"], held_after=26 * H, follow_up_in=9, today=today)
        # Held five hours ago: the demo teacher (Белова) observed it and owes feedback.
        owed = _plan(
            school=school,
            group=pair,
            observed=staff["Васильев"],
            subject="Физика",
            observers=[staff["Белова"]],
            ends_at=_ended(now, 5 * H),
            grade="7А",
            topic="Закон Архимеда",
            aspect=aspect,
            protocol=one_aspect,
            created_by=curator_user,
        )
        visits += [first, back, _held(owed)]

    if reading is not None:
        aspect = reading.observed_aspect
        # Planned for later this week.
        upcoming = _plan(
            school=school,
            group=reading,
            observed=staff["Осипова"],
            observers=[staff["Кузнецова"]],
            ends_at=_lesson_at(school, today, 3, 9, 45),
            grade="2А",
            topic="Н. Носов «Живая шляпа»: чтение по ролям",
            aspect=aspect,
            protocol=one_aspect,
            created_by=curator_user,
        )
        # Debriefed on time with a next step, and no reverse visit yet: on the curator's board.
        debriefed = _plan(
            school=school,
            group=reading,
            observed=staff["Осипова"],
            observers=[staff["Кузнецова"]],
            ends_at=_lesson_at(school, today, -9, 9, 45),
            grade="2А",
            topic="Л. Толстой «Косточка»",
            aspect=aspect,
            protocol=one_aspect,
            created_by=curator_user,
        )
        _debrief(debriefed, staff["Кузнецова"], FEEDBACK["reading_2a"], held_after=4 * H, follow_up_in=5, today=today)
        # Overdue, already flagged by the sweep (and its people notified).
        overdue = _plan(
            school=school,
            group=reading,
            observed=staff["Кузнецова"],
            observers=[staff["Осипова"]],
            ends_at=_lesson_at(school, today, -3, 10, 45),
            grade="3А",
            topic="Сказки народов России",
            aspect=aspect,
            protocol=one_aspect,
            created_by=curator_user,
        )
        _flag_overdue(overdue)
        # Cancelled, with a reason.
        cancelled = _plan(
            school=school,
            group=reading,
            observed=staff["Кузнецова"],
            observers=[staff["Осипова"]],
            ends_at=_lesson_at(school, today, 1, 11, 45),
            grade="3А",
            topic="Устное народное творчество",
            aspect=aspect,
            protocol=one_aspect,
            created_by=curator_user,
        )
        services.visit_cancel(
            visit=cancelled, reason="Урок перенесён: 3А в этот день едет на экскурсию в районную библиотеку."
        )
        visits += [upcoming, debriefed, overdue, cancelled]

    if triad is not None:
        aspect = triad.observed_aspect
        # Debriefed late: the debrief was held 60 hours after the lesson.
        late = _plan(
            school=school,
            group=triad,
            observed=staff["Николаева"],
            observers=[staff["Лебедева"], staff["Титов"]],
            ends_at=_lesson_at(school, today, -12, 10, 45),
            grade="6Б",
            topic="Задачи на движение",
            aspect=aspect,
            protocol=one_aspect,
            created_by=admin,
        )
        _debrief(late, staff["Лебедева"], FEEDBACK["math_6b"], held_after=60 * H, follow_up_in=4, today=today)
        _debrief(late, staff["Титов"], FEEDBACK["math_6b_literature"], held_after=60 * H)
        LessonVisit.objects.filter(pk=late.pk).update(overdue_at=late.debrief_due_at + datetime.timedelta(minutes=2))
        # Ended 30 hours ago: within 24 hours of its deadline, the sweep reminds its people.
        reminder = _plan(
            school=school,
            group=triad,
            observed=staff["Титов"],
            subject="История",
            observers=[staff["Николаева"], staff["Лебедева"]],
            ends_at=_ended(now, 30 * H),
            grade="5Б",
            topic="Древний Египет: пирамиды",
            aspect=aspect,
            protocol=one_aspect,
            created_by=admin,
        )
        visits += [late, _held(reminder)]

    if staff["Титов"].school_id == school.pk and staff["Белова"].school_id == school.pk:
        # The curator plans a visit outside her groups, taking no part in it: she
        # opens its facts and finds it under «Запланированные мной посещения».
        visits.append(
            _plan(
                school=school,
                kind="curator_visit",
                observed=staff["Титов"],
                subject="История",
                observers=[staff["Белова"]],
                ends_at=_lesson_at(school, today, 4, 12, 45),
                grade="6А",
                topic="Великое переселение народов",
                aspect="Как ученики работают с исторической картой",
                protocol=one_aspect,
                created_by=curator_user,
            )
        )

    if network is not None:
        # The deadline passed while the stack was off: held, past due, not flagged.
        # The first sweep after `make run` flags it and notifies its people.
        missed = _plan(
            school=school,
            group=network,
            observed=staff["Степанова"],
            observers=[staff["Фомин"]],
            ends_at=_ended(now, 50 * H),
            grade="6А",
            topic="Природа родного края",
            aspect=network.observed_aspect,
            protocol=one_aspect,
            created_by=curator_user,
        )
        visits.append(_held(missed))
    return visits


def _seed_partner(*, school, schools, users, today, now):
    """The partner school has no pairs yet: a curator visit and an open lesson."""
    protocol = ObservationProtocol.objects.for_school(school).first()
    creator = users.get("curator@olkhovka.demo")
    staff = {name: _staff([school], name) for name in ("Зайцева", "Воронина", "Фомин", "Полякова", "Сидорова")}
    debriefed = _plan(
        school=school,
        kind="curator_visit",
        observed=staff["Фомин"],
        observers=[staff["Зайцева"]],
        ends_at=_lesson_at(school, today, -6, 10, 45),
        grade="7",
        topic="Смутное время",
        aspect="Как учитель даёт слово молчащим ученикам",
        protocol=protocol,
        created_by=creator,
    )
    _debrief(debriefed, staff["Зайцева"], FEEDBACK["history_7"], held_after=22 * H, follow_up_in=14, today=today)
    services.self_reflection_save(visit=debriefed, text=REFLECTIONS["history_7"])
    awaiting = _plan(
        school=school,
        kind="curator_visit",
        observed=staff["Воронина"],
        observers=[staff["Зайцева"]],
        ends_at=_ended(now, 20 * H),
        grade="5",
        topic="My family",
        aspect="Сколько времени на уроке говорят ученики",
        protocol=protocol,
        created_by=creator,
    )
    open_lesson = _plan(
        school=school,
        kind="open_lesson",
        observed=staff["Полякова"],
        subject="Биология",
        observers=[staff["Фомин"], staff["Сидорова"]],
        ends_at=_lesson_at(school, today, 5, 11, 45),
        grade="8",
        topic="Экосистема пруда",
        aspect="Вопросы учеников во время исследования",
        protocol=protocol,
        created_by=creator,
    )
    return [debriefed, _held(awaiting), open_lesson]


@transaction.atomic
def seed_visits(*, schools, users, today, now):
    """Visits in every state for the demo schools; nothing if the main school has visits."""
    main, partner = schools["main"], schools["partner"]
    if LessonVisit.objects.filter(school=main).exists():
        return False
    for school in (main, partner):
        services.protocols_ensure_defaults(school=school)
        services.evaluative_words_ensure(school=school)
    visits = _seed_main(school=main, schools=[main, partner], users=users, today=today, now=now)
    visits += _seed_partner(school=partner, schools=[partner], users=users, today=today, now=now)
    # The demo sends no letters; notices of lessons already past are read.
    notifications = Notification.objects.filter(school__in=[main, partner])
    notifications.update(email_sent_at=now)
    past = [f"visit:{visit.pk}" for visit in visits if visit.ends_at <= now]
    notifications.filter(kind=Notification.Kind.VISIT_PLANNED, key__in=past).update(read_at=now)
    _tag_debriefs(main)
    return True


def _tag_debriefs(school):
    """Observers note the problems their visited lessons show: the curator's
    "similar problems" page finds them across groups."""
    tag = ProblemTag.objects.for_school(school).filter(name="Смысловое чтение").first()
    if tag is None:
        return
    for feedback in Feedback.objects.filter(visit__school=school, submitted_at__isnull=False).order_by("pk")[:2]:
        feedback.problem_tags.add(tag)
