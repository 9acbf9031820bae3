"""Demo network community: in each demo school 36 materials in every circle
(drafts, the association's, the school's, the network's) of every kind, some
revised in versions after colleagues' comments, comments with replies and
«помогло» marks, and questions to colleagues: one answered with the answer
that helped marked, one still open. The teacher persona has a question whose
answers wait for her «отметьте ответ, который помог». Safe to run again."""

import datetime

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils import timezone

from apps.community import services
from apps.community.models import Material, MaterialKind, Question
from apps.core.tenancy import Circle, Viewer
from apps.mentoring.models import ProblemTag
from apps.staff.models import StaffMember

K = MaterialKind

# (title, topic, kind, grades, problem tag)
MATERIALS = [
    ("Приёмы смыслового чтения на уроке литературы", "Смысловое чтение", K.LESSON_PLAN, [5, 6], "Смысловое чтение"),
    ("Чтение с пометками: инсерт на уроке истории", "Смысловое чтение", K.LESSON_PLAN, [7], "Смысловое чтение"),
    ("Листы самооценки для 4 класса", "Формирующее оценивание", K.METHODICAL, [4], "Формирующее оценивание"),
    ("Критерии оценивания устного ответа", "Формирующее оценивание", K.METHODICAL, [8, 9], "Формирующее оценивание"),
    ("Проектная неделя в 6 классе", "Проектная деятельность", K.PROGRAMME, [6], "Проектная деятельность"),
    ("Паспорт индивидуального проекта", "Проектная деятельность", K.METHODICAL, [9, 10], "Проектная деятельность"),
    ("Функциональная грамотность: задачи из жизни", "Функциональная грамотность", K.PRESENTATION, [7, 8], None),
    ("Читательская грамотность на уроке биологии", "Функциональная грамотность", K.LESSON_PLAN, [6], None),
    ("Рабочая программа курса «Финансовая грамотность»", "Функциональная грамотность", K.PROGRAMME, [10], None),
    ("Мастер-класс «Кластер как способ думать»", "Смысловое чтение", K.MASTER_CLASS, [5, 6, 7], "Смысловое чтение"),
    ("Видеоурок: эксперимент с маятником", "Исследовательская деятельность", K.VIDEO, [9], None),
    ("Видеоурок: работа в парах сменного состава", "Сотрудничество на уроке", K.VIDEO, [3, 4], None),
    ("Рефлексия в конце урока: шесть приёмов", "Формирующее оценивание", K.PRESENTATION, [5, 9], None),
    (
        "Правила работы в группе для пятиклассников",
        "Дисциплина и мотивация",
        K.METHODICAL,
        [5],
        "Дисциплина и мотивация на уроке",
    ),
    (
        "Индивидуальный маршрут для неуспевающего ученика",
        "Работа с неуспевающими",
        K.METHODICAL,
        [7, 8],
        "Работа с неуспевающими",
    ),
    ("Урок-исследование по окружающему миру", "Исследовательская деятельность", K.LESSON_PLAN, [3], None),
    (
        "Цифровая доска на уроке математики",
        "Цифровые ресурсы",
        K.MASTER_CLASS,
        [6, 7],
        "Цифровые образовательные ресурсы",
    ),
    ("Квест по русскому языку «Тайна орфограммы»", "Игровые технологии", K.LESSON_PLAN, [5], None),
    (
        "Программа внеурочной деятельности «Юный исследователь»",
        "Исследовательская деятельность",
        K.PROGRAMME,
        [2, 3, 4],
        None,
    ),
    (
        "Презентация «Обратная связь ученику»",
        "Формирующее оценивание",
        K.PRESENTATION,
        [5, 6, 7, 8],
        "Формирующее оценивание",
    ),
    ("Конспект урока «Текст-рассуждение»", "Смысловое чтение", K.LESSON_PLAN, [8], "Смысловое чтение"),
    ("Мастер-класс «Проблемный вопрос на уроке»", "Проблемное обучение", K.MASTER_CLASS, [7, 8, 9], None),
    ("Видеоурок: химический опыт без лаборатории", "Исследовательская деятельность", K.VIDEO, [8], None),
    ("Карта понятий по обществознанию", "Смысловое чтение", K.METHODICAL, [9], "Смысловое чтение"),
    ("Урок английского языка с ролевой игрой", "Коммуникативные задания", K.LESSON_PLAN, [4, 5], None),
    (
        "Мотивирующее начало урока: подборка приёмов",
        "Дисциплина и мотивация",
        K.PRESENTATION,
        [5, 6],
        "Дисциплина и мотивация на уроке",
    ),
    (
        "Рабочая программа по технологии, 5–7 классы",
        "Проектная деятельность",
        K.PROGRAMME,
        [5, 6, 7],
        "Проектная деятельность",
    ),
    ("Дифференцированные задания по геометрии", "Работа с неуспевающими", K.METHODICAL, [7], "Работа с неуспевающими"),
    ("Урок физической культуры с самооценкой", "Формирующее оценивание", K.LESSON_PLAN, [6], None),
    ("Мастер-класс «Интервизия: разбор урока без оценок»", "Взаимопосещение", K.MASTER_CLASS, [1, 11], None),
    ("Видеоурок: смысловое чтение в начальной школе", "Смысловое чтение", K.VIDEO, [2], "Смысловое чтение"),
    (
        "Проект «История моей семьи в годы войны»",
        "Проектная деятельность",
        K.METHODICAL,
        [7, 8],
        "Проектная деятельность",
    ),
    ("Урок музыки: слушаем и описываем", "Смысловое чтение", K.LESSON_PLAN, [3, 4], None),
    (
        "Электронный тест с обратной связью",
        "Цифровые ресурсы",
        K.PRESENTATION,
        [8, 9],
        "Цифровые образовательные ресурсы",
    ),
    ("Программа подготовки к олимпиаде по литературе", "Одарённые дети", K.PROGRAMME, [9, 10, 11], None),
    ("Рубрики для оценивания проекта", "Формирующее оценивание", K.METHODICAL, [10, 11], "Формирующее оценивание"),
]

