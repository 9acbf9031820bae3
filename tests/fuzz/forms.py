"""What the fuzzer needs: the forms of a page, and hostile values for their fields.

`page_forms(html)` reads the forms of a rendered page the way a browser would
submit them (field names, types, the options of selects, radios and
checkboxes, the values of hidden fields and submit buttons; a `data-hx-post`
inside a form posts that form's fields too). The strategies draw, for each field,
either a plausible value (so the form gets past validation and into the
services) or a hostile one: NUL bytes, right-to-left marks, emoji, 10,000
characters, SQL, HTML and JS injection, template syntax, negative and huge
numbers, impossible dates, ids of another school's objects or of nothing,
several values where one is expected, or nothing at all. `plausible_value`
gives one valid-looking value, for the checks that spoil a single field.
"""

import inspect
import re
from dataclasses import dataclass, field
from html.parser import HTMLParser

from django.core.files.uploadedfile import SimpleUploadedFile
from hypothesis import strategies as st

# Inputs a person types into: the fuzzer checks a re-rendered form still shows them.
TYPED = {"text", "search", "email", "url", "tel", "textarea"}
BUTTONS = {"submit", "button", "image", "reset"}

HOSTILE_TEXT = [
    "\x00",
    "Иванова\x00Мария",
    "\u202eавтор справа налево\u202c",
    "\u200f\u200e\u200b\ufeff",
    "👩‍🏫 урок 🏫🔥",
    "𝔘𝔫𝔦𝔠𝔬𝔡𝔢 ̸̢̛̤̳",
    "я" * 10_000,
    "x" * 10_001,
    "' OR '1'='1' --",
    "'; DROP TABLE staff_staffmember; --",
    "%(school)s %s %%",
    "{{ request.user.password }}{% debug %}",
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>',
    "javascript:alert(1)",
    "//evil.example/",
    "../../../../etc/passwd",
    "",
    " ",
    "\t\r\n",
]
HOSTILE_NUMBERS = [
    "-1",
    "0",
    "-2147483649",
    "2147483648",
    "9223372036854775808",
    "1e308",
    "NaN",
    "inf",
    "1.5",
    "１２",
    "0x10",
    " 7 ",
    "²",
    "٣",
]
HOSTILE_DATES = [
    "2026-02-30",
    "2026-13-01",
    "0000-00-00",
    "0001-01-01",
    "9999-12-31",
    "10000-01-01",
    "31.02.2026",
    "2026-02-30T10:00",
    "2026-03-01T25:61",
    "25:61",
    "24:00",
    "1969-12-31T23:59",
]
MISSING_IDS = ["999999999", "-5", "0", "2147483648"]
# Keys a form never shows, sent on top: mass assignment and ownership.
EXTRA_KEYS = ["id", "pk", "school", "school_id", "user", "is_superuser", "status", "created_by", "page"]
# Query parameters that list, filter and dashboard pages read.
QUERY_KEYS = ["page", "year", "q", "sort", "month", "week", "date", "status", "kind", "association", "school", "on"]

VALID = {
    "date": "2026-03-16",
    "time": "10:00",
    "datetime-local": "2026-03-16T10:00",
    "month": "2026-03",
    "week": "2026-W12",
    "number": "3",
    "range": "3",
    "email": "fuzz@school.test",
    "url": "https://example.org/plan",
    "password": "correct-horse-42",
    "color": "#336699",
}


@dataclass
class Field:
    name: str
    kind: str  # an <input> type, "textarea" or "select"
    options: list = field(default_factory=list)  # selects, radios, checkboxes, buttons of one name
    multiple: bool = False
    value: str = ""  # as on the page (hidden fields)
    max_length: int | None = None  # the page's maxlength (text inputs and text areas)


@dataclass
class Form:
    method: str
    action: str  # as written; "" is the page itself
    fields: dict  # name → Field


