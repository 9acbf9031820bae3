"""The recognition tree «Дерево признаний»: a colleague recognises one or more
colleagues of the school or of its network for a concrete piece of help, often
live at a staff meeting. A recognition may point at one concrete thing the help
was about (a lesson visit, never its feedback; a team outcome; a shared material;
a problem-theme day; a network pair's result; a seminar).

Who sees it: the author's school, and for a network recognition the schools of
the people it names (`RecognitionQuerySet.visible_q`). What leaves the tree: a
recognition an administrator hid (with a reason, in the audit trail), and the
names of the people who hid a recognition of themselves; a leaf whose every
named person hid it leaves the tree too (`shown`).
"""

from django.conf import settings
from django.contrib.postgres.expressions import ArraySubquery
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.utils.translation import gettext_lazy as _

from apps.accounts.models import School
from apps.community.models import Material
from apps.core.tenancy import SchoolScopedQuerySet
from apps.mentoring.models import NetworkPairResult
from apps.network_events.models import Event
from apps.problemdays.models import ProblemDay
from apps.staff.models import StaffMember
from apps.teams.models import TeamOutcome
from apps.visits.models import LessonVisit

# The concrete things a recognition may point at, as (field, model), in the
# order the tree draws its branches of the forms of collaboration.
LINKS = (
    ("visit", LessonVisit),
    ("team_outcome", TeamOutcome),
    ("material", Material),
    ("problem_day", ProblemDay),
    ("network_result", NetworkPairResult),
    ("event", Event),
)
LINK_FIELDS = tuple(name for name, _model in LINKS)


def _at_most_one_link():
    """Every link empty, or exactly one of them set."""
    empty = {f"{name}__isnull": True for name in LINK_FIELDS}
    condition = Q(**empty)
    for name in LINK_FIELDS:
        condition |= Q(**{**empty, f"{name}__isnull": False})
    return condition


class RecognitionQuerySet(SchoolScopedQuerySet):
    """`for_school` is the author's school (the rows the school owns: the name
    sweep of an erasure, the administration's moderation); what a person sees is
    `visible_to(viewer)`."""

    def visible_q(self, viewer):
        """The viewer's school's own recognitions, and network recognitions naming
        someone of the viewer's school written in a school of the viewer's network
        now: a school that leaves the network stops seeing and being seen at once."""
        if viewer.school_id is None:
            return Q(pk__in=[])
        q = Q(school_id=viewer.school_id)
        if viewer.network_id is not None:
            # `= ANY(ARRAY(SELECT …))`: the few recognitions naming the viewer's people are
            # found once, by the recipients' (school, recognition) index, so the OR stays
            # two index conditions instead of a filter over every recognition.
            naming_ours = (
                RecognitionRecipient.objects.filter(
                    school_id=viewer.school_id,
                    recognition__is_network=True,
                    recognition__school__network_id=viewer.network_id,
                )
                .order_by()
                .values("recognition_id")
            )
            q |= Q(pk__any=ArraySubquery(naming_ours))
        return q

    def visible_to(self, viewer):
        return self.filter(self.visible_q(viewer))

    def shown(self):
        """On the tree: not hidden by the administration, and someone it names has not hidden it."""
        named = RecognitionRecipient.objects.filter(recognition=OuterRef("pk"), hidden_at__isnull=True)
        return self.filter(Exists(named), hidden_at__isnull=True)


