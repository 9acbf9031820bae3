"""Reading a staff list from an XLSX or CSV file into rows checked for errors.

Nothing here writes: `staff_rows_parse` returns a preview, and
`services.staff_import_confirm` saves it all or nothing.
"""

import csv
import datetime
import functools
import io
import re
import zipfile
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .models import QualificationCategory, StaffMember, Subject, SubjectAssociation

MAX_ROWS = 2000

# Column key → (header shown in the template file, accepted spellings).
COLUMNS = {
    "last_name": (gettext_lazy("Surname"), ["фамилия", "surname", "last name"]),
    "first_name": (gettext_lazy("First name"), ["имя", "first name", "name"]),
    "patronymic": (gettext_lazy("Patronymic"), ["отчество", "patronymic", "middle name"]),
    "position": (gettext_lazy("Position"), ["должность", "position"]),
    "subjects": (
        gettext_lazy("Subjects taught"),
        ["предметы", "преподаваемые предметы", "предмет", "subjects", "subjects taught"],
    ),
    "association": (
        gettext_lazy("Subject association"),
        ["методическое объединение", "умо", "шмо", "мо", "association", "subject association"],
    ),
    "teaching_since": (
        gettext_lazy("Teaching since"),
        ["начало педагогической деятельности", "педагогический стаж с", "стаж с", "teaching since"],
    ),
    "hired_on": (
        gettext_lazy("Hired on"),
        ["дата приема", "дата приёма", "принят", "дата приема на работу", "hired on", "hired here on"],
    ),
    "email": (gettext_lazy("E-mail"), ["e-mail", "email", "электронная почта", "почта"]),
    "category": (
        gettext_lazy("Category"),
        ["категория", "квалификационная категория", "category", "qualification category"],
    ),
    "category_awarded_on": (
        gettext_lazy("Category awarded on"),
        ["дата присвоения категории", "категория присвоена", "дата присвоения", "awarded on", "category awarded on"],
    ),
    "order_number": (gettext_lazy("Order number"), ["номер приказа", "приказ", "order number", "order"]),
}
REQUIRED_COLUMNS = ("last_name", "first_name", "teaching_since", "hired_on")
# Columns the export adds after the import's own; an edited export imports as is.
EXPORT_ONLY_COLUMNS = (
    gettext_lazy("Experience, years"),
    gettext_lazy("Early-career teacher"),
    gettext_lazy("Category valid until"),
    gettext_lazy("Works here now"),
    gettext_lazy("Left on"),
)
IGNORED_HEADERS = {"№", "№ п/п", "n", "no", "#"}


@functools.cache
def _header_lookup():
    """Header text → column key: the aliases and the headers we write, in both languages."""
    lookup = {_norm(alias): key for key, (_label, aliases) in COLUMNS.items() for alias in aliases}
    for language in ("ru", "en"):
        with translation.override(language):
            lookup.update({_norm(str(label)): key for key, (label, _aliases) in COLUMNS.items()})
            lookup.update({_norm(str(label)): None for label in EXPORT_ONLY_COLUMNS})
    lookup.update({_norm(title): None for title in IGNORED_HEADERS})
    return lookup


CATEGORY_WORDS = {
    QualificationCategory.HIGHEST: ["высшая", "высшая категория", "highest", "highest category"],
    QualificationCategory.FIRST: ["первая", "первая категория", "first", "first category"],
    QualificationCategory.FITS_POST: [
        "соответствие",
        "соответствие занимаемой должности",
        "сзд",
        "fits the post",
        "fits post",
    ],
    QualificationCategory.NONE: ["нет", "без категории", "none", "no category", "-", "—"],
}


def _norm(text) -> str:
    return " ".join(str(text or "").replace("ё", "е").replace("Ё", "Е").split()).strip().lower()


@functools.cache
def _category_lookup():
    lookup = {_norm(word): value for value, words in CATEGORY_WORDS.items() for word in words}
    for language in ("ru", "en"):
        with translation.override(language):
            lookup.update({_norm(str(label)): value for value, label in QualificationCategory.choices})
    return lookup


@dataclass
class ImportRow:
    line: int
    last_name: str = ""
    first_name: str = ""
    patronymic: str = ""
    position: str = ""
    subjects: list = field(default_factory=list)
    association: str = ""
    teaching_since: datetime.date | None = None
    hired_on: datetime.date | None = None
    email: str = ""
    category: str = ""
    category_awarded_on: datetime.date | None = None
    order_number: str = ""
    errors: list = field(default_factory=list)

    @property
    def full_name(self):
        return " ".join(p for p in (self.last_name, self.first_name, self.patronymic) if p)

    def get_category_display(self):
        return QualificationCategory(self.category).label if self.category else ""


