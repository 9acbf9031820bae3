"""Reads of the network community. Every read of a shared row goes through
`visible_to(viewer)` (apps/core/tenancy.py): nothing here filters on a circle
by itself, except to split what the viewer sees into the list's tabs."""

import difflib
import re
from collections import defaultdict

from django.contrib.postgres.expressions import ArraySubquery
from django.db.models import Count, Exists, OuterRef, Prefetch, Q, Subquery, Window
from django.utils.html import escape
from django.utils.safestring import mark_safe

from apps.accounts.models import School
from apps.core.paging import page_with_count, prepared_page
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
    return (
        rows.select_related("author", "subject", "school")
        .annotate(total_count=Window(Count("*")))
        .order_by("-published_at", "-updated_at", "-pk")
    )


def materials_page(*, viewer, tab=TAB_CIRCLES, kind="", subject_id=None, grade=None, number=1, per_page=20):
    """A page of the materials the viewer sees, in one query whatever the page's size."""
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
def _material_detail(*, networked):
    return (
        Material.objects.visible_to(Viewer.params(networked=networked))
        .select_related("author", "subject", "school", "association")
        .prefetch_related(Prefetch("tags", queryset=ProblemTag.objects.order_by("name")))
        .filter(pk=Param("pk"))
        .order_by("pk")
    )


def material_detail(*, viewer, pk):
    """The material with its author, subject and problem tags, or None outside the viewer's circles."""
    return _material_detail.first(shape=viewer.shape(), pk=pk, **viewer.values())


_WORDS = re.compile(r"\S+|\s+")


def version_diff(old, new):
    """The words that changed from `old` to `new`: escaped HTML with <del> and <ins>."""
    before, after = _WORDS.findall(old or ""), _WORDS.findall(new or "")
    parts = []
    matcher = difflib.SequenceMatcher(a=before, b=after, autojunk=False)
    for op, a1, a2, b1, b2 in matcher.get_opcodes():
        if op == "equal":
            parts.append(escape("".join(before[a1:a2])))
            continue
        if a2 > a1:
            parts.append(f"<del>{escape(''.join(before[a1:a2]))}</del>")
        if b2 > b1:
            parts.append(f"<ins>{escape(''.join(after[b1:b2]))}</ins>")
    return mark_safe("".join(parts))  # nosec B308 B703 - every piece of text above is escaped


@prepared_query
def _material_versions():
    return MaterialVersion.objects.filter(material_id=Param("material_id")).order_by("number")


def material_versions(*, material):
    """The material's versions, newest first, each with what changed in its title
    and description from the version before (`title_diff`, `description_diff`)."""
    versions = _material_versions.rows(material_id=material.pk)
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


@prepared_query
def _material_comments():
    return (
        MaterialComment.objects.filter(material_id=Param("material_id"))
        .select_related("author", "school", "version")
        .order_by("created_at", "pk")
    )


def material_comments(*, material):
    """The material's comments in one query, each top-level one with its `thread`
    of replies (one level), oldest first."""
    rows = _material_comments.rows(material_id=material.pk)
    replies = defaultdict(list)
    for row in rows:
        if row.parent_id is not None:
            replies[row.parent_id].append(row)
    top = [row for row in rows if row.parent_id is None]
    for row in top:
        row.thread = replies.get(row.pk, [])
    return top


def questions_page(*, viewer, mine=False, number=1, per_page=20):
    """A page of the questions the viewer sees (or asked), with their answers' count
    and whether one helped, in one query."""
    rows = Question.objects.visible_to(viewer)
    if mine:
        rows = rows.filter(author_id=viewer.staff_id) if viewer.staff_id else rows.none()
    rows = (
        rows.select_related("author", "subject", "school")
        .annotate(
            answers_count=Count("answers"),
            answered=Exists(Answer.objects.filter(question=OuterRef("pk"), is_accepted=True)),
        )
        .order_by("-published_at", "-pk")
    )
    return page_with_count(rows, number=number, per_page=per_page)


@prepared_query
def _question_detail(*, networked):
    return (
        Question.objects.visible_to(Viewer.params(networked=networked))
        .select_related("author", "subject", "school")
        .prefetch_related(Prefetch("tags", queryset=ProblemTag.objects.order_by("name")))
        .filter(pk=Param("pk"))
        .order_by("pk")
    )


def question_detail(*, viewer, pk):
    return _question_detail.first(shape=viewer.shape(), pk=pk, **viewer.values())


@prepared_query
def _question_answers():
    return (
        Answer.objects.filter(question_id=Param("question_id"))
        .select_related("author", "school")
        .order_by("created_at")
    )


def question_answers(*, question):
    return _question_answers.rows(question_id=question.pk)


@prepared_query
def _groups_alike():
    return (
        MentorGroup.objects.filter(
            school_id=Param("school_id"),
            status__in=MentorGroup.OPEN_STATUSES,
            problem_tags__pk__any=ParamList("tag_ids"),
        )
        .select_related("curator")
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
    return materials.select_related("author").order_by("-published_at", "-pk")


def problems_alike(*, viewer, school, tags, exclude_material=None, limit=5):
    """What shares the problem tags of a question or a material: the school's open
    mentoring groups working on them, and the materials the viewer sees with tags
    of the same names (across the network, where tags are each school's own)."""
    tag_ids = [tag.pk for tag in tags]
    names = sorted({tag.name for tag in tags})
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
