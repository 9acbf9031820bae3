"""The database keeps the community's invariants and its search vectors."""

import pytest
from django.contrib.postgres.search import SearchQuery
from django.db import IntegrityError, transaction
from django.db.models import RestrictedError

from apps.community.models import Answer, Material, MaterialVersion, Question
from apps.core.tenancy import Circle
from apps.staff.tests.factories import StaffMemberFactory, SubjectAssociationFactory

from .factories import AnswerFactory, MaterialFactory, QuestionFactory

pytestmark = pytest.mark.django_db


def _found(model, words):
    return set(model.objects.filter(search_vector=SearchQuery(words, config="russian", search_type="websearch")))


def test_search_vector_is_kept_by_the_database_with_russian_morphology():
    material = MaterialFactory(title="Уроки смыслового чтения", description="Работа с текстом")
    assert _found(Material, "урок") == {material}
    assert _found(Material, "чтению") == {material}
    # A plain UPDATE (as the erasure writes) keeps it current too.
    Material.objects.filter(pk=material.pk).update(description="Формирующее оценивание")
    assert _found(Material, "оценивания") == {material}
    assert _found(Material, "текст") == set()


def test_question_vector_covers_title_and_body():
    question = QuestionFactory(title="Проектная деятельность", body="Как оценивать проекты пятиклассников?")
    assert _found(Question, "проектов") == {question}
    assert _found(Question, "пятиклассники") == {question}


@pytest.mark.parametrize(
    "changes",
    [
        {"circle": "everyone"},
        {"kind": "poem"},
        {"grades": []},
        {"grades": [0]},
        {"grades": [12]},
        {"circle": Circle.ASSOCIATION, "association": None},
        {"circle": Circle.SCHOOL, "published_at": None},
    ],
)
def test_material_constraints(changes):
    material = MaterialFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        Material.objects.filter(pk=material.pk).update(**changes)


def test_a_later_version_says_what_changed_and_has_a_link_or_file():
    material = MaterialFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        MaterialVersion.objects.create(material=material, number=2, link="https://example.org/2", title="t")
    with pytest.raises(IntegrityError), transaction.atomic():
        MaterialVersion.objects.create(material=material, number=2, change_note="Добавил задания", title="t")
    with pytest.raises(IntegrityError), transaction.atomic():
        MaterialVersion.objects.create(material=material, number=1, link="https://example.org/1", title="t")


def test_one_accepted_answer_per_question():
    question = QuestionFactory()
    AnswerFactory(question=question, is_accepted=True)
    with pytest.raises(IntegrityError), transaction.atomic():
        AnswerFactory(question=question, is_accepted=True)
    assert Answer.objects.filter(question=question).count() == 1


def test_the_database_refuses_a_draft_question():
    question = QuestionFactory(circle=Circle.SCHOOL)
    with pytest.raises(IntegrityError), transaction.atomic():
        Question.objects.filter(pk=question.pk).update(circle=Circle.DRAFT, published_at=None)


def test_an_association_with_rows_shared_with_it_alone_is_not_deleted():
    # A null association would break the association circle's constraint (a 500 on delete).
    association = SubjectAssociationFactory()
    author = StaffMemberFactory(school=association.school, association=association)
    material = MaterialFactory(school=association.school, author=author, circle=Circle.ASSOCIATION)
    question = QuestionFactory(school=association.school, author=author, circle=Circle.ASSOCIATION)
    with pytest.raises(RestrictedError):
        association.delete()
    for row in (material, question):
        row.refresh_from_db()
        assert (row.circle, row.association_id) == (Circle.ASSOCIATION, association.pk)
    # Shared with the school, they name no association and keep nothing back.
    Material.objects.filter(pk=material.pk).update(circle=Circle.SCHOOL, association=None)
    Question.objects.filter(pk=question.pk).update(circle=Circle.SCHOOL, association=None)
    association.delete()
