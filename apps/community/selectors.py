"""Reads of the network community. Every read of a shared row goes through
`visible_to(viewer)` (apps/core/tenancy.py): nothing here filters on a circle
by itself, except to split what the viewer sees into the list's tabs."""

import datetime
import difflib
import hashlib
import re
from collections import defaultdict

from django.contrib.postgres.expressions import ArraySubquery
from django.db.models import Count, Exists, F, OuterRef, Q, Subquery, Window
from django.utils.html import escape
from django.utils.safestring import mark_safe

from apps.accounts.models import School
from apps.core.json_rows import JSONRow, row_columns, row_objects
from apps.core.paging import prepared_page
from apps.core.prepared import Param, ParamList, prepared_query
from apps.core.tenancy import Circle, Viewer, seen_schools_q
from apps.mentoring.models import MentorGroup, ProblemTag
from apps.staff.models import Subject

from .models import Answer, Material, MaterialComment, MaterialVersion, Question

# The material list's tabs: what the viewer's circles share, one's own shared ones, one's drafts.
TAB_CIRCLES, TAB_MINE, TAB_DRAFTS = "circles", "mine", "drafts"
TABS = (TAB_CIRCLES, TAB_MINE, TAB_DRAFTS)


def _tab_q(tab, staff):
    if tab == TAB_MINE:
        return Q(author_id=staff) & ~Q(circle=Circle.DRAFT)
    if tab == TAB_DRAFTS:
        return Q(author_id=staff, circle=Circle.DRAFT)
    return ~Q(circle=Circle.DRAFT)


def subject_named_q(name, viewer):
    """Materials or questions of the subject called `name` (a value or an expression).
    Subjects are each school's own and a row's subject is of its school: the subjects of
    that name in the schools the viewer may see rows of, as an array computed once, so the
    subject's index narrows the visible rows before they are read."""
    named = Subject.objects.filter(seen_schools_q(viewer, school_model=School), name=name).order_by().values("pk")
    return Q(subject_id__any=ArraySubquery(named))


# What a row of the material and question lists shows besides its own columns, read as plain
# values: twenty rows of model objects with their author, subject and school were most of the
# lists' work.
_LIST_NAMES = {
    "last_name": F("author__last_name"),
    "first_name": F("author__first_name"),
    "patronymic": F("author__patronymic"),
    "subject_name": F("subject__name"),
    "school_name": F("school__short_name"),
}


@prepared_query
def _materials(*, networked, tab, kind, subject, grade):
    viewer = Viewer.params(networked=networked)
    rows = Material.objects.visible_to(viewer).filter(_tab_q(tab, viewer.staff_id))
    if kind:
        rows = rows.filter(kind=Param("kind"))
    if subject:
        # The list offers the own school's subjects; a network school's material of the
        # subject of the same name is found too.
        chosen = Subject.objects.filter(pk=Param("subject_id"), school_id=Param("school_id")).values("name")[:1]
        rows = rows.filter(subject_named_q(Subquery(chosen), viewer))
    if grade:
        rows = rows.filter(grades__contains=Param("grades"))
    return rows.values(
        *("pk", "title", "circle", "kind", "grades", "topic", "school_id", "published_at", "current_version"),
        **_LIST_NAMES,
        total_count=Window(Count("*")),
    ).order_by("-published_at", "-updated_at", "-pk")


def materials_page(*, viewer, tab=TAB_CIRCLES, kind="", subject_id=None, grade=None, number=1, per_page=20):
    """A page of the materials the viewer sees (dicts), in one query whatever the page's size."""
    if tab not in TABS:
        tab = TAB_CIRCLES
    values = dict(viewer.values())
    if tab != TAB_CIRCLES and viewer.staff_id is None:
        return prepared_page(_materials, number=number, per_page=per_page, **_nothing(viewer))
    shape = {**viewer.shape(), "tab": tab, "kind": bool(kind), "subject": subject_id is not None, "grade": bool(grade)}
    if kind:
        values["kind"] = kind
    if subject_id is not None:
        values["subject_id"] = subject_id
    if grade:
        values["grades"] = [grade]
    return prepared_page(_materials, number=number, per_page=per_page, shape=shape, **values)


