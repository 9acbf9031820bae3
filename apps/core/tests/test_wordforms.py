"""A list's words and phrases are found in any of their forms (apps.core.wordforms)."""

import pytest

from apps.core import wordforms

LIST = ["молодец", "плохо", "хороший урок", "отличная работа", "слабо"]


@pytest.mark.parametrize(
    "text, found",
    [
        ("Молодцы!", ["молодец"]),
        ("Плохой темп в конце урока.", ["плохо"]),
        ("Хороший урок.", ["хороший урок"]),
        ("Отличная работа у ребят", ["отличная работа"]),
        ("Спасибо за отличную работу и хорошего урока", ["хороший урок", "отличная работа"]),
    ],
)
def test_any_form_of_a_listed_word_or_phrase_is_found(text, found):
    assert wordforms.entries_found(LIST, [text]) == found


@pytest.mark.parametrize(
    "text",
    [
        # A word that merely begins like a listed one, and a phrase's words apart.
        "Слабовидящий ученик сидел у окна.",
        "Урок начался с вопроса; хороший вопрос задал Петя.",
        "Работа в парах заняла 7 минут. Отличная погода за окном.",
    ],
)
def test_descriptions_of_facts_are_not_flagged(text):
    assert wordforms.entries_found(LIST, [text]) == []


def test_a_phrase_does_not_run_across_sentences():
    assert wordforms.entries_found(LIST, ["Было хорошее начало, очень хороший. Урок шёл 45 минут."]) == []


def test_a_phrase_found_names_the_phrase_not_the_words_in_it():
    assert wordforms.entries_found(["хорошо", "хороший урок"], ["Хороший урок!"]) == ["хороший урок"]
    assert wordforms.entries_found(["хорошо", "хороший урок"], ["Хороший урок, всё хорошо"]) == [
        "хорошо",
        "хороший урок",
    ]


def test_the_forms_shipped_to_the_browser_hold_what_lemmatising_accepts():
    assert "молодцы" in wordforms.entry_token_forms("молодец")[0]
    assert "плохой" in wordforms.entry_token_forms("плохо")[0]
    first, second = wordforms.entry_token_forms("отличная работа")
    assert "отличную" in first and "работу" in second
    assert "слабовидящий" not in wordforms.entry_token_forms("слабо")[0]


def test_the_forms_a_person_is_shown():
    assert wordforms.entry_forms("молодец")[:2] == ("молодец", "молодца")
    assert "плохой" in wordforms.entry_forms("плохо")
    assert wordforms.entry_forms("хороший урок")[:3] == ("хороший урок", "хорошего урока", "хорошему уроку")
    assert "отличную работу" in wordforms.entry_forms("отличная работа")


def test_entries_that_match_the_same_texts_are_the_same():
    assert wordforms.entries_same("молодцы", "молодец")
    assert wordforms.entries_same("отличную работу", "отличная работа")
    assert not wordforms.entries_same("хороший урок", "хороший")
    assert not wordforms.entries_same("молодец", "умница")


def test_the_analyzer_is_built_once():
    assert wordforms.analyzer() is wordforms.analyzer()


def test_the_forms_go_to_the_page_as_unescaped_json_under_the_given_id():
    html = str(wordforms.entry_forms_json(["молодец", "a</script>"], element_id="comment-forms"))
    assert html.startswith('<script id="comment-forms" type="application/json">')
    assert "молодцы" in html  # UTF-8, not \u escapes
    assert "</script>" not in html[len('<script id="comment-forms" type="application/json">') : -len("</script>")]
