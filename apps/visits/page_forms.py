"""Forms of the visits pages: planning a visit, feedback, self-reflection, cancelling.

Dates and times are entered in the school's time zone (the current time zone of
the request, set by CurrentSchoolMiddleware), as on the pair schedule.
"""

import datetime

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Exists, OuterRef, Q
from django.forms.models import ModelChoiceIterator, ModelChoiceIteratorValue
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from apps.core import wordforms
from apps.core.choices import translated_labels
from apps.core.forms import LeanForm, apply_validation_error
from apps.core.prepared import Param, ParamList, prepared_query
from apps.core.validation import max_length_of
from apps.core.widgets import DateInput, DateTimeLocalInput, TimeInput
from apps.mentoring.access import group_can_report
from apps.mentoring.models import MentorGroup, MentorGroupMember, ProblemTag
from apps.mentoring.selectors import group_member_rows
from apps.staff.forms import StaffChoiceField, StaffMultipleChoiceField, staff_choice_label
from apps.staff.models import StaffMember, Subject, short_name

from . import services
from .models import Feedback, LessonVisit, ObservationProtocol, ProtocolItem, SelfReflection, VisitObserver
from .services import answerable_since

TEXT_FIELDS = ("facts", "toward_goal", "reconsider", "questions", "next_step")


class RowsChoiceIterator(ModelChoiceIterator):
    """The choices from `field.rows` when the form gave them: rows loaded once for two
    fields (a select and its boxes) or for the view too, instead of a query per field."""

    def __iter__(self):
        if self.field.rows is None:
            yield from super().__iter__()
            return
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        if self.field.row_choices is not None:
            yield from self.field.row_choices
            return
        for obj in self.field.rows:
            yield self.choice(obj)

    def choice(self, obj):
        if self.field.to_field_name:
            return super().choice(obj)
        return (ModelChoiceIteratorValue(obj.pk, obj), self.field.label_from_instance(obj))

    def __len__(self):
        if self.field.rows is None:
            return super().__len__()
        return len(self.field.rows) + (1 if self.field.empty_label is not None else 0)

    def __bool__(self):
        if self.field.rows is None:
            return super().__bool__()
        return self.field.empty_label is not None or bool(self.field.rows)


class RowsChoiceMixin:
    """A model choice field whose choices may come from rows already loaded (a list, or a
    queryset shared with another field, evaluated once); its queryset still validates."""

    iterator = RowsChoiceIterator
    rows = None
    # The rows' choices as another field offering the same rows with the same labels made them.
    row_choices = None