# In order: the first 6 are drafts, then 10 each for the association, the school and the network.
CIRCLES = [Circle.DRAFT] * 6 + [Circle.ASSOCIATION] * 10 + [Circle.SCHOOL] * 10 + [Circle.NETWORK] * 10

# Revised after comments: (index in MATERIALS, [change notes of versions 2, 3...]).
REVISIONS = {
    6: ["Добавлена задача про семейный бюджет, убрано устаревшее условие."],
    7: ["Этап рефлексии переписан после комментариев коллег.", "Добавлены вопросы к тексту для слабых читателей."],
    8: ["Разделы переставлены по четвертям."],
    16: ["Добавлены приёмы для работы в группах.", "Сокращено вступление, добавлен раздаточный материал."],
    17: ["Исправлена опечатка в задании 3, добавлен ключ."],
    26: ["Добавлены критерии самооценки в конце каждого модуля."],
    27: ["Задания разделены на три уровня сложности.", "Добавлены образцы решений."],
    28: ["Таблица самооценки заменена на лист наблюдений."],
}

COMMENTS = [
    "На этапе проверки понимания ученики отвечают по одному. Можно ли дать им сначала обсудить ответ в паре?",
    "Я пробовала этот приём в 6 классе: на чтение с пометками ушло 15 минут вместо 10, пришлось сократить "
    "рефлексию. Может быть, дать часть текста на дом?",
    "Не хватает критериев, по которым ученик сам проверит свою работу. Мы используем лист из трёх вопросов.",
    "В задании 2 ученики путаются в инструкции: в ней два действия в одном предложении.",
    "Хорошо бы приложить пример ученической работы: так коллегам проще понять, чего ждать на выходе.",
]
REPLIES = [
    "Спасибо, попробую на следующей неделе и напишу, что получилось.",
    "Да, разделю инструкцию на два шага в следующей версии.",
]


def _viewer(staff):
    school = staff.school
    return Viewer(
        school_id=school.pk,
        network_id=school.network_id,
        staff_id=staff.pk,
        association_ids=(staff.association_id,) if staff.association_id else (),
    )


def _file(title, number):
    body = f"{title}\nВерсия {number}\n\nХод урока, задания и материалы для учеников.\n"
    return SimpleUploadedFile(f"material-v{number}.txt", body.encode("utf-8"), content_type="text/plain")


def _people(school):
    return list(
        StaffMember.objects.filter(school=school, is_active=True, association__isnull=False)
        .select_related("school", "association", "user")
        .prefetch_related("subjects")
        .order_by("last_name", "pk")
    )


def _persona(school, users, login):
    user = users.get(login)
    if user is None:
        return None
    return StaffMember.objects.filter(school=school, user=user, is_active=True).select_related("school").first()


def _colleague(people, author, circle, offset):
    """A colleague of the author who sees a material of this circle."""
    seeing = [
        p
        for p in people
        if p.pk != author.pk and (circle != Circle.ASSOCIATION or p.association_id == author.association_id)
    ]
    return seeing[offset % len(seeing)] if seeing else None


