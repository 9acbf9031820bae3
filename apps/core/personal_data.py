"""What each app holds about a person, declared by the app itself (152-FZ, arts. 14 and 21).

An app whose models point at a staff card or a user account writes its own
`personal_data.py` with a `PersonalDataSource` and registers it from its
AppConfig.ready(). apps.privacy builds the export and runs the erasure by walking
this registry, never naming an app; a check fails when a model pointing at a person
belongs to no declaration. See docs/security-and-privacy.md#personal-data.
"""

import datetime
import io
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field

DELETED = "deleted"
ANONYMISED = "anonymised"

# Uploaded lists and prepared reports are read a few at a time: each may be a few megabytes.
FILE_CHUNK = 20

# For `sweep_exempt`: no model of the app has its texts rewritten by the name sweep.
EVERY_MODEL = "every model"


@dataclass
class Section:
    """One kind of data: a list in the export's JSON, a sheet in its workbook."""

    key: str
    title: str
    columns: list  # [(key, label), ...]
    rows: list = field(default_factory=list)


def field_label(model, name) -> str:
    """A column's label: the field's own name, as the app's pages show it."""
    return str(model._meta.get_field(name).verbose_name)


@dataclass
class Erasure:
    """One person's erasure under way, as each app's `erase` sees it.

    Everything runs in one transaction with the card locked. `staff` keeps the card's
    values from before the erasure (apps change rows with UPDATE); `user` is
    anonymised in place by the accounts, so later apps use only its key.
    """

    staff: object  # the card, with its school and user
    user: object  # its account, or None
    account_erased: bool  # False when the account works elsewhere and only loses this school
    forms: list  # the ways the app writes the person's name, and their e-mails
    label: str  # what takes the name's place
    now: datetime.datetime
    counts: dict = field(default_factory=dict)  # category -> (action, count), for the act

    @property
    def school(self):
        return self.staff.school

    def deleted(self, category, count):
        self._add(category, DELETED, count)

    def anonymised(self, category, count):
        self._add(category, ANONYMISED, count)

    def _add(self, category, action, count):
        self.counts[category] = (action, self.counts.get(category, (action, 0))[1] + count)

    def files_mentioning(self, rows) -> list:
        """The ids of `rows` (id, file content) whose file mentions the person or cannot
        be read to tell. A file is deleted, not rewritten, so the bare surname is enough
        to doom it. Read a few at a time (a server-side cursor), never all at once."""
        forms = [*self.forms, self.staff.last_name]
        return [pk for pk, content in rows.iterator(chunk_size=FILE_CHUNK) if _file_mentions(content, forms)]


def _file_mentions(content: bytes, forms) -> bool:
    """Whether an uploaded list or a prepared file (CSV, or XLSX/DOCX zipped
    XML) contains one of the forms, or cannot be read to tell."""
    content = bytes(content or b"")
    texts = []
    if content[:2] == b"PK":
        try:
            with zipfile.ZipFile(io.BytesIO(content)) as archive:
                texts = [archive.read(name).decode("utf-8", "ignore") for name in archive.namelist()]
        except (zipfile.BadZipFile, OSError, ValueError):
            return True
    else:
        for encoding in ("utf-8-sig", "cp1251"):
            try:
                texts = [content.decode(encoding)]
                break
            except UnicodeDecodeError:
                continue
        else:
            return True
    lowered = [text.lower() for text in texts]
    return any(form.lower() in text for form in forms for text in lowered)


@dataclass(frozen=True)
class PersonalDataSource:
    """What one app holds about a person, and how it gives and erases it.

    collect(*, staff, local_time) -> list[Section]: the app's rows about the card's
      person for the export, other people by role only; `local_time` puts a datetime
      in the school's time zone.
    erase(*, erasure: Erasure): deletes or anonymises them, counting each category
      with erasure.deleted()/anonymised().
    """

    app_label: str
    # Where its sheets come in the export and its step in the erasure, lowest first.
    order: int
    # Every model of the app with a key to a staff card or an account: exported and
    # erased here, or kept on purpose (say why in the module).
    person_models: tuple = ()
    collect: Callable | None = None
    erase: Callable | None = None
    # What `erase` may list on an act of destruction: key -> label, in the act's order.
    categories: dict = field(default_factory=dict)
    # Models whose texts the name sweep leaves alone (EVERY_MODEL for the whole app).
    sweep_exempt: tuple | str = ()


_sources: dict[str, PersonalDataSource] = {}


def register(source: PersonalDataSource) -> None:
    """Add an app's declaration (again from a second ready(): the last one counts)."""
    _sources[source.app_label] = source


def registered_sources() -> list[PersonalDataSource]:
    return sorted(_sources.values(), key=lambda source: (source.order, source.app_label))
