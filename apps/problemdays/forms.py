import datetime

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from apps.core.uploads import DOCUMENTS, IMAGES, validate_upload
from apps.core.widgets import DateInput, DateTimeLocalInput
from apps.partners.models import PartnerOrganisation
from apps.staff.forms import StaffMultipleChoiceField
from apps.staff.models import StaffMember, Subject

from .models import DayActivity, PreparationRole, ProblemDay, Reflection, ThemeIdea


class SchoolDateTimeField(forms.DateTimeField):
    """A date and time typed in the school's own time zone (datetime-local)."""

    widget = DateTimeLocalInput

    def __init__(self, *args, tz=None, **kwargs):
        self.tz = tz
        super().__init__(*args, **kwargs)

    def to_python(self, value):
        result = super().to_python(value)
        if result is None or self.tz is None:
            return result
        return timezone.make_naive(result).replace(tzinfo=self.tz)

    def prepare_value(self, value):
        if isinstance(value, datetime.datetime) and timezone.is_aware(value) and self.tz is not None:
            return value.astimezone(self.tz).replace(tzinfo=None)
        return super().prepare_value(value)


def school_staff(school):
    return StaffMember.objects.for_school(school).filter(is_active=True).order_by("last_name", "first_name", "pk")


class ProblemDayForm(forms.ModelForm):
    organisers = StaffMultipleChoiceField(
        label=_("Organisers"),
        queryset=StaffMember.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Any teacher can be an organiser; you become one yourself."),
    )

    class Meta:
        model = ProblemDay
        fields = ["date", "working_title", "theme", "problem_question", "goal", "grades"]
        widgets = {
            "date": DateInput(),
            "problem_question": forms.Textarea(attrs={"rows": 2}),
            "goal": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args, school, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisers"].queryset = school_staff(school)
        if self.instance.pk:
            self.fields["organisers"].initial = list(self.instance.organisers.all())
        else:
            del self.fields["theme"]


class CopyDayForm(forms.Form):
    date = forms.DateField(label=_("Date of the new day"), widget=DateInput())
    working_title = forms.CharField(label=_("Working title"), max_length=255, required=False)


class ThemeIdeaForm(forms.ModelForm):
    class Meta:
        model = ThemeIdea
        fields = ["title", "proposed_by_kind", "proposed_by", "rationale", "votes"]
        widgets = {"rationale": forms.Textarea(attrs={"rows": 2})}


class PreparationRoleForm(forms.ModelForm):
    class Meta:
        model = PreparationRole
        fields = ["kind", "staff", "when", "place"]

    def __init__(self, *args, day, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["staff"].queryset = school_staff(day.school)
        self.fields["staff"].label_from_instance = lambda obj: obj.full_name
        self.fields["when"] = SchoolDateTimeField(label=_("When"), required=False, tz=day.school.tzinfo)


class DayActivityForm(forms.ModelForm):
    responsible = StaffMultipleChoiceField(
        label=_("Responsible teachers"),
        queryset=StaffMember.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    partners = forms.ModelMultipleChoiceField(
        label=_("Partner organisations"),
        queryset=PartnerOrganisation.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    subjects = forms.ModelMultipleChoiceField(
        label=_("Subjects integrated"),
        queryset=Subject.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = DayActivity
        fields = ["title", "kind", "starts_at", "ends_at", "place", "grades", "parents_involved"]

    def __init__(self, *args, day, **kwargs):
        super().__init__(*args, **kwargs)
        tz = day.school.tzinfo
        for name, label in (("starts_at", _("Starts at")), ("ends_at", _("Ends at"))):
            self.fields[name] = SchoolDateTimeField(label=label, tz=tz)
        self.fields["responsible"].queryset = school_staff(day.school)
        self.fields["partners"].queryset = PartnerOrganisation.objects.for_school(day.school).order_by("name")
        self.fields["subjects"].queryset = Subject.objects.for_school(day.school).order_by("name")
        if self.instance.pk:
            for name in ("responsible", "partners", "subjects"):
                self.fields[name].initial = list(getattr(self.instance, name).all())
        else:
            self.initial.setdefault("starts_at", datetime.datetime.combine(day.date, datetime.time(9, 0), tzinfo=tz))
            self.initial.setdefault("ends_at", datetime.datetime.combine(day.date, datetime.time(9, 45), tzinfo=tz))
            self.initial.setdefault("grades", day.grades)

    def activity_fields(self):
        data = self.cleaned_data
        return {
            **{name: data[name] for name in self._meta.fields},
            "responsible": data["responsible"],
            "partners": data["partners"],
            "subjects": data["subjects"],
        }


class ReflectionForm(forms.ModelForm):
    def clean_photo(self):
        upload = self.cleaned_data.get("photo")
        if upload and hasattr(upload, "content_type"):
            validate_upload(upload, extensions=IMAGES | DOCUMENTS)
        return upload

    class Meta:
        model = Reflection
        fields = [
            "what_worked",
            "what_to_change",
            "students_count",
            "teachers_count",
            "parents_count",
            "partners_count",
            "link",
            "photo",
        ]
        widgets = {
            "what_worked": forms.Textarea(attrs={"rows": 3}),
            "what_to_change": forms.Textarea(attrs={"rows": 3}),
        }
