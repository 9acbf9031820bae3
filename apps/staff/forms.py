import functools

from django import forms
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from apps.core.choices import offer_loaded
from apps.core.dates import add_years, school_today
from apps.core.forms import DateRangeValidator
from apps.core.prepared import Param, prepared_query
from apps.core.uploads import validate_upload
from apps.core.widgets import DateInput

from .birth_dates import birth_date_error
from .importing import FileNotReadable, name_key, read_table
from .models import (
    WORKING_AGE,
    Achievement,
    QualificationCategory,
    StaffMember,
    Subject,
    SubjectAssociation,
    full_name,
)
from .selectors import school_associations, school_subjects
from .services import registry_date_range

MAX_IMPORT_BYTES = 5 * 1024 * 1024


def staff_choice_label(last_name, first_name, patronymic, school=None):
    """A person's choice: the full name; with `school` (its short name), the school too."""
    name = full_name(last_name, first_name, patronymic)
    return f"{name} ({school})" if school is not None else name


class StaffLabelMixin:
    """A person by full name; with `show_school`, their school too (network pairs and teams)."""

    show_school = False

    def label_from_instance(self, obj):
        school = obj.school.short_name if self.show_school else None
        return staff_choice_label(obj.last_name, obj.first_name, obj.patronymic, school)


class StaffChoiceField(StaffLabelMixin, forms.ModelChoiceField):
    pass


class StaffMultipleChoiceField(StaffLabelMixin, forms.ModelMultipleChoiceField):
    pass


class DateLimitsMixin:
    """Keeps the form's date fields between 1940 and a year after the school's today."""

    limited_date_fields = ()

    def limit_dates(self, school):
        earliest, latest = registry_date_range(school)
        for name in self.limited_date_fields:
            field = self.fields.get(name)
            if field is None:
                continue
            field.validators.append(DateRangeValidator(earliest, latest))
            field.widget.attrs.update(min=earliest.isoformat(), max=latest.isoformat())


def _school_users(school):
    """The accounts of the school's people, a card's `user` choices."""
    return get_user_model().objects.filter(memberships__school=school).order_by("last_name", "first_name", "email")


@prepared_query
def _school_user_rows():
    return _school_users(Param("school_id"))


