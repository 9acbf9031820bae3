"""Demo network community: in each demo school 32 materials in every circle (the
association's, the school's, the network's) and a few drafts of the teacher
persona, of every kind, each on its author's own subject and a topic of that
subject's school course (the two schools' topics differ), some revised in
versions after colleagues' comments, comments with replies and «помогло» marks,
and questions to colleagues: one answered with the answer that helped marked,
one still open. The main school's teacher persona has a question whose answers
wait for her «отметьте ответ, который помог». Safe to run again."""

import datetime
from dataclasses import dataclass

from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils import timezone

from apps.community import services
from apps.community.models import Material, MaterialKind, MaterialVersion, Question
from apps.core.tenancy import Circle, Viewer
from apps.mentoring.models import ProblemTag
from apps.staff.models import StaffMember

K = MaterialKind
KINDS = [K.LESSON_PLAN, K.METHODICAL, K.PRESENTATION, K.PROGRAMME, K.MASTER_CLASS, K.VIDEO]
PER_CIRCLE = 32
PERSONA_DRAFTS = 5

# The school courses' topics: subject | grade(s) | topic. Where both schools teach
# a subject, the main school takes the first, third... line and the partner school
# the others, so the two schools never share a topic.
TOPICS = """
Русский язык | 5 | Правописание приставок на з- и с-
Русский язык | 5 | Морфемный разбор слова
Русский язык | 6 | Н и НН в суффиксах прилагательных
Русский язык | 6 | Склонение количественных числительных
Русский язык | 7 | Причастный оборот
Русский язык | 7 | Деепричастный оборот
Русский язык | 8 | Односоставные предложения
Русский язык | 9 | Сложноподчинённое предложение
Литература | 5 | Образ Герасима в рассказе И. С. Тургенева
Литература | 5 | Уральские сказы П. П. Бажова
Литература | 6 | Нравственные уроки рассказа В. Г. Распутина
Литература | 7 | Запорожская Сечь в повести Н. В. Гоголя
Литература | 8 | Гринёв и Швабрин: честь и долг
Литература | 8 | Городничий и чиновники в комедии Н. В. Гоголя
Литература | 9 | Онегин и Ленский: дружба и дуэль
Литература | 10 | Раскольников и его теория
История | 5 | Древний Египет: жизнь на берегах Нила
История | 5 | Афинская демократия
История | 6 | Образование Древнерусского государства
История | 6 | Куликовская битва
История | 7 | Смутное время
История | 8 | Реформы Петра I
История | 9 | Отечественная война 1812 года
История | 10 | Коренной перелом в Великой Отечественной войне
Обществознание | 6 | Человек и его деятельность
Обществознание | 6 | Семья и семейные отношения
Обществознание | 7 | Права и обязанности несовершеннолетних
Обществознание | 8 | Рыночная экономика
Обществознание | 9 | Конституция Российской Федерации
Обществознание | 11 | Личный финансовый план
Английский язык | 2 | Моя семья
Английский язык | 3 | Животные на ферме
Английский язык | 4 | Мой распорядок дня
Английский язык | 5 | Present Simple и Present Continuous
Английский язык | 6 | Праздники Великобритании
Английский язык | 7 | Present Perfect
Английский язык | 8 | Путешествия и транспорт
Английский язык | 9 | Устное собеседование ОГЭ: описание фотографии
Немецкий язык | 5 | Моя семья и мои друзья
Немецкий язык | 6 | Школьные предметы и расписание
Немецкий язык | 7 | Погода и времена года
Немецкий язык | 8 | Прошедшее время Perfekt
Математика | 5 | Обыкновенные дроби
Математика | 5 | Площадь прямоугольника
Математика | 6 | Отрицательные числа
Математика | 6 | Пропорции
Математика | 7 | Линейные уравнения
Математика | 7 | Признаки равенства треугольников
Математика | 8 | Квадратные уравнения
Математика | 8 | Теорема Пифагора
Математика | 9 | Арифметическая прогрессия
Математика | 10 | Тригонометрическая окружность
Физика | 7 | Сила Архимеда
Физика | 7 | Давление твёрдых тел
Физика | 8 | Электрический ток и его действия
Физика | 8 | Виды теплопередачи
Физика | 9 | Законы Ньютона
Физика | 9 | Механические колебания
Физика | 10 | Закон сохранения импульса
Физика | 11 | Электромагнитная индукция
Информатика | 7 | Кодирование информации
Информатика | 7 | Файлы и файловая система
Информатика | 8 | Алгоритмы и исполнители
Информатика | 8 | Системы счисления
Информатика | 9 | Электронные таблицы
Информатика | 9 | Циклы в Python
Информатика | 10 | Логические выражения
Информатика | 11 | Реляционные базы данных
Биология | 5 | Строение растительной клетки
Биология | 5 | Царства живой природы
Биология | 6 | Фотосинтез
Биология | 6 | Строение цветка
Биология | 7 | Тип Членистоногие
Биология | 8 | Кровеносная система человека
Биология | 9 | Экосистемы и цепи питания
Биология | 10 | Законы Г. Менделя
Химия | 8 | Периодическая система Д. И. Менделеева
Химия | 8 | Кислоты
Химия | 8 | Признаки химических реакций
Химия | 9 | Реакции ионного обмена
Химия | 9 | Электролитическая диссоциация
Химия | 9 | Металлы
Химия | 10 | Предельные углеводороды
Химия | 11 | Скорость химической реакции
География | 5 | План местности
География | 6 | Атмосфера
География | 6 | Реки и озёра
География | 7 | Материк Африка
География | 7 | Климатические пояса Земли
География | 8 | Природные зоны России
География | 9 | Население России
География | 10 | Мировое хозяйство
Начальные классы | 1 | Звуки и буквы
Начальные классы | 1 | Сложение и вычитание в пределах 10
Начальные классы | 2 | Безударные гласные в корне слова
Начальные классы | 2 | Таблица умножения на 2 и 3
Начальные классы | 2 | Дикие и домашние животные
Начальные классы | 3 | Круговорот воды в природе
Начальные классы | 3 | Части речи
Начальные классы | 3 | Деление с остатком
Начальные классы | 4 | Природные зоны нашей страны
Начальные классы | 4 | Письменное умножение на двузначное число
Начальные классы | 4 | Басни И. А. Крылова
Начальные классы | 3 | Сказки народов мира
Физическая культура | 5 | Бег на короткие дистанции
Физическая культура | 6 | Прыжок в длину с разбега
Физическая культура | 7 | Баскетбол: ведение и передача мяча
Физическая культура | 8 | Волейбол: верхняя передача
Физическая культура | 8 | Акробатические упражнения
Физическая культура | 9 | Подготовка к сдаче норм ГТО
Физическая культура | 6 | Попеременный двухшажный лыжный ход
Физическая культура | 10 | Тактика игры в футбол
ОБЗР | 8 | Первая помощь при кровотечениях
ОБЗР | 8 | Действия при пожаре
ОБЗР | 9 | Безопасность в интернете
ОБЗР | 10 | Основы обороны государства
Технология | 5 | Разделочная доска из древесины
Технология | 5 | Блюда из овощей
Технология | 6 | Устройство швейной машины
Технология | 7 | Основы робототехники
Изобразительное искусство | 5 | Хохломская роспись
Изобразительное искусство | 5 | Гжель
Изобразительное искусство | 6 | Линейная перспектива
Изобразительное искусство | 6 | Натюрморт
Изобразительное искусство | 7 | Дизайн и архитектура
Изобразительное искусство | 6 | Портрет
Изобразительное искусство | 7 | Шрифт и плакат
Изобразительное искусство | 5 | Народный костюм
Музыка | 5 | Музыка и литература
Музыка | 5 | Русская народная песня
Музыка | 6 | Образы природы в романсах
Музыка | 6 | Симфония
Музыка | 7 | Русская опера
Музыка | 7 | Балеты П. И. Чайковского
Музыка | 8 | Музыка в кино
Музыка | 3 | Песня, танец и марш
"""

