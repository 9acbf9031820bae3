"""What the network community holds about a person (see apps/core/personal_data.py).

The export lists the person's own materials (with their versions), comments,
questions and answers; other people appear by their role only.
"""

from django.utils.translation import gettext as _

from apps.core.personal_data import PersonalDataSource, Section, field_label

from .models import Answer, Material, MaterialComment, MaterialVersion, Question


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


SOURCE = PersonalDataSource(
    app_label="community",
    order=52,
    person_models=(Material, MaterialVersion, MaterialComment, Question, Answer),
    collect=collect,
)
