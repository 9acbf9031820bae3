"""The community's rules, kept by its services whatever form calls them."""

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils.translation import gettext

from apps.accounts.tests.factories import SchoolFactory, SchoolNetworkFactory, UserFactory
from apps.community import services
from apps.community.forms import MaterialForm
from apps.community.models import Answer, Material, MaterialComment, Question
from apps.community.selectors import material_versions, version_diff
from apps.core.tenancy import Circle, Viewer
from apps.mentoring.tests.factories import ProblemTagFactory
from apps.notifications.models import Notification
from apps.staff.tests.factories import StaffMemberFactory

from .factories import MaterialCommentFactory, MaterialFactory, QuestionFactory

pytestmark = pytest.mark.django_db


def _person(school, **kwargs):
    return StaffMemberFactory(school=school, user=UserFactory(), **kwargs)


def _create(author, **kwargs):
    values = {
        "school": author.school,
        "author": author,
        "circle": Circle.SCHOOL,
        "kind": Material.Kind.LESSON_PLAN,
        "title": "Смысловое чтение в 5 классе",
        "grades": [5],
        "link": "https://example.org/plan",
    }
    values.update(kwargs)
    return services.material_create(**values)


def test_material_create_makes_the_first_version_and_strips_the_snippet_markers():
    author = _person(SchoolFactory())
    material = _create(author, title="Чтение \ue000с\ue001 пометками", description="\ue000текст\ue001")
    assert material.title == "Чтение с пометками"
    assert material.description == "текст"
    assert material.published_at is not None
    version = material.versions.get()
    assert (version.number, version.link, version.title) == (1, "https://example.org/plan", material.title)


def test_network_circle_only_in_a_network_and_association_only_for_a_member():
    author = _person(SchoolFactory(), association=None)
    with pytest.raises(ValidationError) as error:
        _create(author, circle=Circle.NETWORK)
    assert "circle" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        _create(author, circle=Circle.ASSOCIATION)
    assert "circle" in error.value.message_dict
    networked = _person(SchoolFactory(network=SchoolNetworkFactory()))
    material = _create(networked, circle=Circle.ASSOCIATION)
    assert material.association_id == networked.association_id
    services.material_share(material=material, author=networked, circle=Circle.NETWORK)
    material.refresh_from_db()
    assert (material.circle, material.association_id) == (Circle.NETWORK, None)
    services.material_withdraw(material=material, author=networked)
    material.refresh_from_db()
    assert material.circle == Circle.DRAFT


@pytest.mark.parametrize("networked", [False, True])
@pytest.mark.parametrize("member", [False, True])
def test_the_form_offers_exactly_the_circles_the_service_accepts(networked, member):
    school = SchoolFactory(network=SchoolNetworkFactory() if networked else None)
    author = _person(school) if member else _person(school, association=None)
    offered = {value for value, _label in MaterialForm(school=school, staff=author).fields["circle"].choices}
    accepted = set()
    for circle in Circle.values:
        try:
            _create(author, circle=circle)
        except ValidationError:
            continue
        accepted.add(circle)
    assert offered == accepted


def test_tags_and_subject_of_another_school_are_refused():
    author = _person(SchoolFactory())
    with pytest.raises(ValidationError) as error:
        _create(author, tags=[ProblemTagFactory()])
    assert "tags" in error.value.message_dict


def test_only_the_author_shares_or_edits():
    material = MaterialFactory()
    colleague = _person(material.school)
    with pytest.raises(ValidationError):
        services.material_share(material=material, author=colleague, circle=Circle.DRAFT)


def test_upload_checks_run_in_the_service():
    author = _person(SchoolFactory())
    page = SimpleUploadedFile("plan.pdf", b"<html><script>alert(1)</script></html>")
    with pytest.raises(ValidationError) as error:
        _create(author, file=page, link="")
    assert "file" in error.value.message_dict
    assert not Material.objects.exists()
    material = _create(author)
    with pytest.raises(ValidationError) as error:
        services.version_add(
            material=material, author=author, change_note="Новый файл", file=SimpleUploadedFile("x.exe", b"MZ")
        )
    assert "file" in error.value.message_dict


def test_version_needs_a_change_note_and_bumps_the_current_version():
    author = _person(SchoolFactory())
    material = _create(author, description="Работа с текстом в парах")
    with pytest.raises(ValidationError) as error:
        services.version_add(material=material, author=author, change_note="  ", link="https://example.org/v2")
    assert "change_note" in error.value.message_dict
    services.material_update(
        material=material,
        author=author,
        kind=material.kind,
        title=material.title,
        grades=[5, 6],
        description="Работа с текстом в группах",
    )
    version = services.version_add(
        material=material,
        author=author,
        change_note="Пары заменены группами",
        file=SimpleUploadedFile("plan.txt", "План урока".encode()),
    )
    material.refresh_from_db()
    assert (version.number, material.current_version, version.file_name) == (2, 2, "plan.txt")
    newest = material_versions(material=material)[0]
    assert newest.description_changed
    assert "<del>парах</del>" in newest.description_diff
    assert "<ins>группах</ins>" in newest.description_diff


def test_version_diff_escapes_html():
    diff = version_diff("<b>старый</b> текст", "<script>новый</script> текст")
    assert "<script>" not in diff and "&lt;script&gt;" in diff
    assert "<del>" in diff and "<ins>" in diff