def _nothing(viewer):
    """A person without a card has no materials of their own: the drafts query with nobody's card."""
    shape = {**viewer.shape(), "tab": TAB_DRAFTS, "kind": False, "subject": False, "grade": False}
    return {"shape": shape, **viewer.values(), "staff_id": 0}


@prepared_query
def _subject_names():
    return Subject.objects.filter(school_id=Param("school_id")).values("pk", "name").order_by("name")


def subject_names(*, school_id):
    """The school's subjects by name, as {pk, name} (the material list's filter, the forms' choices)."""
    return _subject_names.rows(school_id=school_id)


@prepared_query
def _tag_names():
    return ProblemTag.objects.filter(school_id=Param("school_id")).values("pk", "name").order_by("name")


def tag_names(*, school_id):
    """The school's problem tags by name, as {pk, name} (the forms' choices)."""
    return _tag_names.rows(school_id=school_id)


def _tag_rows(model):
    """The problem tags of a material or a question by name, as an array of {pk, name} of its
    query: a prefetch cost a query (and its machinery) of its own."""
    owner = "material_id" if model is Material else "question_id"
    return ArraySubquery(
        model.tags.through.objects.filter(**{owner: OuterRef("pk")})
        .order_by("problemtag__name", "problemtag_id")
        .values(row=JSONRow(pk="problemtag_id", name="problemtag__name"))
    )


@prepared_query
def _material_detail(*, networked):
    return (
        Material.objects.visible_to(Viewer.params(networked=networked))
        .select_related("author", "subject", "school", "association")
        .annotate(tag_rows=_tag_rows(Material))
        .filter(pk=Param("pk"))
        .order_by("pk")
    )


def material_detail(*, viewer, pk):
    """The material with its author, subject and problem tags (`tag_rows`: {pk, name} by name),
    or None outside the viewer's circles."""
    return _material_detail.first(shape=viewer.shape(), pk=pk, **viewer.values())


# A version's columns as its page reads them with the material (`material_page`).
_VERSION_COLUMNS = row_columns(
    MaterialVersion,
    only={
        "id",
        "number",
        "title",
        "description",
        "change_note",
        "file",
        "file_name",
        "link",
        "file_erased",
        "created_at",
    },
)


@prepared_query
def _material_page(*, networked):
    # The versions and the comments as arrays of the material's query, read only for a
    # material the viewer sees: two queries (and their round trips) fewer for the page.
    versions = (
        MaterialVersion.objects.filter(material_id=OuterRef("pk"))
        .order_by("number")
        .values(row=JSONRow(**{name: name for name in _VERSION_COLUMNS}))
    )
    comments = (
        MaterialComment.objects.filter(material_id=OuterRef("pk"))
        .order_by("created_at", "pk")
        .values(
            row=JSONRow(
                **{name: name for name in _COMMENT_VALUES},
                **{name: expression.name for name, expression in _AUTHOR_NAMES.items()},
                version_number="version__number",
            )
        )
    )
    return (
        Material.objects.visible_to(Viewer.params(networked=networked))
        .select_related("author", "subject", "school")
        .annotate(
            tag_rows=_tag_rows(Material),
            version_rows=ArraySubquery(versions),
            comment_rows=ArraySubquery(comments),
        )
        .filter(pk=Param("pk"))
        .order_by("pk")
    )


def _moment(text):
    return datetime.datetime.fromisoformat(text).astimezone(datetime.UTC) if text is not None else None


def material_page(*, viewer, pk):
    """(material, versions, comments) for the material's page, or None outside the viewer's
    circles: the material as `material_detail` gives it, its versions as `material_versions`
    and its comments as `material_comments` give them, from one query."""
    material = _material_page.first(shape=viewer.shape(), pk=pk, **viewer.values())
    if material is None:
        return None
    versions = row_objects(MaterialVersion, material.version_rows, names=_VERSION_COLUMNS)
    comments = material.comment_rows
    for comment in comments:
        comment["created_at"], comment["helped_at"] = _moment(comment["created_at"]), _moment(comment["helped_at"])
    return material, _with_diffs(versions), _thread(comments)


_WORDS = re.compile(r"\S+|\s+")


def version_diff(old, new):
    """The words that changed from `old` to `new`: escaped HTML with <del> and <ins>."""
    return mark_safe(_diff(old or "", new or ""))  # nosec B308 B703 - every piece of text escaped by _diff