# Subject → (on its lessons, "по" it for a programme, of its course, extracurricular
# courses of the main and of the partner school: name | grades).
SUBJECTS = {
    "Русский язык": (
        "на уроках русского языка",
        "по русскому языку",
        "русского языка",
        "Секреты орфографии | 5, 6",
        "Говорим и пишем правильно | 8, 9",
    ),
    "Литература": (
        "на уроках литературы",
        "по литературе",
        "литературы",
        "Читательский клуб | 6, 7",
        "Школьный театр | 5, 6, 7, 8",
    ),
    "История": (
        "на уроках истории",
        "по истории",
        "истории",
        "Моя малая родина | 5, 6, 7",
        "Юный экскурсовод | 6, 7, 8, 9",
    ),
    "Обществознание": (
        "на уроках обществознания",
        "по обществознанию",
        "обществознания",
        "Финансовая грамотность | 8, 9",
        "Я — гражданин | 9",
    ),
    "Английский язык": (
        "на уроках английского языка",
        "по английскому языку",
        "английского языка",
        "Английский в играх | 2, 3, 4",
        "Читаем по-английски | 5, 6",
    ),
    "Немецкий язык": (
        "на уроках немецкого языка",
        "по немецкому языку",
        "немецкого языка",
        "Немецкий через песни | 5, 6",
        "Немецкий через песни | 5, 6",
    ),
    "Математика": (
        "на уроках математики",
        "по математике",
        "математики",
        "Нестандартные задачи | 5, 6",
        "Математика вокруг нас | 7, 8",
    ),
    "Физика": ("на уроках физики", "по физике", "физики", "Физика в опытах | 7, 8", "Занимательная физика | 7, 8, 9"),
    "Информатика": (
        "на уроках информатики",
        "по информатике",
        "информатики",
        "Первые шаги в программировании | 5, 6, 7",
        "Основы программирования на Python | 8, 9",
    ),
    "Биология": (
        "на уроках биологии",
        "по биологии",
        "биологии",
        "Юный эколог | 5, 6, 7",
        "Экологическая тропа | 6, 7, 8",
    ),
    "Химия": ("на уроках химии", "по химии", "химии", "Химия в быту | 8, 9", "Решение задач по химии | 9, 10, 11"),
    "География": ("на уроках географии", "по географии", "географии", "Краеведение | 6, 7", "Мир карт | 5, 6, 7"),
    "Начальные классы": (
        "в начальных классах",
        "по окружающему миру",
        "начальной школы",
        "Юный исследователь | 2, 3, 4",
        "Шахматы в школе | 1, 2, 3, 4",
    ),
    "Физическая культура": (
        "на уроках физической культуры",
        "по физической культуре",
        "физической культуры",
        "Подвижные игры | 5, 6",
        "Школьный спортивный клуб | 5, 6, 7, 8, 9",
    ),
    "ОБЗР": ("на уроках ОБЗР", "по ОБЗР", "ОБЗР", "Юный спасатель | 8, 9", "Юный спасатель | 8, 9"),
    "Технология": ("на уроках технологии", "по технологии", "технологии", "Умелые руки | 5, 6", "Умелые руки | 5, 6"),
    "Изобразительное искусство": (
        "на уроках изобразительного искусства",
        "по изобразительному искусству",
        "изобразительного искусства",
        "Мастерская дизайна | 6, 7",
        "Мир декоративного искусства | 5, 6",
    ),
    "Музыка": (
        "на уроках музыки",
        "по музыке",
        "музыки",
        "Школьный хор | 5, 6, 7",
        "Фольклорный ансамбль | 5, 6, 7, 8",
    ),
}

