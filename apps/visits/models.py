"""Lesson visits and their debriefs.

After every visited lesson the debrief is held no later than 48 hours
after it; feedback is about facts, goals and next steps, not grades. The deadline
lives in the database (`debrief_due_at`, stored), so a beat-driven sweep can
always catch up, whatever happened to the workers.
"""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from apps.accounts.models import School
from apps.core.tenancy import SchoolScopedQuerySet, network_scoped_queryset, scoped_queryset
from apps.core.validation import bounded_texts
from apps.mentoring.models import GroupEvent, MentorGroup
from apps.staff.models import StaffMember, Subject


@bounded_texts
class ObservationProtocol(models.Model):
    """A school's own observation template: prompts and checklist items."""

    school = models.ForeignKey(School, related_name="observation_protocols", on_delete=models.CASCADE)
    name = models.CharField(_("name"), max_length=200)
    description = models.TextField(_("description"), max_length=2000, blank=True)
    is_active = models.BooleanField(_("in use"), default=True)

    objects = SchoolScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("observation protocol")
        verbose_name_plural = _("observation protocols")
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["school", "name"], name="protocol_school_name_unique")]

    def __str__(self):
        return self.name


class ProtocolItem(models.Model):
    class Kind(models.TextChoices):
        PROMPT = "prompt", _("prompt")
        CHECK = "check", _("checklist item")

    protocol = models.ForeignKey(ObservationProtocol, related_name="items", on_delete=models.CASCADE)
    kind = models.CharField(_("kind"), max_length=8, choices=Kind.choices, default=Kind.PROMPT)
    text = models.CharField(_("text"), max_length=300)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    objects = scoped_queryset("protocol__school").as_manager()

    class Meta:
        ordering = ["position", "pk"]

    def __str__(self):
        return self.text


class LessonVisitQuerySet(network_scoped_queryset("school", "group__partner_school")):
    """A network pair's visit belongs to both schools of the pair.

    The debrief deadline's rules live here, and the dashboards' SQL uses them too
    (apps.core.sql): a page, a board and a report call the same visit overdue."""

    def awaiting_debrief(self, now):
        """Lessons over whose debrief is still to be held, overdue ones included."""
        return self.filter(status__in=LessonVisit.DEBRIEF_OPEN_STATUSES, ends_at__lte=now)

    def past_due(self, now):
        """Still awaiting a debrief past `debrief_due_at`, not yet flagged overdue
        (what the deadline sweep flags)."""
        return self.filter(status__in=LessonVisit.AWAITING, debrief_due_at__lte=now)

    def overdue(self, now):
        """Flagged overdue by the sweep, or past the deadline already."""
        return self.filter(LessonVisit.overdue_condition(now))