# Which words changed between two texts, worked out once per process for each pair (a material's
# page showed every version's diffs, and matching their words was a third of its work). Kept by a
# digest of the two texts, as word positions: no text is kept.
_OPCODES = {}
_OPCODES_KEPT = 1024


def _opcodes(before, after, old, new):
    key = hashlib.blake2b(f"{len(old)}:{old}{new}".encode(), digest_size=16).digest()
    found = _OPCODES.get(key)
    if found is None:
        matcher = difflib.SequenceMatcher(a=before, b=after, autojunk=False)
        found = tuple(matcher.get_opcodes())
        if len(_OPCODES) >= _OPCODES_KEPT:
            _OPCODES.clear()
        _OPCODES[key] = found
    return found


def _diff(old, new):
    before, after = _WORDS.findall(old), _WORDS.findall(new)
    parts = []
    for op, a1, a2, b1, b2 in _opcodes(before, after, old, new):
        if op == "equal":
            parts.append(escape("".join(before[a1:a2])))
            continue
        if a2 > a1:
            parts.append(f"<del>{escape(''.join(before[a1:a2]))}</del>")
        if b2 > b1:
            parts.append(f"<ins>{escape(''.join(after[b1:b2]))}</ins>")
    return "".join(parts)


@prepared_query
def _material_versions():
    return MaterialVersion.objects.filter(material_id=Param("material_id")).order_by("number")


def material_versions(*, material):
    """The material's versions, newest first, each with what changed in its title
    and description from the version before (`title_diff`, `description_diff`)."""
    return _with_diffs(_material_versions.rows(material_id=material.pk))


def _with_diffs(versions):
    """`versions` (oldest first), newest first with their diffs (`material_versions`)."""
    previous = None
    for version in versions:
        version.title_changed = previous is not None and previous.title != version.title
        version.description_changed = previous is not None and previous.description != version.description
        if version.title_changed:
            version.title_diff = version_diff(previous.title, version.title)
        if version.description_changed:
            version.description_diff = version_diff(previous.description, version.description)
        previous = version
    versions.reverse()
    return versions


# What a comment of the thread shows, read as plain values (no model objects for a thread).
_COMMENT_VALUES = ("pk", "parent_id", "author_id", "school_id", "text", "created_at", "helped_at")
_AUTHOR_NAMES = {
    "last_name": F("author__last_name"),
    "first_name": F("author__first_name"),
    "patronymic": F("author__patronymic"),
    "school_name": F("school__short_name"),
}


@prepared_query
def _material_comments():
    return (
        MaterialComment.objects.filter(material_id=Param("material_id"))
        .values(*_COMMENT_VALUES, **_AUTHOR_NAMES, version_number=F("version__number"))
        .order_by("created_at", "pk")
    )


def material_comments(*, material):
    """The material's comments in one query, as dicts (`_COMMENT_VALUES`, the author's
    names, the school's short name, the version's number), each top-level one with its
    `thread` of replies (one level), oldest first."""
    return _thread(_material_comments.rows(material_id=material.pk))


def _thread(rows):
    """The top-level comments of `rows` (oldest first), each with its `thread` of replies."""
    replies = defaultdict(list)
    for row in rows:
        if row["parent_id"] is not None:
            replies[row["parent_id"]].append(row)
    top = [row for row in rows if row["parent_id"] is None]
    for row in top:
        row["thread"] = replies.get(row["pk"], [])
    return top


@prepared_query
def _questions(*, networked, mine):
    viewer = Viewer.params(networked=networked)
    rows = Question.objects.visible_to(viewer)
    if mine:
        rows = rows.filter(author_id=viewer.staff_id)
    return rows.values(
        "pk",
        "title",
        "circle",
        "school_id",
        "published_at",
        **_LIST_NAMES,
        answers_count=Count("answers"),
        answered=Exists(Answer.objects.filter(question=OuterRef("pk"), is_accepted=True)),
        total_count=Window(Count("*")),
    ).order_by("-published_at", "-pk")


def questions_page(*, viewer, mine=False, number=1, per_page=20):
    """A page of the questions the viewer sees (or asked; dicts), with their answers' count
    and whether one helped, and their total, in one query."""
    values = viewer.values()
    if mine and viewer.staff_id is None:
        values["staff_id"] = 0  # a person without a card has asked nothing
    shape = {**viewer.shape(), "mine": mine}
    return prepared_page(_questions, number=number, per_page=per_page, shape=shape, **values)