# Lessons where pupils mostly move, draw, sing or make things: no reading or platform work.
PRACTICAL = {"Физическая культура", "Изобразительное искусство", "Музыка", "Технология"}


@dataclass(frozen=True)
class Approach:
    name: str  # for a methodical development's title
    short: str  # for a master class's title and a programme's line
    tag: str | None  # the school's problem tag it answers
    how: str  # what happens on the lesson
    practical: bool = True  # fits the practical subjects too


APPROACHES = [
    Approach(
        "Приёмы смыслового чтения",
        "Смысловое чтение",
        "Смысловое чтение",
        "Ученики читают текст с пометками «знал», «новое», «не понял» и по пометкам задают вопросы друг другу.",
        practical=False,
    ),
    Approach(
        "Листы самооценки",
        "Самооценка по критериям",
        "Формирующее оценивание",
        "В конце каждого этапа ученики отмечают в листе самооценки, что получилось, и сверяют себя с критериями.",
    ),
    Approach(
        "Критерии оценивания вместе с учениками",
        "Критерии, которые составили ученики",
        "Формирующее оценивание",
        "Критерии хорошего ответа класс составляет сам в начале урока и по ним проверяет работу соседа.",
    ),
    Approach(
        "Работа в группах с распределением ролей",
        "Работа в группах с ролями",
        "Дисциплина и мотивация на уроке",
        "Класс работает группами по четыре: у каждого своя роль (ведущий, секретарь, хранитель времени, "
        "докладчик), и без дела никто не остаётся.",
    ),
    Approach(
        "Разноуровневые задания",
        "Разноуровневые задания",
        "Работа с неуспевающими",
        "Задания даны на трёх уровнях: ученик начинает с посильного, а тем, кто застрял, помогают карточки-подсказки.",
    ),
    Approach(
        "Учебный мини-проект",
        "Мини-проект за один урок",
        "Проектная деятельность",
        "Урок завершается мини-проектом: группы готовят продукт и за три минуты защищают его перед классом.",
    ),
    Approach(
        "Интерактивные задания на образовательной платформе",
        "Цифровые тренажёры",
        "Цифровые образовательные ресурсы",
        "Часть заданий ученики выполняют на образовательной платформе, и учитель сразу видит, где ошибается класс.",
        practical=False,
    ),
    Approach(
        "Проблемный вопрос в начале урока",
        "Проблемный вопрос",
        None,
        "Урок начинается с противоречия, которое ученики не могут сразу разрешить, и тему урока они формулируют сами.",
    ),
    Approach(
        "Задания на функциональную грамотность",
        "Функциональная грамотность",
        None,
        "Задания построены на жизненных ситуациях: ученик сам выбирает нужные данные из текста, таблицы или схемы.",
        practical=False,
    ),
    Approach(
        "Мотивирующее начало урока",
        "Мотивирующий старт",
        "Дисциплина и мотивация на уроке",
        "Первые пять минут — короткая загадка или задание на движение, после них класс быстрее включается в работу.",
    ),
]

