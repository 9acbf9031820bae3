import functools

from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from apps.core.choices import share_choices
from apps.core.forms import limit_dates
from apps.core.prepared import Param, prepared_query
from apps.core.uploads import validate_upload
from apps.core.validation import max_length_of
from apps.core.widgets import DateInput
from apps.staff.forms import StaffChoiceField, StaffMultipleChoiceField
from apps.staff.models import StaffMember

from .models import TaskTeam, TeamMeeting, TeamMember, TeamOutcome, TeamStatusChange
from .services import DEADLINE_YEARS, MEETING_YEARS, MILESTONE_YEARS, MemberSpec


def team_people(school, partner_school=None):
    """Whom a team of `school` may take in: its active staff and, for a team with
    a partner school, the partner's."""
    schools = Q(school=school) | (Q(school=partner_school) if partner_school else Q())
    return (
        StaffMember.objects.filter(schools, is_active=True)
        .select_related("school")
        .order_by("school__short_name", "last_name", "first_name", "pk")
    )


@prepared_query
def _offered_people(*, partner):
    # Only the columns of their labels (StaffLabelMixin): validation asks `team_people` itself.
    partner_id = Param("partner_id") if partner else None
    return team_people(Param("school_id"), partner_id).only(
        "last_name", "first_name", "patronymic", "school", "school__short_name"
    )


def offered_people(school, partner_school=None):
    """A loader of `team_people` as a form offers them, from a prepared query."""
    values = {"school_id": school.pk}
    if partner_school:
        values["partner_id"] = partner_school.pk
    return functools.partial(_offered_people.rows, shape={"partner": bool(partner_school)}, **values)


def _validated_people(form, school, partner_school):
    """What a form's people fields validate against (`team_people`), built only for a
    form to validate: a blank form lists `offered_people` and reads no queryset."""
    return team_people(school, partner_school) if form.is_bound else StaffMember.objects.none()


class TeamFieldsMixin:
    def setup_team_fields(self, school):
        for name, rows in (("task", 3), ("expected_result", 2), ("why_these_people", 2)):
            field = self.fields[name]
            # A new widget keeps the field's maxlength attribute.
            field.widget = forms.Textarea(attrs={"rows": rows, **field.widget_attrs(forms.Textarea())})
        limit_dates(self, school, ("deadline",), **DEADLINE_YEARS)


class TaskTeamForm(TeamFieldsMixin, forms.ModelForm):
    """Forming a team: its task, and who is in it (a lead, members, experts)."""

    lead = StaffChoiceField(label=_("Lead"), queryset=StaffMember.objects.none())
    members = StaffMultipleChoiceField(
        label=_("Members"), queryset=StaffMember.objects.none(), required=False, widget=forms.CheckboxSelectMultiple
    )
    experts = StaffMultipleChoiceField(
        label=_("Experts"),
        queryset=StaffMember.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("People consulted for their knowledge, not doing the daily work."),
    )

    class Meta:
        model = TaskTeam
        fields = ["kind", "title", "task", "expected_result", "deadline", "why_these_people"]
        widgets = {"deadline": DateInput()}

    def __init__(self, *args, school, partner_school=None, with_members=True, **kwargs):
        super().__init__(*args, **kwargs)
        self.school, self.partner_school = school, partner_school
        self.setup_team_fields(school)
        if with_members:
            # The same people are offered three times: read them once.
            fields = [self.fields[name] for name in ("lead", "members", "experts")]
            share_choices(
                _validated_people(self, school, partner_school), *fields, load=offered_people(school, partner_school)
            )
            for field in fields:
                field.show_school = partner_school is not None
        else:
            for name in ("lead", "members", "experts"):
                del self.fields[name]

    def clean(self):
        data = super().clean()
        if "lead" not in self.fields:
            return data
        seen = {}
        for name in ("lead", "members", "experts"):
            value = data.get(name)
            people = [value] if name == "lead" and value else list(value or [])
            for person in people:
                if person.pk in seen:
                    self.add_error(name, _("%(name)s is added twice.") % {"name": person.full_name})
                seen[person.pk] = person
        return data

    def chosen_staff(self):
        """The people chosen so far (for the composition hints), valid or not."""
        data = getattr(self, "cleaned_data", {})
        people = [data["lead"]] if data.get("lead") else []
        return people + list(data.get("members") or []) + list(data.get("experts") or [])

    def member_specs(self):
        data = self.cleaned_data
        partner_id = self.partner_school.pk if self.partner_school else None
        specs = [MemberSpec(staff=data["lead"], role=TeamMember.Role.LEAD)]
        for person in data.get("members") or []:
            role = TeamMember.Role.PARTNER_REPRESENTATIVE if person.school_id == partner_id else TeamMember.Role.MEMBER
            specs.append(MemberSpec(staff=person, role=role))
        specs += [MemberSpec(staff=p, role=TeamMember.Role.EXPERT) for p in data.get("experts") or []]
        return specs

    def team_fields(self):
        return {name: self.cleaned_data[name] for name in self.Meta.fields}


