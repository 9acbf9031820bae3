"""Reading a staff list from an XLSX or CSV file into rows checked for errors.

Nothing here writes: `staff_rows_parse` returns a preview, and
`services.staff_import_confirm` saves it all or nothing.
"""

import csv
import datetime
import functools
import io
import re
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl.utils.datetime import WINDOWS_EPOCH, from_excel

from apps.core.typography import quoted

from .birth_dates import birth_date_error
from .models import EARLIEST_DATE, CategoryAward, QualificationCategory, StaffMember, Subject, SubjectAssociation

# At most this many people (non-empty rows under the header) in one file.
MAX_ROWS = 2000
# Only this many columns of a worksheet are read: a stray cell far to the right
# (column XFD) must not make every row 16 384 cells long.
MAX_COLUMNS = 40
# A number in a date column is an Excel serial date if it falls between these days.
SERIAL_DATES = (EARLIEST_DATE, datetime.date(2100, 12, 31))

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
    # Optional personal data: a list without the column imports as before.
    "birth_date": (
        gettext_lazy("Date of birth"),
        ["дата рождения", "дата рожд.", "год рождения", "date of birth", "birth date", "born"],
    ),
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


def name_key(name) -> str:
    """How names of subjects and associations are compared: «Учёт» and « учет » are one name."""
    return _norm(name)


# Text columns and the model field whose length they must fit.
TEXT_COLUMNS = {
    "last_name": (StaffMember, "last_name"),
    "first_name": (StaffMember, "first_name"),
    "patronymic": (StaffMember, "patronymic"),
    "position": (StaffMember, "position"),
    "association": (SubjectAssociation, "name"),
    "order_number": (CategoryAward, "order_number"),
}


def _max_length(model, name):
    return model._meta.get_field(name).max_length


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
    birth_date: datetime.date | None = None
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
    """The file cannot be read as a table; the message says why, for the user."""


class _FormulaWithoutValue:
    """A worksheet cell holding a formula that was never calculated (no cached value)."""

    def __repr__(self):
        return "FORMULA_WITHOUT_VALUE"


FORMULA_WITHOUT_VALUE = _FormulaWithoutValue()


@dataclass
class Table:
    """The non-empty rows of a file as (line number, cell values), header included."""

    rows: list
    # Excel serial numbers count days from this date (1904 in some old Mac workbooks).
    epoch: datetime.datetime = WINDOWS_EPOCH


def _is_blank(value) -> bool:
    return value is not FORMULA_WITHOUT_VALUE and _cell_text(value) == ""


def _too_many_rows():
    return FileNotReadable(_("Too many rows: at most %(max)s at a time.") % {"max": MAX_ROWS})


def read_table(file_name: str, content: bytes) -> Table:
    """The non-empty rows of an .xlsx or .csv file; FileNotReadable if it cannot be read
    or has more than MAX_ROWS people."""
    name = file_name.lower()
    if name.endswith(".xlsx"):
        return _read_xlsx(content)
    if name.endswith(".csv"):
        return _read_csv(content)
    raise FileNotReadable(_("Upload an .xlsx or .csv file."))


def _read_xlsx(content: bytes) -> Table:
    from openpyxl import load_workbook

    not_readable = _("The file is not a readable Excel workbook (.xlsx).")
    try:
        workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=False)
    except Exception as exc:  # a damaged file fails in many ways: zip, XML, missing parts
        raise FileNotReadable(not_readable) from exc
    try:
        if not workbook.worksheets:
            raise FileNotReadable(
                _("The workbook has no worksheet: put the table on an ordinary sheet, not a chart sheet.")
            )
        rows, formulas = _xlsx_rows(workbook.worksheets[0])
        if formulas:
            _fill_formula_values(content, rows, formulas)
        return Table(rows=rows, epoch=workbook.epoch)
    except FileNotReadable:
        raise
    except Exception as exc:  # truncated or invalid sheet XML shows only while reading
        raise FileNotReadable(
            _("The workbook is damaged and cannot be read: open it in Excel, save it again and upload it.")
        ) from exc
    finally:
        workbook.close()


def _xlsx_rows(sheet):
    """(rows, formula cells): the non-empty rows of a sheet read with data_only=False,
    and the (row index, column) of every formula cell in them."""
    # The size the file declares may be wrong: read the rows that are really there.
    sheet.reset_dimensions()
    rows, formulas = [], []
    last_empty = None
    for line, cells in enumerate(sheet.iter_rows(max_col=MAX_COLUMNS), start=1):
        if cells is last_empty:  # the reader repeats one tuple for missing rows
            continue
        values = []
        for column, cell in enumerate(cells):
            if cell.data_type == "f":
                formulas.append((len(rows), column))
                values.append(FORMULA_WITHOUT_VALUE)
            else:
                values.append(cell.value)
        if all(_is_blank(value) for value in values):
            last_empty = cells
            continue
        rows.append((line, values))
        if len(rows) > MAX_ROWS + 1:  # the header and MAX_ROWS people
            raise _too_many_rows()
    return rows, formulas