class _FormParser(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.forms = []
        self._form = None
        self._select = None
        self._option = None  # an <option> without a value attribute: its text is the value

    def _field(self, name, kind):
        return self._form.fields.setdefault(name, Field(name=name, kind=kind))

    def handle_starttag(self, tag, attrs):
        a = {key: (value if value is not None else "") for key, value in attrs}
        if tag == "form":
            self._form = Form(method=(a.get("method") or "get").lower(), action=a.get("action", ""), fields={})
            self.forms.append(self._form)
            return
        if self._form is None:
            return
        if "data-hx-post" in a:  # posts the enclosing form (data-hx-include)
            self.forms.append(Form(method="post", action=a["data-hx-post"], fields=self._form.fields))
        name = a.get("name")
        if not name:
            return
        if tag == "input":
            kind = (a.get("type") or "text").lower()
            if kind in BUTTONS:
                self._field(name, "submit").options.append(a.get("value", ""))
            elif kind in ("checkbox", "radio"):
                found = self._field(name, kind)
                found.options.append(a.get("value", "on"))
                found.multiple = kind == "checkbox"
            else:
                found = self._field(name, kind)
                found.value = a.get("value", "")
                found.max_length = _max_length(a)
        elif tag == "button" and (a.get("type") or "submit").lower() == "submit":
            self._field(name, "submit").options.append(a.get("value", ""))
        elif tag == "textarea":
            self._field(name, "textarea").max_length = _max_length(a)
        elif tag == "select":
            self._select = self._field(name, "select")
            self._select.multiple = "multiple" in a
        if tag == "option" and self._select is not None:
            if "value" in a:
                self._select.options.append(a["value"])
            else:
                self._option = ""

    def handle_data(self, data):
        if self._option is not None:
            self._option += data

    def handle_endtag(self, tag):
        if tag == "option" and self._option is not None:
            self._select.options.append(self._option.strip())
            self._option = None
        elif tag == "select":
            self._select = None
        elif tag == "form":
            self._form = None


def _max_length(attrs):
    value = attrs.get("maxlength", "")
    return int(value) if value.isdecimal() else None


def page_forms(html):
    parser = _FormParser()
    parser.feed(html)
    return parser.forms


def _view_sources(callback):
    """The source of a view and of the helpers of its module that it calls, two
    levels down."""
    sources, seen = [], set()

    def collect(function, depth):
        if function in seen:
            return
        seen.add(function)
        try:
            sources.append(inspect.getsource(function))
        except (OSError, TypeError):
            return
        if depth == 0:
            return
        for name in function.__code__.co_names:
            helper = function.__globals__.get(name)
            if inspect.isfunction(helper) and helper.__module__ == function.__module__:
                collect(helper, depth - 1)

    collect(inspect.unwrap(callback), 2)
    return sources


def handles_post(callback):
    """Whether a view reads POST data (a class-based view: has `post`)."""
    if hasattr(callback, "view_class"):
        return hasattr(callback.view_class, "post")
    return any("POST" in source or "request.FILES" in source for source in _view_sources(callback))


def reads_query(callback):
    """Whether a view reads its query string (filters, ?page=, ?year=, …)."""
    if hasattr(callback, "view_class"):
        return True
    return any("GET" in source for source in _view_sources(callback))


QUERY_READ = re.compile(r"""GET(?:\.get|\.getlist|\[)\(?\s*["'](\w+)["']""")


def query_names(callback):
    """The query parameters a view reads by name (`request.GET.get("group")`)."""
    if hasattr(callback, "view_class"):
        return set()
    return {name for source in _view_sources(callback) for name in QUERY_READ.findall(source)}


# --- strategies ----------------------------------------------------------------

# Any text a browser can send (no lone surrogates: they cannot be encoded).
any_text = st.text(alphabet=st.characters(exclude_categories=("Cs",)), max_size=60)


def hostile_scalar(foreign_ids):
    return st.one_of(
        st.sampled_from(HOSTILE_TEXT),
        st.sampled_from(HOSTILE_NUMBERS),
        st.sampled_from(HOSTILE_DATES),
        st.sampled_from([*foreign_ids, *MISSING_IDS]),
        any_text,
        st.integers(min_value=-(2**70), max_value=2**70).map(str),
    )


def _upload(name, content, content_type):
    return SimpleUploadedFile(name, content, content_type=content_type)


def hostile_file():
    names = st.sampled_from(
        [
            "plan.pdf",
            "photo.png",
            "../../../etc/passwd",
            "отчёт <script>.pdf",
            "a" * 300 + ".pdf",
            "no-extension",
            ".pdf",
            "evil.html",
        ]
    )
    contents = st.one_of(
        st.sampled_from(
            [
                b"",
                b"%PDF-1.4 fuzz",
                b"<html><script>alert(1)</script></html>",
                b"\x89PNG\r\n\x1a\n",
                b"PK\x03\x04 not really a zip",
            ]
        ),
        st.binary(max_size=200),
    )
    types = st.sampled_from(["application/pdf", "image/png", "text/html", "application/octet-stream"])
    return st.builds(_upload, names, contents, types)


def plausible(spec):
    """A value a person could have entered in this field."""
    if spec.kind == "file":
        return st.builds(_upload, st.just("plan.pdf"), st.just(b"%PDF-1.4 fuzz"), st.just("application/pdf"))
    options = [option for option in spec.options if option != ""] or spec.options
    if spec.kind in ("select", "radio", "checkbox", "submit") and options:
        if spec.multiple:
            return st.lists(st.sampled_from(options), max_size=3, unique=True)
        return st.sampled_from(options)
    if spec.kind == "hidden":
        return st.just(spec.value)
    if spec.kind in VALID:
        return st.just(VALID[spec.kind])
    return st.sampled_from(["Проверка ввода", "Урок математики в 5 «Б»", "Ёлкина Анна"])


def plausible_value(spec):
    """One value a person could have entered in this field, without Hypothesis:
    the first option, the hidden value, a valid date or number, a short text."""
    if spec.kind == "file":
        return _upload("plan.pdf", b"%PDF-1.4 fuzz", "application/pdf")
    options = [option for option in spec.options if option != ""] or spec.options
    if spec.kind in ("select", "radio", "checkbox", "submit") and options:
        return options[:1] if spec.multiple else options[0]
    if spec.kind == "hidden":
        return spec.value
    return VALID.get(spec.kind, "Проверка ввода")


def hostile(spec, foreign_ids):
    """A value no form of ours should fall over on. None leaves the field out."""
    if spec.kind == "file":
        return st.one_of(hostile_file(), hostile_scalar(foreign_ids), st.none())
    scalar = hostile_scalar(foreign_ids)
    return st.one_of(
        scalar,
        st.none(),
        st.lists(st.one_of(scalar, plausible(spec)), min_size=2, max_size=3),
    )


@st.composite
def form_data(draw, fields, foreign_ids):
    """Form data, and the names of the fields spoilt: every field plausible but
    one, some, or all hostile; and a few keys the form never shows."""
    names = sorted(fields)
    mode = draw(st.sampled_from(["one", "some", "all"]))
    if not names:
        spoiled = set()
    elif mode == "one":
        spoiled = {draw(st.sampled_from(names))}
    elif mode == "some":
        spoiled = draw(st.sets(st.sampled_from(names), min_size=1))
    else:
        spoiled = set(names)
    data = {}
    for name in names:
        value = draw(hostile(fields[name], foreign_ids) if name in spoiled else plausible(fields[name]))
        if value is not None:
            data[name] = value
    extras = draw(st.dictionaries(st.sampled_from(EXTRA_KEYS), hostile_scalar(foreign_ids), max_size=2))
    for key, value in extras.items():
        data.setdefault(key, value)
    return data, spoiled


@st.composite
def query_data(draw, fields, foreign_ids):
    """A query string for a list, filter or dashboard page."""
    keys = sorted(set(fields) | set(QUERY_KEYS))
    chosen = draw(st.sets(st.sampled_from(keys), min_size=1, max_size=4))
    query = {}
    for key in chosen:
        spec = fields.get(key) or Field(name=key, kind="text")
        strategy = st.one_of(hostile(spec, foreign_ids), plausible(spec)) if spec.kind != "file" else st.none()
        value = draw(strategy)
        if value is not None:
            query[key] = value
    return query


def typed_values(data, fields):
    """What the person typed into text inputs and text areas, as the server got it."""
    typed = []
    for name, value in data.items():
        if name in fields and fields[name].kind in TYPED:
            one = value[-1] if isinstance(value, list) else value  # a text field reads the last value sent
            if isinstance(one, str) and one.strip():
                typed.append(one)
    return typed
