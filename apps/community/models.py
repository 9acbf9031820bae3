"""The network community: teachers' own materials (lesson plans, methodical
developments, programmes...) with their versions and colleagues' comments, and
questions to colleagues with their answers. Each is seen by the circle its
author chose (apps/core/tenancy.py: the author alone, their association, their
school or the school's network)."""

from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVector, SearchVectorField
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from apps.accounts.models import School
from apps.core.tenancy import Circle, circle_scoped_queryset
from apps.core.validation import bounded_texts
from apps.mentoring.models import ProblemTag
from apps.staff.models import StaffMember, Subject, SubjectAssociation

# Grades of a Russian general school.
GRADES = range(1, 12)

# The search's snippets mark the matched words with these two characters of the Private
# Use Area: the services keep them out of every text, so after escaping a snippet only
# they become <mark> (a typed one cannot forge a highlight).
MARK_START, MARK_STOP = "\ue000", "\ue001"

# A database constraint's violation (by its violation_error_code) is shown next to this field.
VIOLATION_FIELDS = {
    "association_circle_needs_association": "circle",
    "grades_invalid": "grades",
    "version_needs_link_or_file": "link",
    "version_change_not_noted": "change_note",
    "question_draft": "circle",
}

MaterialQuerySet = circle_scoped_queryset("")
# A version is owned by its material's school; a comment by its writer's school.
MaterialVersionQuerySet = circle_scoped_queryset("material__", school_path="material__school")
QuestionQuerySet = circle_scoped_queryset("")
AnswerQuerySet = circle_scoped_queryset("question__")


def _search_vector(*weighted):
    """The stored search vector of the given (column, weight) pairs, in the
    Russian configuration. The configuration must be named: the one-argument
    to_tsvector is not immutable, and a generated column must be.

    Changing the expression later is a RemoveField + AddField migration (Django
    does not alter a generated column)."""
    vector = None
    for column, weight in weighted:
        part = SearchVector(column, weight=weight, config="russian")
        vector = part if vector is None else vector + part
    return models.GeneratedField(expression=vector, output_field=SearchVectorField(), db_persist=True)


def _circle_constraints(prefix):
    return [
        models.CheckConstraint(condition=Q(circle__in=Circle.values), name=f"{prefix}_circle_known"),
        models.CheckConstraint(
            condition=~Q(circle=Circle.ASSOCIATION) | Q(association__isnull=False),
            name=f"{prefix}_association_circle_has_association",
            violation_error_code="association_circle_needs_association",
            violation_error_message=_("You are not a member of a methodical association."),
        ),
        models.CheckConstraint(
            condition=Q(circle=Circle.DRAFT) | Q(published_at__isnull=False),
            name=f"{prefix}_shared_has_date",
        ),
    ]


class MaterialKind(models.TextChoices):
    LESSON_PLAN = "lesson_plan", _("lesson plan")
    METHODICAL = "methodical", _("methodical development")
    PROGRAMME = "programme", _("programme")
    PRESENTATION = "presentation", _("presentation")
    MASTER_CLASS = "master_class", _("master class")
    VIDEO = "video", _("video")


