"""Words and phrases of a list, found in a text in any of their forms.

A list such as a school's evaluative words names a word once («молодец», «плохо»)
and means every form of it («молодцы», «плохой»); a phrase («хороший урок») is a
sequence of such words, each in any form («хорошего урока»). Texts are lemmatised
with pymorphy3's Russian dictionary: a word of the text matches a listed word when
one of its possible lemmas is one of the listed word's. What a list is for belongs
to the app that keeps it; this module only tokenises, lemmatises and matches.

The same matching runs in the browser (static/js/nudge.js) on `entry_token_forms`:
the surface forms of each listed word, which are what lemmatising accepts.
"""

import re
import threading
from functools import lru_cache

import pymorphy3
from django.core.serializers.json import DjangoJSONEncoder
from django.utils.html import json_script

# A word: letters or digits, with inner hyphens («кое-как»). The browser uses the same rule.
TOKEN = re.compile(r"[^\W_]+(?:-[^\W_]+)*")
# A phrase does not run across the end of a sentence or a line.
CLAUSE_BREAK = re.compile(r"[.!?;…\n]+")
CASES = ("nomn", "gent", "datv", "accs", "ablt", "loct")

_analyzer = None
_analyzer_lock = threading.Lock()


def analyzer():
    """The process's one MorphAnalyzer: building it reads the dictionary."""
    global _analyzer
    if _analyzer is None:
        with _analyzer_lock:
            if _analyzer is None:
                _analyzer = pymorphy3.MorphAnalyzer(lang="ru")
    return _analyzer


def fold(word):
    """How words are compared: lower case, ё as е."""
    return word.lower().replace("ё", "е")


def words_of(text):
    """The words of `text` as typed, punctuation left out: how a list entry is kept."""
    return TOKEN.findall(text or "")


def clauses(text):
    """The folded words of `text`, clause by clause."""
    return [[fold(word) for word in TOKEN.findall(part)] for part in CLAUSE_BREAK.split(text or "")]


@lru_cache(maxsize=65536)
def lemmas(word):
    """Every lemma the dictionary allows for `word` (folded): «плохо» is the adverb
    and the short form of «плохой», so it has both."""
    return frozenset(fold(parse.normal_form) for parse in analyzer().parse(word))


@lru_cache(maxsize=4096)
def entry_lemmas(entry):
    """A list entry as the sequence of its words' lemma sets."""
    return tuple(lemmas(word) for word in clauses(entry)[0]) if entry else ()


def entries_same(first, second):
    """Do two entries match the same texts (the same number of words, each with a
    lemma in common): «молодцы» is «молодец» again."""
    a, b = entry_lemmas(first), entry_lemmas(second)
    return len(a) == len(b) and all(x & y for x, y in zip(a, b, strict=True))


def entries_found(entries, texts):
    """The entries of `entries` that occur in any of `texts`, in the list's order.

    A phrase is looked for before the words in it, and a match lying wholly inside
    a longer one already found does not count again: «хороший урок» names the
    phrase, not also «хорошо»."""
    patterns = [(entry, entry_lemmas(entry)) for entry in entries]
    patterns = [(entry, pattern) for entry, pattern in patterns if pattern]
    order = sorted(range(len(patterns)), key=lambda index: -len(patterns[index][1]))
    found = set()
    for text in texts:
        for clause in clauses(text):
            if not clause:
                continue
            clause_lemmas = [lemmas(word) for word in clause]
            covered = [False] * len(clause)
            for index in order:
                entry, pattern = patterns[index]
                size = len(pattern)
                for start in range(len(clause) - size + 1):
                    span = range(start, start + size)
                    if all(clause_lemmas[at] & pattern[at - start] for at in span):
                        if not all(covered[at] for at in span):
                            found.add(index)
                        for at in span:
                            covered[at] = True
    return [patterns[index][0] for index in sorted(found)]


