"""The protocol's checklist on the feedback form: the observer ticks its items, the
ticks are saved with the feedback (drafts and the automatic draft too), read by
whoever reads the feedback, and final once it is submitted."""

import re

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from apps.mentoring.models import ProblemTag
from apps.visits import catalog_services, services
from apps.visits.catalog_services import ItemSpec
from apps.visits.models import Feedback, FeedbackCheck, ObservationProtocol, ProtocolItem
from apps.visits.tests.test_pages import feedback_data, held_visit, pair  # noqa: F401 (a fixture)
from conftest import client_for

GOAL = "Цель урока сформулирована вместе с учениками"
UNDERSTANDING = "Учитель проверил понимание после объяснения"


@pytest.fixture(autouse=True)
def _english_messages(settings):
    settings.LANGUAGE_CODE = "en"


@pytest.fixture
def protocol(school):
    protocol = ObservationProtocol.objects.create(school=school, name="Один аспект урока")
    prompt = ProtocolItem.objects.create(protocol=protocol, kind="prompt", text="Что делали ученики?", position=0)
    goal = ProtocolItem.objects.create(protocol=protocol, kind="check", text=GOAL, position=1)
    understanding = ProtocolItem.objects.create(protocol=protocol, kind="check", text=UNDERSTANDING, position=2)
    return {"protocol": protocol, "prompt": prompt, "goal": goal, "understanding": understanding}


def box(html, item):
    """The checkbox of `item` on the feedback form, or None."""
    found = re.search(rf'<input type="checkbox" name="checks" value="{item.pk}"[^>]*>', html)
    return found.group(0) if found else None


def ticks(feedback):
    return [(check.text, check.checked) for check in FeedbackCheck.objects.filter(feedback=feedback)]


def test_the_checklist_items_are_boxes_of_the_feedback_form(school, pair, protocol):  # noqa: F811
    visit = held_visit(pair, protocol=protocol["protocol"])
    html = client_for(pair["observer_user"]).get(reverse("visits:feedback", args=[visit.pk])).content.decode()
    for item in ("goal", "understanding"):
        tag = box(html, protocol[item])
        assert tag is not None and 'form="feedback-form"' in tag and "checked" not in tag
    assert box(html, protocol["prompt"]) is None  # a prompt is answered in the texts, not ticked
    assert "Что делали ученики?" in html


def test_ticks_are_saved_with_a_draft_and_come_back_ticked(school, pair, protocol):  # noqa: F811
    visit = held_visit(pair, protocol=protocol["protocol"])
    url = reverse("visits:feedback", args=[visit.pk])
    client = client_for(pair["observer_user"])
    data = {"facts": "9 вопросов", "action": "draft", "checks": [protocol["goal"].pk]}
    assert client.post(url, data).status_code == 302
    assert ticks(Feedback.objects.get()) == [(GOAL, True), (UNDERSTANDING, False)]
    html = client.get(url).content.decode()
    assert "checked" in box(html, protocol["goal"]) and "checked" not in box(html, protocol["understanding"])


def test_the_automatic_draft_saves_the_ticks(school, pair, protocol):  # noqa: F811
    visit = held_visit(pair, protocol=protocol["protocol"])
    client = client_for(pair["observer_user"])
    url = reverse("visits:feedback_draft", args=[visit.pk])
    ticked = {"facts": "Автосохранение", "checks": [protocol["goal"].pk, protocol["understanding"].pk]}
    assert client.post(url, ticked, HTTP_HX_REQUEST="true").status_code == 200
    assert ticks(Feedback.objects.get()) == [(GOAL, True), (UNDERSTANDING, True)]
    # Unticking is saved too: the form posts only the ticked boxes.
    assert client.post(url, {"facts": "Автосохранение"}, HTTP_HX_REQUEST="true").status_code == 200
    assert ticks(Feedback.objects.get()) == [(GOAL, False), (UNDERSTANDING, False)]


# The sprite icon before each box's label.
ICON = r"<svg [^>]*><use [^>]*></use></svg>"


def test_submitted_ticks_are_shown_to_the_feedbacks_readers_only(school, pair, protocol, administrator, deputy_head):  # noqa: F811
    visit = held_visit(pair, protocol=protocol["protocol"])
    data = feedback_data(visit, school, checks=[protocol["understanding"].pk])
    assert client_for(pair["observer_user"]).post(reverse("visits:feedback", args=[visit.pk]), data).status_code == 302
    assert ticks(Feedback.objects.get()) == [(GOAL, False), (UNDERSTANDING, True)]
    detail = reverse("visits:detail", args=[visit.pk])
    for reader in (pair["observed_user"], pair["curator"], pair["observer_user"]):
        html = client_for(reader).get(detail).content.decode()
        assert re.search(rf'data-checked="yes">[^<]*{ICON} <span[^>]*>[^<]*</span> {UNDERSTANDING}', html)
        assert re.search(rf'data-checked="no">[^<]*{ICON} <span[^>]*>[^<]*</span> {GOAL}', html)
    for manager in (administrator, deputy_head):
        html = client_for(manager).get(detail).content.decode()
        assert "data-checked" not in html and UNDERSTANDING not in html


