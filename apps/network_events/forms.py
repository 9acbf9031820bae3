import datetime

from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from apps.accounts.models import School
from apps.core.forms import limit_dates
from apps.core.widgets import DateInput, TimeInput
from apps.staff.forms import StaffChoiceField, StaffMultipleChoiceField
from apps.staff.models import StaffMember, SubjectAssociation

from .models import Event

# How far from the school's today an event may be planned (the service keeps the form's window by the clock).
EVENT_YEARS = {"back": 1, "ahead": 2}


class EventForm(forms.ModelForm):
    """The event, its date and times typed in the organiser school's own zone."""

    date = forms.DateField(label=_("Date"), widget=DateInput())
    starts = forms.TimeField(label=_("Starts at"), widget=TimeInput())
    ends = forms.TimeField(label=_("Ends at"), widget=TimeInput())
    leads = StaffMultipleChoiceField(
        label=_("Leads"), queryset=StaffMember.objects.none(), required=False, widget=forms.CheckboxSelectMultiple
    )

    field_order = [
        "kind",
        "title",
        "date",
        "starts",
        "ends",
        "place",
        "online_link",
        "capacity",
        "circle",
        "association",
        "leads",
        "description",
    ]

    class Meta:
        model = Event
        fields = ["kind", "title", "description", "place", "online_link", "capacity", "circle", "association"]
        widgets = {
            "kind": forms.RadioSelect,
            "circle": forms.RadioSelect,
            "description": forms.Textarea(attrs={"rows": 4}),
        }

    def __init__(self, *args, school, associations=None, **kwargs):
        instance = kwargs.get("instance")
        if instance is not None and instance.pk:
            local = instance.starts_at.astimezone(school.tzinfo)
            kwargs.setdefault("initial", {}).update(
                date=local.date(),
                starts=local.time().replace(second=0, microsecond=0),
                ends=instance.ends_at.astimezone(school.tzinfo).time().replace(second=0, microsecond=0),
                leads=list(instance.leads.all()),
            )
        super().__init__(*args, **kwargs)
        self.school = school
        self.fields["description"].widget.attrs["maxlength"] = 4000
        limit_dates(self, school, ("date",), **EVENT_YEARS)
        if associations is None:
            associations = SubjectAssociation.objects.for_school(school)
        else:
            # A head without the capability organises for their own association only.
            self.fields["association"].required = instance is None or instance.pk is None
            associations = SubjectAssociation.objects.for_school(school).filter(pk__in=associations)
        self.fields["association"].queryset = associations
        # The school's people, and leads of other schools of the network already chosen.
        current = instance.leads.values("pk") if instance is not None and instance.pk else []
        self.fields["leads"].queryset = (
            StaffMember.objects.filter(Q(school=school, is_active=True) | Q(pk__in=current))
            .select_related("school")
            .order_by("last_name", "first_name", "pk")
        )
        self.fields["date"].help_text = _("Date and time in the organiser school's time zone (%(zone)s).") % {
            "zone": school.time_zone
        }
        if school.network_id is None:
            self.fields["circle"].choices = [c for c in self.fields["circle"].choices if c[0] == "school"]
            self.fields["circle"].initial = "school"

    def clean(self):
        data = super().clean()
        date, starts, ends = data.get("date"), data.get("starts"), data.get("ends")
        if date and starts and ends:
            tz = self.school.tzinfo
            data["starts_at"] = datetime.datetime.combine(date, starts, tzinfo=tz)
            data["ends_at"] = datetime.datetime.combine(date, ends, tzinfo=tz)
            if data["ends_at"] <= data["starts_at"]:
                self.add_error("ends", _("The event ends after it starts."))
        if not data.get("place") and not data.get("online_link"):
            self.add_error("place", _("Give a place or an online link."))
        return data

    def _post_clean(self):
        # The service checks the event as a whole (full_clean there, with the times).
        pass

    def service_fields(self):
        data = self.cleaned_data
        fields = {name: data[name] for name in self.Meta.fields}
        fields["starts_at"] = data["starts_at"]
        fields["ends_at"] = data["ends_at"]
        return fields


class InviteForm(forms.Form):
    """One school, association or person of the organiser's network at a time."""

    school = forms.ModelChoiceField(label=_("School"), queryset=None, required=False)
    association = forms.ModelChoiceField(label=_("Subject association"), queryset=None, required=False)
    staff = StaffChoiceField(label=_("Person"), queryset=StaffMember.objects.none(), required=False)

    def __init__(self, *args, event, **kwargs):
        super().__init__(*args, **kwargs)
        organiser = event.school
        if organiser.network_id:
            schools = School.objects.filter(network_id=organiser.network_id)
        else:
            schools = School.objects.filter(pk=organiser.pk)
        self.fields["school"].queryset = schools.order_by("short_name")
        self.fields["association"].queryset = (
            SubjectAssociation.objects.filter(school__in=schools).select_related("school").order_by("school", "name")
        )
        self.fields["association"].label_from_instance = lambda a: f"{a.name} ({a.school})"
        self.fields["staff"].queryset = (
            StaffMember.objects.filter(school__in=schools, is_active=True)
            .select_related("school")
            .order_by("school__short_name", "last_name", "first_name", "pk")
        )

    def clean(self):
        data = super().clean()
        chosen = [name for name in ("school", "association", "staff") if data.get(name)]
        if len(chosen) != 1:
            raise forms.ValidationError(_("Choose one school, association or person."))
        return data
