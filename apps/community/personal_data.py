"""What the network community holds about a person (see apps/core/personal_data.py).

The export lists the person's own materials (with their versions), comments,
questions and answers; other people appear by their role only.

Erasure deletes the person's drafts of materials with their files (a question is
never a draft). What
they shared stays for the colleagues who learn from it, on the anonymised card,
and the name sweep removes the name from its texts. A shared version's file is
deleted when it mentions the person, or when it cannot be read to tell (a PDF, an
image, a video, an old binary document); the version keeps its link and says the
file was removed. Colleagues' files of the school that mention the person go too.
"""

import os

from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from apps.core.personal_data import PersonalDataSource, Section, field_label
from apps.core.tenancy import Circle
from apps.core.uploads import ODF_MIMETYPES, OOXML_PARTS, TEXT_TYPES

from .models import Answer, Material, MaterialComment, MaterialVersion, Question

# Files whose words the erasure can read to look for the person's name.
READABLE_TYPES = TEXT_TYPES | set(OOXML_PARTS) | set(ODF_MIMETYPES)


def collect(*, staff, local_time):
    materials = Section(
        "community_materials",
        _("Materials"),
        [
            ("material", _("material number")),
            ("kind", field_label(Material, "kind")),
            ("title", field_label(Material, "title")),
            ("circle", field_label(Material, "circle")),
            ("versions", _("versions")),
            ("published_at", _("shared at")),
        ],
        [
            {
                "material": m.pk,
                "kind": m.get_kind_display(),
                "title": m.title,
                "circle": m.get_circle_display(),
                "versions": m.current_version,
                "published_at": local_time(m.published_at) if m.published_at else None,
            }
            for m in Material.objects.filter(author=staff).order_by("created_at", "pk")
        ],
    )
    comments = Section(
        "community_comments",
        _("Comments on materials"),
        [
            ("material", _("material number")),
            ("text", field_label(MaterialComment, "text")),
            ("helped", _("marked as helped")),
            ("created_at", _("written at")),
        ],
        [
            {
                "material": c.material_id,
                "text": c.text,
                "helped": c.helped_at is not None,
                "created_at": local_time(c.created_at),
            }
            for c in MaterialComment.objects.filter(author=staff).order_by("created_at", "pk")
        ],
    )
    questions = Section(
        "community_questions",
        _("Questions to colleagues"),
        [
            ("question", _("question number")),
            ("title", field_label(Question, "title")),
            ("body", field_label(Question, "body")),
            ("circle", field_label(Question, "circle")),
            ("created_at", _("asked at")),
        ],
        [
            {
                "question": q.pk,
                "title": q.title,
                "body": q.body,
                "circle": q.get_circle_display(),
                "created_at": local_time(q.created_at),
            }
            for q in Question.objects.filter(author=staff).order_by("created_at", "pk")
        ],
    )
    answers = Section(
        "community_answers",
        _("Answers to colleagues"),
        [
            ("question", _("question number")),
            ("text", field_label(Answer, "text")),
            ("accepted", _("marked as helped")),
            ("created_at", _("written at")),
        ],
        [
            {
                "question": a.question_id,
                "text": a.text,
                "accepted": a.is_accepted,
                "created_at": local_time(a.created_at),
            }
            for a in Answer.objects.filter(author=staff).order_by("created_at", "pk")
        ],
    )
    return [materials, comments, questions, answers]


def _readable(name):
    return os.path.splitext(name or "")[1].lower() in READABLE_TYPES


def _file_contents(versions):
    """(pk, bytes) of each version's file, read one at a time; b"" if it is gone."""
    for version in versions:
        try:
            with version.file.open("rb") as handle:
                content = handle.read()
        except OSError:
            content = b""
        yield version.pk, content


class _Rows(list):
    """What `Erasure.files_mentioning` iterates: (pk, content) rows."""

    def iterator(self, chunk_size=None):
        return iter(self)


def _delete_files_on_commit(names, storage):
    # Only once the erasure is committed: a rolled-back erasure keeps the files.
    transaction.on_commit(lambda: [storage.delete(name) for name in names])


def erase(*, erasure):
    staff = erasure.staff
    drafts = Material.objects.filter(author=staff, circle=Circle.DRAFT)
    draft_files = list(
        MaterialVersion.objects.filter(material__in=drafts).exclude(file="").values_list("file", flat=True)
    )
    erasure.deleted("community_drafts", drafts.delete()[1].get(Material._meta.label, 0))

    with_files = MaterialVersion.objects.exclude(file="").select_related("material")
    own = list(with_files.filter(material__author=staff))
    readable = [v for v in own if _readable(v.file.name)]
    readable += [
        v
        for v in with_files.filter(material__school=erasure.school).exclude(material__author=staff)
        if _readable(v.file.name)
    ]
    # One's own file is doomed when it cannot be read; any readable one of the school when it names the person.
    doomed = {v.pk for v in own if not _readable(v.file.name)}
    doomed |= set(erasure.files_mentioning(_Rows(_file_contents(readable))))
    names = {v.file.name for v in [*own, *readable] if v.pk in doomed}
    MaterialVersion.objects.filter(pk__in=doomed).update(file="", file_size=0, file_erased=True)
    _delete_files_on_commit([*names, *draft_files], MaterialVersion._meta.get_field("file").storage)
    erasure.deleted("community_files", len(doomed))

    shared = Q(author=staff)
    counted = sum(model.objects.filter(shared).count() for model in (Material, MaterialComment, Question, Answer))
    erasure.anonymised("community_shared", counted)


SOURCE = PersonalDataSource(
    app_label="community",
    order=52,
    person_models=(Material, MaterialVersion, MaterialComment, Question, Answer),
    collect=collect,
    erase=erase,
    categories={
        "community_drafts": gettext_lazy("community: drafts of materials, with their files"),
        "community_files": gettext_lazy("community: files of shared materials that name the person or cannot be read"),
        "community_shared": gettext_lazy(
            "community: shared materials, comments, questions and answers (author anonymised)"
        ),
    },
)
