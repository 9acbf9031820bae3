"""Access rules of the community routes, for the URL walk (apps/core/tests/world.py).

The materials and questions are built around the personas: the teacher persona
is their author (edits, uploads versions, marks what helped, accepts an answer),
and the curator persona comments and answers. They are shared with the school,
so every member sees them.
"""

from django.core.files.uploadedfile import SimpleUploadedFile

from apps.community.models import MaterialVersion
from apps.community.tests.factories import AnswerFactory, MaterialCommentFactory, MaterialFactory, QuestionFactory
from apps.core.tests.world import ANY_MEMBER, C, T

AUTHOR = (T,)


def _material(w):
    return MaterialFactory(school=w.school, author=w.staff_of(T))


def _version_with_file(w):
    material = _material(w)
    version = MaterialVersion.objects.create(
        material=material,
        number=2,
        file=SimpleUploadedFile("plan.txt", "План урока: смысловое чтение".encode()),
        file_size=10,
        file_name="plan.txt",
        change_note="Добавлен этап рефлексии",
        title=material.title,
    )
    material.current_version = 2
    material.save(update_fields=["current_version"])
    return version


def _question(w):
    return QuestionFactory(school=w.school, author=w.staff_of(T))


OBJECTS = {
    "material": lambda w: {"pk": _material(w).pk},
    "material_version": lambda w: {"pk": _version_with_file(w).pk},
    # A colleague's comment on the teacher's material: the author marks whether it helped.
    "material_comment": lambda w: {
        "pk": MaterialCommentFactory(material=_material(w), author=w.staff_of(C), school=w.school).pk
    },
    # The teacher's own comment: she deletes it.
    "material_comment_own": lambda w: {
        "pk": MaterialCommentFactory(material=_material(w), author=w.staff_of(T), school=w.school).pk
    },
    "question": lambda w: {"pk": _question(w).pk},
    "answer": lambda w: {"pk": AnswerFactory(question=_question(w), author=w.staff_of(C), school=w.school).pk},
}

ROUTES = {
    "community:material_list": ("get", None, ANY_MEMBER),
    "community:material_create": ("get", None, ANY_MEMBER),
    "community:material_detail": ("get", "material", ANY_MEMBER),
    "community:material_edit": ("get", "material", AUTHOR),
    "community:material_withdraw": ("post", "material", AUTHOR),
    "community:version_add": ("get", "material", AUTHOR),
    "community:version_file": ("get", "material_version", ANY_MEMBER),
    "community:comment_create": ("post", "material", ANY_MEMBER),
    "community:comment_delete": ("post", "material_comment_own", AUTHOR),
    "community:comment_helped": ("post", "material_comment", AUTHOR),
    "community:question_list": ("get", None, ANY_MEMBER),
    "community:question_create": ("get", None, ANY_MEMBER),
    "community:question_detail": ("get", "question", ANY_MEMBER),
    "community:answer_create": ("post", "question", ANY_MEMBER),
    "community:answer_accept": ("post", "answer", AUTHOR),
    "community:search": ("get", None, ANY_MEMBER),
}