def test_one_level_of_replies_on_the_same_material():
    material = MaterialFactory()
    reader = _person(material.school)
    comment = services.comment_create(
        viewer=Viewer.of_staff(reader), author=reader, material_id=material.pk, text="Вопрос"
    )
    reply = services.comment_create(
        viewer=Viewer.of_staff(material.author),
        author=material.author,
        material_id=material.pk,
        text="Ответ",
        parent_id=comment.pk,
    )
    with pytest.raises(ValidationError):
        services.comment_create(
            viewer=Viewer.of_staff(reader), author=reader, material_id=material.pk, text="Ещё", parent_id=reply.pk
        )
    other = MaterialFactory(school=material.school)
    with pytest.raises(ValidationError):
        services.comment_create(
            viewer=Viewer.of_staff(reader), author=reader, material_id=other.pk, text="Не туда", parent_id=comment.pk
        )


def test_a_comment_needs_a_material_the_writer_sees():
    draft = MaterialFactory(circle=Circle.DRAFT)
    colleague = _person(draft.school)
    with pytest.raises(ValidationError):
        services.comment_create(viewer=Viewer.of_staff(colleague), author=colleague, material_id=draft.pk, text="Текст")
    assert not MaterialComment.objects.exists()


def test_comment_and_reply_notify_once_the_material_author_then_the_commenter():
    author = _person(SchoolFactory())
    material = _create(author)
    reader = _person(author.school)
    comment = services.comment_create(
        viewer=Viewer.of_staff(reader), author=reader, material_id=material.pk, text="Описание"
    )
    assert Notification.objects.filter(user=author.user, kind=Notification.Kind.MATERIAL_COMMENT).count() == 1
    services.comment_create(
        viewer=Viewer.of_staff(author), author=author, material_id=material.pk, text="Спасибо", parent_id=comment.pk
    )
    assert Notification.objects.filter(user=reader.user, kind=Notification.Kind.COMMENT_REPLY).count() == 1
    # The author's own reply does not notify the author.
    assert Notification.objects.filter(user=author.user).count() == 1


def test_helped_is_marked_by_the_material_author_only_not_on_their_own_comment_and_notifies_once():
    author = _person(SchoolFactory())
    material = _create(author)
    reader = _person(author.school)
    comment = MaterialCommentFactory(material=material, author=reader, school=reader.school)
    with pytest.raises(ValidationError):
        services.comment_mark_helped(comment=comment, author=reader)
    own = MaterialCommentFactory(material=material, author=author, school=author.school)
    with pytest.raises(ValidationError):
        services.comment_mark_helped(comment=own, author=author)
    services.comment_mark_helped(comment=comment, author=author)
    services.comment_unmark_helped(comment=comment, author=author)
    services.comment_mark_helped(comment=comment, author=author)
    comment.refresh_from_db()
    assert comment.helped_at is not None
    assert Notification.objects.filter(user=reader.user, kind=Notification.Kind.COMMENT_HELPED).count() == 1


def test_comment_delete_is_the_writer_s_own():
    comment = MaterialCommentFactory()
    with pytest.raises(ValidationError):
        services.comment_delete(comment=comment, author=comment.material.author)
    services.comment_delete(comment=comment, author=comment.author)
    assert not MaterialComment.objects.exists()


def test_accepted_answer_is_unique_and_only_the_asker_accepts():
    asker = _person(SchoolFactory())
    question = services.question_create(school=asker.school, author=asker, circle=Circle.SCHOOL, title="Как?")
    first_person, second_person = _person(asker.school), _person(asker.school)
    first = services.answer_create(
        viewer=Viewer.of_staff(first_person), author=first_person, question_id=question.pk, text="Так"
    )
    second = services.answer_create(
        viewer=Viewer.of_staff(second_person), author=second_person, question_id=question.pk, text="Иначе"
    )
    assert Notification.objects.filter(user=asker.user, kind=Notification.Kind.QUESTION_ANSWERED).count() == 2
    with pytest.raises(ValidationError):
        services.answer_accept(answer=first, author=first_person)
    services.answer_accept(answer=first, author=asker)
    services.answer_accept(answer=second, author=asker)
    services.answer_accept(answer=second, author=asker)
    assert list(Answer.objects.filter(is_accepted=True)) == [second]
    accepted = Notification.objects.filter(kind=Notification.Kind.ANSWER_ACCEPTED)
    assert sorted(n.user_id for n in accepted) == sorted([first_person.user_id, second_person.user_id])


def test_the_asker_cannot_accept_their_own_answer():
    asker = _person(SchoolFactory())
    colleague = _person(asker.school)
    question = services.question_create(school=asker.school, author=asker, circle=Circle.SCHOOL, title="Как?")
    own = services.answer_create(
        viewer=Viewer.of_staff(asker), author=asker, question_id=question.pk, text="Сама нашла"
    )
    theirs = services.answer_create(
        viewer=Viewer.of_staff(colleague), author=colleague, question_id=question.pk, text="Так"
    )
    services.answer_accept(answer=theirs, author=asker)
    with pytest.raises(ValidationError) as refused:
        services.answer_accept(answer=own, author=asker)
    assert refused.value.messages == [gettext("Your own answer cannot be marked.")]
    # The colleague's answer stays the one that helped.
    assert list(Answer.objects.filter(is_accepted=True)) == [theirs]


def test_a_question_is_never_a_draft():
    asker = _person(SchoolFactory())
    with pytest.raises(ValidationError) as refused:
        services.question_create(school=asker.school, author=asker, circle=Circle.DRAFT, title="Как?")
    assert "circle" in refused.value.error_dict
    assert not Question.objects.exists()


def test_an_answer_needs_a_question_the_writer_sees():
    question = QuestionFactory(circle=Circle.ASSOCIATION)
    colleague = _person(question.school)
    with pytest.raises(ValidationError):
        services.answer_create(
            viewer=Viewer.of_staff(colleague), author=colleague, question_id=question.pk, text="Ответ"
        )
    assert not Answer.objects.exists()