@bounded_texts
class Material(models.Model):
    """A teacher's own material shared with colleagues to be improved together."""

    Kind = MaterialKind

    school = models.ForeignKey(School, related_name="materials", on_delete=models.CASCADE)
    # The card stays, anonymised, after its person's data is erased.
    author = models.ForeignKey(
        StaffMember, verbose_name=_("author"), related_name="materials", on_delete=models.PROTECT
    )
    # The author's association when the material was shared with it. An association
    # with rows shared with it alone is not deleted (RESTRICT: a null would break
    # `material_association_circle_has_association`); its school's deletion takes both.
    association = models.ForeignKey(
        SubjectAssociation, related_name="materials", on_delete=models.RESTRICT, null=True, blank=True
    )
    circle = models.CharField(_("who sees it"), max_length=16, choices=Circle.choices, default=Circle.DRAFT)
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    title = models.CharField(_("title"), max_length=200)
    topic = models.CharField(_("topic"), max_length=200, blank=True)
    description = models.TextField(_("description"), max_length=4000, blank=True)
    subject = models.ForeignKey(
        Subject, verbose_name=_("subject"), related_name="materials", on_delete=models.SET_NULL, null=True, blank=True
    )
    grades = ArrayField(models.PositiveSmallIntegerField(), verbose_name=_("grades"), default=list)
    tags = models.ManyToManyField(ProblemTag, verbose_name=_("problem tags"), related_name="materials", blank=True)
    current_version = models.PositiveSmallIntegerField(default=1)
    # When it was first shared beyond its author.
    published_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    search_vector = _search_vector(("title", "A"), ("topic", "A"), ("description", "B"))

    objects = MaterialQuerySet.as_manager()

    class Meta:
        verbose_name = _("material")
        verbose_name_plural = _("materials")
        ordering = ["-published_at", "-pk"]
        constraints = [
            *_circle_constraints("material"),
            models.CheckConstraint(condition=Q(kind__in=MaterialKind.values), name="material_kind_known"),
            models.CheckConstraint(
                condition=Q(grades__contained_by=list(GRADES), grades__len__gt=0),
                name="material_grades_valid",
                violation_error_code="grades_invalid",
                violation_error_message=_("Choose at least one grade from 1 to 11."),
            ),
            models.CheckConstraint(condition=Q(current_version__gte=1), name="material_current_version_positive"),
        ]
        indexes = [
            GinIndex(fields=["search_vector"], name="material_search"),
            models.Index(fields=["school", "circle", "-published_at"], name="material_school_circle_recent"),
            models.Index(fields=["-published_at"], name="material_network_recent", condition=Q(circle=Circle.NETWORK)),
            models.Index(
                fields=["association", "-published_at"],
                name="material_association_recent",
                condition=Q(circle=Circle.ASSOCIATION),
            ),
            models.Index(fields=["author", "-updated_at"], name="material_author_recent"),
        ]

    def __str__(self):
        return self.title


@bounded_texts
class MaterialVersion(models.Model):
    """One version of a material: the author uploads a revised one after comments."""

    material = models.ForeignKey(Material, related_name="versions", on_delete=models.CASCADE)
    number = models.PositiveSmallIntegerField(_("version"))
    file = models.FileField(_("file"), upload_to="community/materials/%Y/", blank=True)
    file_size = models.PositiveIntegerField(default=0)
    file_name = models.CharField(max_length=255, blank=True)
    link = models.URLField(_("link"), max_length=500, blank=True)
    change_note = models.TextField(_("what changed"), max_length=1000, blank=True)
    # What the title and description were then: the page shows the words that changed.
    title = models.CharField(max_length=200)
    description = models.TextField(max_length=4000, blank=True)
    # The file was deleted when its author's personal data was erased.
    file_erased = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = MaterialVersionQuerySet.as_manager()

    class Meta:
        verbose_name = _("material version")
        verbose_name_plural = _("material versions")
        ordering = ["material", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["material", "number"], name="material_version_number_unique"),
            models.CheckConstraint(condition=Q(number__gte=1), name="material_version_number_positive"),
            models.CheckConstraint(
                condition=~Q(link="") | ~Q(file="") | Q(file_erased=True),
                name="material_version_link_or_file",
                violation_error_code="version_needs_link_or_file",
                violation_error_message=_("Attach a file or give a link."),
            ),
            models.CheckConstraint(
                condition=Q(number=1) | ~Q(change_note=""),
                name="material_version_change_noted",
                violation_error_code="version_change_not_noted",
                violation_error_message=_("Say what changed in this version."),
            ),
        ]

    def __str__(self):
        return f"{self.material_id} v{self.number}"