def _fill_formula_values(content, rows, formulas):
    """Put the values a spreadsheet program calculated and saved in place of the formulas.

    A workbook where no formula has a saved value was written by a program that does
    not calculate (a script): its formula cells stay FORMULA_WITHOUT_VALUE. In a
    calculated workbook a formula without a saved value is one that gives an empty text.
    """
    from openpyxl import load_workbook

    index_by_line = {rows[index][0]: index for index, _column in formulas}
    saved = {}
    workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    try:
        sheet = workbook.worksheets[0]
        sheet.reset_dimensions()
        cells = sheet.iter_rows(max_row=max(index_by_line), max_col=MAX_COLUMNS, values_only=True)
        for line, values in enumerate(cells, start=1):
            if line in index_by_line:
                saved[index_by_line[line]] = values
    finally:
        workbook.close()

    def saved_value(index, column):
        values = saved.get(index, ())
        return values[column] if column < len(values) else None

    calculated = {(index, column): saved_value(index, column) for index, column in formulas}
    if all(value is None for value in calculated.values()):
        return
    for (index, column), value in calculated.items():
        rows[index][1][column] = value


def _non_empty_rows(numbered_rows) -> list:
    rows = []
    for line, values in numbered_rows:
        if all(_is_blank(value) for value in values):
            continue
        rows.append((line, values))
        if len(rows) > MAX_ROWS + 1:  # the header and MAX_ROWS people
            raise _too_many_rows()
    return rows


def _read_csv(content: bytes) -> Table:
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
        return Table(rows=_non_empty_rows(enumerate(csv.reader(io.StringIO(text), dialect), start=1)))
    except csv.Error as exc:
        # The csv module's own text ("field larger than field limit") means nothing to a user.
        raise FileNotReadable(
            _("The CSV file is malformed: check that every quote is closed and that no cell is extremely long.")
        ) from exc


DATE_FORMATS = ("%d.%m.%Y", "%Y-%m-%d", "%d/%m/%Y", "%d.%m.%y")


def _parse_date(value, epoch=WINDOWS_EPOCH) -> datetime.date:
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    if isinstance(value, str) and re.fullmatch(r"\d{5}", value.strip()):
        value = int(value)
    if isinstance(value, int | float) and not isinstance(value, bool):
        return _serial_date(value, epoch)
    text = str(value).strip()
    for fmt in DATE_FORMATS:
        try:
            return datetime.datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    raise ValueError(text)


def _serial_date(value, epoch) -> datetime.date:
    """An Excel serial number (days since 1900) read as a date, if it is a plausible one."""
    if not 0 < value < 3_000_000:
        raise ValueError(value)
    try:
        day = from_excel(value, epoch)
    except (OverflowError, ValueError) as exc:
        raise ValueError(value) from exc
    day = day.date() if isinstance(day, datetime.datetime) else None
    if day is None or not SERIAL_DATES[0] <= day <= SERIAL_DATES[1]:
        raise ValueError(value)
    return day


def _cell_text(value) -> str:
    if value is None or value is FORMULA_WITHOUT_VALUE:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return " ".join(str(value).split())


def staff_rows_parse(*, school, file_name: str, content: bytes, today: datetime.date | None = None) -> ImportPreview:
    """Read and check every row of an uploaded staff list for `school`."""
    preview = ImportPreview()
    today = today or datetime.date.today()
    try:
        table = read_table(file_name, content)
    except FileNotReadable as exc:
        preview.file_errors.append(str(exc))
        return preview

    # The first row with any text is the header.
    if not table.rows:
        preview.file_errors.append(_("The file is empty."))
        return preview
    header = [_cell_text(v) for v in table.rows[0][1]]
    columns = {}
    for index, title in enumerate(header):
        lookup = _header_lookup()
        if not title or (_norm(title) in lookup and lookup[_norm(title)] is None):
            continue
        key = lookup.get(_norm(title))
        if key is None:
            preview.file_errors.append(_("Unknown column %(title)s.") % {"title": quoted(title)})
        elif key in columns:
            preview.file_errors.append(_("Column %(title)s appears twice.") % {"title": quoted(title)})
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

    body = table.rows[1:]
    if not body:
        preview.file_errors.append(_("The file has a header but no rows."))
        return preview

    for line, raw in body:
        preview.rows.append(_parse_row(line, raw, columns, today, epoch=table.epoch))
    _check_duplicates(school, preview)

    # Names are matched as services.subject_get_or_create matches them: ignoring case and ё/е.
    known_subjects = {name_key(n) for n in Subject.objects.for_school(school).values_list("name", flat=True)}
    known_associations = {
        name_key(n) for n in SubjectAssociation.objects.for_school(school).values_list("name", flat=True)
    }
    for row in preview.rows:
        for name in row.subjects:
            if name_key(name) not in known_subjects:
                known_subjects.add(name_key(name))
                preview.new_subjects.append(name)
        if row.association and name_key(row.association) not in known_associations:
            known_associations.add(name_key(row.association))
            preview.new_associations.append(row.association)
    return preview


