from django import forms
from django.utils.translation import gettext_lazy as _

from apps.core.choices import share_choices
from apps.core.forms import limit_dates
from apps.core.prepared import Param, prepared_query
from apps.core.validation import max_length_of
from apps.core.widgets import DateInput, TimeInput
from apps.staff.forms import StaffChoiceField
from apps.staff.models import StaffMember, SubjectAssociation

from .models import Decision, Meeting, NetworkAssociation, YearPlan
from .services import DATE_YEARS


def school_people(school):
    return StaffMember.objects.filter(school=school, is_active=True).order_by("last_name", "first_name", "pk")


@prepared_query
def _school_people():
    return StaffMember.objects.filter(school_id=Param("school_id"), is_active=True).order_by(
        "last_name", "first_name", "pk"
    )


def offer_school_people(field, school):
    """Validate `field` against the school's active people, and offer them read by a
    prepared query (the choices' queryset built and compiled once per process)."""
    share_choices(school_people(school), field, load=lambda: _school_people.rows(school_id=school.pk))


class YearPlanForm(forms.Form):
    head = StaffChoiceField(label=_("Head of the association"), queryset=StaffMember.objects.none(), required=False)
    theme = forms.CharField(label=_("Methodical theme"), max_length=max_length_of(YearPlan, "theme"), required=False)
    goals = forms.CharField(
        label=_("Goals and tasks for the year"),
        max_length=max_length_of(YearPlan, "goals"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )

    def __init__(self, *args, school, **kwargs):
        super().__init__(*args, **kwargs)
        offer_school_people(self.fields["head"], school)


class MeetingForm(forms.Form):
    planned_on = forms.DateField(label=_("Date"), widget=DateInput())
    starts_at = forms.TimeField(label=_("Starts at"), widget=TimeInput(), required=False)
    place = forms.CharField(label=_("Place"), max_length=max_length_of(Meeting, "place"), required=False)
    online_link = forms.URLField(label=_("Online link"), max_length=200, required=False, assume_scheme="https")
    agenda = forms.CharField(
        label=_("Agenda"),
        max_length=max_length_of(Meeting, "agenda"),
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("The questions of the meeting, one a line."),
    )

    def __init__(self, *args, school, **kwargs):
        super().__init__(*args, **kwargs)
        limit_dates(self, school, ("planned_on",), **DATE_YEARS)


class HoldForm(forms.Form):
    """Mark the meeting held: the day and who was present."""

    held_on = forms.DateField(label=_("Held on"), widget=DateInput())
    present = forms.TypedMultipleChoiceField(
        label=_("Present"), coerce=int, required=False, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args, school, people, **kwargs):
        super().__init__(*args, **kwargs)
        limit_dates(self, school, ("held_on",), **DATE_YEARS)
        self.fields["present"].choices = [(person.pk, person.full_name) for person in people]


class MinutesForm(forms.Form):
    minutes = forms.CharField(
        label=_("Short minutes"),
        max_length=max_length_of(Meeting, "minutes"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_("What was heard and discussed; the decisions are recorded below, each with its responsible."),
    )


class DecisionForm(forms.Form):
    text = forms.CharField(
        label=_("Decision"), max_length=max_length_of(Decision, "text"), widget=forms.Textarea(attrs={"rows": 3})
    )
    responsible = StaffChoiceField(label=_("Responsible"), queryset=StaffMember.objects.none())
    due_on = forms.DateField(label=_("Due on"), widget=DateInput())

    def __init__(self, *args, school, **kwargs):
        super().__init__(*args, **kwargs)
        offer_school_people(self.fields["responsible"], school)
        limit_dates(self, school, ("due_on",), **DATE_YEARS)


class NetworkAssociationForm(forms.Form):
    name = forms.CharField(
        label=_("Name"),
        max_length=max_length_of(NetworkAssociation, "name"),
        help_text=_("For example: the network association of Russian-language and literature teachers."),
    )
    subject_name = forms.CharField(label=_("Subject"), max_length=max_length_of(NetworkAssociation, "subject_name"))
    lead_association = forms.ModelChoiceField(label=_("Lead association"), queryset=SubjectAssociation.objects.none())

    def __init__(self, *args, school, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["lead_association"].queryset = SubjectAssociation.objects.for_school(school).order_by("name")


class MemberAddForm(forms.Form):
    association = forms.ModelChoiceField(label=_("Association"), queryset=SubjectAssociation.objects.none())

    def __init__(self, *args, candidates, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["association"].queryset = candidates
        self.fields["association"].label_from_instance = lambda a: f"{a.school.short_name}: {a.name}"