@lru_cache(maxsize=16384)
def _lemma_forms(lemma):
    """Every surface form (folded) of the paradigms whose lemma is `lemma`, in the
    dictionary's order (the nominative first)."""
    forms = {lemma: None}
    for parse in analyzer().parse(lemma):
        if fold(parse.normal_form) == lemma:
            forms.update((fold(form.word), None) for form in parse.lexeme)
    return tuple(forms)


@lru_cache(maxsize=4096)
def entry_token_forms(entry):
    """For each word of the entry, the sorted surface forms a text's word may take
    to match it: what the browser looks words up in."""
    result = []
    for word_lemmas in entry_lemmas(entry):
        forms = set()
        for lemma in word_lemmas:
            forms.update(_lemma_forms(lemma))
        result.append(tuple(sorted(forms)))
    return tuple(result)


def _phrase_parses(words):
    """A parse of each word of a phrase, chosen to agree: the nominative first (a
    phrase is written in it), an adjective in its noun's gender."""
    parses = [analyzer().parse(word) for word in words]
    nouns = [next((p for p in options if {"NOUN", "nomn"} in p.tag), options[0]) for options in parses]
    gender = next((p.tag.gender for p in nouns if "NOUN" in p.tag and p.tag.gender), None)
    chosen = []
    for options in parses:
        agreeing = [p for p in options if "nomn" in p.tag and (gender is None or p.tag.gender in (gender, None))]
        nominative = [p for p in options if "nomn" in p.tag]
        chosen.append((agreeing or nominative or options)[0])
    return chosen


def _inflected(parse, grammemes):
    for wanted in (grammemes, grammemes - {"inan", "anim"}):
        form = parse.inflect(wanted)
        if form is not None:
            return form.word
    return parse.word


@lru_cache(maxsize=4096)
def entry_forms(entry):
    """The forms a person reads as "what counts" for an entry: every form of a
    word; a phrase in each case and number, its words agreeing. (A phrase also
    matches with its words in other forms: these are the usual ones.)"""
    words = clauses(entry)[0] if entry else []
    if len(words) == 1:
        # The entry's own paradigm first, then those of its other lemmas.
        ordered = {}
        for lemma in sorted(entry_lemmas(entry)[0], key=lambda lemma: (lemma != words[0], lemma)):
            ordered.update((form, None) for form in _lemma_forms(lemma))
        return tuple(ordered)
    parses = _phrase_parses(words)
    noun = next((p for p in parses if "NOUN" in p.tag), None)
    animacy = noun.tag.animacy if noun is not None else None
    forms = []
    for number in ("sing", "plur"):
        for case in CASES:
            grammemes = {case, number}
            # The accusative follows animacy in the plural and for a masculine noun.
            if animacy and case == "accs" and (number == "plur" or noun.tag.gender == "masc"):
                grammemes.add(animacy)
            grammemes = frozenset(grammemes)
            phrase = " ".join(
                fold(_inflected(p, grammemes))
                if {"NOUN", "ADJF", "PRTF", "NPRO", "NUMR"} & p.tag.grammemes
                # A verb, an adverb, a particle: as written.
                else fold(p.word)
                for p in parses
            )
            if phrase not in forms:
                forms.append(phrase)
    return tuple(forms)


class _UnescapedJSONEncoder(DjangoJSONEncoder):
    def __init__(self, *args, **kwargs):
        kwargs["ensure_ascii"] = False
        super().__init__(*args, **kwargs)


def entry_forms_json(words, element_id="evaluative-forms"):
    """What the hint (static/js/nudge.js) looks the typed words up in: for each
    entry, the forms each of its words may take, as a json_script element.

    The forms go to the page rather than the text to the server: a form is often
    filled on a phone on a weak school network, so the hint answers at once and
    offline, and no request per pause in typing carries the text. The server still
    decides what counts: the forms are pymorphy3's, the same dictionary that
    lemmatises the submitted text for the warning after a submit. Sent unescaped
    (UTF-8), half the size of json_script's escapes."""
    forms = {word: entry_token_forms(word) for word in words}
    return json_script(forms, element_id, encoder=_UnescapedJSONEncoder)