class Recognition(models.Model):
    """One recognition: who, whom (`recipients`), for what, and what it points at."""

    school = models.ForeignKey(School, verbose_name=_("school"), related_name="recognitions", on_delete=models.PROTECT)
    # The card stays, anonymised, after its person's data is erased: the thanks it gave stay.
    author = models.ForeignKey(
        StaffMember, verbose_name=_("from"), related_name="recognitions_given", on_delete=models.PROTECT
    )
    text = models.CharField(
        _("what for"),
        max_length=300,
        help_text=_("What exactly the colleague did and what came of it: a lesson, a material, a piece of advice."),
    )
    created_at = models.DateTimeField(_("when"))
    # The academic year of `created_at` in the school's own zone: the tree of that year.
    year = models.PositiveSmallIntegerField(_("academic year"))
    # It names people of another school of the network: both schools see it.
    is_network = models.BooleanField(_("network recognition"), default=False)

    visit = models.ForeignKey(
        LessonVisit, verbose_name=_("lesson"), related_name="+", on_delete=models.SET_NULL, null=True, blank=True
    )
    team_outcome = models.ForeignKey(
        TeamOutcome,
        verbose_name=_("team outcome"),
        related_name="+",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
    )
    material = models.ForeignKey(
        Material, verbose_name=_("material"), related_name="+", on_delete=models.SET_NULL, null=True, blank=True
    )
    problem_day = models.ForeignKey(
        ProblemDay,
        verbose_name=_("problem-theme day"),
        related_name="+",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
    )
    network_result = models.ForeignKey(
        NetworkPairResult,
        verbose_name=_("network pair result"),
        related_name="+",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
    )
    event = models.ForeignKey(
        Event, verbose_name=_("seminar or event"), related_name="+", on_delete=models.SET_NULL, null=True, blank=True
    )

    # Hidden by the administration for everybody, with a reason (audited).
    hidden_at = models.DateTimeField(_("hidden at"), null=True, blank=True)
    hidden_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, related_name="+", on_delete=models.SET_NULL, null=True, blank=True
    )
    hidden_reason = models.CharField(_("why hidden"), max_length=500, blank=True)

    objects = RecognitionQuerySet.as_manager()

    class Meta:
        verbose_name = _("recognition")
        verbose_name_plural = _("recognitions")
        ordering = ["created_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=_at_most_one_link(),
                name="recognition_at_most_one_link",
                violation_error_code="links_many",
                violation_error_message=_("Point at one thing at most."),
            ),
            models.CheckConstraint(
                condition=~Q(text=""),
                name="recognition_says_what_for",
                violation_error_code="text_blank",
                violation_error_message=_("Say what for."),
            ),
            models.CheckConstraint(
                condition=Q(hidden_at__isnull=True) | ~Q(hidden_reason=""),
                name="recognition_hidden_has_reason",
                violation_error_code="reason_missing",
                violation_error_message=_("Say why it is hidden."),
            ),
        ]
        indexes = [
            # The school's tree of a year and the live screen's "newer than the last leaf".
            models.Index(fields=["school", "year", "id"], name="recognition_school_year_id"),
            # Network recognitions of the partner schools, by year.
            models.Index(fields=["year", "id"], condition=Q(is_network=True), name="recognition_network_year"),
        ]

    def __str__(self):
        return self.text[:60]

    @property
    def link_field(self):
        """The name of the link set, or "" for a plain thank-you."""
        return linked_field({f"{name}_id": getattr(self, f"{name}_id") for name in LINK_FIELDS})


def linked_field(ids) -> str:
    """Of a recognition's link ids ({"visit_id": 7, "material_id": None, …}, a row of
    `values()` will do), the name of the one set, or "" for a plain thank-you."""
    return next((name for name in LINK_FIELDS if ids[f"{name}_id"] is not None), "")


class RecognitionRecipient(models.Model):
    """A person a recognition names. `school` is the person's own school, kept
    on the row so that a partner school finds the recognitions naming its people
    by an index."""

    recognition = models.ForeignKey(Recognition, related_name="recipients", on_delete=models.CASCADE)
    staff = models.ForeignKey(
        StaffMember, verbose_name=_("colleague"), related_name="recognitions_received", on_delete=models.PROTECT
    )
    school = models.ForeignKey(School, verbose_name=_("school"), related_name="+", on_delete=models.PROTECT)
    # The person hid the recognition of themselves: their name leaves the tree.
    hidden_at = models.DateTimeField(_("hidden by the person at"), null=True, blank=True)

    objects = SchoolScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("recognised colleague")
        verbose_name_plural = _("recognised colleagues")
        ordering = ["pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["recognition", "staff"],
                name="recognition_recipient_once",
                violation_error_code="named_twice",
                violation_error_message=_("This colleague is named already."),
            ),
        ]
        indexes = [
            models.Index(fields=["school", "recognition"], name="recognition_recipient_school"),
        ]

    def __str__(self):
        return f"{self.staff_id} @ {self.recognition_id}"
