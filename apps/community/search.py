"""Search across the materials and questions a person may see.

PostgreSQL's full-text search in the Russian configuration on the stored
`search_vector` of each row (GIN indexes `material_search`, `question_search`).
Query 1 is a prepared query of the page's hits over materials UNION ALL
questions, each through the circle rule of apps/core/tenancy.py; queries 2–3
read the page's rows again through the same rule (defence in depth) with their
highlighted snippets. A page costs the same queries whatever the data: there is
no exact total (a COUNT of a common word's matches costs more than the page),
paging is by offset up to MAX_PAGE with "next" when one more row came back.
"""

import functools
from dataclasses import dataclass

from django import forms
from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.search import SearchQuery, SearchRank
from django.db import connection, models
from django.db.models import Exists, F, FloatField, OuterRef, Value
from django.db.models.functions import Coalesce
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.text import capfirst
from django.utils.translation import get_language, gettext
from django.utils.translation import gettext_lazy as _

from apps.accounts.models import School
from apps.community.models import GRADES, MARK_START, MARK_STOP, Material, MaterialKind, Question
from apps.community.selectors import subject_named_q
from apps.core.choices import translated_labels
from apps.core.form_rendering import bound_widget_html, escaped, printed
from apps.core.forms import LeanForm
from apps.core.links import row_link
from apps.core.prepared import Param, ParamList, prepared_query
from apps.core.tenancy import Circle, Viewer, seen_schools_q
from apps.mentoring.models import ProblemTag
from apps.staff.models import Subject, short_name

GRADE_LIST = ArrayField(models.PositiveSmallIntegerField())
PER_PAGE = 20
MAX_PAGE = 10
MAX_QUERY = 200


class What(models.TextChoices):
    ALL = "all", _("Materials and questions")
    MATERIALS = "materials", _("Materials")
    QUESTIONS = "questions", _("Questions")


def snippet_html(text):
    """A snippet safe for the page: the text escaped, then only the markers of the
    search's matches turned into <mark>."""
    if not text:
        return ""
    escaped = str(escape(text))
    return mark_safe(escaped.replace(MARK_START, "<mark>").replace(MARK_STOP, "</mark>"))  # nosec B703 B308


# --- the form -----------------------------------------------------------------------------


def _viewer_schools(networked):
    """The schools whose rows the viewer may see (apps.core.tenancy.seen_schools_q)."""
    return seen_schools_q(Viewer.params(networked=networked), school_model=School)


@prepared_query
def _filter_names(*, networked):
    """The subject and problem-tag names of the viewer's schools (the network's, or the
    school's own outside a network): subjects are per school, so a filter matches the name."""
    schools = _viewer_schools(networked)
    subjects = Subject.objects.filter(schools).values(kind=Value("subject"), label=F("name")).distinct()
    tags = ProblemTag.objects.filter(schools).values(kind=Value("tag"), label=F("name")).distinct()
    return subjects.union(tags, all=True).order_by("kind", "label")


def filter_names(viewer):
    """(subject names, tag names) offered by the search form, from one query."""
    networked = viewer.network_id is not None
    values = {"network_id": viewer.network_id} if networked else {"school_id": viewer.school_id}
    subjects, tags = [], []
    for row in _filter_names.rows(shape={"networked": networked}, **values):
        (subjects if row["kind"] == "subject" else tags).append(row["label"])
    return subjects, tags


def _choices(names):
    return [("", "—"), *((name, name) for name in names)]


@functools.cache
def _translated_choices(language):
    """The filters' choices that are the same for everybody, their labels translated once per
    language (a lazy label is translated again each time an option is drawn)."""
    return {
        "what": [(value, str(label)) for value, label in What.choices],
        "kind": [("", "—"), *((value, str(label)) for value, label in MaterialKind.choices)],
        "circle": [("", "—"), *((value, str(label)) for value, label in Circle.choices)],
    }


