"""Search across the community: each person finds exactly what their circles let
them see, filters only narrow it, snippets are escaped, and the page costs the same
queries whatever the data."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from apps.accounts.models import Role
from apps.accounts.tests.factories import MembershipFactory, SchoolFactory, SchoolNetworkFactory, UserFactory
from apps.community import search as community_search
from apps.community.models import Material
from apps.core.tenancy import Circle
from apps.mentoring.models import ProblemTag
from apps.staff.models import StaffMember
from apps.staff.tests.factories import StaffMemberFactory, SubjectAssociationFactory, SubjectFactory
from conftest import client_for

from .factories import MaterialFactory, QuestionFactory

pytestmark = pytest.mark.django_db

URL = "/community/search/"
# One unique word per circle (latin letters: no Russian stem joins them).
TOKENS = {
    Circle.DRAFT: "zetadraft",
    Circle.ASSOCIATION: "zetaassoc",
    Circle.SCHOOL: "zetaschool",
    Circle.NETWORK: "zetanetwork",
}


def _person(school, *roles, card=True, association=None):
    user = UserFactory()
    MembershipFactory(user=user, school=school, roles=list(roles or [Role.TEACHER]))
    if card:
        association = association or SubjectAssociationFactory(school=school)
        StaffMemberFactory(school=school, user=user, association=association)
    return user


@pytest.fixture
def world():
    network = SchoolNetworkFactory()
    school = SchoolFactory(network=network)
    network_school = SchoolFactory(network=network)
    lone_school = SchoolFactory()
    ours = SubjectAssociationFactory(school=school, name="ШМО словесников")
    theirs = SubjectAssociationFactory(school=school, name="ШМО математиков")
    author = _person(school, association=ours)
    card = StaffMember.objects.get(user=author)
    rows = {}
    for circle, token in TOKENS.items():
        material = MaterialFactory(
            school=school, author=card, circle=circle, title=f"Конспект {token}", description=f"Описание {token}"
        )
        # A question is never a draft.
        question = (
            None
            if circle == Circle.DRAFT
            else QuestionFactory(school=school, author=card, circle=circle, title=f"Вопрос {token}", body=token)
        )
        rows[circle] = (material, question)
    # A school outside the network shares with "its network": nobody else sees it.
    lone_teacher = _person(lone_school)
    lone = MaterialFactory(
        school=lone_school,
        author=StaffMember.objects.get(user=lone_teacher),
        circle=Circle.NETWORK,
        title="Конспект zetalone",
    )
    return {
        "school": school,
        "rows": rows,
        "lone": lone,
        "people": {
            "author": author,
            "association colleague": _person(school, association=ours),
            "other association colleague": _person(school, association=theirs),
            "administrator without a card": _person(school, Role.ADMINISTRATOR, card=False),
            "network school's teacher": _person(network_school),
            "school outside the network": lone_teacher,
        },
    }


SEES = {
    "author": {Circle.DRAFT, Circle.ASSOCIATION, Circle.SCHOOL, Circle.NETWORK},
    "association colleague": {Circle.ASSOCIATION, Circle.SCHOOL, Circle.NETWORK},
    "other association colleague": {Circle.SCHOOL, Circle.NETWORK},
    "administrator without a card": {Circle.SCHOOL, Circle.NETWORK},
    "network school's teacher": {Circle.NETWORK},
    "school outside the network": set(),
}


def _links(response):
    return set(re.findall(r'href="/community/(materials|questions)/(\d+)/"', response.content.decode()))


def _results(response):
    after = response.content.decode().split('data-testid="search-results"', 1)[1]
    return after.split("</main>", 1)[0]


def _results_text(text):
    return text.split('data-testid="search-results"', 1)[1].split("</main>", 1)[0]


def _expected(world, circles):
    links = set()
    for circle in circles:
        material, question = world["rows"][circle]
        links.add(("materials", str(material.pk)))
        if question is not None:
            links.add(("questions", str(question.pk)))
    return links


@pytest.mark.parametrize("who", sorted(SEES))
def test_each_person_finds_exactly_what_their_circles_show(world, who):
    client = client_for(world["people"][who])
    for circle, token in TOKENS.items():
        response = client.get(URL, {"q": token})
        assert response.status_code == 200
        expected = _expected(world, {circle} & SEES[who])
        assert _links(response) == expected, (who, circle)
        if not expected:
            assert token not in _results(response)
    # Without words: the newest of everything they may see, and nothing else.
    response = client.get(URL)
    lone = who == "school outside the network"
    # The lone school's teacher sees their own material shared with a network their school is not in.
    own = {("materials", str(world["lone"].pk))} if lone else set()
    assert _links(response) == _expected(world, SEES[who]) | own
    assert ("zetalone" in _results(response)) == lone


@pytest.mark.parametrize(
    "filters",
    [
        {"circle": Circle.DRAFT},
        {"circle": Circle.ASSOCIATION},
        {"what": "materials", "circle": Circle.DRAFT},
        {"what": "questions"},
        {"kind": "lesson_plan"},
        {"grade": "5"},
    ],
)
def test_filters_cannot_widen_what_a_person_sees(world, filters):
    client = client_for(world["people"]["other association colleague"])
    allowed = _expected(world, SEES["other association colleague"])
    for token in TOKENS.values():
        response = client.get(URL, {"q": token, **filters})
        assert response.status_code == 200
        assert _links(response) <= allowed
    assert _links(client.get(URL, filters)) <= allowed


def test_snippets_of_invisible_rows_never_appear(world):
    client = client_for(world["people"]["network school's teacher"])
    response = client.get(URL, {"q": "zetadraft or zetaassoc or zetaschool or zetanetwork or Описание"})
    text = response.content.decode()
    assert "<mark>zetanetwork</mark>" in text
    for token in ("zetadraft", "zetaassoc", "zetaschool"):
        assert f"<mark>{token}</mark>" not in text


def test_typed_html_comes_back_escaped_with_marks(db):
    school = SchoolFactory()
    user = _person(school)
    MaterialFactory(
        school=school,
        author=StaffMember.objects.get(user=user),
        title="<script>alert(1)</script> смысловое чтение",
        description='<img src=x onerror="alert(2)"> оценки 3 < 4 & приёмы смыслового чтения на уроке',
    )
    client = client_for(user)
    text = client.get(URL, {"q": "смысловое чтение"}).content.decode()
    assert "<script>alert(1)" not in text
    assert "<img src=x" not in text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in text
    # The search parser drops tags from a fragment; what is left is escaped.
    assert "3 &lt; 4 &amp; приёмы <mark>смыслового</mark> <mark>чтения</mark>" in text
    assert "<mark>смысловое</mark>" in text or "<mark>смыслового</mark>" in text
    # What was typed is kept in the box, escaped.
    typed = client.get(URL, {"q": "смысловое <b>чтение</b>"}).content.decode()
    assert 'value="смысловое &lt;b&gt;чтение&lt;/b&gt;"' in typed


def test_snippet_html_escapes_then_marks():
    marked = community_search.snippet_html("a <b> \ue000урок\ue001 & \ue000x\ue001")
    assert marked == "a &lt;b&gt; <mark>урок</mark> &amp; <mark>x</mark>"


def test_russian_morphology_finds_other_word_forms(db):
    school = SchoolFactory()
    user = _person(school)
    material = MaterialFactory(school=school, author=StaffMember.objects.get(user=user), title="Уроки литературы")
    links = _links(client_for(user).get(URL, {"q": "урока"}))
    assert links == {("materials", str(material.pk))}


def test_filters_by_subject_grade_tag_and_kind(db):
    network = SchoolNetworkFactory()
    school, neighbour = SchoolFactory(network=network), SchoolFactory(network=network)
    user = _person(school)
    neighbour_author = StaffMember.objects.get(user=_person(neighbour))
    # The subject and the tag are another school's rows with the same names.
    physics = SubjectFactory(school=neighbour, name="Физика")
    SubjectFactory(school=school, name="Физика")
    tag = ProblemTag.objects.create(school=neighbour, name="смысловое чтение")
    ProblemTag.objects.create(school=school, name="смысловое чтение")
    matching = MaterialFactory(
        school=neighbour,
        author=neighbour_author,
        circle=Circle.NETWORK,
        subject=physics,
        grades=[7, 8],
        kind=Material.Kind.PRESENTATION,
    )
    matching.tags.add(tag)
    MaterialFactory(school=neighbour, author=neighbour_author, circle=Circle.NETWORK, grades=[7])
    client = client_for(user)
    for filters in (
        {"subject": "Физика"},
        {"grade": "8"},
        {"tag": "смысловое чтение"},
        {"kind": "presentation"},
        {"subject": "Физика", "grade": "7", "tag": "смысловое чтение", "kind": "presentation", "q": "конспект"},
    ):
        assert _links(client.get(URL, filters)) == {("materials", str(matching.pk))}, filters


@pytest.mark.parametrize(
    "bad",
    [
        {"grade": "12"},
        {"grade": "пять"},
        {"kind": "poem"},
        {"circle": "everyone"},
        {"what": "people"},
        {"subject": "Астрология"},
        {"tag": "нет такого"},
        {"page": "0"},
        {"page": "11"},
        {"page": "x"},
        {"q": "у" * 201},
    ],
)
def test_bad_values_are_form_errors_with_what_was_typed_kept(world, bad):
    client = client_for(world["people"]["author"])
    response = client.get(URL, {"q": "zetaschool", **bad} if "q" not in bad else bad)
    assert response.status_code == 200
    assert response.context["form"].errors
    assert not response.context["results"]
    if "q" not in bad:
        assert 'value="zetaschool"' in response.content.decode()


def test_websearch_syntax_never_fails(world):
    client = client_for(world["people"]["author"])
    for q in ('"', "-", "or", "!!!", "(((", "&|:*", "'", "\\"):
        assert client.get(URL, {"q": q}).status_code == 200


def test_next_page_when_more_rows_came(db):
    school = SchoolFactory()
    user = _person(school)
    card = StaffMember.objects.get(user=user)
    MaterialFactory.create_batch(community_search.PER_PAGE + 1, school=school, author=card, title="Конспект урока")
    client = client_for(user)
    first = client.get(URL, {"q": "урок"})
    assert len(_links(first)) == community_search.PER_PAGE
    assert 'data-testid="search-next"' in first.content.decode()
    second = client.get(URL, {"q": "урок", "page": "2"})
    assert len(_links(second)) == 1
    assert not _links(first) & _links(second)
    assert 'data-testid="search-next"' not in second.content.decode()


def _queries(client, params):
    with CaptureQueriesContext(connection) as captured:
        response = client.get(URL, params)
    assert response.status_code == 200
    return len(captured), len(_links(response))


@pytest.mark.parametrize(
    "params",
    [{"q": "урок"}, {}, {"q": "урок", "what": "materials", "grade": "5"}, {"what": "questions"}],
)
def test_query_count_is_fixed(db, params):
    network = SchoolNetworkFactory()
    school, neighbour = SchoolFactory(network=network), SchoolFactory(network=network)
    user = _person(school)
    card = StaffMember.objects.get(user=user)
    other = StaffMember.objects.get(user=_person(neighbour))

    def add(count):
        for n in range(count):
            author, home = (card, school) if n % 2 else (other, neighbour)
            subject = SubjectFactory(school=home)
            MaterialFactory(school=home, author=author, circle=Circle.NETWORK, subject=subject, title=f"Урок {n}")
            QuestionFactory(school=home, author=author, circle=Circle.NETWORK, subject=subject, title=f"Урок {n}?")

    client = client_for(user)
    add(2)
    client.get(URL, params)  # the session and the compiled shapes warmed
    small, shown_small = _queries(client, params)
    add(28)
    large, shown_large = _queries(client, params)
    assert shown_small >= 2 and shown_large > shown_small
    assert small == large


def test_the_page_of_hits_is_sent_as_plain_sql_never_a_kept_statement(world):
    # A generic plan kept after five runs cannot see how rare the words are or how small the
    # viewer's network is: at the regional scale it was several times slower.
    client = client_for(world["people"]["author"])
    for _ in range(2):
        with CaptureQueriesContext(connection) as captured:
            assert client.get(URL, {"q": "zetaschool"}).status_code == 200
    sent = [q["sql"] for q in captured.captured_queries]
    hits = [sql for sql in sent if "UNION ALL" in sql and "ts_rank(" in sql]
    assert len(hits) == 1
    assert "EXECUTE cs_" not in hits[0]
    # Prepared statements are on here: the filters' names do go through one.
    assert any("UNION ALL" in sql and "EXECUTE cs_" in sql for sql in sent if "staff_subject" in sql)


def test_a_result_shows_its_kind_subject_grades_circle_and_author_escaped(db):
    # The results are written in Python, not by the template: every value still escaped.
    school = SchoolFactory()
    user = _person(school)
    card = StaffMember.objects.get(user=user)
    card.last_name, card.first_name, card.patronymic = "<b>Петрова</b>", "Анна", "Ивановна"
    card.save()
    subject = SubjectFactory(school=school, name="Физика & <i>астрономия</i>")
    material = MaterialFactory(
        school=school,
        author=card,
        circle=Circle.SCHOOL,
        subject=subject,
        grades=[7, 8],
        kind=Material.Kind.PRESENTATION,
        title="Опыты <s>с</s> маятником",
        description="Описание опытов",
    )
    question = QuestionFactory(school=school, author=card, circle=Circle.SCHOOL, title="Как показать маятник?")
    client = client_for(user)
    for params in ({"q": "маятник"}, {}):
        results = _results(client.get(URL, params))
        assert f'href="/community/materials/{material.pk}/"' in results
        assert f'href="/community/questions/{question.pk}/"' in results
        assert str(Material.Kind.PRESENTATION.label) in results
        assert "Физика &amp; &lt;i&gt;астрономия&lt;/i&gt;" in results
        assert "<i>" not in results and "<s>" not in results and "<b>" not in results
        assert "&lt;b&gt;Петрова&lt;/b&gt; А.И." in results
        assert str(Circle.SCHOOL.label) in results
    assert "<mark>маятником</mark>" in _results(client.get(URL, {"q": "маятник"}))
