"""Access rules of the problem-theme days' routes, for the URL walk.

Days are built around the personas: the curator persona's staff card is the
day's organiser (so the matrix checks "an organiser edits"), the teacher persona
is the responsible teacher of an activity (sees the plan, edits nothing).
"""

from apps.core.tests.world import ANY_MEMBER, C, T
from apps.problemdays.models import PreparationRole
from apps.problemdays.tests.factories import DayActivityFactory, ProblemDayFactory, ThemeIdeaFactory

EDITORS = ("problemdays.manage", C)  # the curator persona is the organiser


def _day(w):
    day = ProblemDayFactory(school=w.school, organisers=[w.staff_of(C)])
    DayActivityFactory(day=day, responsible=[w.staff_of(T)])
    return day


def _role(w):
    day = _day(w)
    return PreparationRole.objects.create(day=day, kind=PreparationRole.Kind.RECORDER, staff=w.staff_of(T))


def _reflected_day(w):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from apps.problemdays.models import Reflection

    day = _day(w)
    Reflection.objects.create(
        day=day, what_worked="Дети сами вели классные часы", photo=SimpleUploadedFile("plan.pdf", b"%PDF-1.4 day")
    )
    return day


OBJECTS = {
    "problem_day": lambda w: {"pk": _day(w).pk},
    "reflected_day": lambda w: {"pk": _reflected_day(w).pk},
    "theme_idea": lambda w: {"pk": ThemeIdeaFactory(day=_day(w)).pk},
    "day_activity": lambda w: {"pk": _day(w).activities.get().pk},
    "preparation_role": lambda w: {"pk": _role(w).pk},
}

ROUTES = {
    "problemdays:day_list": ("get", None, ANY_MEMBER),
    "problemdays:my_duties": ("get", None, ANY_MEMBER),
    "problemdays:day_create": ("get", None, "problemdays.manage"),
    "problemdays:day_detail": ("get", "problem_day", ANY_MEMBER),
    "problemdays:day_edit": ("get", "problem_day", EDITORS),
    "problemdays:day_stage": ("post", "problem_day", EDITORS),
    "problemdays:timetable": ("get", "problem_day", ANY_MEMBER),
    "problemdays:day_print": ("get", "problem_day", ANY_MEMBER),
    "problemdays:day_copy": ("get", "problem_day", "problemdays.manage"),
    "problemdays:idea_create": ("get", "problem_day", EDITORS),
    "problemdays:idea_edit": ("get", "theme_idea", EDITORS),
    "problemdays:idea_choose": ("post", "theme_idea", EDITORS),
    "problemdays:role_create": ("get", "problem_day", EDITORS),
    "problemdays:role_edit": ("get", "preparation_role", EDITORS),
    "problemdays:role_delete": ("post", "preparation_role", EDITORS),
    "problemdays:question_save": ("post", "problem_day", EDITORS),
    "problemdays:question_suggest": ("post", "problem_day", EDITORS),
    "problemdays:activity_create": ("get", "problem_day", EDITORS),
    "problemdays:activity_edit": ("get", "day_activity", EDITORS),
    "problemdays:activity_delete": ("post", "day_activity", EDITORS),
    "problemdays:reflection_edit": ("get", "problem_day", EDITORS),
    "problemdays:reflection_file": ("get", "reflected_day", ANY_MEMBER),
}