class SearchForm(LeanForm):
    q = forms.CharField(label=_("Words to find"), max_length=MAX_QUERY, required=False, strip=True)
    what = forms.ChoiceField(label=_("Search in"), choices=What.choices, required=False)
    kind = forms.ChoiceField(label=_("Kind"), choices=[("", "—"), *MaterialKind.choices], required=False)
    subject = forms.ChoiceField(label=_("Subject"), required=False)
    grade = forms.TypedChoiceField(
        label=_("Grade"),
        choices=[("", "—"), *((g, str(g)) for g in GRADES)],
        coerce=int,
        required=False,
        empty_value=None,
    )
    circle = forms.ChoiceField(label=_("Who sees it"), choices=[("", "—"), *Circle.choices], required=False)
    tag = forms.ChoiceField(label=_("Problem tag"), required=False)
    page = forms.IntegerField(min_value=1, max_value=MAX_PAGE, required=False)

    def __init__(self, *args, subjects=(), tags=(), **kwargs):
        super().__init__(*args, **kwargs)
        offered = {**_translated_choices(get_language()), "subject": _choices(subjects), "tag": _choices(tags)}
        for name, choices in offered.items():
            # Pairs of plain values already, as the choices' setter would make them: given to the
            # field and its widget without the setter's normalising pass over every choice.
            field = self.fields[name]
            field._choices = field.widget._choices = list(choices)
        for name, field in self.fields.items():
            if name not in ("q", "page"):
                field.widget.attrs["class"] = "form-select form-select-sm"

    def filters_html(self):
        """The filters' fields (all but the words and the page), each with its label and errors,
        as the page's template loop drew them: the widget from the bound field at once."""
        parts = []
        for name in self.fields:
            if name in ("q", "page"):
                continue
            bound = self[name]
            errors = bound.errors
            widget = bound_widget_html(bound, errors)
            shown = "".join(f'<div class="invalid-feedback d-block">{printed(error)}</div>' for error in errors)
            parts.append(
                '\n      <div class="col-6 col-md-4 col-lg-2">\n'
                f'        <label class="form-label small mb-0" for="{printed(bound.id_for_label)}">'
                f"{printed(capfirst(bound.label))}</label>\n"
                f"        {str(bound) if widget is None else widget}\n"
                f"        {shown}\n      </div>\n      "
            )
        return mark_safe("".join(parts))  # nosec B308 B703 - every value escaped by printed() and the widget

    def clean_what(self):
        return self.cleaned_data.get("what") or What.ALL

    def clean_page(self):
        return self.cleaned_data.get("page") or 1


@dataclass(frozen=True)
class Criteria:
    q: str = ""
    what: str = What.ALL
    kind: str = ""
    subject: str = ""
    grade: int | None = None
    circle: str = ""
    tag: str = ""

    @property
    def materials(self):
        return self.what in (What.ALL, What.MATERIALS)

    @property
    def questions(self):
        # Kinds and grades are a material's: with either chosen, questions do not match.
        return self.what in (What.ALL, What.QUESTIONS) and not self.kind and self.grade is None


# --- query 1: the page of hits ------------------------------------------------------------


def _query():
    return SearchQuery(Param("q"), search_type="websearch", config="russian")


def _hits(model, *, networked, text, kind, subject, grade, circle, tag):
    rows = model.objects.visible_to(Viewer.params(networked=networked))
    if text:
        rows = rows.filter(search_vector=_query()).annotate(rank=SearchRank(F("search_vector"), _query()))
    else:
        rows = rows.annotate(rank=Value(0.0, output_field=FloatField()))
    if kind:
        rows = rows.filter(kind=Param("kind"))
    if grade:
        rows = rows.filter(grades__contains=Param("grades", output_field=GRADE_LIST))
    if subject:
        # Subjects are per school and a row's subject is of its school: the subjects of that
        # name in the schools the viewer may see rows of (the network's, or the own school's),
        # as an array computed once, so the subject's index narrows the visible rows before
        # they are read (not every school of the region's subject of that name).
        rows = rows.filter(subject_named_q(Param("subject"), Viewer.params(networked=networked)))
    if circle:
        rows = rows.filter(circle=Param("circle"))
    if tag:
        through = model.tags.through
        owner = "material_id" if model is Material else "question_id"
        rows = rows.filter(Exists(through.objects.filter(**{owner: OuterRef("pk")}, problemtag__name=Param("tag"))))
    # A draft has no publication date: it sorts by its creation.
    return rows.values(
        "pk", "rank", type=Value(model._meta.model_name), at=Coalesce("published_at", "created_at")
    ).order_by()