class StaffMemberForm(DateLimitsMixin, forms.ModelForm):
    """The registry card. On creation it can also record the category in force."""

    category = forms.ChoiceField(
        label=_("Qualification category"),
        choices=[("", "—"), *[(v, label) for v, label in QualificationCategory.choices if v != "none"]],
        required=False,
    )
    category_awarded_on = forms.DateField(label=_("Category awarded on"), required=False, widget=DateInput())
    order_number = forms.CharField(label=_("Order number"), max_length=64, required=False)

    limited_date_fields = ("teaching_since", "hired_on", "category_awarded_on")

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
            "birth_date",
            "user",
        ]
        widgets = {
            "birth_date": DateInput(),
            "teaching_since": DateInput(),
            "hired_on": DateInput(),
            "subjects": forms.CheckboxSelectMultiple(),
        }
        help_texts = {
            "teaching_since": _("The start of pedagogical work anywhere: experience is counted from it."),
            "user": _("The account this person signs in with, if they have one."),
            "birth_date": _("Optional. Personal data: shown on the card only; the yearly report counts ages."),
        }

    def __init__(self, *args, school, with_category=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.school = school
        # The options read by prepared queries; a choice is validated against the querysets.
        school_id = school.pk
        for name, queryset, rows in (
            ("subjects", lambda: Subject.objects.for_school(school), school_subjects),
            ("association", lambda: SubjectAssociation.objects.for_school(school), school_associations),
            ("user", lambda: _school_users(school), _school_user_rows),
        ):
            field = self.fields[name]
            load = functools.cache(functools.partial(rows.rows, school_id=school_id))
            offer_loaded(field, queryset(), load)
        self.fields["position"].widget.attrs["list"] = "positions"
        if not with_category:
            for name in ("category", "category_awarded_on", "order_number"):
                del self.fields[name]
        self.limit_dates(school)
        today = school_today(school)
        youngest, oldest = WORKING_AGE
        self.fields["birth_date"].widget.attrs.update(
            min=add_years(today, -oldest).isoformat(), max=add_years(today, -youngest).isoformat()
        )

    def clean_user(self):
        user = self.cleaned_data.get("user")
        if user is not None:
            cards = StaffMember.objects.for_school(self.school).filter(user=user)
            if self.instance.pk is not None:
                cards = cards.exclude(pk=self.instance.pk)
            card = cards.first()
            if card is not None:
                raise ValidationError(
                    _("This user account is already linked to the card of %(name)s."),
                    code="user_has_card",
                    params={"name": card.full_name},
                )
        return user

    def clean(self):
        data = super().clean()
        teaching_since, hired_on = data.get("teaching_since"), data.get("hired_on")
        if teaching_since and hired_on and hired_on < teaching_since:
            self.add_error("hired_on", _("The hire date is earlier than the start of teaching."))
        if "birth_date" not in self.errors:
            error = birth_date_error(
                data.get("birth_date"), today=school_today(self.school), teaching_since=teaching_since
            )
            # An unchanged stored date is left alone (the service does the same).
            if error and (
                self.instance.pk is None or "birth_date" in self.changed_data or "teaching_since" in self.changed_data
            ):
                self.add_error("birth_date", error)
        if "category" in self.fields:
            if data.get("category") and not data.get("category_awarded_on"):
                self.add_error("category_awarded_on", _("When was the category awarded?"))
            if data.get("category_awarded_on") and not data.get("category"):
                self.add_error("category", _("Choose the category that was awarded."))
        return data

    @property
    def staff_fields(self):
        return {name: self.cleaned_data[name] for name in self.Meta.fields if name != "subjects"}


class DeactivateForm(DateLimitsMixin, forms.Form):
    left_on = forms.DateField(label=_("Left on"), widget=DateInput())

    limited_date_fields = ("left_on",)

    def __init__(self, *args, school, **kwargs):
        super().__init__(*args, **kwargs)
        self.limit_dates(school)


class CategoryAwardForm(DateLimitsMixin, forms.Form):
    category = forms.ChoiceField(label=_("Category"), choices=QualificationCategory.choices)
    awarded_on = forms.DateField(label=_("Awarded on"), widget=DateInput())
    order_number = forms.CharField(label=_("Order number"), max_length=64, required=False)

    limited_date_fields = ("awarded_on",)

    def __init__(self, *args, school, **kwargs):
        super().__init__(*args, **kwargs)
        self.limit_dates(school)


class AchievementForm(DateLimitsMixin, forms.ModelForm):
    limited_date_fields = ("date",)

    class Meta:
        model = Achievement
        fields = ["kind", "title", "date", "level", "result"]
        widgets = {"date": DateInput()}

    def __init__(self, *args, school, **kwargs):
        super().__init__(*args, **kwargs)
        self.limit_dates(school)


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
        # Read the table now, so that an unreadable file is refused right away.
        content = upload.read()
        upload.seek(0)
        try:
            read_table(upload.name, content)
        except FileNotReadable as error:
            raise forms.ValidationError(str(error)) from None
        # Readable as a table is not enough: a web page passes for a CSV. The
        # content check every upload goes through refuses it.
        validate_upload(upload, max_mb=MAX_IMPORT_BYTES // (1024 * 1024), extensions={".xlsx", ".csv"})
        return upload


class NameForm(forms.Form):
    """The name of a school's catalog entry (a subject, an association, a problem...):
    `model` has `name` and `school`; the name is unique in the school, ignoring case and ё/е."""

    name = forms.CharField(label=_("Name"))

    def __init__(self, *args, model, school, instance=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.model, self.school, self.instance = model, school, instance
        max_length = model._meta.get_field("name").max_length
        self.fields["name"].max_length = max_length
        self.fields["name"].widget.attrs["maxlength"] = str(max_length)

    def clean_name(self):
        name = " ".join(self.cleaned_data["name"].split())
        max_length = self.fields["name"].max_length
        if len(name) > max_length:
            raise forms.ValidationError(
                _("The name is longer than %(max)s characters."), code="max_length", params={"max": max_length}
            )
        others = self.model.objects.for_school(self.school)
        if self.instance is not None:
            others = others.exclude(pk=self.instance.pk)
        key = name_key(name)
        if any(name_key(other) == key for other in others.values_list("name", flat=True)):
            raise forms.ValidationError(_("This name is already on the list."))
        return name