def test_submitted_ticks_are_final(school, pair, protocol):  # noqa: F811
    visit = held_visit(pair, protocol=protocol["protocol"])
    client = client_for(pair["observer_user"])
    client.post(reverse("visits:feedback", args=[visit.pk]), feedback_data(visit, school, checks=[protocol["goal"].pk]))
    feedback = Feedback.objects.get()
    assert feedback.is_submitted
    final = [(GOAL, True), (UNDERSTANDING, False)]

    other = {"facts": "Другой текст", "checks": [protocol["understanding"].pk]}
    resubmit = feedback_data(visit, school, checks=[protocol["understanding"].pk])
    assert client.post(reverse("visits:feedback", args=[visit.pk]), resubmit).status_code == 409
    assert client.post(reverse("visits:feedback", args=[visit.pk]), {**other, "action": "draft"}).status_code == 409
    client.post(reverse("visits:feedback_draft", args=[visit.pk]), other, HTTP_HX_REQUEST="true")
    with pytest.raises(services.FeedbackAlreadySubmitted):
        services.feedback_save_draft(visit=visit, observer=pair["observer"], checks=[])
    assert ticks(feedback) == final

    # The protocol reworded and a line removed later: what the teacher received stays.
    catalog_services.protocol_update(
        protocol=protocol["protocol"],
        name="Один аспект урока",
        description="",
        is_active=True,
        items=[ItemSpec(kind="check", text="Цель урока записана на доске", position=0, item=protocol["goal"])],
    )
    assert ticks(feedback) == final
    html = client_for(pair["observed_user"]).get(reverse("visits:detail", args=[visit.pk])).content.decode()
    assert GOAL in html and UNDERSTANDING in html and "записана на доске" not in html


def test_a_tick_of_another_protocols_item_is_refused_and_nothing_typed_is_lost(school, pair, protocol):  # noqa: F811
    visit = held_visit(pair, protocol=protocol["protocol"])
    stranger = ProtocolItem.objects.create(
        protocol=ObservationProtocol.objects.create(school=school, name="Другой"), kind="check", text="Чужой пункт"
    )
    data = feedback_data(visit, school, facts="Факты, которые нельзя терять", checks=[stranger.pk])
    response = client_for(pair["observer_user"]).post(reverse("visits:feedback", args=[visit.pk]), data)
    assert response.status_code == 200
    assert response.context["form"].errors["checks"]
    feedback = Feedback.objects.get()
    assert feedback.facts == "Факты, которые нельзя терять" and not feedback.is_submitted
    # The service keeps the rule whoever calls it.
    with pytest.raises(ValidationError) as refusal:
        services.feedback_submit(
            visit=visit, observer=pair["observer"], facts="Факты", checks=[stranger, protocol["goal"]]
        )
    assert "checks" in refusal.value.message_dict
    assert not Feedback.objects.get().is_submitted and ticks(feedback) == []


def test_a_visit_without_a_protocol_has_no_checklist(school, pair):  # noqa: F811
    visit = held_visit(pair)
    client = client_for(pair["observer_user"])
    html = client.get(reverse("visits:feedback", args=[visit.pk])).content.decode()
    assert 'name="checks"' not in html
    assert client.post(reverse("visits:feedback", args=[visit.pk]), feedback_data(visit, school)).status_code == 302
    assert ticks(Feedback.objects.get()) == []


def _count_feedback_page(client, url):
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured)


def test_feedback_page_runs_a_fixed_number_of_queries(school, pair, protocol):  # noqa: F811
    """On a phone right after the lesson: the prompts and boxes of the protocol in one
    query, the problem tags read once for their heading and their boxes."""
    visit = held_visit(pair, protocol=protocol["protocol"])
    url = reverse("visits:feedback", args=[visit.pk])
    client = client_for(pair["observer_user"])
    client.get(url)  # the default evaluative words made
    ProblemTag.objects.create(school=school, name="Проблема 0")
    small = _count_feedback_page(client, url)
    for i in range(1, 8):
        ProblemTag.objects.create(school=school, name=f"Проблема {i}")
        ProtocolItem.objects.create(protocol=protocol["protocol"], kind="check", text=f"Пункт {i}", position=10 + i)
        ProtocolItem.objects.create(protocol=protocol["protocol"], kind="prompt", text=f"Вопрос {i}", position=20 + i)
    assert _count_feedback_page(client, url) == small
    # The user, the visit and its observers, the observer's feedback, the evaluative words, the
    # protocol's items, the problem tags, the unread notifications and the to-do count.
    assert small <= 9
