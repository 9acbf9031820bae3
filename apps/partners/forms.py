import functools

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from apps.core.choices import offer_loaded, share_choices
from apps.core.dates import school_today
from apps.core.forms import LeanModelForm
from apps.core.prepared import Param, ParamList, prepared_query
from apps.core.uploads import validate_upload
from apps.core.widgets import DateInput
from apps.staff.models import StaffMember

from .models import SCAN_TYPES, Agreement, JointActivity, PartnerContact, PartnerDirection, PartnerOrganisation, Stage
from .services import partner_name_check


class PartnerForm(forms.ModelForm):
    stage_since = forms.DateField(label=_("At this stage since"), required=False, widget=DateInput())

    class Meta:
        model = PartnerOrganisation
        fields = ["name", "kind", "direction", "address", "stage", "notes", "is_active"]
        widgets = {"notes": forms.Textarea(attrs={"rows": 3})}

    def clean_stage_since(self):
        day = self.cleaned_data.get("stage_since")
        if day and day > school_today(self.school):
            raise forms.ValidationError(_("The stage cannot start in the future."))
        return day

    def __init__(self, *args, school, **kwargs):
        super().__init__(*args, **kwargs)
        self.school = school
        share_choices(PartnerDirection.objects.for_school(school).order_by("name"), self.fields["direction"])
        if self.instance.pk:
            # The stage moves with its own form, which keeps the history.
            del self.fields["stage"], self.fields["stage_since"]
        else:
            del self.fields["is_active"]

    def validate_unique(self):
        # `school` is not on the form; the name is checked in clean_name.
        pass

    def clean_name(self):
        try:
            return partner_name_check(
                school=self.school, name=self.cleaned_data["name"], partner=self.instance if self.instance.pk else None
            )
        except ValidationError as error:
            raise ValidationError(error.message_dict["name"]) from None

    @property
    def partner_fields(self):
        return {name: self.cleaned_data[name] for name in self.fields if name in self.cleaned_data}


class StageChangeForm(forms.Form):
    stage = forms.ChoiceField(label=_("New stage"), choices=Stage.choices)
    changed_on = forms.DateField(label=_("Since"), widget=DateInput())


class ContactForm(forms.ModelForm):
    class Meta:
        model = PartnerContact
        fields = ["name", "role", "phone", "email"]
        widgets = {"phone": forms.TextInput(attrs={"type": "tel", "placeholder": "+7 (___) ___-__-__"})}


class AgreementForm(forms.ModelForm):
    class Meta:
        model = Agreement
        fields = ["number", "signed_on", "valid_until", "subject", "scan"]
        widgets = {
            "signed_on": DateInput(),
            "valid_until": DateInput(),
            "subject": forms.Textarea(attrs={"rows": 2}),
            "scan": forms.ClearableFileInput(attrs={"accept": ",".join(sorted(SCAN_TYPES))}),
        }
        help_texts = {"scan": _("PDF, an office document or a photo (JPEG, PNG), up to 20 MB.")}

    def validate_unique(self):
        pass  # the partner is not on the form: the service checks the number

    def clean_scan(self):
        scan = self.cleaned_data.get("scan")
        if scan:
            validate_upload(scan, extensions=SCAN_TYPES)
        return scan

    def clean(self):
        data = super().clean()
        signed_on, valid_until = data.get("signed_on"), data.get("valid_until")
        if signed_on and valid_until and valid_until <= signed_on:
            self.add_error("valid_until", _("The agreement must end after it is signed."))
        return data


def _offer_narrow(queryset, *fields, load):
    """Offer the rows `load()` reads once (those of `queryset` with only the columns
    their labels show, from a prepared query); a choice is still validated against
    the whole rows of `queryset`."""
    rows = functools.cache(load)
    for field in fields:
        offer_loaded(field, queryset, rows)


def _school_partners(school):
    return PartnerOrganisation.objects.for_school(school).order_by("name")


def _school_days(school):
    # Problem-theme days sit above partners (a day's activities name partners):
    # the field's own model reaches them without importing that app.
    days = JointActivity._meta.get_field("problem_day").related_model.objects
    return days.for_school(school).order_by("-date")


_DAY_COLUMNS = ("theme", "working_title")
_NAME_COLUMNS = ("last_name", "first_name", "patronymic")