class GroupChoiceField(RowsChoiceMixin, forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return group_choice_label(obj, translated_labels(MentorGroup.Kind))


def group_choice_label(group, kinds):
    """A pair or triad as a choice: its kind (`kinds`: translated_labels of the kinds), number and members."""
    members = ", ".join(m.short_name for m in group.member_rows)
    return f"{kinds.get(group.kind, group.kind)} №{group.pk}: {members}"


def visit_choice_label(starts_at, observed_short_name, grade, topic, zone=None):
    """A visit as a choice: its day in the school's time zone (`zone`: the current one,
    when the caller has it), whom, which class, the topic."""
    return f"{timezone.localtime(starts_at, zone):%d.%m.%Y} · {observed_short_name} · {grade} · {topic}"


class VisitChoiceField(RowsChoiceMixin, forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return visit_choice_label(obj.starts_at, obj.observed.short_name, obj.grade, obj.topic)


class PersonChoiceField(RowsChoiceMixin, StaffChoiceField):
    pass


class PeopleChoiceField(RowsChoiceMixin, StaffMultipleChoiceField):
    pass


class ProtocolChoiceField(RowsChoiceMixin, forms.ModelChoiceField):
    pass


class SubjectChoiceField(RowsChoiceMixin, forms.ModelChoiceField):
    pass


class RowsMultipleChoiceField(RowsChoiceMixin, forms.ModelMultipleChoiceField):
    pass


def groups_for_planner(request, school):
    """Open pairs and triads the user may plan a visit in: the ones they manage
    (administration, curator) and the ones they are a member of; a list, loaded once
    for the form and the view, each with its `member_rows` (names and accounts as
    plain rows: a label names them)."""
    open_groups = _planner_groups.rows(school_id=school.pk)
    group_member_rows(open_groups)
    return [group for group in open_groups if group_can_report(request, group)]


@prepared_query
def _planner_groups():
    groups = MentorGroup.objects.for_school(Param("school_id")).open()
    return groups.select_related("curator").only(*PLANNER_GROUP_FIELDS).order_by("pk")


# What the planner reads of a group: its label, its school and partner school, the aspect
# it watches and who curates it (group_can_report); its members come as rows.
PLANNER_GROUP_FIELDS = ("kind", "school", "partner_school", "observed_aspect", "curator__user")


def active_protocols(*, school):
    """The school's protocols in use: a new visit's choices."""
    return ObservationProtocol.objects.for_school(school).filter(is_active=True)


def active_protocol_rows(*, school):
    """`active_protocols` as a list (a prepared query)."""
    return _active_protocols.rows(school_id=school.pk)


@prepared_query
def _active_protocols():
    return active_protocols(school=Param("school_id"))


# What a person's choice shows (StaffLabelMixin): the parts of the full name (and the
# school's short name for a network pair), read as plain values.
PERSON_NAME = ("last_name", "first_name", "patronymic")
# What a choice of `visits_for_planner` shows (VisitChoiceField), read as plain values.
VISIT_CHOICE_VALUES = (
    *("pk", "starts_at", "grade", "topic"),
    *(f"observed__{name}" for name in ("last_name", "first_name", "patronymic")),
)


def _planner_people(*, school, network):
    """Each school sees its own staff; a network pair's partner-school members come in
    only through the pairs the user may plan in (`network`: their ids, or None)."""
    whom = Q(school=school)
    if network is not None:
        whom |= Q(pk__in=MentorGroupMember.objects.filter(group__pk__any=network).values("staff"))
    return StaffMember.objects.filter(whom, is_active=True)


def _people_listed(*, school, network):
    """The people as the choices list them: each one's id and name (and the school's for
    a network pair's); listed without their school when all are of this one (the labels
    do not name it)."""
    people = _planner_people(school=school, network=network)
    if network is None:
        return people.order_by("last_name", "first_name").values_list("pk", *PERSON_NAME)
    people = people.order_by("school__short_name", "last_name", "first_name")
    return people.values_list("pk", *PERSON_NAME, "school__short_name")


@prepared_query
def _people_rows(*, network):
    return _people_listed(school=Param("school_id"), network=ParamList("groups") if network else None)


def _people_choices(rows):
    """The options of `_people_rows`, labelled as StaffLabelMixin labels a card."""
    return [(pk, staff_choice_label(*names)) for pk, *names in rows]


def _subjects(*, school):
    return Subject.objects.for_school(school).order_by("name")


@prepared_query
def _subject_choices():
    # A subject's option: its id and name (what str() of a subject gives).
    return _subjects(school=Param("school_id")).values_list("pk", "name")


def visits_for_planner(*, school, user_id, oversee, since):
    """Visits a new visit may answer (a reverse visit): those the user may see, started
    `since` (`services.answerable_since`) at the earliest."""
    visits = (
        LessonVisit.objects.for_school(school)
        .exclude(status=LessonVisit.Status.CANCELLED)
        .filter(starts_at__gte=since)
        .select_related("observed")
        .order_by("-starts_at")
    )
    if not oversee:
        # An observer through EXISTS: no join to spread a visit over its observers, no DISTINCT.
        observes = VisitObserver.objects.filter(visit=OuterRef("pk"), staff__user_id=user_id)
        visits = visits.filter(Q(observed__user_id=user_id) | Exists(observes) | Q(group__curator__user_id=user_id))
    return visits


@prepared_query
def _answerable_rows(*, oversee):
    user_id = None if oversee else Param("user_id")
    visits = visits_for_planner(school=Param("school_id"), user_id=user_id, oversee=oversee, since=Param("since"))
    return visits.values_list(*VISIT_CHOICE_VALUES)


def _answerable_choices(rows):
    """The options of `_answerable_rows`, labelled as VisitChoiceField labels a visit."""
    zone = timezone.get_current_timezone()
    return [
        (pk, visit_choice_label(starts_at, short_name(*names), grade, topic, zone))
        for pk, starts_at, grade, topic, *names in rows
    ]


class VisitForm(LeanForm):
    kind = forms.ChoiceField(label=_("Kind"), choices=LessonVisit.Kind.choices, initial=LessonVisit.Kind.PAIR_VISIT)
    group = GroupChoiceField(
        label=_("Pair or triad"),
        queryset=None,
        required=False,
        help_text=_("The visit goes on the pair's schedule, and its curator sees the debrief."),
    )
    observed = PersonChoiceField(label=_("Observed teacher"), queryset=None)
    observers = PeopleChoiceField(
        label=_("Observers"), queryset=None, widget=forms.CheckboxSelectMultiple, required=False
    )
    day = forms.DateField(label=_("Date"), widget=DateInput())
    start = forms.TimeField(label=_("Lesson starts"), widget=TimeInput())
    end = forms.TimeField(label=_("Lesson ends"), widget=TimeInput())
    grade = forms.CharField(label=_("Class"), max_length=20, help_text=_("For example 7Б."))
    subject = SubjectChoiceField(label=_("Subject"), queryset=None, required=False)
    topic = forms.CharField(label=_("Lesson topic"), max_length=255)
    observed_aspect = forms.CharField(
        label=_("Observed aspect"),
        max_length=255,
        help_text=_("The one narrow aspect observers watch, not the whole lesson."),
    )
    protocol = ProtocolChoiceField(label=_("Observation protocol"), queryset=None, required=False)
    answers_visit = VisitChoiceField(
        label=_("Answers the visit"),
        queryset=None,
        required=False,
        help_text=_("For a reverse visit: the visit in which the teacher observed now was an observer."),
    )

    def __init__(self, *args, request, school, me=None, groups=None, protocols=None, **kwargs):
        """`groups` (groups_for_planner) and `protocols` (the school's active ones) when
        the view loaded them already: each list of choices is read once."""
        super().__init__(*args, **kwargs)
        self.school = school
        self.me = me
        self.restricted = not request.membership.can("visits.plan_for_others")
        groups = groups_for_planner(request, school) if groups is None else groups
        network = [group.pk for group in groups if group.partner_school_id] or None
        oversee = request.membership.can("visits.oversee")
        since = answerable_since(timezone.now())
        # Each list of choices is one prepared query of plain values, its labels made once
        # (the select and the boxes list the same people).
        people = _people_choices(
            _people_rows.rows(
                shape={"network": network is not None}, school_id=school.pk, **({"groups": network} if network else {})
            )
        )
        for name in ("observed", "observers"):
            self.fields[name].show_school = bool(network)
        self._offer("observed", people)
        self._offer("observers", people)
        kinds = translated_labels(MentorGroup.Kind)
        self._offer("group", [(group.pk, group_choice_label(group, kinds)) for group in groups])
        self._offer("subject", list(_subject_choices.rows(school_id=school.pk)))
        self.fields["protocol"].rows = active_protocol_rows(school=school) if protocols is None else protocols
        answerable = _answerable_rows.rows(
            shape={"oversee": oversee},
            school_id=school.pk,
            since=since,
            **({} if oversee else {"user_id": request.user.pk}),
        )
        self._offer("answers_visit", _answerable_choices(answerable))
        if self.is_bound:
            # What validation reads, built only for a form to validate: whole cards, and the
            # answered visit's observers (listing them needs none).
            self.fields["group"].queryset = MentorGroup.objects.filter(pk__in=[group.pk for group in groups])
            people = _planner_people(school=school, network=network)
            people = people.select_related("school").order_by("school__short_name", "last_name", "first_name")
            self.fields["observed"].queryset = self.fields["observers"].queryset = people
            self.fields["subject"].queryset = _subjects(school=school)
            self.fields["protocol"].queryset = active_protocols(school=school)
            answerable = visits_for_planner(school=school, user_id=request.user.pk, oversee=oversee, since=since)
            self.fields["answers_visit"].queryset = answerable.prefetch_related("observer_links")
        for name in ("group", "observed", "observers", "subject", "protocol", "answers_visit"):
            # The widget lists the field's rows (a queryset set above would have told it).
            self.fields[name].widget.choices = self.fields[name].choices

    def _offer(self, name, choices):
        """The field lists these (id, label) choices; a bound form validates against its queryset."""
        field = self.fields[name]
        field.rows = field.row_choices = choices

    def clean(self):
        """The service's rules (`services.visit_check`) on what parsed, shown next
        to the fields; the choices above only limit what this user may pick."""
        data = super().clean()
        zone = timezone.get_current_timezone()
        day, start, end = data.get("day"), data.get("start"), data.get("end")
        try:
            services.visit_check(
                school=self.school,
                observed=data.get("observed"),
                observers=list(data["observers"]) if "observers" in data else None,
                starts_at=datetime.datetime.combine(day, start, tzinfo=zone) if day and start else None,
                ends_at=datetime.datetime.combine(day, end, tzinfo=zone) if day and end else None,
                group=data.get("group"),
                answers_visit=data.get("answers_visit"),
                subject=data.get("subject"),
                protocol=data.get("protocol"),
                planner=self.planner,
            )
        except ValidationError as error:
            apply_validation_error(self, error, fields=self.SERVICE_FIELDS)
        return data

    @property
    def planner(self):
        """The teacher planning for themselves, who must take part (see visit_check)."""
        return self.me if self.restricted else None

    def service_kwargs(self):
        data = self.cleaned_data
        zone = timezone.get_current_timezone()
        return {
            "kind": data["kind"],
            "observed": data["observed"],
            "observers": list(data["observers"]),
            "starts_at": datetime.datetime.combine(data["day"], data["start"], tzinfo=zone),
            "ends_at": datetime.datetime.combine(data["day"], data["end"], tzinfo=zone),
            "grade": data["grade"],
            "subject": data["subject"],
            "topic": data["topic"],
            "observed_aspect": data["observed_aspect"],
            "protocol": data["protocol"],
            "group": data["group"],
            "answers_visit": data["answers_visit"],
            "planner": self.planner,
        }

    # Service field → form field, for apply_validation_error.
    SERVICE_FIELDS = {"ends_at": "end", "starts_at": "day"}


def textarea(rows=4):
    return forms.Textarea(attrs={"rows": rows})


class FeedbackForm(forms.Form):
    """Feedback on the seven principles. Nothing is required here: a draft keeps
    whatever is typed, and the submit rules (facts, dates) live in the service."""

    facts = forms.CharField(
        label=_("Observed facts"),
        max_length=max_length_of(Feedback, "facts"),
        required=False,
        widget=textarea(6),
        help_text=_("What you saw and heard: words, actions, numbers, without evaluations. Facts come first."),
    )
    toward_goal = forms.CharField(
        label=_("What moved the lesson toward its goal"),
        max_length=max_length_of(Feedback, "toward_goal"),
        required=False,
        widget=textarea(),
        help_text=_("About the result of the work, tied to the goal of the lesson, not about the person."),
    )
    reconsider = forms.CharField(
        label=_("What to reconsider"),
        max_length=max_length_of(Feedback, "reconsider"),
        required=False,
        widget=textarea(),
    )
    questions = forms.CharField(
        label=_("Questions to the teacher"),
        max_length=max_length_of(Feedback, "questions"),
        required=False,
        widget=textarea(),
        help_text=_("Questions that let the teacher find the way themselves, not instructions."),
    )
    next_step = forms.CharField(
        label=_("Agreed next step"),
        max_length=max_length_of(Feedback, "next_step"),
        required=False,
        widget=textarea(3),
        help_text=_("A picture of what comes next, agreed together."),
    )
    follow_up_on = forms.DateField(
        label=_("Look at progress on"),
        required=False,
        widget=DateInput(),
        help_text=_("When you look together at how the next step went."),
    )
    debrief_held_at = forms.DateTimeField(
        label=_("The debrief was held at"), required=False, widget=DateTimeLocalInput()
    )
    debrief_format = forms.ChoiceField(
        label=_("How the debrief was held"),
        choices=Feedback.Format.choices,
        initial=Feedback.Format.IN_PERSON,
        widget=forms.RadioSelect(attrs={"class": "btn-check"}),
        required=False,
    )

    problem_tags = RowsMultipleChoiceField(
        label=_("Problems this lesson shows"),
        queryset=ProblemTag.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("From the school's list: the curator finds teachers with similar problems by them."),
    )

    checks = RowsMultipleChoiceField(
        label=_("Checklist"),
        queryset=ProtocolItem.objects.none(),
        required=False,
        # The boxes stand in the protocol's card, beside the form on a wide screen and
        # above it on a phone, tied to the form by its id (drafts and autosave include them).
        widget=forms.CheckboxSelectMultiple(attrs={"form": "feedback-form", "class": "form-check-input"}),
    )

    def __init__(self, *args, school=None, visit=None, check_items=None, **kwargs):
        """`check_items`: the visit's checklist items when the view loaded them with its prompts."""
        super().__init__(*args, **kwargs)
        # Whether the school has problem tags and their boxes: one prepared query.
        self.problem_tag_rows = _problem_tags.rows(school_id=school.pk)
        self.fields["problem_tags"].rows = self.problem_tag_rows
        if self.is_bound:
            # What validation reads, built only for a form to validate.
            self.fields["problem_tags"].queryset = ProblemTag.objects.for_school(school)
        if visit is not None:
            if self.is_bound or check_items is None:
                self.fields["checks"].queryset = services.feedback_check_items(visit=visit)
            self.fields["checks"].rows = check_items
        for name in ("problem_tags", "checks"):
            # The widget lists the field's rows (a queryset set above would have told it).
            self.fields[name].widget.choices = self.fields[name].choices

    def values(self):
        """The fields that parsed, for the service (a draft keeps what it can)."""
        data = getattr(self, "cleaned_data", {})
        values = {name: data[name] for name in self.fields if name in data}
        if not values.get("debrief_format"):
            values.pop("debrief_format", None)
        return values

    @classmethod
    def initial_for(cls, feedback):
        if feedback is None:
            return {"debrief_held_at": timezone.localtime().replace(second=0, microsecond=0)}
        initial = {name: getattr(feedback, name) for name in cls.base_fields if name not in ("problem_tags", "checks")}
        initial["problem_tags"] = [tag.pk for tag in feedback.problem_tags.all()]
        initial["checks"] = [check.item_id for check in feedback.checks.all() if check.checked and check.item_id]
        initial["debrief_held_at"] = (
            timezone.localtime(feedback.debrief_held_at)
            if feedback.debrief_held_at
            else timezone.localtime().replace(second=0, microsecond=0)
        )
        return initial


@prepared_query
def _problem_tags():
    return ProblemTag.objects.for_school(Param("school_id"))


class ReflectionForm(forms.Form):
    text = forms.CharField(
        label=_("Self-reflection"),
        max_length=max_length_of(SelfReflection, "text"),
        widget=textarea(6),
        help_text=_("What you noticed in your lesson, what you would keep and what you would try next."),
    )


class CancelForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason for cancelling"), widget=textarea(2), max_length=max_length_of(LessonVisit, "cancel_reason")
    )


def evaluative_words_found(words, texts):
    """The school's evaluative words and phrases that occur, in any of their forms,
    in any of `texts` (apps.core.wordforms)."""
    return wordforms.entries_found(words, texts)