# A kind's title patterns, tried in turn until one gives a title not yet used.
TITLES = {
    K.LESSON_PLAN: [
        "Конспект урока «{topic}», {grades}",
        "Технологическая карта урока «{topic}», {grades}",
        "Урок открытия нового знания «{topic}», {grades}",
    ],
    K.METHODICAL: [
        "{approach}: тема «{topic}», {grades}",
        "Методическая разработка «{topic}» ({grades})",
    ],
    K.PRESENTATION: [
        "Презентация к уроку «{topic}», {grades}",
        "Опорные схемы к теме «{topic}», {grades}",
    ],
    K.PROGRAMME: [
        "Программа внеурочной деятельности «{course}», {course_grades}",
        "Рабочая программа {by_subject}, {grades}",
        "Тематическое планирование раздела «{topic}», {grades}",
    ],
    K.MASTER_CLASS: [
        "Мастер-класс «{short} {on_lessons}»",
        "Мастер-класс «{short}: тема „{topic}“»",
    ],
    K.VIDEO: [
        "Видеоурок «{topic}», {grades}",
        "Видеофрагмент урока «{topic}»: {short_lower}",
    ],
}

DESCRIPTIONS = {
    K.LESSON_PLAN: "Урок по теме «{topic}» ({grades}). {how} В конспекте — цели, этапы урока с хронометражем, "
    "задания для учеников и вопросы для рефлексии.",
    K.METHODICAL: "{how} Разработка сделана на материале темы «{topic}» ({grades}): инструкция для учителя, "
    "раздаточный материал и ключи; подойдёт и для других тем курса {of_subject}.",
    K.PRESENTATION: "Слайды к уроку «{topic}» ({grades}): опорная схема, задания по ходу урока и слайд для "
    "рефлексии. {how}",
    K.PROGRAMME: "Пояснительная записка, планируемые результаты и тематическое планирование по часам. Сквозная "
    "линия программы — {short_lower}: {how_lower}",
    K.MASTER_CLASS: "Показываю на материале темы «{topic}» ({grades}). {how} Участники пробуют приём в роли "
    "учеников, а потом обсуждаем, как перенести его на свои уроки.",
    K.VIDEO: "Запись урока «{topic}» ({grades}), снятая с согласия родителей. {how} К записи приложен протокол "
    "наблюдения: на что смотреть при просмотре.",
}