def _offered_people(school, *, responsible_id=None, taken_part=None):
    """Working staff, and (for an activity of the past: `responsible_id` and the ids
    `taken_part`) whoever took part then."""
    current = Q(is_active=True)
    if responsible_id is not None:
        current |= Q(pk=responsible_id) | Q(pk__any=taken_part)
    return StaffMember.objects.for_school(school).filter(current).order_by("last_name", "first_name")


@prepared_query
def _partner_options():
    return _school_partners(Param("school_id")).only("name")


@prepared_query
def _day_options():
    return _school_days(Param("school_id")).only(*_DAY_COLUMNS)


@prepared_query
def _people_options(*, past=False):
    if past:
        people = _offered_people(
            Param("school_id"), responsible_id=Param("responsible_id"), taken_part=ParamList("taken_part")
        )
    else:
        people = _offered_people(Param("school_id"))
    return people.only(*_NAME_COLUMNS)


class ActivityForm(LeanModelForm):
    class Meta:
        model = JointActivity
        fields = [
            "title",
            "partners",
            "starts_on",
            "ends_on",
            "kind",
            "mechanism",
            "product_text",
            "product_link",
            "product_file",
            "responsible",
            "teachers",
            "students_count",
            "parents_count",
            "status",
            "problem_day",
        ]
        widgets = {
            "starts_on": DateInput(),
            "ends_on": DateInput(),
            "partners": forms.CheckboxSelectMultiple(),
            "teachers": forms.CheckboxSelectMultiple(),
            "product_text": forms.Textarea(attrs={"rows": 3}),
        }
        help_texts = {
            "ends_on": _("Leave empty for a one-day activity."),
            "product_text": _(
                "Strategy → models, concepts, resources; design → programmes; "
                "implementation → events, contests, olympiads; mutual support → comfort of the partners."
            ),
        }

    def __init__(self, *args, school, responsible_only=None, **kwargs):
        """`responsible_only`: a teacher logs only activities they are responsible for."""
        super().__init__(*args, **kwargs)
        school_id = school.pk
        _offer_narrow(
            _school_partners(school), self.fields["partners"], load=lambda: _partner_options.rows(school_id=school_id)
        )
        _offer_narrow(
            _school_days(school), self.fields["problem_day"], load=lambda: _day_options.rows(school_id=school_id)
        )
        past = {}
        if self.instance.pk:
            # The teachers as read with the activity (see selectors.activity_edit_queryset).
            past = {
                "responsible_id": self.instance.responsible_id,
                "taken_part": [teacher.pk for teacher in self.instance.teachers.all()],
            }
        people = _offered_people(school, **past)

        def load_people():
            return _people_options.rows(shape={"past": bool(past)}, school_id=school_id, **past)

        if responsible_only is not None:
            # The teacher's own card is known: offered without a query.
            share_choices(
                StaffMember.objects.filter(pk=responsible_only.pk), self.fields["responsible"], rows=[responsible_only]
            )
            self.fields["responsible"].initial = responsible_only.pk
            self.fields["responsible"].empty_label = None
            _offer_narrow(people, self.fields["teachers"], load=load_people)
        else:
            # The same people are offered twice: read them once.
            _offer_narrow(people, self.fields["responsible"], self.fields["teachers"], load=load_people)

    def clean_product_file(self):
        upload = self.cleaned_data.get("product_file")
        if upload and hasattr(upload, "content_type"):
            validate_upload(upload)
        return upload

    def clean(self):
        data = super().clean()
        starts_on, ends_on = data.get("starts_on"), data.get("ends_on")
        if starts_on and ends_on and ends_on < starts_on:
            self.add_error("ends_on", _("The period ends before it starts."))
        return data

    @property
    def activity_fields(self):
        data = dict(self.cleaned_data)
        data.pop("product_file", None)
        return data


class ActivityPeriodForm(forms.Form):
    start = forms.DateField(label=_("From"), required=False, widget=DateInput())
    end = forms.DateField(label=_("To"), required=False, widget=DateInput())
    status = forms.ChoiceField(
        label=_("Status"), required=False, choices=[("", _("any")), *JointActivity.Status.choices]
    )

    # A report covers at most a few school years: longer periods are split.
    MAX_DAYS = 5 * 366

    def clean(self):
        data = super().clean()
        start, end = data.get("start"), data.get("end")
        if start and end and (end - start).days > self.MAX_DAYS:
            raise forms.ValidationError(_("Choose a period of at most five years."))
        if start and end and end < start:
            self.add_error("end", _("The end of the period is before its start."))
        return data
