"""Evaluative words and phrases: any form of an entry of the school's list gets the
gentle hint (a warning after a submit, the hint on the form), never a block; the
editor keeps words and short phrases and shows which forms count."""

import importlib
import json
import re

import pytest
from django.apps import apps as django_apps
from django.db import IntegrityError, transaction
from django.urls import reverse

from apps.visits.models import EvaluativeWord, Feedback
from apps.visits.tests.test_pages import feedback_data, held_visit, messages_of, pair  # noqa: F401 (a fixture)
from conftest import client_for

LIST = ["молодец", "плохо", "хороший урок", "отличная работа", "слабо"]


@pytest.fixture(autouse=True)
def _english_messages(settings):
    settings.LANGUAGE_CODE = "en"


@pytest.fixture
def words(school):
    for word in LIST:
        EvaluativeWord.objects.create(school=school, word=word)


def warnings_after_submit(pair, school, **texts):  # noqa: F811
    visit = held_visit(pair)
    data = feedback_data(visit, school, **texts)
    response = client_for(pair["observer_user"]).post(reverse("visits:feedback", args=[visit.pk]), data)
    assert response.status_code == 302 and Feedback.objects.get().is_submitted  # never a block
    return [m for m in messages_of(response) if "evaluative words" in m]


@pytest.mark.parametrize(
    "text, entry",
    [
        ("Молодцы, ребята работали в парах.", "молодец"),
        ("Плохой темп в конце урока.", "плохо"),
        ("Хороший урок.", "хороший урок"),
        ("Отличная работа у группы Пети.", "отличная работа"),
    ],
)
def test_any_form_of_a_listed_word_or_phrase_gets_the_warning(school, pair, text, entry):  # noqa: F811
    """On the school's default list, which the feedback form makes on first open."""
    warnings = warnings_after_submit(pair, school, toward_goal=text)
    assert len(warnings) == 1 and f"«{entry}»" in warnings[0]


def test_facts_get_no_warning(school, pair):  # noqa: F811
    text = "Слабовидящий ученик сидел у окна. Урок начался с вопроса; работа в парах заняла 7 минут."
    assert warnings_after_submit(pair, school, toward_goal=text) == []


def test_the_feedback_form_ships_every_form_of_each_entry_for_the_hint(school, pair):  # noqa: F811
    visit = held_visit(pair)
    html = client_for(pair["observer_user"]).get(reverse("visits:feedback", args=[visit.pk])).content.decode()
    shipped = re.search(r'<script id="evaluative-forms" type="application/json">(.*?)</script>', html).group(1)
    forms = json.loads(shipped)
    assert "молодцы" in forms["молодец"][0]
    assert "плохой" in forms["плохо"][0]
    good, lesson = forms["хороший урок"]
    assert "хорошего" in good and "урока" in lesson
    excellent, work = forms["отличная работа"]
    assert "отличную" in excellent and "работу" in work
    assert "слабовидящий" not in forms["слабо"][0]
    assert "молодцы" in shipped  # sent as UTF-8, not escaped: half the bytes


def test_a_phrase_is_added_and_the_editor_shows_the_forms_that_count(school, administrator, words):
    client = client_for(administrator)
    assert client.post(reverse("visits:words"), {"word": "  Так  держать! "}).status_code == 302
    assert EvaluativeWord.objects.filter(school=school, word="так держать").exists()
    page = client.get(reverse("visits:words")).content.decode()
    entry = r'<span>([^<]+?)(?: <span class="badge[^>]*>[^<]*</span>)?</span>.*?data-testid="word-forms">([^<]*)<'
    shown = dict(re.findall(entry, page, re.S))
    assert "молодцы" in shown["молодец"].split(", ")
    assert "плохой" in shown["плохо"].split(", ")
    assert "хорошего урока" in shown["хороший урок"].split(", ")
    assert "отличную работу" in shown["отличная работа"].split(", ")


@pytest.mark.parametrize("typed, listed", [("Молодцы", "молодец"), ("отличную работу", "отличная работа")])
def test_an_entry_already_on_the_list_in_another_form_is_refused(school, administrator, words, typed, listed):
    response = client_for(administrator).post(reverse("visits:words"), {"word": typed})
    assert response.status_code == 200
    assert f"«{listed}»" in response.context["form"].errors["word"][0]
    assert response.context["form"]["word"].value() == typed  # what was typed is kept
    assert EvaluativeWord.objects.filter(school=school).count() == len(LIST)


def test_a_phrase_is_a_few_words(school, administrator, words):
    response = client_for(administrator).post(reverse("visits:words"), {"word": "урок прошёл на очень высоком уровне"})
    assert response.status_code == 200 and response.context["form"].errors["word"]
    response = client_for(administrator).post(reverse("visits:words"), {"word": "?!"})
    assert response.status_code == 200 and response.context["form"].errors["word"]


@pytest.mark.parametrize("word", ["", " молодец", "отличная  работа", "плохо "])
def test_the_database_keeps_entries_single_spaced(school, word):
    with pytest.raises(IntegrityError, match="evaluative_word_single_spaced"), transaction.atomic():
        EvaluativeWord.objects.create(school=school, word=word)


def test_the_migration_keeps_entries_as_words_and_phrases(school, other_school):
    """Entries typed before the list kept phrases: punctuation goes, a duplicate
    goes, and nothing of another school is touched."""
    migration = importlib.import_module("apps.visits.migrations.0006_feedback_checks_and_evaluative_phrases")
    for word in ("Молодец!", "молодец", "Отличная работа.", "!!!"):
        EvaluativeWord.objects.create(school=school, word=word)
    EvaluativeWord.objects.create(school=other_school, word="молодец")

    migration.normalize_words(django_apps, None)

    assert sorted(EvaluativeWord.objects.filter(school=school).values_list("word", flat=True)) == [
        "молодец",
        "отличная работа",
    ]
    assert list(EvaluativeWord.objects.filter(school=other_school).values_list("word", flat=True)) == ["молодец"]