@bounded_texts
class LessonVisit(models.Model):
    class Kind(models.TextChoices):
        PAIR_VISIT = "pair_visit", _("pair visit")
        REVERSE_VISIT = "reverse_visit", _("reverse visit")
        CURATOR_VISIT = "curator_visit", _("curator visit")
        LESSON_STUDY = "lesson_study", _("lesson study")
        PEDAGOGICAL_TOUR = "pedagogical_tour", _("pedagogical tour")
        OPEN_LESSON = "open_lesson", _("open lesson")

    class Status(models.TextChoices):
        PLANNED = "planned", _("planned")
        HELD = "held", _("held, awaiting debrief")
        DEBRIEFED = "debriefed", _("debriefed")
        OVERDUE = "overdue", _("debrief overdue")
        DEBRIEFED_LATE = "debriefed_late", _("debriefed late")
        CANCELLED = "cancelled", _("cancelled")

    # Visits whose debrief is still awaited; the sweep looks only at these.
    AWAITING = (Status.PLANNED, Status.HELD)
    # The debrief is still to be held: awaited, or overdue.
    DEBRIEF_OPEN_STATUSES = (*AWAITING, Status.OVERDUE)
    # The lesson took place: its entry on the pair's schedule is held.
    LESSON_HELD_STATUSES = (Status.HELD, Status.OVERDUE, Status.DEBRIEFED, Status.DEBRIEFED_LATE)
    # The debrief was held, on time or late.
    DEBRIEFED_STATUSES = (Status.DEBRIEFED, Status.DEBRIEFED_LATE)

    school = models.ForeignKey(School, related_name="lesson_visits", on_delete=models.PROTECT)
    group = models.ForeignKey(
        MentorGroup,
        verbose_name=_("pair or triad"),
        related_name="visits",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
    )
    event = models.OneToOneField(
        GroupEvent, related_name="lesson_visit", on_delete=models.SET_NULL, null=True, blank=True
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.PAIR_VISIT)
    observed = models.ForeignKey(
        StaffMember, verbose_name=_("observed teacher"), related_name="visits_observed", on_delete=models.PROTECT
    )
    observers = models.ManyToManyField(
        StaffMember, verbose_name=_("observers"), related_name="visits_as_observer", through="VisitObserver"
    )
    starts_at = models.DateTimeField(_("lesson starts"))
    ends_at = models.DateTimeField(_("lesson ends"))
    grade = models.CharField(_("class"), max_length=20, help_text=_("For example 7Б."))
    subject = models.ForeignKey(
        Subject, verbose_name=_("subject"), related_name="+", on_delete=models.SET_NULL, null=True, blank=True
    )
    topic = models.CharField(_("lesson topic"), max_length=255)
    observed_aspect = models.CharField(
        _("observed aspect"),
        max_length=255,
        help_text=_("The one narrow aspect observers watch, not the whole lesson."),
    )
    protocol = models.ForeignKey(
        ObservationProtocol,
        verbose_name=_("observation protocol"),
        related_name="visits",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
    )
    answers_visit = models.ForeignKey(
        "self",
        verbose_name=_("answers the visit"),
        related_name="reverse_visits",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
    )
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.PLANNED)
    debrief_due_at = models.DateTimeField(_("debrief due"))
    debriefed_at = models.DateTimeField(_("debriefed at"), null=True, blank=True)
    overdue_at = models.DateTimeField(null=True, blank=True)
    cancel_reason = models.TextField(_("reason for cancelling"), max_length=1000, blank=True)
    shared_with_association = models.BooleanField(
        _("shared with the subject association"),
        default=False,
        help_text=_("The observed teacher may share the debrief with their subject association."),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = LessonVisitQuerySet.as_manager()

    class Meta:
        verbose_name = _("lesson visit")
        verbose_name_plural = _("lesson visits")
        ordering = ["-starts_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=F("starts_at")),
                name="visit_ends_after_start",
                violation_error_message=_("The lesson must end after it starts."),
            ),
            models.CheckConstraint(condition=Q(debrief_due_at__gt=F("ends_at")), name="visit_debrief_due_after_lesson"),
            models.CheckConstraint(
                condition=~Q(status="cancelled") | ~Q(cancel_reason=""),
                name="visit_cancel_has_reason",
                violation_error_message=_("Say why the visit is cancelled."),
            ),
            models.CheckConstraint(
                condition=Q(debriefed_at__isnull=True) | Q(debriefed_at__gte=F("ends_at")),
                name="visit_debrief_after_lesson",
            ),
            models.CheckConstraint(
                condition=Q(debriefed_at__isnull=True) | Q(status__in=["debriefed", "debriefed_late"]),
                name="visit_debriefed_at_only_when_debriefed",
            ),
        ]
        indexes = [
            # The deadline sweep: visits still awaiting a debrief, by their deadline.
            models.Index(
                fields=["debrief_due_at"], condition=Q(status__in=["planned", "held"]), name="visit_awaiting_due"
            ),
            models.Index(fields=["school", "-starts_at"], name="visit_school_start"),
            # The deadline board: a school's visits awaiting a debrief or overdue, by deadline.
            models.Index(
                fields=["school", "debrief_due_at"],
                condition=Q(status__in=["planned", "held", "overdue"]),
                name="visit_school_awaiting_due",
            ),
        ]

    def __str__(self):
        return f"{self.topic} ({self.grade})"

    @classmethod
    def overdue_condition(cls, now):
        """Overdue: flagged by the sweep, or still awaited past `debrief_due_at`."""
        return Q(status=cls.Status.OVERDUE) | Q(status__in=cls.AWAITING, debrief_due_at__lte=now)

    def is_overdue(self, now):
        """`overdue_condition` for this visit, without a query."""
        return self.overdue_values(self.status, self.debrief_due_at, now)

    @classmethod
    def overdue_values(cls, status, debrief_due_at, now):
        """`overdue_condition` for a visit read as plain values (a line of a list)."""
        return status == cls.Status.OVERDUE or (status in cls.AWAITING and debrief_due_at <= now)


class VisitObserver(models.Model):
    visit = models.ForeignKey(LessonVisit, related_name="observer_links", on_delete=models.CASCADE)
    staff = models.ForeignKey(StaffMember, related_name="observer_links", on_delete=models.PROTECT)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["visit", "staff"], name="visit_observer_once")]

    def __str__(self):
        return f"{self.staff} → {self.visit_id}"


class VisitShareReader(models.Model):
    """A colleague the observed teacher shared the debrief with: a member of her
    subject association when she shared it (never administration). Recorded so
    that whoever joins the association later does not read what was shared
    before; still reading needs still being a member (apps.visits.selectors)."""

    visit = models.ForeignKey(LessonVisit, related_name="share_readers", on_delete=models.CASCADE)
    staff = models.ForeignKey(StaffMember, related_name="shared_visits", on_delete=models.CASCADE)
    shared_at = models.DateTimeField(auto_now_add=True)

    objects = scoped_queryset("visit__school").as_manager()

    class Meta:
        verbose_name = _("reader of a shared debrief")
        verbose_name_plural = _("readers of shared debriefs")
        constraints = [models.UniqueConstraint(fields=["visit", "staff"], name="visit_share_reader_once")]

    def __str__(self):
        return f"{self.staff} ← {self.visit_id}"