class MemberAddForm(forms.Form):
    staff = StaffChoiceField(label=_("Person"), queryset=StaffMember.objects.none())
    role = forms.ChoiceField(label=_("Role"), choices=TeamMember.Role.choices, initial=TeamMember.Role.MEMBER)

    def __init__(self, *args, team, **kwargs):
        super().__init__(*args, **kwargs)
        share_choices(
            _validated_people(self, team.school, team.partner_school),
            self.fields["staff"],
            load=offered_people(team.school, team.partner_school),
        )
        self.fields["staff"].show_school = team.partner_school_id is not None


class StatusChangeForm(forms.Form):
    to_status = forms.ChoiceField(label=_("New status"), choices=())
    reason = forms.CharField(
        label=_("Reason"),
        max_length=max_length_of(TeamStatusChange, "reason"),
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
    )

    def __init__(self, *args, team, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["to_status"].choices = [(s, TaskTeam.Status(s).label) for s in TaskTeam.TRANSITIONS[team.status]]


class MilestoneForm(forms.Form):
    title = forms.CharField(label=_("Milestone"), max_length=255)
    due_on = forms.DateField(label=_("Due on"), widget=DateInput())

    def __init__(self, *args, team, **kwargs):
        super().__init__(*args, **kwargs)
        limit_dates(self, team.school, ("due_on",), **MILESTONE_YEARS)
        self.fields["due_on"].widget.attrs["max"] = team.deadline.isoformat()
        self.fields["due_on"].help_text = _("No later than the team's deadline, %(date)s.") % {
            "date": team.deadline.strftime("%d.%m.%Y")
        }


class MeetingForm(forms.Form):
    held_on = forms.DateField(label=_("Date"), widget=DateInput())
    agenda = forms.CharField(
        label=_("Agenda"), max_length=max_length_of(TeamMeeting, "agenda"), widget=forms.Textarea(attrs={"rows": 2})
    )
    minutes = forms.CharField(
        label=_("Minutes"),
        max_length=max_length_of(TeamMeeting, "minutes"),
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
        help_text=_("Short notes: what was decided, who does what."),
    )

    def __init__(self, *args, team, **kwargs):
        super().__init__(*args, **kwargs)
        limit_dates(self, team.school, ("held_on",), **MEETING_YEARS)


class OutcomeForm(forms.ModelForm):
    class Meta:
        model = TeamOutcome
        fields = ["kind", "title", "description", "link", "file"]
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}

    def clean_file(self):
        upload = self.cleaned_data.get("file")
        if upload and hasattr(upload, "size") and not getattr(upload, "_committed", False):
            validate_upload(upload)
        return upload


class ReformForm(TeamFieldsMixin, forms.Form):
    """A new team from this one: chosen members, a new task and deadline."""

    kind = forms.ChoiceField(label=_("Kind"), choices=TaskTeam.Kind.choices)
    title = forms.CharField(label=_("Title"), max_length=255)
    task = forms.CharField(label=_("Task"), max_length=max_length_of(TaskTeam, "task"))
    expected_result = forms.CharField(label=_("Expected result"), max_length=max_length_of(TaskTeam, "expected_result"))
    deadline = forms.DateField(label=_("Deadline"), widget=DateInput())
    why_these_people = forms.CharField(
        label=_("Why these people"), max_length=max_length_of(TaskTeam, "why_these_people"), required=False
    )
    member_ids = forms.TypedMultipleChoiceField(
        label=_("Members to take along"), coerce=int, choices=(), widget=forms.CheckboxSelectMultiple
    )
    lead_id = forms.TypedChoiceField(label=_("Lead of the new team"), coerce=int, choices=())

    def __init__(self, *args, team, **kwargs):
        super().__init__(*args, **kwargs)
        self.setup_team_fields(team.school)
        seen, choices = set(), []
        for member in team.all_members:
            if member.staff_id not in seen and member.staff.is_active:
                seen.add(member.staff_id)
                choices.append((member.staff_id, member.staff.full_name))
        self.fields["member_ids"].choices = choices
        self.fields["lead_id"].choices = choices
        if not self.is_bound:
            self.initial.setdefault("kind", team.kind)
            self.initial.setdefault("member_ids", [pk for pk, _label in choices])

    def clean(self):
        data = super().clean()
        if data.get("lead_id") and data.get("member_ids") is not None and data["lead_id"] not in data["member_ids"]:
            self.add_error("lead_id", _("The lead is one of the chosen members."))
        return data