@bounded_texts
class MaterialComment(models.Model):
    """A colleague's comment to improve a material; one level of replies. The
    author may mark that it helped: a date on the comment, never a tally."""

    material = models.ForeignKey(Material, related_name="comments", on_delete=models.CASCADE)
    # The version it was written on.
    version = models.ForeignKey(MaterialVersion, related_name="comments", on_delete=models.CASCADE)
    # The writer's school.
    school = models.ForeignKey(School, related_name="material_comments", on_delete=models.CASCADE)
    author = models.ForeignKey(StaffMember, related_name="material_comments", on_delete=models.PROTECT)
    parent = models.ForeignKey("self", related_name="replies", on_delete=models.CASCADE, null=True, blank=True)
    text = models.TextField(_("comment"), max_length=2000)
    helped_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = circle_scoped_queryset("material__").as_manager()

    class Meta:
        verbose_name = _("comment")
        verbose_name_plural = _("comments")
        ordering = ["created_at", "pk"]
        indexes = [
            models.Index(fields=["material", "created_at"], name="material_comment_thread"),
            models.Index(fields=["author", "created_at"], name="material_comment_author"),
            models.Index(fields=["school", "created_at"], name="material_comment_school"),
        ]

    def __str__(self):
        return self.text[:40]


@bounded_texts
class Question(models.Model):
    """A question to colleagues, seen by the circle its author chose."""

    school = models.ForeignKey(School, related_name="community_questions", on_delete=models.CASCADE)
    author = models.ForeignKey(
        StaffMember, verbose_name=_("author"), related_name="community_questions", on_delete=models.PROTECT
    )
    # As a material's (RESTRICT: see `Material.association`).
    association = models.ForeignKey(
        SubjectAssociation, related_name="community_questions", on_delete=models.RESTRICT, null=True, blank=True
    )
    circle = models.CharField(_("who sees it"), max_length=16, choices=Circle.choices, default=Circle.SCHOOL)
    title = models.CharField(_("question"), max_length=200)
    body = models.TextField(_("details"), max_length=4000, blank=True)
    subject = models.ForeignKey(
        Subject,
        verbose_name=_("subject"),
        related_name="community_questions",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
    )
    tags = models.ManyToManyField(ProblemTag, verbose_name=_("problem tags"), related_name="questions", blank=True)
    published_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    search_vector = _search_vector(("title", "A"), ("body", "B"))

    objects = QuestionQuerySet.as_manager()

    class Meta:
        verbose_name = _("question")
        verbose_name_plural = _("questions")
        ordering = ["-published_at", "-pk"]
        constraints = [
            *_circle_constraints("question"),
            # A question is asked of colleagues: it has no draft (the author alone) circle.
            models.CheckConstraint(
                condition=~Q(circle=Circle.DRAFT),
                name="question_never_draft",
                violation_error_code="question_draft",
                violation_error_message=_("A question is asked of colleagues: choose who sees it."),
            ),
        ]
        indexes = [
            GinIndex(fields=["search_vector"], name="question_search"),
            models.Index(fields=["school", "circle", "-published_at"], name="question_school_circle_recent"),
            models.Index(fields=["-published_at"], name="question_network_recent", condition=Q(circle=Circle.NETWORK)),
            models.Index(
                fields=["association", "-published_at"],
                name="question_association_recent",
                condition=Q(circle=Circle.ASSOCIATION),
            ),
            models.Index(fields=["author", "-created_at"], name="question_author_recent"),
        ]

    def __str__(self):
        return self.title


@bounded_texts
class Answer(models.Model):
    """A colleague's answer; the person asking marks the one that helped."""

    question = models.ForeignKey(Question, related_name="answers", on_delete=models.CASCADE)
    # The writer's school.
    school = models.ForeignKey(School, related_name="community_answers", on_delete=models.CASCADE)
    author = models.ForeignKey(StaffMember, related_name="community_answers", on_delete=models.PROTECT)
    text = models.TextField(_("answer"), max_length=4000)
    is_accepted = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = AnswerQuerySet.as_manager()

    class Meta:
        verbose_name = _("answer")
        verbose_name_plural = _("answers")
        ordering = ["created_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["question"], condition=Q(is_accepted=True), name="answer_one_accepted"),
        ]
        indexes = [
            models.Index(fields=["question", "created_at"], name="answer_thread"),
            models.Index(fields=["author", "created_at"], name="answer_author"),
            models.Index(fields=["school", "created_at"], name="answer_school"),
        ]

    def __str__(self):
        return self.text[:40]