@dataclass
class ImportPreview:
    rows: list = field(default_factory=list)
    file_errors: list = field(default_factory=list)
    new_subjects: list = field(default_factory=list)
    new_associations: list = field(default_factory=list)

    @property
    def is_valid(self):
        return not self.file_errors and bool(self.rows) and not any(row.errors for row in self.rows)

    @property
    def error_count(self):
        return len(self.file_errors) + sum(len(row.errors) for row in self.rows)


class FileNotReadable(Exception):
    pass


def _read_table(file_name: str, content: bytes) -> list[list]:
    name = file_name.lower()
    if name.endswith(".xlsx"):
        return _read_xlsx(content)
    if name.endswith(".csv"):
        return _read_csv(content)
    raise FileNotReadable(_("Upload an .xlsx or .csv file."))


def _read_xlsx(content: bytes) -> list[list]:
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError) as exc:
        raise FileNotReadable(_("The file is not a readable Excel workbook (.xlsx).")) from exc
    try:
        sheet = workbook.worksheets[0]
        rows = []
        for values in sheet.iter_rows(values_only=True):
            rows.append(list(values))
            if len(rows) > MAX_ROWS + 50:
                break
        return rows
    finally:
        workbook.close()


def _read_csv(content: bytes) -> list[list]:
    for encoding in ("utf-8-sig", "cp1251"):
        try:
            text = content.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise FileNotReadable(_("The CSV file is neither UTF-8 nor Windows-1251 text."))
    if "\x00" in text:
        raise FileNotReadable(_("The file is not a CSV text file."))
    sample = text[:4096]
    try:
        dialect = csv.Sniffer().sniff(sample, delimiters=";,\t")
    except csv.Error:
        # One column, or a sample the sniffer cannot read: guess from the commonest separator.
        delimiter = ";" if sample.count(";") >= sample.count(",") else ","
        dialect = type("GuessedDialect", (csv.excel,), {"delimiter": delimiter})
    try:
        return list(csv.reader(io.StringIO(text), dialect))
    except csv.Error as exc:
        raise FileNotReadable(_("The CSV file is malformed: %(error)s") % {"error": exc}) from exc


DATE_FORMATS = ("%d.%m.%Y", "%Y-%m-%d", "%d/%m/%Y", "%d.%m.%y")


def _parse_date(value) -> datetime.date:
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    text = str(value).strip()
    for fmt in DATE_FORMATS:
        try:
            return datetime.datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    raise ValueError(text)


def _cell_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return " ".join(str(value).split())


def staff_rows_parse(*, school, file_name: str, content: bytes, today: datetime.date | None = None) -> ImportPreview:
    """Read and check every row of an uploaded staff list for `school`."""
    preview = ImportPreview()
    today = today or datetime.date.today()
    try:
        table = _read_table(file_name, content)
    except FileNotReadable as exc:
        preview.file_errors.append(str(exc))
        return preview

    # The first row with any text is the header.
    start = next((i for i, row in enumerate(table) if any(_cell_text(v) for v in row)), None)
    if start is None:
        preview.file_errors.append(_("The file is empty."))
        return preview
    header = [_cell_text(v) for v in table[start]]
    columns = {}
    for index, title in enumerate(header):
        lookup = _header_lookup()
        if not title or (_norm(title) in lookup and lookup[_norm(title)] is None):
            continue
        key = lookup.get(_norm(title))
        if key is None:
            preview.file_errors.append(_("Unknown column «%(title)s».") % {"title": title})
        elif key in columns:
            preview.file_errors.append(_("Column «%(title)s» appears twice.") % {"title": title})
        else:
            columns[key] = index
    missing = [str(COLUMNS[key][0]) for key in REQUIRED_COLUMNS if key not in columns]
    if missing:
        preview.file_errors.append(_("Required columns are missing: %(columns)s.") % {"columns": ", ".join(missing)})
    if preview.file_errors:
        preview.file_errors.append(
            _("Expected columns: %(columns)s.") % {"columns": ", ".join(str(label) for label, _a in COLUMNS.values())}
        )
        return preview

    body = [(start + 2 + offset, row) for offset, row in enumerate(table[start + 1 :])]
    body = [(line, row) for line, row in body if any(_cell_text(v) for v in row)]
    if not body:
        preview.file_errors.append(_("The file has a header but no rows."))
        return preview
    if len(body) > MAX_ROWS:
        preview.file_errors.append(_("Too many rows: at most %(max)s at a time.") % {"max": MAX_ROWS})
        return preview

    for line, raw in body:
        preview.rows.append(_parse_row(line, raw, columns, today))
    _check_duplicates(school, preview)

    known_subjects = {_norm(n) for n in Subject.objects.for_school(school).values_list("name", flat=True)}
    known_associations = {
        _norm(n) for n in SubjectAssociation.objects.for_school(school).values_list("name", flat=True)
    }
    seen = set()
    for row in preview.rows:
        for name in row.subjects:
            if _norm(name) not in known_subjects and _norm(name) not in seen:
                seen.add(_norm(name))
                preview.new_subjects.append(name)
        if row.association and _norm(row.association) not in known_associations | seen:
            seen.add(_norm(row.association))
            preview.new_associations.append(row.association)
    return preview


