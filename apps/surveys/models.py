"""The staff's real structure: an advice-network survey and its analysis.

The programme forms pairs "on the basis of a study of relationships". Each teacher of
a survey round names whom they go to for advice, with whom they discuss lessons
and whom they would trust with a professional problem. The answers are
confidential: who named whom never leaves the database. Only the stored
analysis is ever shown, once at least `min_respondents` people answered, and
the analysis stores only what disclosure.py lets be shown: how many named each
person (banded), never by whom, and nothing from which another respondent's
answer could be worked out.
"""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from apps.accounts.models import School
from apps.core.tenancy import SchoolScopedQuerySet, scoped_queryset
from apps.staff.models import StaffMember

from .disclosure import COUNT, FEW, HIDDEN, MIN_RESPONDENTS, NOBODY, OTHERS

RoundPartQuerySet = scoped_queryset("round__school")

MAX_CHOICES_LIMIT = 10


class SurveyRound(models.Model):
    """One survey of the school's staff, open from `opens_on` to `closes_on`
    (both days included, in the school's own time zone)."""

    school = models.ForeignKey(School, related_name="survey_rounds", on_delete=models.PROTECT)
    name = models.CharField(_("name"), max_length=200)
    opens_on = models.DateField(_("opens on"))
    closes_on = models.DateField(_("closes on"), help_text=_("The last day answers are accepted."))
    max_choices = models.PositiveSmallIntegerField(
        _("colleagues per question at most"),
        default=5,
        validators=[MinValueValidator(1), MaxValueValidator(MAX_CHOICES_LIMIT)],
    )
    min_respondents = models.PositiveSmallIntegerField(
        _("results shown from this many answers"),
        default=MIN_RESPONDENTS,
        validators=[MinValueValidator(MIN_RESPONDENTS)],
        help_text=_(
            "At least 5 and at least half of the staff included. Below it nothing but the number of answers"
            " is shown, so no one's answers can be guessed."
        ),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, related_name="+", on_delete=models.SET_NULL, null=True, blank=True
    )
    created_at = models.DateTimeField(auto_now_add=True)
    # Set once, when the round closes (the sweep after closes_on, or "close now").
    closed_at = models.DateTimeField(null=True, blank=True)
    analysed_at = models.DateTimeField(null=True, blank=True)

    objects = SchoolScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("survey round")
        verbose_name_plural = _("survey rounds")
        ordering = ["-closes_on", "-pk"]
        constraints = [
            models.CheckConstraint(condition=Q(closes_on__gte=F("opens_on")), name="survey_round_closes_after_opens"),
            models.CheckConstraint(
                condition=Q(max_choices__gte=1, max_choices__lte=MAX_CHOICES_LIMIT), name="survey_round_max_choices"
            ),
            # At least half of the staff included, too: that needs the participants (form and service).
            models.CheckConstraint(
                condition=Q(min_respondents__gte=MIN_RESPONDENTS), name="survey_round_min_respondents_5"
            ),
            models.CheckConstraint(
                condition=Q(analysed_at__isnull=True) | Q(closed_at__isnull=False),
                name="survey_round_analysed_after_closed",
            ),
        ]
        indexes = [
            # The rounds list and "the school's latest analysed round".
            models.Index(fields=["school", "-closes_on"], name="survey_round_school_closes"),
            # The sweep: rounds not yet closed.
            models.Index(fields=["closes_on"], condition=Q(closed_at__isnull=True), name="survey_round_open"),
            # The sweep: closed rounds whose analysis is still missing.
            models.Index(
                fields=["closed_at"],
                condition=Q(closed_at__isnull=False, analysed_at__isnull=True),
                name="survey_round_unanalysed",
            ),
        ]

    def __str__(self):
        return self.name

    @property
    def is_closed(self):
        return self.closed_at is not None

    def accepts_answers_on(self, day):
        """Open: from its first to its last day, and not closed early."""
        return self.closed_at is None and self.opens_on <= day <= self.closes_on

    def status_on(self, day):
        if self.closed_at is not None or day > self.closes_on:
            return "closed"
        if day < self.opens_on:
            return "scheduled"
        return "open"


