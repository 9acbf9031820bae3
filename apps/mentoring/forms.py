import datetime
import functools

from django import forms
from django.db.models import Q
from django.forms.models import ModelChoiceIteratorValue
from django.utils import timezone
from django.utils.choices import BaseChoiceIterator
from django.utils.translation import gettext_lazy as _

from apps.core.choices import share_marked_options
from apps.core.forms import LeanForm, limit_dates
from apps.core.prepared import Param, prepared_query
from apps.core.uploads import validate_upload
from apps.core.validation import max_length_of
from apps.core.widgets import DateInput, TimeInput
from apps.staff.forms import StaffChoiceField, staff_choice_label
from apps.staff.models import StaffMember

from .models import (
    GroupEvent,
    MentorGroup,
    MentorGroupMember,
    MentorGroupStatusChange,
    NetworkPairResult,
    ProblemTag,
)
from .selectors import network_partner, network_partners
from .services import EVENT_DATE_YEARS, GROUP_DATE_YEARS, MemberSpec, network_result_year_error

# What a drop-down of staff shows of each (StaffLabelMixin): read only these for its options.
_STAFF_NAME = ("last_name", "first_name", "patronymic")
_STAFF_SHOWN = (*_STAFF_NAME, "school__short_name")


class MentorGroupForm(LeanForm):
    kind = forms.ChoiceField(label=_("Kind"), choices=MentorGroup.Kind.choices, initial=MentorGroup.Kind.PAIR)
    curator = StaffChoiceField(label=_("Curator"), queryset=None)
    partner_school = forms.ModelChoiceField(
        label=_("Partner school (network pair)"),
        queryset=None,
        required=False,
        help_text=_("Leave empty for a pair of this school."),
    )
    member1 = StaffChoiceField(label=_("Member 1"), queryset=None)
    role1 = forms.ChoiceField(label=_("Role"), choices=MentorGroupMember.Role.choices, initial="mentor")
    member2 = StaffChoiceField(label=_("Member 2"), queryset=None)
    role2 = forms.ChoiceField(label=_("Role"), choices=MentorGroupMember.Role.choices, initial="mentee")
    member3 = StaffChoiceField(label=_("Member 3 (triad)"), queryset=None, required=False)
    role3 = forms.ChoiceField(label=_("Role"), choices=MentorGroupMember.Role.choices, initial="peer", required=False)
    task = forms.CharField(
        label=_("Task"),
        max_length=max_length_of(MentorGroup, "task"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("A concrete, hard problem of the teachers' own work, not a general topic."),
    )
    observed_aspect = forms.CharField(
        label=_("Observed aspect"),
        max_length=255,
        help_text=_("One narrow aspect observers watch in a visited lesson."),
    )
    problem_tags = forms.ModelMultipleChoiceField(
        label=_("Problems"), queryset=None, required=False, widget=forms.CheckboxSelectMultiple
    )
    starts_on = forms.DateField(label=_("Starts on"), widget=DateInput())
    planned_end_on = forms.DateField(label=_("Planned end"), widget=DateInput())

    def __init__(self, *args, school, curator_fixed=None, partner_school=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.school = school
        # Each school sees only its own staff; a network pair shows the partner
        # school's staff once the administration has chosen that school.
        chosen = []
        if partner_school is not None and school.network_id:
            partners = network_partners(network_id=school.network_id, school_id=school.pk)
            chosen = [found] if (found := network_partner(school=school, pk=partner_school.pk)) else []
        values = {"school_id": school.pk}
        if chosen:
            values["partner_id"] = partner_school.pk
            self.fields["partner_school"].queryset = partners.filter(pk=partner_school.pk)
            choices_read_once([self.fields["partner_school"]], chosen)
            self.fields["partner_school"].initial = partner_school.pk
            self.fields["partner_school"].required = True
        else:
            del self.fields["partner_school"]
        members = ("member1", "member2", "member3")
        for name in members:
            self.fields[name].show_school = partner_school is not None
        limit_dates(self, school, ("starts_on", "planned_end_on"), **GROUP_DATE_YEARS)
        if self.is_bound:
            # What validation reads, built only for a form to validate (the choices below
            # are plain rows read for drawing them).
            own = _staff_offered(school)
            people = _members_listed(_staff_offered(school, partner_school) if chosen else own)
            for name in members:
                self.fields[name].queryset = people
            fixed = curator_fixed is not None
            self.fields["curator"].queryset = own.filter(pk=curator_fixed.pk) if fixed else _curators_listed(own)
            self.fields["problem_tags"].queryset = ProblemTag.objects.for_school(school)
        if curator_fixed is not None:
            self.fields["curator"].initial = curator_fixed.pk
            self.fields["curator"].disabled = True
            # A plain read of its one row, not a server-side cursor's three round trips.
            choices_offered(
                [self.fields["curator"]],
                lambda: _people_choices(_fixed_curator_shown.rows(school_id=school.pk, pk=curator_fixed.pk)),
            )
        choices_offered([self.fields["problem_tags"]], lambda: list(_problems_shown.rows(school_id=school.pk)))
        # The three member lists (and, in a pair of one school, the curator's) are
        # the same people: read them once, not once per drop-down.
        shared = [self.fields[name] for name in members]
        if curator_fixed is None and partner_school is None:
            shared.append(self.fields["curator"])
        elif curator_fixed is None:
            curators = _curators_shown
            choices_offered([self.fields["curator"]], lambda: _people_choices(curators.rows(school_id=school.pk)))
            # Alone, but drawn the same way: its options straight from its rows.
            share_marked_options([self.fields["curator"]])
        choices_offered(shared, lambda: _people_choices(_members_shown.rows(shape={"network": bool(chosen)}, **values)))
        # ...and draw their options once: each select only marks its own person.
        share_marked_options(shared)

    def clean(self):
        data = super().clean()
        if data.get("kind") == MentorGroup.Kind.TRIAD and not data.get("member3"):
            self.add_error("member3", _("A triad has three members."))
        if data.get("kind") == MentorGroup.Kind.PAIR and data.get("member3"):
            self.add_error("member3", _("A pair has two members: choose «triad» or leave this empty."))
        return data

    def members(self):
        data = self.cleaned_data
        count = MentorGroup.SIZE[data["kind"]]
        return [
            MemberSpec(staff=data[f"member{i}"], role=data[f"role{i}"] or MentorGroupMember.Role.PEER)
            for i in range(1, count + 1)
            if data.get(f"member{i}")
        ]

    def service_kwargs(self):
        data = self.cleaned_data
        return {
            "kind": data["kind"],
            "curator": data["curator"],
            "members": self.members(),
            "task": data["task"],
            "observed_aspect": data["observed_aspect"],
            "starts_on": data["starts_on"],
            "planned_end_on": data["planned_end_on"],
            "problem_tags": data["problem_tags"],
            "partner_school": data.get("partner_school") if "partner_school" in self.fields else None,
        }

    @classmethod
    def initial_for(cls, group):
        initial = {
            "kind": group.kind,
            "curator": group.curator_id,
            "partner_school": group.partner_school_id,
            "task": group.task,
            "observed_aspect": group.observed_aspect,
            "problem_tags": _group_problem_ids.rows(group_id=group.pk),
            "starts_on": group.starts_on,
            "planned_end_on": group.planned_end_on,
        }
        for slot, member in enumerate(group.members.all(), start=1):
            initial[f"member{slot}"] = member.staff_id
            initial[f"role{slot}"] = member.role
        return initial


def _staff_offered(school, partner_school=None):
    """Who a group's form offers: the school's staff working there now, and the
    partner school's in a network pair (ids or a prepared query's Params)."""
    where = Q(school=school) if partner_school is None else Q(school=school) | Q(school=partner_school)
    return StaffMember.objects.filter(where, is_active=True).select_related("school")


def _members_listed(people):
    return people.order_by("school__short_name", "last_name", "first_name")


def _curators_listed(people):
    return people.order_by("last_name", "first_name")


# The options of people are plain values: the id, the name's parts (and the school's
# short name where the option names it), labelled as StaffLabelMixin labels a card.


@prepared_query
def _curators_shown():
    # A curator is of the group's own school: no school in the option.
    return _curators_listed(_staff_offered(Param("school_id"))).select_related(None).values_list("pk", *_STAFF_NAME)


@prepared_query
def _members_shown(*, network):
    people = _members_listed(_staff_offered(Param("school_id"), Param("partner_id") if network else None))
    # A network pair's options name each person's school; a pair of one school's do not.
    shown = _STAFF_SHOWN if network else _STAFF_NAME
    return people.select_related(None).values_list("pk", *shown)


def _people_choices(rows):
    return [(pk, staff_choice_label(*names)) for pk, *names in rows]


@prepared_query
def _group_problem_ids():
    return ProblemTag.objects.filter(groups=Param("group_id")).order_by().values_list("pk", flat=True)


@prepared_query
def _fixed_curator_shown():
    # The curator's option names no school (StaffLabelMixin without show_school).
    curator = _staff_offered(Param("school_id")).filter(pk=Param("pk")).select_related(None)
    return curator.values_list("pk", *_STAFF_NAME)


@prepared_query
def _problems_shown():
    # A problem's option: its id and name (what str() of a tag gives), in the tags' order.
    return ProblemTag.objects.for_school(Param("school_id")).order_by("name").values_list("pk", "name")


def choices_read_once(fields, queryset):
    """Give model choice fields over the same `queryset` (in the order they show
    it, or its rows already read, or a function reading them) their options from
    one read of it; each field still validates a posted value against its own
    queryset. Read when first drawn: a posted form that is valid never reads it.
    Returns the read (cached)."""
    rows = functools.cache(queryset if callable(queryset) else lambda: list(queryset))

    def options(field):
        return [
            (ModelChoiceIteratorValue(field.prepare_value(row), row), field.label_from_instance(row)) for row in rows()
        ]

    for field in fields:
        # Made once per field and handed over as an iterator of choices, which
        # Django takes as it is: a select's widget reads its choices more than once.
        field.choices = _OptionsOnce(field, functools.partial(options, field))
    return rows


def choices_offered(fields, make):
    """Give model choice fields the (value, label) choices `make()` returns, made once for
    all of them when first drawn (a posted form that is valid never makes them); each
    field still validates a posted value against its own queryset."""
    made = functools.cache(make)
    for field in fields:
        field.choices = _OptionsOnce(field, made)


class _OptionsOnce(BaseChoiceIterator):
    """A model choice field's empty choice, then the options `make` gives when first
    read (the same list each time): a select asking only for its first choice (is
    it required?) does not make the others."""

    def __init__(self, field, make):
        self.field = field
        self.make = functools.cache(make)

    def __iter__(self):
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        yield from self.make()


class StatusChangeForm(forms.Form):
    to_status = forms.ChoiceField(label=_("New status"), choices=())
    reason = forms.CharField(
        label=_("Reason"),
        max_length=max_length_of(MentorGroupStatusChange, "reason"),
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
    )

    def __init__(self, *args, group, can_activate=True, **kwargs):
        super().__init__(*args, **kwargs)
        # A proposal is declined with its own form (a reason, the curator told).
        choices = [
            (s, MentorGroup.Status(s).label)
            for s in MentorGroup.TRANSITIONS[group.status]
            if s != MentorGroup.Status.DECLINED
        ]
        if not can_activate and group.status == MentorGroup.Status.FORMING:
            choices = [c for c in choices if c[0] != MentorGroup.Status.ACTIVE]
        self.fields["to_status"].choices = choices


class GroupDeclineForm(forms.Form):
    """Decline a curator's proposal: the reason reaches the curator."""

    reason = forms.CharField(
        label=_("Why the proposal is declined"),
        max_length=max_length_of(MentorGroupStatusChange, "reason"),
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class GroupEventForm(forms.Form):
    """A schedule entry; the day and the times are the school's local time."""

    kind = forms.ChoiceField(label=_("Kind"), choices=GroupEvent.Kind.choices, initial=GroupEvent.Kind.MEETING)
    title = forms.CharField(label=_("Topic"), max_length=255)
    day = forms.DateField(label=_("Date"), widget=DateInput())
    start = forms.TimeField(label=_("From"), widget=TimeInput())
    end = forms.TimeField(label=_("To"), widget=TimeInput())
    place = forms.CharField(label=_("Place"), max_length=255, required=False)
    participants = forms.ModelMultipleChoiceField(
        label=_("Participants"), queryset=StaffMember.objects.none(), widget=forms.CheckboxSelectMultiple
    )
    notes = forms.CharField(
        label=_("Notes"),
        max_length=max_length_of(GroupEvent, "notes"),
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
    )
    status = forms.ChoiceField(label=_("Status"), choices=GroupEvent.Status.choices, required=False)

    def __init__(self, *args, group, with_status=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.group = group
        limit_dates(self, group.school, ("day",), **EVENT_DATE_YEARS)
        people = [m.staff_id for m in group.members.all()] + [group.curator_id]
        self.fields["participants"].queryset = StaffMember.objects.filter(pk__in=people).order_by("last_name")
        # Read as a plain list of the names shown, not through a server-side cursor.
        choices_read_once([self.fields["participants"]], self.fields["participants"].queryset.only(*_STAFF_NAME))
        if not self.is_bound and "participants" not in self.initial:
            self.initial["participants"] = people
        if not with_status:
            del self.fields["status"]
        # Lesson visits are planned as visits; an older entry keeps its own kind.
        current = self.initial.get("kind") if with_status else None
        self.fields["kind"].choices = [
            (value, label)
            for value, label in GroupEvent.Kind.choices
            if value not in GroupEvent.VISIT_KINDS or value == current
        ]

    def clean(self):
        data = super().clean()
        if data.get("start") and data.get("end") and data["end"] <= data["start"]:
            self.add_error("end", _("The end must be after the start."))
        return data

    def service_kwargs(self):
        data = self.cleaned_data
        zone = timezone.get_current_timezone()
        starts_at = datetime.datetime.combine(data["day"], data["start"], tzinfo=zone)
        ends_at = datetime.datetime.combine(data["day"], data["end"], tzinfo=zone)
        kwargs = {
            "kind": data["kind"],
            "title": data["title"],
            "starts_at": starts_at,
            "ends_at": ends_at,
            "place": data["place"],
            "notes": data["notes"],
            "participants": list(data["participants"]),
        }
        if data.get("status"):
            kwargs["status"] = data["status"]
        return kwargs

    @classmethod
    def initial_for(cls, event):
        start = timezone.localtime(event.starts_at)
        end = timezone.localtime(event.ends_at)
        return {
            "kind": event.kind,
            "title": event.title,
            "day": start.date(),
            "start": start.time(),
            "end": end.time(),
            "place": event.place,
            "notes": event.notes,
            "status": event.status,
            "participants": list(event.participations.order_by().values_list("staff_id", flat=True)),
        }


class NetworkResultForm(forms.ModelForm):
    class Meta:
        model = NetworkPairResult
        fields = ["year", "quarter", "form", "title", "link", "file"]

    def __init__(self, *args, school, **kwargs):
        super().__init__(*args, **kwargs)
        self.school = school

    def clean_year(self):
        year = self.cleaned_data["year"]
        error = network_result_year_error(school=self.school, year=year)
        if error:
            raise forms.ValidationError(error)
        return year

    def clean_file(self):
        upload = self.cleaned_data.get("file")
        if upload and hasattr(upload, "size"):
            validate_upload(upload)
        return upload

    def clean(self):
        data = super().clean()
        if not data.get("link") and not data.get("file"):
            raise forms.ValidationError(_("Give a link or attach a file."))
        return data
