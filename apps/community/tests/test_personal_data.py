"""The community's part of a person's export and erasure."""

import os

import pytest
from django.core.files.base import ContentFile

from apps.community.models import Answer, Material, MaterialComment, MaterialVersion
from apps.core.tenancy import Circle
from apps.privacy.erasure import staff_member_erase
from apps.privacy.export import staff_personal_data_sections
from apps.staff.tests.factories import StaffMemberFactory

from .factories import AnswerFactory, MaterialCommentFactory, MaterialFactory, QuestionFactory

pytestmark = pytest.mark.django_db(transaction=True)

SURNAME = "Незабудкина"


def _file_version(material, name, content, number=2):
    version = MaterialVersion(
        material=material, number=number, change_note="Новая версия", title=material.title, file_name=name
    )
    version.file.save(name, ContentFile(content), save=False)
    version.file_size = len(content)
    version.save()
    return version


@pytest.fixture
def person(school):
    return StaffMemberFactory(school=school, last_name=SURNAME, first_name="Ольга")


def test_export_lists_own_materials_comments_questions_and_answers(person, school):
    MaterialFactory(school=school, author=person, title="Мой конспект о дробях")
    MaterialCommentFactory(material=MaterialFactory(school=school), author=person, text="Мой отзыв о задачах")
    QuestionFactory(school=school, author=person, title="Мой вопрос о парах")
    AnswerFactory(question=QuestionFactory(school=school), author=person, text="Мой ответ про роли")
    other = MaterialFactory(school=school, title="Чужой конспект")
    text = str([section.rows for section in staff_personal_data_sections(staff=person)])
    for own in ("Мой конспект о дробях", "Мой отзыв о задачах", "Мой вопрос о парах", "Мой ответ про роли"):
        assert own in text
    assert other.title not in text


def test_erasure_deletes_drafts_keeps_what_was_shared_and_removes_files_that_name_her(person, school, administrator):
    draft = MaterialFactory(school=school, author=person, circle=Circle.DRAFT)
    draft_file = _file_version(draft, "draft.txt", "черновик".encode())
    shared = MaterialFactory(school=school, author=person, circle=Circle.NETWORK, title=f"Ольга {SURNAME}: приёмы")
    own_pdf = _file_version(shared, "plan.pdf", b"%PDF-1.4 without the name")
    own_text = _file_version(shared, "plan.txt", b"no name inside", number=3)
    colleague_material = MaterialFactory(school=school)
    naming = _file_version(colleague_material, "notes.txt", f"спасибо {SURNAME}".encode())
    plain = _file_version(colleague_material, "other.txt", b"nothing personal", number=3)
    comment = MaterialCommentFactory(material=colleague_material, author=person)
    answer = AnswerFactory(question=QuestionFactory(school=school), author=person)
    colleague_comment = MaterialCommentFactory(material=shared, text=f"Ольга {SURNAME}, спасибо за план")
    paths = {v.pk: v.file.path for v in (draft_file, own_pdf, own_text, naming, plain)}

    record = staff_member_erase(staff=person, reason="Заявление", erased_by=administrator)

    assert not Material.objects.filter(pk=draft.pk).exists()
    shared.refresh_from_db()
    assert SURNAME not in shared.title and shared.author_id == person.pk
    assert MaterialComment.objects.filter(pk=comment.pk).exists() and Answer.objects.filter(pk=answer.pk).exists()
    colleague_comment.refresh_from_db()
    assert SURNAME not in colleague_comment.text
    erased = set(MaterialVersion.objects.filter(file_erased=True).values_list("pk", flat=True))
    # Her unreadable PDF and a colleague's file naming her go; her readable file and others stay.
    assert erased == {own_pdf.pk, naming.pk}
    assert not os.path.exists(paths[draft_file.pk]) and not os.path.exists(paths[own_pdf.pk])
    assert not os.path.exists(paths[naming.pk])
    assert os.path.exists(paths[own_text.pk]) and os.path.exists(paths[plain.pk])
    assert {"community_files", "community_drafts", "community_shared"} <= {c["category"] for c in record.categories}