@prepared_query
def _page(*, networked, text, what, kind, subject, grade, circle, tag):
    """The page's hits: (type, pk, rank, at) over the materials and questions the viewer
    may see, best first, then newest."""
    shape = {
        "networked": networked,
        "text": text,
        "kind": kind,
        "subject": subject,
        "grade": grade,
        "circle": circle,
        "tag": tag,
    }
    parts = []
    if what in (What.ALL, What.MATERIALS):
        parts.append(_hits(Material, **shape))
    if what in (What.ALL, What.QUESTIONS):
        parts.append(_hits(Question, **shape))
    rows = parts[0].union(*parts[1:], all=True) if len(parts) > 1 else parts[0]
    return rows.order_by("-rank", "-at", "-pk")


def _shape(viewer, criteria):
    if criteria.materials and criteria.questions:
        what = What.ALL
    elif criteria.materials:
        what = What.MATERIALS
    else:
        what = What.QUESTIONS
    return {
        "networked": viewer.network_id is not None,
        "text": bool(criteria.q),
        "what": str(what),
        "kind": bool(criteria.kind),
        "subject": bool(criteria.subject),
        "grade": criteria.grade is not None,
        "circle": bool(criteria.circle),
        "tag": bool(criteria.tag),
    }


def _values(viewer, criteria, shape):
    values = viewer.values()
    if shape["text"]:
        values["q"] = criteria.q
    if shape["kind"]:
        values["kind"] = criteria.kind
    if shape["grade"]:
        values["grades"] = [criteria.grade]
    if shape["subject"]:
        values["subject"] = criteria.subject
    if shape["circle"]:
        values["circle"] = criteria.circle
    if shape["tag"]:
        values["tag"] = criteria.tag
    return values


def hits_page(*, viewer, criteria, page=1):
    """(hits, has_next) of page `page`: each hit a dict of type, pk, rank and date."""
    if not (criteria.materials or criteria.questions):
        return [], False
    shape = _shape(viewer, criteria)
    sql, params = _page.sql(shape=shape, **_values(viewer, criteria, shape))
    # Compiled once per shape, but sent as plain SQL, never as a server-side prepared statement:
    # after five runs PostgreSQL may keep a generic plan that cannot see how rare the words or
    # how small the viewer's network are, and the regional benchmark measured it several times
    # slower (docs/performance.md).
    with connection.cursor() as cursor:
        cursor.execute(f"{sql} LIMIT %s OFFSET %s", (*params, PER_PAGE + 1, (page - 1) * PER_PAGE))
        columns = [column.name for column in cursor.description]
        found = [dict(zip(columns, row, strict=True)) for row in cursor.fetchall()]
    return found[:PER_PAGE], len(found) > PER_PAGE and page < MAX_PAGE


# --- queries 2–3: the page's rows with their snippets ---------------------------------------


class _Headline(models.Func):
    """`ts_headline` in the Russian configuration with its options as a run-time value
    (the markers are not codes a compiled query may keep)."""

    template = "ts_headline('russian'::regconfig, %(expressions)s)"
    output_field = models.TextField()


# The title marked whole; a body's best two fragments.
TITLE_OPTIONS = f"HighlightAll=true, StartSel={MARK_START}, StopSel={MARK_STOP}"
BODY_OPTIONS = f"MaxFragments=2, MaxWords=25, MinWords=8, StartSel={MARK_START}, StopSel={MARK_STOP}"


@prepared_query
def _page_rows(*, type, networked, text):
    """The page's rows of one type, read again through the circle rule, as plain values
    (with their marked title and snippet when words were searched)."""
    model = Material if type == "material" else Question
    # `= ANY(ids)`: the query runs even when the page has none of this type, so the page's
    # queries are the same whatever the hits.
    rows = model.objects.visible_to(Viewer.params(networked=networked)).filter(pk__any=ParamList("ids"))
    body = "description" if model is Material else "body"
    fields = {
        "text": F(body),
        "subject_name": F("subject__name"),
        "last_name": F("author__last_name"),
        "first_name": F("author__first_name"),
        "patronymic": F("author__patronymic"),
    }
    if text:
        fields["title_marked"] = _Headline(F("title"), _query(), Param("title_options"))
        fields["snippet"] = _Headline(F(body), _query(), Param("body_options"))
    kind = ("kind", "grades") if model is Material else ()
    return rows.values("pk", "title", "circle", *kind, **fields).order_by()