def _parse_row(line, raw, columns, today) -> ImportRow:
    row = ImportRow(line=line)

    def cell(key):
        index = columns.get(key)
        return raw[index] if index is not None and index < len(raw) else None

    def label(key):
        return str(COLUMNS[key][0])

    for key in ("last_name", "first_name", "patronymic", "position", "association", "order_number"):
        setattr(row, key, _cell_text(cell(key))[: 100 if key != "association" else 200])
    row.position = row.position or "учитель"
    for key in ("last_name", "first_name"):
        if not getattr(row, key):
            row.errors.append(_("«%(column)s» is empty.") % {"column": label(key)})

    subjects_text = _cell_text(cell("subjects"))
    row.subjects = [s.strip() for s in re.split(r"[,;]", subjects_text) if s.strip()]

    email = _cell_text(cell("email")).lower()
    if email:
        try:
            validate_email(email)
            row.email = email
        except ValidationError:
            row.errors.append(_("«%(value)s» is not an e-mail address.") % {"value": email})

    for key in ("teaching_since", "hired_on", "category_awarded_on"):
        value = cell(key)
        if _cell_text(value) == "":
            if key in REQUIRED_COLUMNS:
                row.errors.append(_("«%(column)s» is empty.") % {"column": label(key)})
            continue
        try:
            day = _parse_date(value)
        except ValueError:
            row.errors.append(
                _("«%(column)s»: «%(value)s» is not a date; write it as DD.MM.YYYY.")
                % {"column": label(key), "value": _cell_text(value)}
            )
            continue
        if day > today:
            row.errors.append(
                _("«%(column)s»: %(date)s is in the future.") % {"column": label(key), "date": day.strftime("%d.%m.%Y")}
            )
            continue
        if day.year < 1940:
            row.errors.append(
                _("«%(column)s»: %(date)s is too early.") % {"column": label(key), "date": day.strftime("%d.%m.%Y")}
            )
            continue
        setattr(row, key, day)
    if row.teaching_since and row.hired_on and row.hired_on < row.teaching_since:
        row.errors.append(_("The hire date is earlier than the start of teaching."))

    category_text = _cell_text(cell("category"))
    if category_text:
        category = _category_lookup().get(_norm(category_text))
        if category is None:
            row.errors.append(
                _("Unknown category «%(value)s»: use highest, first, fits the post or none.") % {"value": category_text}
            )
        elif category != QualificationCategory.NONE:
            row.category = category
    if row.category and _cell_text(cell("category_awarded_on")) == "":
        row.errors.append(_("A category needs the date it was awarded."))
    if not row.category and row.category_awarded_on:
        row.errors.append(_("An award date is given but no category."))
    return row


def _check_duplicates(school, preview):
    names = {}
    for row in preview.rows:
        if not (row.last_name and row.first_name):
            continue
        key = (_norm(row.last_name), _norm(row.first_name), _norm(row.patronymic))
        if key in names:
            row.errors.append(_("The same person is already on line %(line)s of this file.") % {"line": names[key]})
        else:
            names[key] = row.line
    if not names:
        return
    # A school's registry is a few hundred names at most: compare them all.
    existing_keys = {
        (_norm(last), _norm(first), _norm(patronymic))
        for last, first, patronymic in StaffMember.objects.for_school(school).values_list(
            "last_name", "first_name", "patronymic"
        )
    }
    for row in preview.rows:
        key = (_norm(row.last_name), _norm(row.first_name), _norm(row.patronymic))
        if key in existing_keys:
            row.errors.append(_("%(name)s is already in the registry.") % {"name": row.full_name})