def _seed_materials(school, people, tags, persona, now):
    materials = []
    for index, ((title, topic, kind, grades, tag), circle) in enumerate(zip(MATERIALS, CIRCLES, strict=True)):
        author = persona if persona is not None and index % 7 == 3 else people[index % len(people)]
        if circle == Circle.NETWORK and school.network_id is None:
            circle = Circle.SCHOOL
        video = kind == K.VIDEO
        material = services.material_create(
            school=school,
            author=author,
            circle=circle,
            kind=kind,
            title=title,
            topic=topic,
            description=f"{topic}: ход урока, задания для учеников и что получилось в классе. "
            "Посмотрите, пожалуйста, этап рефлексии и инструкции к заданиям.",
            subject=next(iter(author.subjects.all()), None),
            grades=grades,
            tags=[tags[tag]] if tag in tags else [],
            file=None if video else _file(title, 1),
            link=f"https://video.example.org/{school.pk}/{index}" if video else "",
        )
        for number, note in enumerate(REVISIONS.get(index, []), start=2):
            if number == 2:
                material.description += " Обновлено после обсуждения с коллегами."
                material.save(update_fields=["description"])
            services.version_add(
                material=material,
                author=author,
                change_note=note,
                file=None if video else _file(title, number),
                link=f"https://video.example.org/{school.pk}/{index}/v{number}" if video else "",
            )
        if circle != Circle.DRAFT:
            # Shared over the last two months, one every day or two.
            Material.objects.filter(pk=material.pk).update(published_at=now - datetime.timedelta(days=index * 1.7))
        materials.append((material, author, circle))
    return materials


def _seed_comments(materials, people):
    shared = [(m, a, c) for m, a, c in materials if c != Circle.DRAFT]
    for number, (material, author, circle) in enumerate(shared[:14]):
        first = _colleague(people, author, circle, number)
        if first is None:
            continue
        comment = services.comment_create(
            viewer=_viewer(first),
            author=first,
            material_id=material.pk,
            text=COMMENTS[number % len(COMMENTS)],
        )
        if number % 2 == 0:
            services.comment_create(
                viewer=_viewer(author),
                author=author,
                material_id=material.pk,
                text=REPLIES[number % len(REPLIES)],
                parent_id=comment.pk,
            )
        if number % 3 == 0:
            services.comment_mark_helped(comment=comment, author=author)
        second = _colleague(people, author, circle, number + 5)
        if second is not None and second.pk != first.pk and number % 4 == 1:
            services.comment_create(
                viewer=_viewer(second),
                author=second,
                material_id=material.pk,
                text=COMMENTS[(number + 2) % len(COMMENTS)],
            )


def _answer(question, person, text):
    return services.answer_create(viewer=_viewer(person), author=person, question_id=question.pk, text=text)


def _seed_questions(school, people, tags, persona):
    asker, helper, other = people[0], people[1 % len(people)], people[2 % len(people)]
    answered = services.question_create(
        school=school,
        author=asker,
        circle=Circle.SCHOOL,
        title="Как организовать взаимопроверку, чтобы ученики не ставили друг другу оценки?",
        body="В 7 классе при взаимопроверке ученики пишут «молодец» или «плохо» и ничего не объясняют.",
        tags=[tags[t] for t in ("Формирующее оценивание",) if t in tags],
    )
    accepted = _answer(
        answered,
        helper,
        "Мы даём лист с тремя вопросами: что получилось, где ошибка, что исправить. "
        "Оценку не ставим, только отмечаем по критериям.",
    )
    _answer(answered, other, "Помогает показать образец отзыва на доске перед началом работы.")
    services.answer_accept(answer=accepted, author=asker)
    services.question_create(
        school=school,
        author=other,
        circle=Circle.NETWORK if school.network_id else Circle.SCHOOL,
        title="Кто проводил проектную неделю в 5 классе? Как делили время между предметами?",
        body="Планируем проектную неделю весной, нужен опыт коллег из других школ.",
        tags=[tags[t] for t in ("Проектная деятельность",) if t in tags],
    )
    if persona is not None:
        waiting = services.question_create(
            school=school,
            author=persona,
            circle=Circle.SCHOOL,
            title="Как удержать внимание шестиклассников на последнем уроке?",
            body="Шестой урок, класс устал, первые десять минут уходят на то, чтобы начать работать.",
            tags=[tags[t] for t in ("Дисциплина и мотивация на уроке",) if t in tags],
        )
        responders = [p for p in (helper, other) if p.pk != persona.pk]
        _answer(
            waiting, responders[0], "Начинаю с короткого задания на движение: карточки, которые надо найти в классе."
        )
        if len(responders) > 1:
            _answer(waiting, responders[1], "Помогает смена деятельности каждые 10 минут и таймер на доске.")


@transaction.atomic
def seed_community(*, schools, users, today):
    """Nothing for a school that already has materials. Returns whether anything was made."""
    logins = {"main": "teacher@berezovka.demo", "partner": "teacher@olkhovka.demo"}
    now = timezone.now()
    made = False
    for key, school in schools.items():
        if Material.objects.filter(school=school).exists() or Question.objects.filter(school=school).exists():
            continue
        people = _people(school)
        if len(people) < 3:
            continue
        persona = _persona(school, users, logins.get(key, ""))
        if persona is not None and persona.association_id is None:
            persona = None
        tags = {tag.name: tag for tag in ProblemTag.objects.filter(school=school)}
        materials = _seed_materials(school, people, tags, persona, now)
        _seed_comments(materials, people)
        _seed_questions(school, people, tags, persona if key == "main" else None)
        made = True
    return made
