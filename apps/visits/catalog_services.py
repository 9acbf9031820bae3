"""Writes of a school's own visit catalogs: observation protocols and the list of
evaluative words the feedback form gently warns about."""

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from apps.core import wordforms
from apps.core.typography import quoted
from apps.staff.importing import name_key

from .models import EvaluativeWord, ObservationProtocol, ProtocolItem


@dataclass(frozen=True)
class ItemSpec:
    """One line of a protocol as the editor leaves it; `item` is the existing row, if any."""

    kind: str
    text: str
    position: int
    item: ProtocolItem | None = None


def _check_protocol_name(*, school, name, protocol=None):
    others = ObservationProtocol.objects.for_school(school)
    if protocol is not None:
        others = others.exclude(pk=protocol.pk)
    key = name_key(name)
    if any(name_key(other) == key for other in others.values_list("name", flat=True)):
        raise ValidationError({"name": _("This name is already on the list.")})


def _items_save(*, protocol, items):
    """Make the protocol's items exactly `items`: rows left out are deleted, the
    others updated or added. Rows of another protocol are never touched."""
    keep = [spec.item.pk for spec in items if spec.item is not None]
    protocol.items.exclude(pk__in=keep).delete()
    for spec in items:
        item = spec.item if spec.item is not None else ProtocolItem(protocol=protocol)
        if item.protocol_id != protocol.pk:
            raise ValidationError(_("This item belongs to another protocol."))
        item.kind, item.text, item.position = spec.kind, spec.text.strip(), spec.position
        item.full_clean()
        item.save()


@transaction.atomic
def protocol_create(*, school, name, description="", is_active=True, items=()):
    """A new observation protocol of the school; its name is unique in the school
    (ignoring case and ё/е)."""
    name = " ".join(name.split())
    _check_protocol_name(school=school, name=name)
    protocol = ObservationProtocol(school=school, name=name, description=description, is_active=is_active)
    protocol.full_clean()
    protocol.save()
    _items_save(protocol=protocol, items=list(items))
    return protocol


@transaction.atomic
def protocol_update(*, protocol, name, description, is_active, items):
    """Save the protocol and replace its items with `items` (a list of ItemSpec).
    Visits keep pointing at the protocol; they do not store its items."""
    name = " ".join(name.split())
    _check_protocol_name(school=protocol.school, name=name, protocol=protocol)
    protocol.name, protocol.description, protocol.is_active = name, description, is_active
    protocol.full_clean()
    protocol.save()
    _items_save(protocol=protocol, items=list(items))
    return protocol


# A phrase is a few words: «отличная работа», «так держать».
EVALUATIVE_PHRASE_MAX_WORDS = 4


def evaluative_word_normalize(word):
    """How an entry is kept and compared: its words, lower case, single-spaced,
    punctuation left out («Отличная работа!» → «отличная работа»)."""
    return " ".join(wordforms.words_of(word.lower()))


def evaluative_word_check(*, school, word):
    """The rules of a new entry of the school's list, for the form and the service:
    a word or a short phrase, not one the list already has in some form (any form
    of an entry counts, so «молодцы» is «молодец» again). Returns it normalised."""
    word = evaluative_word_normalize(word)
    if not word:
        raise ValidationError({"word": _("Type a word or a phrase.")})
    if len(word.split()) > EVALUATIVE_PHRASE_MAX_WORDS:
        message = _("A phrase of up to %(count)d words: the fewer, the more texts it catches.")
        raise ValidationError({"word": message % {"count": EVALUATIVE_PHRASE_MAX_WORDS}})
    existing = list(EvaluativeWord.objects.for_school(school).values_list("word", flat=True))
    if word in existing:
        raise ValidationError({"word": _("This word is already on the list.")})
    same = next((entry for entry in existing if wordforms.entries_same(entry, word)), None)
    if same is not None:
        message = _("%(word)s is already on the list as %(entry)s: any form of it counts.")
        raise ValidationError({"word": message % {"word": quoted(word), "entry": quoted(same)}})
    return word


def evaluative_word_create(*, school, word):
    """Add a word or a phrase to the school's list (the rules: `evaluative_word_check`)."""
    word = evaluative_word_check(school=school, word=word)
    entry = EvaluativeWord(school=school, word=word)
    entry.full_clean()
    entry.save()
    return entry


def evaluative_word_delete(*, entry):
    entry.delete()
