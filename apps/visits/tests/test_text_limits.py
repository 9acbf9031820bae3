"""Feedback texts have a limit: a draft over it is refused with a note, the text
stays where it was typed, and nothing oversized reaches the database."""

from urllib.parse import urlencode

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from apps.accounts.models import Role
from apps.mentoring.tests.factories import MentorGroupFactory
from apps.visits import page_views, services
from apps.visits.models import Feedback, SelfReflection
from apps.visits.tests.factories import FeedbackFactory
from apps.visits.tests.test_pages import held_visit, person
from conftest import client_for

FORM = "application/x-www-form-urlencoded"  # as the browser and htmx post the feedback form
TEXTS = ("facts", "toward_goal", "reconsider", "questions", "next_step")


@pytest.fixture(autouse=True)
def _english_messages(settings):
    settings.LANGUAGE_CODE = "en"


@pytest.fixture
def pair(school):
    """A pair: the mentor's lesson is observed by the mentee."""
    _curator_user, curator = person(school, Role.CURATOR)
    _observed_user, observed = person(school)
    observer_user, observer = person(school)
    group = MentorGroupFactory(school=school, curator=curator, members=[observed, observer])
    return {"group": group, "observed": observed, "observer": observer, "observer_user": observer_user}


def autosave(client, visit, data):
    return client.post(
        reverse("visits:feedback_draft", args=[visit.pk]), urlencode(data), content_type=FORM, HTTP_HX_REQUEST="true"
    )


def test_an_autosave_of_five_million_characters_is_refused_and_nothing_stored(school, pair):
    visit = held_visit(pair)
    client = client_for(pair["observer_user"])
    FeedbackFactory(visit=visit, observer=pair["observer"], submitted_at=None, facts="Прежний черновик")

    response = autosave(client, visit, {"facts": "x" * 5_000_000})

    assert response.status_code == 413
    html = response.content.decode()
    assert "The draft is not saved: the text is too long" in html and "<html" not in html
    assert Feedback.objects.get().facts == "Прежний черновик"


def test_an_autosave_over_the_draft_limit_but_under_the_global_one_is_refused(school, pair, settings):
    visit = held_visit(pair)
    text = "x" * (page_views.DRAFT_MAX_BYTES + 1)
    assert len(text) < settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    response = autosave(client_for(pair["observer_user"]), visit, {"facts": text})
    assert response.status_code == 413
    assert "The draft is not saved" in response.content.decode()
    assert not Feedback.objects.exists()


def test_an_autosave_with_one_text_over_its_limit_saves_nothing(school, pair):
    visit = held_visit(pair)
    response = autosave(client_for(pair["observer_user"]), visit, {"facts": "Факты урока", "questions": "в" * 4001})
    assert response.status_code == 413
    assert "at most 4000 characters a field" in response.content.decode()
    assert not Feedback.objects.exists()


def test_a_draft_with_every_text_at_its_limit_in_russian_is_saved(school, pair):
    visit = held_visit(pair)
    data = dict.fromkeys(TEXTS, "я" * 4000)
    assert len(urlencode(data)) < page_views.DRAFT_MAX_BYTES  # Cyrillic is 6 bytes a letter once URL-encoded
    response = autosave(client_for(pair["observer_user"]), visit, data)
    assert response.status_code == 200
    assert all(len(getattr(Feedback.objects.get(), name)) == 4000 for name in TEXTS)


def test_the_draft_button_with_a_text_over_its_limit_shows_the_form_again_with_the_text(school, pair):
    visit = held_visit(pair)
    text = "Факты " + "ф" * 4000
    response = client_for(pair["observer_user"]).post(
        reverse("visits:feedback", args=[visit.pk]), {"facts": text, "action": "draft"}
    )
    assert response.status_code == 200
    assert response.context["form"].has_error("facts", "max_length")
    assert text in response.content.decode()
    assert 'maxlength="4000"' in response.content.decode()
    assert not Feedback.objects.exists()


def test_feedback_services_refuse_an_oversized_text(school, pair):
    visit = held_visit(pair)
    observer = pair["observer"]
    with pytest.raises(ValidationError) as error:
        services.feedback_save_draft(visit=visit, observer=observer, facts="Факты", next_step="ш" * 4001)
    assert list(error.value.error_dict) == ["next_step"]
    with pytest.raises(ValidationError) as error:
        services.feedback_submit(visit=visit, observer=observer, facts="ф" * 4001)
    assert "facts" in error.value.error_dict
    assert not Feedback.objects.exists()


def test_reflection_and_cancel_services_refuse_an_oversized_text(school, pair):
    visit = held_visit(pair)
    with pytest.raises(ValidationError) as error:
        services.self_reflection_save(visit=visit, text="р" * 4001)
    assert "text" in error.value.error_dict
    assert not SelfReflection.objects.exists()
    with pytest.raises(ValidationError) as error:
        services.visit_cancel(visit=visit, reason="п" * 1001)
    assert "cancel_reason" in error.value.error_dict
    visit.refresh_from_db()
    assert visit.status == "held" and visit.cancel_reason == ""