# Versions 2, 3... of a revised material, by its kind.
REVISIONS = {
    K.LESSON_PLAN: ["Этап рефлексии переписан после комментариев коллег.", "Добавлены вопросы для слабых читателей."],
    K.METHODICAL: ["Задания разделены на три уровня сложности.", "Добавлены образцы решений и ключи."],
    K.PRESENTATION: ["Слайды с заданиями упрощены, добавлен слайд с критериями.", "Исправлена опечатка на слайде 7."],
    K.PROGRAMME: ["Часы перераспределены между разделами.", "Добавлены контрольные точки в конце четвертей."],
    K.MASTER_CLASS: ["Сокращено вступление, добавлен раздаточный материал.", "Добавлены вопросы для обсуждения."],
    K.VIDEO: ["Перемонтирован фрагмент групповой работы.", "Добавлены субтитры и тайм-коды этапов урока."],
}

# Colleagues' comments, by the material's kind, and the author's replies.
COMMENTS = {
    K.LESSON_PLAN: [
        "На этапе проверки понимания ученики отвечают по одному. Можно ли дать им сначала обсудить ответ в паре?",
        "Я пробовала этот приём: на работу с текстом ушло 15 минут вместо 10, пришлось сократить рефлексию. "
        "Может быть, часть задания дать на дом?",
    ],
    K.METHODICAL: [
        "Не хватает критериев, по которым ученик сам проверит свою работу. Мы используем лист из трёх вопросов.",
        "В задании 2 ученики путаются в инструкции: в ней два действия в одном предложении.",
    ],
    K.PRESENTATION: [
        "На слайдах много текста, с последних парт его не прочитать. Может, оставить только схему?",
        "Хорошо бы добавить слайд с образцом ученической работы: так понятнее, чего ждать на выходе.",
    ],
    K.PROGRAMME: [
        "На повторение в конце года часов мало. Не перенести ли часть из первой четверти?",
        "Хорошо бы указать, какие результаты проверяются в каждом разделе и как.",
    ],
    K.MASTER_CLASS: [
        "Была на мастер-классе: приём попробовала в своём классе на следующий день, получилось.",
        "Сколько времени на уроке занимает этот приём, если класс делает его впервые?",
    ],
    K.VIDEO: [
        "Посмотрела запись: заметно, что на этапе групповой работы две группы ждали инструкцию. "
        "Может быть, раздать её на карточках?",
        "Хорошо видно, как ученики сами формулируют вывод. Какие вопросы вы задавали перед этим?",
    ],
}
REPLIES = [
    "Спасибо, попробую на следующей неделе и напишу, что получилось.",
    "Да, исправлю в следующей версии.",
]


def _grades_text(grades):
    if len(grades) == 1:
        return f"{grades[0]} класс"
    return f"{grades[0]}–{grades[-1]} классы"


