import datetime
import functools

from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from apps.accounts.models import School
from apps.core.choices import offer_loaded
from apps.core.forms import LeanModelForm, limit_dates
from apps.core.prepared import Param, ParamList, prepared_query
from apps.core.widgets import DateInput, TimeInput
from apps.staff.forms import StaffChoiceField, StaffMultipleChoiceField
from apps.staff.models import StaffMember, SubjectAssociation

from .models import Event
from .services import EVENT_YEARS


class EventForm(LeanModelForm):
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
        # Validated against the querysets; offered from prepared queries (rows read once).
        if associations is None:
            offered = functools.partial(_event_associations.rows, shape={"limited": False}, school_id=school.pk)
            associations = SubjectAssociation.objects.for_school(school)
        else:
            # A head without the capability organises for their own association only.
            self.fields["association"].required = instance is None or instance.pk is None
            offered = functools.partial(
                _event_associations.rows, shape={"limited": True}, school_id=school.pk, ids=list(associations)
            )
            associations = SubjectAssociation.objects.for_school(school).filter(pk__in=associations)
        offer_loaded(self.fields["association"], associations, functools.cache(offered))
        # The school's people, and leads of other schools of the network already chosen.
        saved = instance is not None and instance.pk is not None
        current = instance.leads.values("pk") if saved else []
        leads = (
            StaffMember.objects.filter(Q(school=school, is_active=True) | Q(pk__in=current))
            .select_related("school")
            .order_by("last_name", "first_name", "pk")
        )
        values = {"school_id": school.pk, "event_id": instance.pk} if saved else {"school_id": school.pk}
        offered_leads = functools.partial(_event_leads.rows, shape={"saved": saved}, **values)
        offer_loaded(self.fields["leads"], leads, functools.cache(offered_leads))
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


class AssociationChoiceField(forms.ModelChoiceField):
    """An association with its school: the network's associations share names."""

    def label_from_instance(self, obj):
        return f"{obj.name} ({obj.school})"


class InviteForm(forms.Form):
    """One school, association or person of the organiser's network at a time."""

    school = forms.ModelChoiceField(label=_("School"), queryset=None, required=False)
    association = AssociationChoiceField(label=_("Subject association"), queryset=None, required=False)
    staff = StaffChoiceField(label=_("Person"), queryset=StaffMember.objects.none(), required=False)

    def __init__(self, *args, event, **kwargs):
        super().__init__(*args, **kwargs)
        organiser = event.school
        if organiser.network_id:
            schools = School.objects.filter(network_id=organiser.network_id)
        else:
            schools = School.objects.filter(pk=organiser.pk)
        # Validated against the querysets; offered from prepared queries (the person
        # list holds everyone of the network: building its queryset cost more than its rows).
        shape = {"networked": organiser.network_id is not None}
        values = {"network_id": organiser.network_id} if organiser.network_id else {"school_id": organiser.pk}
        for name, queryset, prepared in (
            ("school", schools.order_by("short_name"), _invite_schools),
            (
                "association",
                SubjectAssociation.objects.filter(school__in=schools)
                .select_related("school")
                .order_by("school", "name"),
                _invite_associations,
            ),
            (
                "staff",
                StaffMember.objects.filter(school__in=schools, is_active=True)
                .select_related("school")
                .order_by("school__short_name", "last_name", "first_name", "pk"),
                _invite_staff,
            ),
        ):
            offer_loaded(
                self.fields[name], queryset, functools.cache(functools.partial(prepared.rows, shape=shape, **values))
            )

    def clean(self):
        data = super().clean()
        chosen = [name for name in ("school", "association", "staff") if data.get(name)]
        if len(chosen) != 1:
            raise forms.ValidationError(_("Choose one school, association or person."))
        return data


def _invited_schools(networked):
    """The schools an event of this organiser may invite: its network's, or itself alone."""
    return Q(network_id=Param("network_id")) if networked else Q(pk=Param("school_id"))


@prepared_query
def _invite_schools(*, networked):
    return School.objects.filter(_invited_schools(networked)).order_by("short_name")


@prepared_query
def _invite_associations(*, networked):
    schools = School.objects.filter(_invited_schools(networked))
    return SubjectAssociation.objects.filter(school__in=schools).select_related("school").order_by("school", "name")


@prepared_query
def _invite_staff(*, networked):
    schools = School.objects.filter(_invited_schools(networked))
    return (
        StaffMember.objects.filter(school__in=schools, is_active=True)
        .select_related("school")
        .order_by("school__short_name", "last_name", "first_name", "pk")
    )


@prepared_query
def _event_associations(*, limited):
    associations = SubjectAssociation.objects.filter(school_id=Param("school_id"))
    if limited:
        associations = associations.filter(pk__any=ParamList("ids"))
    return associations


@prepared_query
def _event_leads(*, saved):
    people = Q(school_id=Param("school_id"), is_active=True)
    if saved:
        people |= Q(pk__in=Event.leads.through.objects.filter(event_id=Param("event_id")).values("staffmember_id"))
    return StaffMember.objects.filter(people).select_related("school").order_by("last_name", "first_name", "pk")