class SurveyParticipant(models.Model):
    """A person the round asks. `answered_at` feeds the count of answers and the
    reminders; it is never shown per person."""

    round = models.ForeignKey(SurveyRound, related_name="participants", on_delete=models.CASCADE)
    staff = models.ForeignKey(StaffMember, related_name="survey_participations", on_delete=models.PROTECT)
    answered_at = models.DateTimeField(null=True, blank=True)

    objects = RoundPartQuerySet.as_manager()

    class Meta:
        verbose_name = _("survey participant")
        verbose_name_plural = _("survey participants")
        constraints = [
            models.UniqueConstraint(fields=["round", "staff"], name="survey_participant_once"),
        ]
        indexes = [
            # "My surveys": the rounds a person takes part in.
            models.Index(fields=["staff"], name="survey_participant_staff"),
        ]

    def __str__(self):
        return f"{self.staff} — {self.round}"


# Each readiness item is answered on this scale (1 "not at all" to 5 "fully"). A
# respondent whose items average above its midpoint counts as ready to interact.
READINESS_SCALE = (1, 5)
READINESS_MIDPOINT = sum(READINESS_SCALE) / 2

READINESS_ITEMS = {
    "open_lessons": _("I am ready to open my lessons to colleagues"),
    "asks_advice": _("I ask colleagues for advice when I have a difficulty"),
    "shares_materials": _("I share my materials and findings"),
    "discusses_mistakes": _("I am ready to discuss my mistakes with colleagues"),
}


class SurveyAnswer(models.Model):
    """A respondent's answer: the readiness items here, the named colleagues in
    SurveyTie rows. Readiness to share (the programme's "diagnostics of readiness for
    professional exchange"), each 1 (not at all) to 5 (fully)."""

    READINESS_ITEMS = READINESS_ITEMS

    round = models.ForeignKey(SurveyRound, related_name="answers", on_delete=models.CASCADE)
    respondent = models.ForeignKey(StaffMember, related_name="+", on_delete=models.PROTECT)
    open_lessons = models.PositiveSmallIntegerField(READINESS_ITEMS["open_lessons"])
    asks_advice = models.PositiveSmallIntegerField(READINESS_ITEMS["asks_advice"])
    shares_materials = models.PositiveSmallIntegerField(READINESS_ITEMS["shares_materials"])
    discusses_mistakes = models.PositiveSmallIntegerField(READINESS_ITEMS["discusses_mistakes"])
    submitted_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = RoundPartQuerySet.as_manager()

    class Meta:
        verbose_name = _("survey answer")
        verbose_name_plural = _("survey answers")
        constraints = [
            models.UniqueConstraint(fields=["round", "respondent"], name="survey_answer_once"),
            *[
                models.CheckConstraint(
                    condition=Q(**{f"{item}__gte": READINESS_SCALE[0], f"{item}__lte": READINESS_SCALE[1]}),
                    name=f"survey_{item}_1_5",
                )
                for item in READINESS_ITEMS
            ],
        ]

    def __str__(self):
        return f"{self.round}: {self.pk}"


class SurveyTie(models.Model):
    """One named colleague of one question. Never shown: only the analysis reads it."""

    class Kind(models.TextChoices):
        ADVICE = "advice", _("whom do you go to for professional advice")
        LESSONS = "lessons", _("with whom do you discuss lessons")
        TRUST = "trust", _("whom would you trust with a professional problem")

    answer = models.ForeignKey(SurveyAnswer, related_name="ties", on_delete=models.CASCADE)
    # The answer's respondent again, so that the database can refuse naming oneself.
    respondent = models.ForeignKey(StaffMember, related_name="+", on_delete=models.PROTECT)
    kind = models.CharField(max_length=16, choices=Kind.choices)
    target = models.ForeignKey(StaffMember, related_name="+", on_delete=models.PROTECT)

    class Meta:
        verbose_name = _("named colleague")
        verbose_name_plural = _("named colleagues")
        constraints = [
            models.UniqueConstraint(fields=["answer", "kind", "target"], name="survey_tie_once"),
            models.CheckConstraint(condition=~Q(target=F("respondent")), name="survey_tie_not_oneself"),
        ]

    def __str__(self):
        return f"{self.kind}: {self.pk}"