@prepared_query
def _question_detail(*, networked, answers=False):
    rows = (
        Question.objects.visible_to(Viewer.params(networked=networked))
        .select_related("author", "subject", "school")
        .annotate(tag_rows=_tag_rows(Question))
    )
    if answers:
        # The answers as an array of the question's query, read only for a question the viewer
        # sees: a query (and its round trip) fewer for the question's page.
        rows = rows.annotate(
            answer_rows=ArraySubquery(
                Answer.objects.filter(question_id=OuterRef("pk"))
                .order_by("created_at")
                .values(
                    row=JSONRow(
                        **{name: name for name in _ANSWER_VALUES},
                        **{name: expression.name for name, expression in _AUTHOR_NAMES.items()},
                    )
                )
            )
        )
    return rows.filter(pk=Param("pk")).order_by("pk")


def question_detail(*, viewer, pk):
    """The question with its author, subject and problem tags (`tag_rows`), or None outside the viewer's circles."""
    return _question_detail.first(shape=viewer.shape(), pk=pk, **viewer.values())


def question_page(*, viewer, pk):
    """(question, answers) for the question's page, or None outside the viewer's circles: the
    question as `question_detail` and its answers as `question_answers` give them, in one query."""
    question = _question_detail.first(shape={**viewer.shape(), "answers": True}, pk=pk, **viewer.values())
    if question is None:
        return None
    answers = question.answer_rows
    for answer in answers:
        answer["created_at"] = _moment(answer["created_at"])
    return question, answers


_ANSWER_VALUES = ("pk", "author_id", "school_id", "text", "created_at", "is_accepted")


@prepared_query
def _question_answers():
    return (
        Answer.objects.filter(question_id=Param("question_id"))
        .values(*_ANSWER_VALUES, **_AUTHOR_NAMES)
        .order_by("created_at")
    )


def question_answers(*, question):
    """The question's answers, oldest first, as dicts (the author's names, the school's short name)."""
    return _question_answers.rows(question_id=question.pk)


@prepared_query
def _groups_alike():
    return (
        MentorGroup.objects.filter(
            school_id=Param("school_id"),
            status__in=MentorGroup.OPEN_STATUSES,
            problem_tags__pk__any=ParamList("tag_ids"),
        )
        .values("pk", "kind")
        .distinct()
        .order_by("pk")
    )


@prepared_query
def _materials_alike(*, networked, exclude):
    materials = (
        Material.objects.visible_to(Viewer.params(networked=networked))
        .exclude(circle=Circle.DRAFT)
        .filter(
            Exists(
                Material.tags.through.objects.filter(
                    material_id=OuterRef("pk"), problemtag__name__any=ParamList("names")
                )
            )
        )
    )
    if exclude:
        materials = materials.exclude(pk=Param("exclude_id"))
    return materials.values("pk", "title").order_by("-published_at", "-pk")


def problems_alike(*, viewer, school, tags, exclude_material=None, limit=5):
    # `tags`: the {pk, name} rows of `material_detail` or `question_detail`.
    """What shares the problem tags of a question or a material: the school's open
    mentoring groups working on them (pk and kind), and the materials the viewer sees
    with tags of the same names (pk and title; across the network, where tags are each
    school's own)."""
    tag_ids = [tag["pk"] for tag in tags]
    names = sorted({tag["name"] for tag in tags})
    if not names:
        return {"groups": [], "materials": []}
    groups = _groups_alike.rows(limit=limit, school_id=school.pk, tag_ids=tag_ids)
    values = {**viewer.values(), "names": names}
    if exclude_material is not None:
        values["exclude_id"] = exclude_material.pk
    shape = {**viewer.shape(), "exclude": exclude_material is not None}
    return {"groups": groups, "materials": _materials_alike.rows(shape=shape, limit=limit, **values)}


def my_unaccepted_questions(*, school, user):
    """The person's questions that have answers and none accepted yet («отметьте ответ, который помог»)."""
    return (
        Question.objects.filter(school=school, author__user=user)
        .filter(Exists(Answer.objects.filter(question=OuterRef("pk"))))
        .exclude(Exists(Answer.objects.filter(question=OuterRef("pk"), is_accepted=True)))
    )