def _parse_grades(text):
    return [int(g) for g in text.split(",")]


def course_topics():
    """Subject → [(topic, grades)] of the TOPICS table."""
    topics = {}
    for line in TOPICS.strip().splitlines():
        subject, grades, topic = (part.strip() for part in line.split("|"))
        topics.setdefault(subject, []).append((topic, _parse_grades(grades)))
    return topics


def _course(subject, key):
    course, grades = SUBJECTS[subject][3 if key == "main" else 4].split("|")
    return course.strip(), _parse_grades(grades)


def _lower_first(text):
    return text[0].lower() + text[1:]


@dataclass
class Planned:
    author: object
    subject: object
    circle: str
    kind: str
    title: str
    topic: str
    description: str
    grades: list
    tag: str | None


def _compose(*, kind, subject, topic, grades, approach, key, variant):
    """The title (the kind's pattern number `variant`) and the description of a material."""
    on_lessons, by_subject, of_subject = SUBJECTS[subject][:3]
    course, course_grades = _course(subject, key)
    words = {
        "topic": topic,
        "grades": _grades_text(grades),
        "approach": approach.name,
        "short": approach.short,
        "short_lower": _lower_first(approach.short),
        "how": approach.how,
        "how_lower": _lower_first(approach.how),
        "on_lessons": on_lessons,
        "by_subject": by_subject,
        "of_subject": of_subject,
        "course": course,
        "course_grades": _grades_text(course_grades),
    }
    patterns = TITLES[kind]
    title = patterns[variant % len(patterns)].format(**words)
    description = DESCRIPTIONS[kind].format(**words)
    if kind == K.PROGRAMME and "{course}" in patterns[variant % len(patterns)]:
        grades = course_grades
    return title, description, grades


