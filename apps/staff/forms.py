from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from .models import Achievement, QualificationCategory, StaffMember, Subject, SubjectAssociation

MAX_IMPORT_BYTES = 5 * 1024 * 1024


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


class StaffMemberForm(forms.ModelForm):
    """The registry card. On creation it can also record the category in force."""

    category = forms.ChoiceField(
        label=_("Qualification category"),
        choices=[("", "—"), *[(v, label) for v, label in QualificationCategory.choices if v != "none"]],
        required=False,
    )
    category_awarded_on = forms.DateField(label=_("Category awarded on"), required=False, widget=DateInput())
    order_number = forms.CharField(label=_("Order number"), max_length=64, required=False)

    class Meta:
        model = StaffMember
        fields = [
            "last_name",
            "first_name",
            "patronymic",
            "position",
            "email",
            "subjects",
            "association",
            "teaching_since",
            "hired_on",
            "user",
        ]
        widgets = {
            "teaching_since": DateInput(),
            "hired_on": DateInput(),
            "subjects": forms.CheckboxSelectMultiple(),
        }
        help_texts = {
            "teaching_since": _("The start of pedagogical work anywhere: experience is counted from it."),
            "user": _("The account this person signs in with, if they have one."),
        }

    def __init__(self, *args, school, with_category=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.school = school
        self.fields["subjects"].queryset = Subject.objects.for_school(school)
        self.fields["association"].queryset = SubjectAssociation.objects.for_school(school)
        self.fields["user"].queryset = (
            get_user_model().objects.filter(memberships__school=school).order_by("last_name", "first_name", "email")
        )
        self.fields["position"].widget.attrs["list"] = "positions"
        if not with_category:
            for name in ("category", "category_awarded_on", "order_number"):
                del self.fields[name]

    def clean(self):
        data = super().clean()
        if "category" in self.fields:
            if data.get("category") and not data.get("category_awarded_on"):
                self.add_error("category_awarded_on", _("When was the category awarded?"))
            if data.get("category_awarded_on") and not data.get("category"):
                self.add_error("category", _("Choose the category that was awarded."))
        return data

    @property
    def staff_fields(self):
        return {name: self.cleaned_data[name] for name in self.Meta.fields if name != "subjects"}


class DeactivateForm(forms.Form):
    left_on = forms.DateField(label=_("Left on"), widget=DateInput())


class CategoryAwardForm(forms.Form):
    category = forms.ChoiceField(label=_("Category"), choices=QualificationCategory.choices)
    awarded_on = forms.DateField(label=_("Awarded on"), widget=DateInput())
    order_number = forms.CharField(label=_("Order number"), max_length=64, required=False)


class AchievementForm(forms.ModelForm):
    class Meta:
        model = Achievement
        fields = ["kind", "title", "date", "level", "result"]
        widgets = {"date": DateInput()}


class StaffImportForm(forms.Form):
    file = forms.FileField(
        label=_("Staff list"),
        help_text=_("An .xlsx or .csv file, up to 5 MB, with a header row."),
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx,.csv"}),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if not upload.name.lower().endswith((".xlsx", ".csv")):
            raise forms.ValidationError(_("Upload an .xlsx or .csv file."))
        if upload.size > MAX_IMPORT_BYTES:
            raise forms.ValidationError(_("The file is larger than 5 MB."))
        return upload


class NameForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200)

    def __init__(self, *args, model, school, instance=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.model, self.school, self.instance = model, school, instance

    def clean_name(self):
        name = " ".join(self.cleaned_data["name"].split())
        clash = self.model.objects.for_school(self.school).filter(name__iexact=name)
        if self.instance is not None:
            clash = clash.exclude(pk=self.instance.pk)
        if clash.exists():
            raise forms.ValidationError(_("This name is already on the list."))
        return name
