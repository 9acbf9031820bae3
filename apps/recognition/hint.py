"""The hint «За что именно?»: a recognition motivates when it names what the
colleague did. A text of thanks and praise alone («Спасибо за помощь!», «Марина
Петровна, вы молодец!») with nothing linked gets a soft hint asking for the
concrete thing: never a block, the recognition is posted as typed.

static/js/recognition.js applies the same rule as one types, from the word list
the form page carries (`PRAISE_WORDS`): a word counts as concrete when it is
written in lower case (capitalised words are mostly names and the sentence's
first word), has three letters or more, and is not a word of thanks or praise.
"""

import re

# Words of thanks and praise, and the small words around them, in the forms a
# thank-you takes; compared in lower case with ё as е.
PRAISE_WORDS = frozenset(
    [
        "спасибо",
        "благодарю",
        "благодарим",
        "благодарность",
        "благодарности",
        "огромное",
        "огромная",
        "большое",
        "большая",
        "очень",
        "всё",
        "все",
        "всем",
        "всех",
        "вам",
        "вас",
        "тебе",
        "тебя",
        "ваш",
        "ваша",
        "вашу",
        "ваше",
        "твой",
        "твоя",
        "твою",
        "твоё",
        "твое",
        "помощь",
        "помощи",
        "поддержку",
        "поддержка",
        "поддержки",
        "участие",
        "работу",
        "работа",
        "труд",
        "труды",
        "терпение",
        "молодец",
        "молодцы",
        "умница",
        "умницы",
        "отлично",
        "отличная",
        "отличный",
        "прекрасно",
        "прекрасная",
        "прекрасный",
        "замечательно",
        "замечательная",
        "замечательный",
        "здорово",
        "супер",
        "класс",
        "классно",
        "круто",
        "лучший",
        "лучшая",
        "лучшие",
        "самый",
        "самая",
        "коллега",
        "коллеги",
        "коллегам",
        "коллегу",
        "души",
        "душевно",
        "сердечно",
        "искренне",
        "просто",
        "так",
        "как",
        "что",
        "это",
        "этот",
        "эта",
        "эти",
        "был",
        "была",
        "были",
        "есть",
        "всегда",
        "снова",
        "опять",
        "ещё",
        "еще",
        "тоже",
        "также",
    ]
)
# How many concrete words make a text concrete enough without a link.
CONCRETE_WORDS_ENOUGH = 2

WORD = re.compile(r"[^\W\d_]+(?:-[^\W\d_]+)*")


def _fold(word):
    return word.lower().replace("ё", "е")


FOLDED_PRAISE = frozenset(_fold(word) for word in PRAISE_WORDS)


def concrete_words(text):
    """The words of `text` that may say what the help was."""
    return [
        word
        for word in WORD.findall(text or "")
        if len(word) >= 3 and not word[0].isupper() and _fold(word) not in FOLDED_PRAISE
    ]


def recognition_text_is_vague(*, text, linked):
    """Whether to ask «за что именно?»: nothing linked, and fewer than two concrete words."""
    return not linked and len(concrete_words(text)) < CONCRETE_WORDS_ENOUGH


def praise_words_for_page():
    """The list the form's script matches against (sorted, for a stable page)."""
    return sorted(FOLDED_PRAISE)