def _plan_materials(*, key, people, persona, other_subjects, taken, network):
    """What each of the school's people shares, in every circle every kind, each on
    one of their own subjects; `taken` are titles already used (the other school's)."""
    topics = course_topics()
    teachers = {}
    for person in people:
        for subject in person.subjects.all():
            if subject.name in SUBJECTS:
                teachers.setdefault(subject.name, []).append((person, subject))
    own_topics = {}
    for name in teachers:
        rows = topics[name]
        if name in other_subjects:
            rows = rows[0::2] if key == "main" else rows[1::2]
        own_topics[name] = rows
    subjects = [name for name in SUBJECTS if name in teachers]
    used = set(taken)
    turns = dict.fromkeys(subjects, 0)
    circles = [Circle.ASSOCIATION, Circle.SCHOOL, Circle.NETWORK if network else Circle.SCHOOL]
    planned = []

    def add(author, subject, circle, kind, turn):
        name = subject.name
        approaches = [a for a in APPROACHES if a.practical or name not in PRACTICAL]
        rows = own_topics[name]
        for attempt in range(len(rows) * 3):
            topic, grades = rows[(turn + attempt) % len(rows)]
            approach = approaches[(turn + attempt + len(planned)) % len(approaches)]
            title, description, grades = _compose(
                kind=kind,
                subject=name,
                topic=topic,
                grades=grades,
                approach=approach,
                key=key,
                variant=turn + attempt // len(rows),
            )
            if title not in used:
                used.add(title)
                planned.append(Planned(author, subject, circle, kind, title, topic, description, grades, approach.tag))
                return

    for index in range(PER_CIRCLE * len(circles)):
        # The subject moves on one more each round, so a subject is not tied to one circle.
        name = subjects[(index + index // len(subjects)) % len(subjects)]
        turn = turns[name]
        turns[name] += 1
        author, subject = teachers[name][turn % len(teachers[name])]
        add(author, subject, circles[index % len(circles)], KINDS[(index // len(circles)) % len(KINDS)], turn)
    if persona is not None:
        mine = [(p, s) for p, s in (pair for pairs in teachers.values() for pair in pairs) if p.pk == persona.pk]
        for number in range(PERSONA_DRAFTS if mine else 0):
            _author, subject = mine[number % len(mine)]
            add(persona, subject, Circle.DRAFT, KINDS[number % len(KINDS)], turns[subject.name] + number)
    return planned


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


def _link(school, index, number=1):
    suffix = "" if number == 1 else f"/v{number}"
    return f"https://video.example.org/{school.pk}/{index}{suffix}"


def _seed_materials(school, planned, tags, now):
    """One insert for the materials, one for their tags, one for their first versions."""
    rows = []
    for index, item in enumerate(planned):
        shared = item.circle != Circle.DRAFT
        rows.append(
            Material(
                school=school,
                author=item.author,
                association_id=item.author.association_id if item.circle == Circle.ASSOCIATION else None,
                circle=item.circle,
                kind=item.kind,
                title=item.title,
                topic=item.topic,
                description=item.description,
                subject=item.subject,
                grades=sorted(set(item.grades)),
                # Shared over the last three months, one or two a day.
                published_at=now - datetime.timedelta(hours=index * 21) if shared else None,
            )
        )
    Material.objects.bulk_create(rows)
    Material.tags.through.objects.bulk_create(
        [
            Material.tags.through(material_id=row.pk, problemtag_id=tags[item.tag].pk)
            for row, item in zip(rows, planned, strict=True)
            if item.tag in tags
        ]
    )
    versions = []
    for index, row in enumerate(rows):
        version = MaterialVersion(material=row, number=1, title=row.title, description=row.description)
        if row.kind == K.VIDEO:
            version.link = _link(school, index)
        else:
            upload = _file(row.title, 1)
            version.file.save(upload.name, ContentFile(upload.read()), save=False)
            version.file_size, version.file_name = upload.size, upload.name
        versions.append(version)
    MaterialVersion.objects.bulk_create(versions)
    return rows


def _seed_revisions(school, materials):
    """Every eighth shared material revised after comments, in two or three versions."""
    revised = []
    shared = [m for m in materials if m.circle != Circle.DRAFT]
    for number, material in enumerate(shared[1::8]):
        notes = REVISIONS[material.kind][: 2 if number % 2 == 0 else 1]
        for version, note in enumerate(notes, start=2):
            if version == 2:
                material.description += " Обновлено после обсуждения с коллегами."
                material.save(update_fields=["description"])
            services.version_add(
                material=material,
                author=material.author,
                change_note=note,
                file=None if material.kind == K.VIDEO else _file(material.title, version),
                link=_link(school, material.pk, version) if material.kind == K.VIDEO else "",
            )
        revised.append(material)
    return revised


def _colleague(people, material, offset):
    """A colleague of the author who sees the material, of the same subject if any."""
    seeing = [
        p
        for p in people
        if p.pk != material.author_id
        and (material.circle != Circle.ASSOCIATION or p.association_id == material.association_id)
    ]
    same = [p for p in seeing if any(s.name == material.subject.name for s in p.subjects.all())]
    pool = same or seeing
    return pool[offset % len(pool)] if pool else None


def _seed_comments(materials, revised, people, others):
    """Comments on the revised materials and on a few more; on the network's,
    colleagues of the other school write first."""
    commented = revised + [m for m in materials if m.circle != Circle.DRAFT and m not in revised][::12]
    for number, material in enumerate(commented):
        writers = others if material.circle == Circle.NETWORK and others else people
        first = _colleague(writers, material, number)
        if first is None:
            continue
        texts = COMMENTS[material.kind]
        comment = services.comment_create(
            viewer=Viewer.of_staff(first), author=first, material_id=material.pk, text=texts[number % len(texts)]
        )
        if number % 2 == 0:
            services.comment_create(
                viewer=Viewer.of_staff(material.author),
                author=material.author,
                material_id=material.pk,
                text=REPLIES[number % len(REPLIES)],
                parent_id=comment.pk,
            )
        if number % 3 == 0:
            services.comment_mark_helped(comment=comment, author=material.author)
        second = _colleague(people, material, number + 5)
        if second is not None and second.pk != first.pk and number % 4 == 1:
            services.comment_create(
                viewer=Viewer.of_staff(second),
                author=second,
                material_id=material.pk,
                text=texts[(number + 1) % len(texts)],
            )


# Per school: the answered question (title, body, tag, the accepted answer, another
# answer), the open one (title, body, tag).
QUESTIONS = {
    "main": (
        (
            "Как организовать взаимопроверку, чтобы ученики не ставили друг другу оценки?",
            "В 7 классе при взаимопроверке ученики пишут «молодец» или «плохо» и ничего не объясняют.",
            "Формирующее оценивание",
            "Мы даём лист с тремя вопросами: что получилось, где ошибка, что исправить. "
            "Оценку не ставим, только отмечаем по критериям.",
            "Помогает показать образец отзыва на доске перед началом работы.",
        ),
        (
            "Кто проводил проектную неделю в 5 классе? Как делили время между предметами?",
            "Планируем проектную неделю весной, нужен опыт коллег из других школ.",
            "Проектная деятельность",
        ),
    ),
    "partner": (
        (
            "Как быстро проверять тетради по критериям, чтобы ученик видел свои ошибки?",
            "В 5 классе проверка тетрадей занимает весь вечер, а ученики смотрят только на отметку.",
            "Формирующее оценивание",
            "Отмечаю на полях только номер критерия, который не выполнен, а ученик сам находит и исправляет "
            "ошибку в начале следующего урока.",
            "Раз в неделю проверяю выборочно: одну группу тетрадей подробно, у остальных — только одно задание.",
        ),
        (
            "Как читать с пятиклассниками параграф учебника, чтобы они его понимали, а не пересказывали?",
            "Дети пересказывают параграф близко к тексту, но на вопрос «почему» ответить не могут.",
            "Смысловое чтение",
        ),
    ),
}


def _answer(question, person, text):
    return services.answer_create(viewer=Viewer.of_staff(person), author=person, question_id=question.pk, text=text)


def _seed_questions(key, school, people, tags, persona):
    asker, helper, other = people[0], people[1 % len(people)], people[2 % len(people)]
    (title, body, tag, accepted_text, other_text), (open_title, open_body, open_tag) = QUESTIONS[key]
    answered = services.question_create(
        school=school,
        author=asker,
        circle=Circle.SCHOOL,
        title=title,
        body=body,
        tags=[tags[tag]] if tag in tags else [],
    )
    accepted = _answer(answered, helper, accepted_text)
    _answer(answered, other, other_text)
    services.answer_accept(answer=accepted, author=asker)
    services.question_create(
        school=school,
        author=other,
        circle=Circle.NETWORK if school.network_id else Circle.SCHOOL,
        title=open_title,
        body=open_body,
        tags=[tags[open_tag]] if open_tag in tags else [],
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
    staff = {key: _people(school) for key, school in schools.items()}
    subjects = {key: {s.name for p in people for s in p.subjects.all()} for key, people in staff.items()}
    for key, school in schools.items():
        if Material.objects.filter(school=school).exists() or Question.objects.filter(school=school).exists():
            continue
        people = staff[key]
        if len(people) < 3:
            continue
        persona = _persona(school, users, logins.get(key, ""))
        if persona is not None and persona.association_id is None:
            persona = None
        tags = {tag.name: tag for tag in ProblemTag.objects.filter(school=school)}
        others = [p for k, ps in staff.items() if k != key for p in ps if p.school.network_id == school.network_id]
        planned = _plan_materials(
            key=key,
            people=people,
            persona=persona,
            other_subjects=set().union(*(s for k, s in subjects.items() if k != key)),
            taken=set(Material.objects.exclude(school=school).values_list("title", flat=True)),
            network=school.network_id is not None,
        )
        materials = _seed_materials(school, planned, tags, now)
        revised = _seed_revisions(school, materials)
        _seed_comments(materials, revised, people, others if school.network_id else [])
        _seed_questions(key, school, people, tags, persona if key == "main" else None)
        made = True
    return made
