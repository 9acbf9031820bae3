"""The community's pages: what is kept from those outside a circle, the htmx
comment thread with its describe-don't-grade warning, fixed query counts, and
the asker's «отметьте ответ» in «Мои дела»."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from apps.accounts.capabilities import Role
from apps.accounts.models import Membership
from apps.accounts.tests.factories import MembershipFactory, SchoolFactory, SchoolNetworkFactory, UserFactory
from apps.community.models import Answer
from apps.community.tests import routes
from apps.core.tenancy import Circle
from apps.core.todos import todo_items, todo_scope
from apps.staff.models import Subject
from apps.staff.tests.factories import StaffMemberFactory
from apps.visits.models import EvaluativeWord
from conftest import client_for

from .factories import AnswerFactory, MaterialCommentFactory, MaterialFactory, QuestionFactory

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}


def _person(school, role=Role.TEACHER, card=True, **fields):
    user = MembershipFactory(school=school, roles=[role], user=UserFactory()).user
    staff = StaffMemberFactory(school=school, user=user, **fields) if card else None
    return user, staff


def _list_pages():
    """The community's GET pages that take no object, from the URL walk's routes (so later pages are swept too)."""
    return [reverse(name) for name, (method, kind, _who) in routes.ROUTES.items() if method == "get" and kind is None]


def test_secret_tokens_of_a_draft_and_an_association_material_reach_no_page_outside():
    network = SchoolNetworkFactory()
    home = SchoolFactory(network=network)
    partner = SchoolFactory(network=network)
    author_user, author = _person(home)
    draft = MaterialFactory(
        school=home, author=author, circle=Circle.DRAFT, title="ТОКЕН-ЧЕРНОВИК", description="ТОКЕН-ОПИСАНИЕ-Ч"
    )
    kept = MaterialFactory(
        school=home, author=author, circle=Circle.ASSOCIATION, title="ТОКЕН-ШМО", topic="ТОКЕН-ТЕМА-ШМО"
    )
    MaterialCommentFactory(material=kept, author=author, school=home, text="ТОКЕН-КОММЕНТАРИЙ")
    QuestionFactory(school=home, author=author, circle=Circle.ASSOCIATION, title="ТОКЕН-ВОПРОС")
    shared = MaterialFactory(school=home, author=author, circle=Circle.NETWORK, title="Открытый материал")
    tokens = ("ТОКЕН-",)
    outside = [
        _person(home)[0],
        _person(home, Role.ADMINISTRATOR, card=False)[0],
        _person(partner)[0],
    ]
    pages = [
        *_list_pages(),
        *[f"{reverse('community:material_list')}?tab={tab}" for tab in ("circles", "mine", "drafts")],
        f"{reverse('community:question_list')}?tab=mine",
        reverse("community:material_detail", args=[shared.pk]),
    ]
    for user in outside:
        client = client_for(user)
        for page in pages:
            response = client.get(page)
            assert response.status_code == 200, page
            assert not any(token in response.content.decode() for token in tokens), page
        for material in (draft, kept):
            assert client.get(reverse("community:material_detail", args=[material.pk])).status_code == 404
    # The author herself sees them (the tokens are real).
    mine = client_for(author_user).get(f"{reverse('community:material_list')}?tab=drafts").content.decode()
    assert "ТОКЕН-ЧЕРНОВИК" in mine


def test_a_person_without_a_card_sees_the_lists_and_a_note_instead_of_the_forms(school):
    user, _ = _person(school, Role.ADMINISTRATOR, card=False)
    MaterialFactory(school=school, title="Общий материал")
    client = client_for(user)
    listed = client.get(reverse("community:material_list"))
    assert "Общий материал" in listed.content.decode()
    assert b'data-testid="no-card"' in listed.content
    assert b'data-testid="material-new"' not in listed.content
    form = client.get(reverse("community:material_create"))
    assert b'data-testid="no-card"' in form.content and b'data-testid="material-form"' not in form.content


def test_create_a_material_through_the_form(school):
    user, staff = _person(school)
    response = client_for(user).post(
        reverse("community:material_create"),
        {
            "title": "Формирующее оценивание на уроке",
            "kind": "methodical",
            "circle": "school",
            "grades": ["5", "7"],
            "link": "https://example.org/fo",
        },
    )
    assert response.status_code == 302
    material = staff.materials.get()
    assert (material.grades, material.circle, material.current_version) == ([5, 7], "school", 1)


def test_a_form_with_errors_keeps_what_was_typed(school):
    user, _ = _person(school)
    response = client_for(user).post(
        reverse("community:material_create"), {"title": "Мой набранный заголовок", "kind": "methodical"}
    )
    assert response.status_code == 200
    assert "Мой набранный заголовок" in response.content.decode()


def test_comment_by_htmx_returns_the_thread_and_warns_of_evaluative_words(school):
    material = MaterialFactory(school=school)
    user, _ = _person(school)
    client = client_for(user)
    page = client.get(reverse("community:material_detail", args=[material.pk])).content.decode()
    assert 'id="evaluative-words"' in page and "data-nudge" in page
    response = client.post(
        reverse("community:comment_create", args=[material.pk]),
        {"text": "Урок прошёл хорошо, автор молодец"},
        **HTMX,
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert 'id="comments"' in body and "автор молодец" in body
    # The server's warning after the submit names the grading word it found.
    assert 'role="status"' in body and "«молодец»" in body
    assert material.comments.count() == 1


def test_a_page_showing_the_comment_form_writes_nothing_yet_warns_of_the_default_words(school):
    material = MaterialFactory(school=school)
    user, _ = _person(school)
    client = client_for(user)
    assert client.get(reverse("community:material_detail", args=[material.pk])).status_code == 200
    assert not EvaluativeWord.objects.filter(school=school).exists()
    response = client.post(reverse("community:comment_create", args=[material.pk]), {"text": "Автор молодец."}, **HTMX)
    assert "«молодец»" in response.content.decode()
    assert not EvaluativeWord.objects.filter(school=school).exists()


def test_the_subject_filter_finds_a_network_school_s_material_of_the_same_subject(school):
    # Subjects are each school's own: the list offers ours and matches theirs by name.
    network = SchoolNetworkFactory()
    school.network = network
    school.save()
    partner = SchoolFactory(network=network)
    ours, theirs = (Subject.objects.create(school=s, name="Математика") for s in (school, partner))
    other_subject = Subject.objects.create(school=partner, name="История")
    found = MaterialFactory(school=partner, circle=Circle.NETWORK, subject=theirs, title="Дроби в 5 классе")
    MaterialFactory(school=partner, circle=Circle.NETWORK, subject=other_subject, title="Реформы Петра")
    mine = MaterialFactory(school=school, circle=Circle.SCHOOL, subject=ours, title="Десятичные дроби")
    user, _ = _person(school)
    body = client_for(user).get(reverse("community:material_list"), {"subject": ours.pk}).content.decode()
    for material in (found, mine):
        assert reverse("community:material_detail", args=[material.pk]) in body
    assert "Реформы Петра" not in body


def test_helped_toggle_by_htmx_shows_on_the_comment_only(school):
    author_user, author = _person(school)
    material = MaterialFactory(school=school, author=author)
    comment = MaterialCommentFactory(material=material)
    response = client_for(author_user).post(reverse("community:comment_helped", args=[comment.pk]), **HTMX)
    assert response.status_code == 200
    assert b'data-testid="helped"' in response.content
    comment.refresh_from_db()
    assert comment.helped_at is not None


def _queries(client, url):
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def test_lists_and_pages_have_fixed_query_counts(school):
    user, staff = _person(school)
    client = client_for(user)
    material = MaterialFactory(school=school, author=staff)
    question = QuestionFactory(school=school, author=staff)

    def grow(n):
        for _ in range(n):
            MaterialFactory(school=school)
            comment = MaterialCommentFactory(material=material)
            MaterialCommentFactory(material=material, parent=comment)
            QuestionFactory(school=school)
            AnswerFactory(question=question)

    pages = [
        reverse("community:material_list"),
        f"{reverse('community:material_list')}?kind=lesson_plan&grade=5",
        reverse("community:material_detail", args=[material.pk]),
        reverse("community:question_list"),
        reverse("community:question_detail", args=[question.pk]),
    ]
    grow(2)
    for page in pages:
        _queries(client, page)  # warm the caches (prepared queries, evaluative words)
    small = [_queries(client, page) for page in pages]
    grow(10)
    assert [_queries(client, page) for page in pages] == small


def test_the_asker_is_asked_to_mark_the_answer_that_helped(school):
    user, staff = _person(school)
    question = QuestionFactory(school=school, author=staff, title="Как вести пары?")
    other_user, _ = _person(school)

    def kinds(person):
        scope = todo_scope(school=school, user=person, membership=Membership.objects.get(user=person, school=school))
        return [item.kind for item in todo_items(scope=scope)]

    assert "community_answer_accept" not in kinds(user)
    answer = AnswerFactory(question=question)
    assert kinds(user).count("community_answer_accept") == 1
    assert "community_answer_accept" not in kinds(other_user)
    Answer.objects.filter(pk=answer.pk).update(is_accepted=True)
    assert "community_answer_accept" not in kinds(user)
