"""The community's threads, answers and form parts drawn in Python: every typed value
escaped as the templates escaped it, the buttons only for whom they were, and the big
radio buttons exactly as Django's widget and the old template drew them."""

import pytest
from django.db import connection
from django.template import engines
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from apps.accounts.capabilities import Role
from apps.accounts.tests.factories import MembershipFactory, SchoolFactory, SchoolNetworkFactory, UserFactory
from apps.community import selectors
from apps.community.forms import MaterialForm, QuestionForm
from apps.community.markup import big_radios_html
from apps.core.tenancy import Circle
from apps.mentoring.tests.factories import ProblemTagFactory
from apps.staff.tests.factories import StaffMemberFactory
from conftest import client_for

from .factories import AnswerFactory, MaterialCommentFactory, MaterialFactory, QuestionFactory

pytestmark = pytest.mark.django_db

TYPED = "<b>жирно</b> & «кавычки»\r\nвторая строка"
SHOWN = "&lt;b&gt;жирно&lt;/b&gt; &amp; «кавычки»<br>вторая строка"


def _person(school, **fields):
    user = MembershipFactory(school=school, roles=[Role.TEACHER], user=UserFactory()).user
    return user, StaffMemberFactory(school=school, user=user, **fields)


def _network_pair():
    network = SchoolNetworkFactory()
    return SchoolFactory(network=network), SchoolFactory(network=network, short_name="<Школа> №2")


def test_a_thread_shows_typed_text_names_and_schools_escaped_with_the_buttons_of_each_person():
    home, partner = _network_pair()
    author_user, author = _person(home)
    material = MaterialFactory(school=home, author=author, circle=Circle.NETWORK)
    _, outsider = _person(partner, last_name="<Иванова>")
    top = MaterialCommentFactory(material=material, school=partner, author=outsider, text=TYPED)
    commenter_user, commenter = _person(home)
    reply = MaterialCommentFactory(material=material, author=commenter, parent=top, text="ответ <i>")

    page = client_for(author_user).get(reverse("community:material_detail", args=[material.pk])).content.decode()
    assert SHOWN in page and "<b>жирно" not in page
    assert "&lt;Иванова&gt;" in page and ", &lt;Школа&gt; №2" in page and "ответ &lt;i&gt;" in page
    # The author may mark either comment «helped», delete neither; both have a reply form only at the top.
    assert page.count('data-testid="helped-toggle"') == 2
    assert reverse("community:comment_delete", args=[top.pk]) not in page
    assert f'name="parent" value="{top.pk}"' in page and f'name="parent" value="{reply.pk}"' not in page

    theirs = client_for(commenter_user).get(reverse("community:material_detail", args=[material.pk])).content.decode()
    assert 'data-testid="helped-toggle"' not in theirs
    assert reverse("community:comment_delete", args=[reply.pk]) in theirs
    assert reverse("community:comment_delete", args=[top.pk]) not in theirs


def test_answers_show_typed_text_escaped_and_the_accept_button_to_the_asker_only(school):
    asker_user, asker = _person(school)
    question = QuestionFactory(school=school, author=asker)
    other_user, other = _person(school, last_name="<Петрова>")
    answer = AnswerFactory(question=question, author=other, text=TYPED)
    url = reverse("community:question_detail", args=[question.pk])
    page = client_for(asker_user).get(url).content.decode()
    assert SHOWN in page and "&lt;Петрова&gt;" in page
    assert reverse("community:answer_accept", args=[answer.pk]) in page
    assert reverse("community:answer_accept", args=[answer.pk]) not in client_for(other_user).get(url).content.decode()

    swapped = (
        client_for(asker_user)
        .post(reverse("community:answer_accept", args=[answer.pk]), HTTP_HX_REQUEST="true")
        .content.decode()
    )
    assert swapped.startswith('<div id="answers"') and 'data-testid="accepted"' in swapped and SHOWN in swapped
    assert 'data-testid="accept"' not in swapped


# templates/community/_radios.html as it was, the reference of `big_radios_html`.
RADIOS_TEMPLATE = """{# Big radio buttons of one choice field (a circle, a kind), as the feedback form's format. #}
<fieldset class="mb-3">
  <legend class="form-label fs-6 mb-1">{{ field.label }}</legend>
  <div class="d-flex flex-wrap gap-2" role="group">
    {% for radio in field %}{{ radio.tag }}<label class="btn btn-outline-primary flex-fill" \
for="{{ radio.id_for_label }}">{{ radio.choice_label }}</label>{% endfor %}
  </div>
  {% for error in field.errors %}<div class="invalid-feedback d-block">{{ error }}</div>{% endfor %}
</fieldset>
"""


@pytest.mark.parametrize(
    "data",
    [None, {"kind": "methodical", "circle": "school"}, {"kind": "<нет>", "circle": ""}, {"circle": "network"}],
)
def test_big_radio_buttons_are_drawn_as_the_widget_and_template_drew_them(school, data):
    _, staff = _person(school)
    reference = engines["django"].from_string(RADIOS_TEMPLATE)
    for form in (
        MaterialForm(data, school=school, staff=staff),
        MaterialForm(data, school=school, staff=staff, initial={"circle": "draft"}),
        QuestionForm(data, school=school, staff=staff),
    ):
        if form.is_bound:
            form.is_valid()
        for name in ("kind", "circle"):
            if name in form.fields:
                assert big_radios_html(form[name]) == reference.render({"field": form[name]})


def test_the_material_form_reads_the_school_tags_once(school):
    """Whether to offer tags is told by the rows the field offers, not by a query of its own."""
    user, _ = _person(school)
    ProblemTagFactory(school=school, name="Мотивация")
    client = client_for(user)
    url = reverse("community:material_create")
    client.get(url)  # warm the caches (prepared queries)
    with CaptureQueriesContext(connection) as captured:
        page = client.get(url).content.decode()
    assert len([q for q in captured if '"mentoring_problemtag"' in q["sql"]]) == 1
    assert 'name="tags"' in page


def test_a_version_diff_is_worked_out_once_per_pair_and_keeps_no_text():
    """The words' matching is kept per process by a digest of the two texts, as positions only."""
    old, new = "Старый ТЕКСТ-СЕКРЕТ <b>", "Новый ТЕКСТ-СЕКРЕТ <b>"
    first = selectors.version_diff(old, new)
    assert selectors.version_diff(old, new) == first == "<del>Старый</del><ins>Новый</ins> ТЕКСТ-СЕКРЕТ &lt;b&gt;"
    assert "СЕКРЕТ" not in repr(selectors._OPCODES) and "Старый" not in repr(selectors._OPCODES)