def _rows(type, *, viewer, ids, q):
    values = {**viewer.values(), "ids": ids}
    if q:
        values.update(q=q, title_options=TITLE_OPTIONS, body_options=BODY_OPTIONS)
    shape = {"type": type, "networked": viewer.network_id is not None, "text": bool(q)}
    return {row["pk"]: row for row in _page_rows.rows(shape=shape, **values)}


@dataclass
class Result:
    type: str
    pk: int
    title: str
    snippet: str
    details: str
    author: str
    url: str


_LINKS = {"material": row_link("community:material_detail"), "question": row_link("community:question_detail")}


def _details(type, row, words):
    """The line above a result: its kind, subject, grades and circle (escaped); `words`: the
    kinds' and circles' labels, «Вопрос» and «классы …», translated once for the page."""
    kinds, circles, question, grades = words
    parts = [kinds[row["kind"]] if type == "material" else question]
    if row["subject_name"]:
        parts.append(row["subject_name"])
    if row.get("grades"):
        parts.append(grades % {"grades": ", ".join(map(str, row["grades"]))})
    parts.append(circles[row["circle"]])
    return " · ".join(escaped(str(part)) for part in parts)


def search(*, viewer, criteria, page=1):
    """The results of page `page` (a list of Result) and whether a next page exists."""
    hits, has_next = hits_page(viewer=viewer, criteria=criteria, page=page)
    material_ids = [h["pk"] for h in hits if h["type"] == "material"]
    question_ids = [h["pk"] for h in hits if h["type"] == "question"]
    materials = questions = {}
    if criteria.materials:
        materials = _rows("material", viewer=viewer, ids=material_ids, q=criteria.q)
    if criteria.questions:
        questions = _rows("question", viewer=viewer, ids=question_ids, q=criteria.q)
    words = (
        translated_labels(MaterialKind),
        translated_labels(Circle),
        gettext("Question"),
        gettext("grades %(grades)s"),
    )
    links = {type: link.pattern() for type, link in _LINKS.items()}
    results = []
    for hit in hits:
        type = hit["type"]
        row = (materials if type == "material" else questions).get(hit["pk"])
        if row is None:  # not visible any more (or never was): nothing of it is shown
            continue
        if criteria.q:
            title, snippet = snippet_html(row["title_marked"]), snippet_html(row["snippet"])
        else:
            title, snippet = escape(row["title"]), escape(_shorten(row["text"]))
        author = short_name(row["last_name"], row["first_name"], row["patronymic"])
        results.append(
            Result(
                type=type,
                pk=row["pk"],
                title=title,
                snippet=snippet,
                details=_details(type, row, words),
                author=escaped(author),
                url=links[type].format(pk=row["pk"]),
            )
        )
    return results, has_next


def results_html(results):
    """The results as the page shows them, written in Python (the page's twenty results of
    a dozen template nodes each were most of its rendering). Titles and snippets come
    escaped (with only the search's marks), details and author escaped here."""
    return mark_safe(  # nosec B308 B703 - every value escaped above
        "".join(
            f'\n  <article class="border-bottom py-2">\n'
            f'    <div class="small text-body-secondary">{result.details}</div>\n'
            f'    <h2 class="h6 mb-1"><a href="{result.url}">{result.title}</a></h2>\n'
            + (f'    <p class="mb-1 small text-break">{result.snippet}</p>\n' if result.snippet else "")
            + f'    <div class="small text-body-secondary">{result.author}</div>\n'
            f"  </article>"
            for result in results
        )
    )


def _shorten(text, limit=200):
    return text if len(text) <= limit else text[:limit].rsplit(" ", 1)[0] + "…"