@bounded_texts
class Feedback(models.Model):
    """One observer's feedback, structured on the seven principles of feedback (docs/domain.md)."""

    class Format(models.TextChoices):
        IN_PERSON = "in_person", _("in person")
        ONLINE = "online", _("online")

    visit = models.ForeignKey(LessonVisit, related_name="feedback", on_delete=models.CASCADE)
    observer = models.ForeignKey(StaffMember, related_name="feedback_given", on_delete=models.PROTECT)
    facts = models.TextField(_("observed facts"), max_length=4000, blank=True)
    toward_goal = models.TextField(_("what moved the lesson toward its goal"), max_length=4000, blank=True)
    reconsider = models.TextField(_("what to reconsider"), max_length=4000, blank=True)
    questions = models.TextField(_("questions to the teacher"), max_length=4000, blank=True)
    next_step = models.TextField(_("agreed next step"), max_length=4000, blank=True)
    follow_up_on = models.DateField(_("look at progress on"), null=True, blank=True)
    debrief_held_at = models.DateTimeField(_("debrief held at"), null=True, blank=True)
    debrief_format = models.CharField(
        _("how the debrief was held"), max_length=16, choices=Format.choices, default=Format.IN_PERSON
    )
    problem_tags = models.ManyToManyField(
        "mentoring.ProblemTag", verbose_name=_("problems this lesson shows"), related_name="feedback", blank=True
    )
    submitted_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = scoped_queryset("visit__school").as_manager()

    class Meta:
        verbose_name = _("feedback")
        verbose_name_plural = _("feedback")
        constraints = [
            models.UniqueConstraint(fields=["visit", "observer"], name="feedback_one_per_observer"),
            models.CheckConstraint(
                condition=Q(submitted_at__isnull=True) | ~Q(facts=""), name="feedback_submitted_has_facts"
            ),
        ]

    def __str__(self):
        return f"{self.observer} → {self.visit_id}"

    @staticmethod
    def on_time_q():
        """One observer's part of the debrief done on time: the feedback submitted, by the
        server's clock, by the visit's deadline. The debrief time an observer types earns
        nothing after the deadline (the visit's own verdict, `feedback_submit`, likewise
        calls a visit flagged overdue late whatever time is reported)."""
        return Q(submitted_at__isnull=False, submitted_at__lte=F("visit__debrief_due_at"))

    @property
    def is_submitted(self):
        return self.submitted_at is not None


@bounded_texts
class SelfReflection(models.Model):
    visit = models.OneToOneField(LessonVisit, related_name="self_reflection", on_delete=models.CASCADE)
    text = models.TextField(_("self-reflection"), max_length=4000)
    updated_at = models.DateTimeField(auto_now=True)

    objects = scoped_queryset("visit__school").as_manager()

    def __str__(self):
        return f"self-reflection {self.visit_id}"


class EvaluativeWord(models.Model):
    """Words and phrases that grade rather than describe («молодец», «плохо»,
    «отличная работа»); the feedback form gently suggests describing facts instead
    when it meets any form of one (apps.core.wordforms). Kept in lower case, its
    words single-spaced, punctuation left out (catalog_services)."""

    school = models.ForeignKey(School, related_name="evaluative_words", on_delete=models.CASCADE)
    word = models.CharField(_("word or phrase"), max_length=60)

    objects = SchoolScopedQuerySet.as_manager()

    class Meta:
        ordering = ["word"]
        constraints = [
            models.UniqueConstraint(fields=["school", "word"], name="evaluative_word_unique"),
            # A phrase is matched word by word: no empty entry, no stray spaces.
            models.CheckConstraint(
                condition=Q(word__regex=r"^\S+( \S+)*$"),
                name="evaluative_word_single_spaced",
                violation_error_message=_("Type a word or a phrase, its words separated by single spaces."),
            ),
        ]

    def __str__(self):
        return self.word

    @property
    def is_phrase(self):
        return " " in self.word


class FeedbackCheck(models.Model):
    """A checklist item of the visit's protocol as the observer left it in a
    feedback: ticked or not. The item's text is copied, so that submitted feedback
    stays what the teacher received when the protocol is later reworded or a line
    removed (the editor replaces a protocol's items). Content: read as the
    feedback is (apps.visits.access)."""

    feedback = models.ForeignKey(Feedback, related_name="checks", on_delete=models.CASCADE)
    item = models.ForeignKey(
        ProtocolItem, related_name="feedback_checks", on_delete=models.SET_NULL, null=True, blank=True
    )
    text = models.CharField(_("checklist item"), max_length=300)
    position = models.PositiveSmallIntegerField(default=0)
    checked = models.BooleanField(_("ticked"), default=False)

    objects = scoped_queryset("feedback__visit__school").as_manager()

    class Meta:
        verbose_name = _("checklist item of feedback")
        verbose_name_plural = _("checklist items of feedback")
        ordering = ["position", "pk"]
        constraints = [models.UniqueConstraint(fields=["feedback", "item"], name="feedback_check_item_once")]

    def __str__(self):
        return f"{'☑' if self.checked else '☐'} {self.text}"
