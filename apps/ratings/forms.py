from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from apps.core.forms import limit_dates
from apps.core.uploads import validate_upload
from apps.core.validation import max_length_of
from apps.core.widgets import DateInput
from apps.staff.forms import StaffChoiceField
from apps.staff.models import StaffMember

from .models import Criterion, ManualEntry, RatingPeriod, Remark
from .selectors import indicator_choices, people_of_period
from .services import DATE_YEARS


def _decimal(label, *, required=True, help_text=""):
    return forms.DecimalField(
        label=label,
        required=required,
        min_value=Decimal("0.01"),
        max_digits=10,
        decimal_places=2,
        help_text=help_text,
        localize=True,
        # A localized number is typed as text: ten digits, the decimal comma and room for spaces.
        widget=forms.TextInput(attrs={"maxlength": "14", "inputmode": "decimal"}),
    )


def _people(school):
    return StaffMember.objects.filter(school=school, is_active=True).order_by("last_name", "first_name", "pk")


class CriterionForm(forms.Form):
    indicator_key = forms.ChoiceField(
        label=_("Indicator"),
        required=False,
        help_text=_("Computed from the app's records; leave empty for a manual criterion the commission enters."),
    )
    title = forms.CharField(
        label=_("Criterion"),
        max_length=max_length_of(Criterion, "title"),
        required=False,
        help_text=_("The indicator's name when left empty."),
    )
    points_per_unit = _decimal(_("Points per unit"))
    cap = _decimal(_("At most, points"), required=False, help_text=_("Empty: no cap."))
    position = forms.IntegerField(label=_("Order"), min_value=0, max_value=999, initial=0)
    is_active = forms.BooleanField(label=_("In use"), required=False, initial=True)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["indicator_key"].choices = [("", _("— manual criterion —")), *indicator_choices()]


class CommissionMemberForm(forms.Form):
    staff = StaffChoiceField(label=_("Staff member"), queryset=StaffMember.objects.none())

    def __init__(self, *args, school, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["staff"].queryset = _people(school)


class PeriodForm(forms.Form):
    kind = forms.ChoiceField(label=_("Period"), choices=RatingPeriod.Kind.choices)
    starts_on = forms.DateField(
        label=_("From"),
        widget=DateInput(),
        help_text=_("A month from its 1st; a quarter from 1 Jan, Apr, Jul or Oct; a half-year from 1 Jan or Jul."),
    )
    remarks_until = forms.DateField(
        label=_("Remarks until (the commission's date)"),
        widget=DateInput(),
    )

    def __init__(self, *args, school, **kwargs):
        super().__init__(*args, **kwargs)
        limit_dates(self, school, ["starts_on"], **DATE_YEARS)


class ManualEntryForm(forms.Form):
    criterion = forms.ModelChoiceField(label=_("Criterion"), queryset=Criterion.objects.none())
    staff = StaffChoiceField(label=_("Teacher"), queryset=StaffMember.objects.none())
    units = _decimal(_("Units"))
    on = forms.DateField(label=_("Date"), widget=DateInput())
    note = forms.CharField(
        label=_("Note"), max_length=max_length_of(ManualEntry, "note"), widget=forms.Textarea(attrs={"rows": 3})
    )
    link = forms.URLField(label=_("Link to the evidence"), max_length=500, required=False, assume_scheme="https")
    file = forms.FileField(label=_("Or a file with the evidence"), required=False)

    def __init__(self, *args, period, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["criterion"].queryset = Criterion.objects.filter(
            school=period.school_id, indicator_key="", is_active=True
        ).order_by("position", "pk")
        self.fields["staff"].queryset = people_of_period(period=period)
        for name in ("on",):
            self.fields[name].widget.attrs.update(min=period.starts_on.isoformat(), max=period.ends_on.isoformat())

    def clean_file(self):
        upload = self.cleaned_data.get("file")
        if upload:
            validate_upload(upload)
        return upload


class RemarkForm(forms.Form):
    text = forms.CharField(
        label=_("Remark"),
        max_length=max_length_of(Remark, "text"),
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("What is missing or wrong on the sheet, with where to find it."),
    )


class AnswerForm(forms.Form):
    answer = forms.CharField(
        label=_("The commission's answer"),
        max_length=max_length_of(Remark, "answer"),
        widget=forms.Textarea(attrs={"rows": 4}),
    )


class ReopenForm(forms.Form):
    reason = forms.CharField(
        label=_("Why the approved period is reopened"),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Written to the audit trail."),
    )


class RemarksUntilForm(forms.Form):
    remarks_until = forms.DateField(label=_("Remarks until (the commission's date)"), widget=DateInput())