class SurveyAnalysis(models.Model):
    """What the analysis task computed for a closed round: only what may be shown.

    `ties_shown` is False when disclosure.ties_release withholds the counts (answers too few or too
    alike): then density, ties and isolates are not stored either, and no person's count is."""

    round = models.OneToOneField(SurveyRound, related_name="analysis", on_delete=models.CASCADE)
    computed_at = models.DateTimeField()
    participants = models.PositiveIntegerField()
    respondents = models.PositiveIntegerField()
    ties_shown = models.BooleanField(default=False)
    density = models.FloatField(null=True, blank=True)
    ties = models.PositiveIntegerField(
        null=True, blank=True, help_text=_("Ordered pairs of colleagues with a tie of any kind.")
    )
    isolates = models.PositiveIntegerField(null=True, blank=True)
    # The mean of each readiness item; None where it would give answers away.
    readiness = models.JSONField(default=dict, blank=True)
    # How many respondents' readiness items average above the scale's midpoint (the
    # yearly report's readiness to interact); None where it would give answers away
    # (disclosure.share_release).
    above_midpoint = models.PositiveIntegerField(null=True, blank=True)
    compared_with = models.ForeignKey(SurveyRound, related_name="+", on_delete=models.SET_NULL, null=True, blank=True)
    # isolates_connected (ids of people named by no one then, named now), density_before, isolates_before.
    comparison = models.JSONField(default=dict, blank=True)
    # Ties the programme made (visits, pairs, teams) in the year before closing: [a, b, [kinds]].
    programme_ties = models.JSONField(default=list, blank=True)

    class Meta:
        verbose_name = _("survey analysis")
        verbose_name_plural = _("survey analyses")
        constraints = [
            models.CheckConstraint(
                condition=Q(respondents__lte=F("participants")), name="survey_analysis_respondents_of_participants"
            ),
            models.CheckConstraint(
                condition=Q(above_midpoint__lte=F("respondents")), name="survey_analysis_ready_of_respondents"
            ),
            models.CheckConstraint(condition=Q(density__gte=0, density__lte=1), name="survey_analysis_density_0_1"),
            models.CheckConstraint(
                condition=Q(ties_shown=True, density__isnull=False, ties__isnull=False, isolates__isnull=False)
                | Q(ties_shown=False, density__isnull=True, ties__isnull=True, isolates__isnull=True),
                name="survey_analysis_ties_only_when_shown",
            ),
        ]

    def __str__(self):
        return str(self.round)


class SurveyNodeMetric(models.Model):
    """A participant's place in the round's network as it may be shown, and their dot in the picture."""

    class Named(models.TextChoices):
        NOBODY = NOBODY, _("named by no one")
        FEW = FEW, _("named by 1–3 colleagues")
        COUNT = COUNT, _("named by this many colleagues")
        HIDDEN = HIDDEN, _("not shown")

    round = models.ForeignKey(SurveyRound, related_name="node_metrics", on_delete=models.CASCADE)
    staff = models.ForeignKey(StaffMember, related_name="+", on_delete=models.PROTECT)
    named = models.CharField(max_length=8, choices=Named.choices, default=Named.HIDDEN)
    # How many respondents named them: only when it rests on enough of them (Named.COUNT).
    named_by = models.PositiveIntegerField(null=True, blank=True)
    # The dot's place, from the programme's ties (analysis.layout), never from the answers.
    x = models.FloatField()
    y = models.FloatField()

    objects = RoundPartQuerySet.as_manager()

    class Meta:
        verbose_name = _("network metric")
        verbose_name_plural = _("network metrics")
        ordering = [F("named_by").desc(nulls_last=True), "pk"]
        constraints = [
            models.UniqueConstraint(fields=["round", "staff"], name="survey_metric_once"),
            models.CheckConstraint(
                condition=Q(x__gte=0, x__lte=1, y__gte=0, y__lte=1), name="survey_metric_position_0_1"
            ),
            models.CheckConstraint(
                condition=Q(named=COUNT, named_by__gt=OTHERS) | (~Q(named=COUNT) & Q(named_by__isnull=True)),
                name="survey_metric_count_only_from_four",
            ),
        ]

    def __str__(self):
        return f"{self.round}: {self.staff_id}"