def _parse_row(line, raw, columns, today, epoch=WINDOWS_EPOCH) -> ImportRow:
    row = ImportRow(line=line)

    def label(key):
        return str(COLUMNS[key][0])

    cells, uncalculated = {}, set()
    for key, index in columns.items():
        value = raw[index] if index < len(raw) else None
        if value is FORMULA_WITHOUT_VALUE:
            uncalculated.add(key)
            row.errors.append(
                _(
                    "%(column)s: the cell holds a formula without a calculated value; "
                    "open the file in Excel, save it and upload it again."
                )
                % {"column": quoted(label(key))}
            )
            value = None
        cells[key] = value
    cell = cells.get

    def too_long(key, limit):
        row.errors.append(
            _("%(column)s is longer than %(max)s characters.") % {"column": quoted(label(key)), "max": limit}
        )

    # Texts are checked against the fields they are saved in, never cut short.
    for key, (model, name) in TEXT_COLUMNS.items():
        text = _cell_text(cell(key))
        limit = _max_length(model, name)
        if len(text) > limit:
            too_long(key, limit)
        setattr(row, key, text)
    row.position = row.position or "учитель"
    for key in ("last_name", "first_name"):
        if not getattr(row, key) and key not in uncalculated:
            row.errors.append(_("%(column)s is empty.") % {"column": quoted(label(key))})

    subjects_text = _cell_text(cell("subjects"))
    row.subjects = [s.strip() for s in re.split(r"[,;]", subjects_text) if s.strip()]
    limit = _max_length(Subject, "name")
    if any(len(name) > limit for name in row.subjects):
        row.errors.append(
            _("%(column)s: a subject name is longer than %(max)s characters.")
            % {"column": quoted(label("subjects")), "max": limit}
        )

    email = _cell_text(cell("email")).lower()
    if email:
        limit = _max_length(StaffMember, "email")
        try:
            validate_email(email)
        except ValidationError:
            row.errors.append(_("%(value)s is not an e-mail address.") % {"value": quoted(email)})
        else:
            if len(email) > limit:
                too_long("email", limit)
            row.email = email

    for key in ("teaching_since", "hired_on", "category_awarded_on"):
        value = cell(key)
        if _cell_text(value) == "":
            if key in REQUIRED_COLUMNS and key not in uncalculated:
                row.errors.append(_("%(column)s is empty.") % {"column": quoted(label(key))})
            continue
        try:
            day = _parse_date(value, epoch)
        except ValueError:
            row.errors.append(
                _("%(column)s: %(value)s is not a date; write it as DD.MM.YYYY.")
                % {"column": quoted(label(key)), "value": quoted(_cell_text(value))}
            )
            continue
        if day > today:
            row.errors.append(
                _("%(column)s: %(date)s is in the future.")
                % {"column": quoted(label(key)), "date": day.strftime("%d.%m.%Y")}
            )
            continue
        if day < EARLIEST_DATE:
            row.errors.append(
                _("%(column)s: %(date)s is too early.")
                % {"column": quoted(label(key)), "date": day.strftime("%d.%m.%Y")}
            )
            continue
        setattr(row, key, day)
    if row.teaching_since and row.hired_on and row.hired_on < row.teaching_since:
        row.errors.append(_("The hire date is earlier than the start of teaching."))

    born = cell("birth_date")
    if _cell_text(born) != "":
        try:
            day = _parse_date(born, epoch)
        except ValueError:
            row.errors.append(
                _("%(column)s: %(value)s is not a date; write it as DD.MM.YYYY.")
                % {"column": quoted(label("birth_date")), "value": quoted(_cell_text(born))}
            )
        else:
            error = birth_date_error(day, today=today, teaching_since=row.teaching_since)
            if error:
                row.errors.append(f"{quoted(label('birth_date'))}: {error}")
            else:
                row.birth_date = day

    category_text = _cell_text(cell("category"))
    if category_text:
        category = _category_lookup().get(_norm(category_text))
        if category is None:
            row.errors.append(
                _("Unknown category %(value)s: use highest, first, fits the post or none.")
                % {"value": quoted(category_text)}
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
