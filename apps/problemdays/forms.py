import datetime
import functools
import re

from crispy_forms.templatetags.crispy_forms_filters import as_crispy_form
from django import forms
from django.db import connection
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import get_language, gettext
from django.utils.translation import gettext_lazy as _

from apps.core.choices import offer_loaded, share_choices, share_options
from apps.core.prepared import Param, prepared_query
from apps.core.uploads import DOCUMENTS, IMAGES, validate_upload
from apps.core.widgets import DateInput, DateTimeLocalInput, TimeInput
from apps.partners.models import PartnerOrganisation
from apps.staff.forms import StaffMultipleChoiceField
from apps.staff.models import StaffMember, Subject

from .models import DayActivity, PreparationRole, ProblemDay, Reflection, ThemeIdea
from .services import question_for_theme


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


@prepared_query
def _offered_staff():
    return school_staff(Param("school_id"))


def offered_staff(school):
    """A loader of `school_staff` as the day's form offers them, from a prepared query."""
    return functools.partial(_offered_staff.rows, school_id=school.pk)


def school_partners(school):
    return PartnerOrganisation.objects.for_school(school).order_by("name")


def school_subjects(school):
    return Subject.objects.for_school(school).order_by("name")


@functools.cache
def _offered_sql():
    """The school's active staff, its partners and subjects, as (kind, id, three
    name parts), sorted as `school_staff`, `school_partners` and `school_subjects` are."""
    staff, partners, subjects = (model._meta.db_table for model in (StaffMember, PartnerOrganisation, Subject))
    # Only the models' own table names are spliced in; the school is a parameter.
    return (
        f"SELECT 'staff', id, last_name::text, first_name::text, patronymic::text FROM {staff}"  # nosec B608
        " WHERE school_id = %s AND is_active"
        f" UNION ALL SELECT 'partners', id, name::text, ''::text, ''::text FROM {partners} WHERE school_id = %s"
        f" UNION ALL SELECT 'subjects', id, name::text, ''::text, ''::text FROM {subjects} WHERE school_id = %s"
        " ORDER BY 1, 3, 4, 2"
    )


class PlannerChoices:
    """The staff, partners and subjects the planner's row forms offer, loaded once
    for the day (the planner shows three role rows, two activity rows and maybe a
    row being edited, each offering them)."""

    def __init__(self, school):
        self.school = school
        # {field name: {selection: options' markup}} (see apps.core.choices).
        self.rendered = {}

    def offer(self, field, name, queryset, load):
        offer_loaded(field, queryset, load, rendered=self.rendered.setdefault(name, {}))

    def share(self, field, name):
        share_options(field, self.rendered.setdefault(name, {}))

    @classmethod
    def of(cls, day):
        if "_planner_choices" not in day.__dict__:
            day._planner_choices = cls(day.school)
        return day._planner_choices

    # The querysets the forms validate against, built once (not per form).
    @functools.cached_property
    def staff_queryset(self):
        return school_staff(self.school)

    @functools.cached_property
    def partners_queryset(self):
        return school_partners(self.school)

    @functools.cached_property
    def subjects_queryset(self):
        return school_subjects(self.school)

    @functools.cached_property
    def offered_rows(self):
        """The three lists in one hand-written query (a union of three querysets cost
        more to build and compile than to run): {kind: ((kind, id, three name parts), ...)},
        in the order the querysets above give them. Also what the markup of the blank
        rows depends on (see PlannerRowsFormSet._blank_key)."""
        with connection.cursor() as cursor:
            cursor.execute(_offered_sql(), [self.school.pk] * 3)
            fetched = cursor.fetchall()
        return {kind: tuple(row for row in fetched if row[0] == kind) for kind in ("staff", "partners", "subjects")}

    @functools.cached_property
    def _offered(self):
        """The options as objects: each needs only its id and name. Built only when a
        row form is drawn, not for the blank rows already rendered."""
        rows = self.offered_rows
        return {
            "staff": [
                StaffMember(id=pk, last_name=last_name, first_name=first_name, patronymic=patronymic)
                for _kind, pk, last_name, first_name, patronymic in rows["staff"]
            ],
            "partners": [PartnerOrganisation(id=row[1], name=row[2]) for row in rows["partners"]],
            "subjects": [Subject(id=row[1], name=row[2]) for row in rows["subjects"]],
        }

    @property
    def staff(self):
        return self._offered["staff"]

    @property
    def partners(self):
        return self._offered["partners"]

    @property
    def subjects(self):
        return self._offered["subjects"]


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
        share_choices(school_staff(school), self.fields["organisers"], load=offered_staff(school))
        if self.instance.pk:
            self.fields["organisers"].initial = list(self.instance.organisers.all())
            # A theme chosen here fills the question below, from the server, as it is chosen.
            self.fields["theme"].widget.attrs.update(
                {
                    "list": "theme-ideas",
                    "data-hx-post": reverse("problemdays:question_suggest", kwargs={"pk": self.instance.pk}),
                    "data-hx-trigger": "change",
                    "data-hx-target": "#question-field",
                    "data-hx-swap": "outerHTML",
                }
            )
        else:
            del self.fields["theme"]
        self.suggested_question = ""

    def suggest_question(self, *, old_theme):
        """Fill the typed question from the typed theme (see services.question_for_theme)."""
        data = self.data.copy()
        question = question_for_theme(
            theme=data.get("theme", ""),
            question=data.get("problem_question", ""),
            old_theme=old_theme,
            suggested=data.get("question_suggested", ""),
        )
        if question != data.get("problem_question", ""):
            self.suggested_question = question
        data["problem_question"] = question
        self.data = data


class CopyDayForm(forms.Form):
    date = forms.DateField(label=_("Date of the new day"), widget=DateInput())
    working_title = forms.CharField(label=_("Working title"), max_length=255, required=False)


class PlannerRowsFormSet(forms.BaseFormSet):
    """A few rows of one section of the planner sent at once (two ideas, three
    roles...): each row may start from its own initial values, and a row left
    as it was is skipped."""

    def __init__(self, *args, row_initial=(), **kwargs):
        self.row_initial = list(row_initial)
        super().__init__(*args, **kwargs)

    def get_form_kwargs(self, index):
        kwargs = super().get_form_kwargs(index)
        if index is not None and index < len(self.row_initial):
            kwargs["initial"] = self.row_initial[index]
        return kwargs

    def __getitem__(self, index):
        # The template engine tries `formset["rows"]` before `formset.rows`: answered
        # at once here, rather than after building every row's form.
        if not isinstance(index, int | slice):
            raise TypeError(f"formset rows are numbered, not named: {index!r}")
        return super().__getitem__(index)

    def _blank_key(self):
        """What the markup of the rows not sent yet depends on: the section, the
        language, each row's initial values, the school's zone and the choices
        the rows offer (names as the school keeps them). None if not sure."""
        day = self.form_kwargs.get("day")
        if self.is_bound or day is None or self.initial or self.form_kwargs.keys() != {"day"}:
            return None
        choices = PlannerChoices.of(day)
        offered = tuple(choices.offered_rows[kind] for kind in self.form.PLANNER_CHOICES)
        return (
            type(self),
            self.prefix,
            get_language(),
            repr(self.row_initial),
            self.total_form_count(),
            str(day.school.tzinfo),
            offered,
        )

    def blank_markup(self):
        """(management form, rows) of a section's rows not sent yet. Every planner
        page and section swap shows them, alike for the school until its staff,
        partners or subjects change: rendered once per process and key (see
        `_blank_key`), without building the row forms at all."""
        # The template asks twice (the management form, then the rows): answered once.
        found = self.__dict__.get("_blank_markup")
        if found is not None:
            return found
        key = self._blank_key()
        if key is None:
            found = str(self.management_form), self.rows_markup()
        else:
            found = _BLANK_ROWS.get(key)
            if found is None:
                if len(_BLANK_ROWS) >= _BLANK_ROWS_LIMIT:
                    _BLANK_ROWS.clear()
                found = _BLANK_ROWS[key] = (str(self.management_form), self.rows_markup())
        self._blank_markup = found
        return found

    def management_markup(self):
        return self.blank_markup()[0] if not self.is_bound else self.management_form

    def rows(self):
        return self.blank_markup()[1] if not self.is_bound else self.rows_markup()

    def fieldsets(self):
        """The rows, each in its numbered fieldset, as the planner shows them (a
        template loop with a translation per row cost more than the rows' markup)."""
        row = gettext("Row %(number)s")
        return mark_safe(  # nosec B308 B703 - the rows' markup is crispy's, escaped; the legend a number
            "".join(
                f'<fieldset class="border rounded p-2 mb-2"><legend class="fs-6 mb-1">{row % {"number": number}}'
                f"</legend>{markup}</fieldset>"
                for number, markup in enumerate(self.rows(), 1)
            )
        )

    def rows_markup(self):
        """Each row's form as crispy renders it. Rows not sent yet that start from
        the same values differ only in their number: they are rendered once,
        under the formset's placeholder prefix, and numbered."""
        placeholder = self.add_prefix("__prefix__")
        markup, alike = [], []
        for index, form in enumerate(self.forms):
            initial = self.row_initial[index] if index < len(self.row_initial) else {}
            if self.is_bound or "__prefix__" in repr(initial) or "__prefix__" in repr(form.initial):
                markup.append(as_crispy_form(form))
                continue
            template = next((html for values, html in alike if values == initial), None)
            if template is None and alike:
                # Rows that differ only in a choice picked ahead (the three roles) move the
                # selection in the first row's markup instead of rendering again.
                template = _reselected(alike[0][1], alike[0][0], initial, form, placeholder)
            if template is None:
                template = as_crispy_form(
                    self._construct_form(index, **{**self.get_form_kwargs(index), "prefix": placeholder})
                )
                alike.append((initial, template))
            # crispy's escaped markup, with its placeholder prefix numbered
            markup.append(mark_safe(template.replace(placeholder, self.add_prefix(index))))  # nosec B308 B703
        return markup

    def filled(self):
        """The rows someone typed into."""
        return [form for form in self.forms if form.has_changed()]

    def clean(self):
        if not any(self.errors) and not self.filled():
            raise forms.ValidationError(_("Fill in at least one row."), code="no_rows")


_PLAIN_VALUE = re.compile(r"[\w-]+")

# The blank rows' markup of the planner's sections, by what it depends on (see
# PlannerRowsFormSet._blank_key); cleared whole when full (a school's staff changes rarely).
_BLANK_ROWS = {}
_BLANK_ROWS_LIMIT = 256


def _reselected(html, initial, other, form, prefix):
    """`html` (a row rendered from `initial`) with the selections of `other`, when
    the two differ only in single-choice <select> fields holding plain values; else None."""
    if set(initial) != set(other):
        return None
    for name in (key for key in initial if initial[key] != other[key]):
        field = form.fields.get(name)
        if field is None or type(field.widget) is not forms.Select or field.show_hidden_initial:
            return None
        old, new = str(initial[name]), str(other[name])
        if not (_PLAIN_VALUE.fullmatch(old) and _PLAIN_VALUE.fullmatch(new)):
            return None
        start = html.find(f'<select name="{prefix}-{name}"')
        end = html.find("</select>", start)
        if start < 0 or end < 0 or html.find(f'<select name="{prefix}-{name}"', end) >= 0:
            return None
        select = html[start:end]
        was, now = f'<option value="{old}" selected>', f'<option value="{new}">'
        if select.count(was) != 1 or select.count(now) != 1:
            return None
        select = select.replace(was, f'<option value="{old}">').replace(now, f'<option value="{new}" selected>')
        html = html[:start] + select + html[end:]
    return html


def rows_formset(form_class, *, extra):
    return forms.formset_factory(form_class, formset=PlannerRowsFormSet, extra=extra, max_num=20, absolute_max=20)


class ThemeIdeaForm(forms.ModelForm):
    # The loaded lists (PlannerChoices) its blank row offers.
    PLANNER_CHOICES = ()

    class Meta:
        model = ThemeIdea
        fields = ["title", "proposed_by_kind", "proposed_by", "rationale", "votes"]
        widgets = {"rationale": forms.Textarea(attrs={"rows": 1})}

    def __init__(self, *args, day=None, **kwargs):
        super().__init__(*args, **kwargs)
        if day is not None:
            PlannerChoices.of(day).share(self.fields["proposed_by_kind"], "idea-kind")


class PreparationRoleForm(forms.ModelForm):
    PLANNER_CHOICES = ("staff",)

    class Meta:
        model = PreparationRole
        fields = ["kind", "staff", "when", "place"]

    def __init__(self, *args, day, **kwargs):
        super().__init__(*args, **kwargs)
        choices = PlannerChoices.of(day)
        choices.share(self.fields["kind"], "role-kind")
        choices.offer(self.fields["staff"], "role-staff", choices.staff_queryset, lambda: choices.staff)
        self.fields["staff"].label_from_instance = lambda obj: obj.full_name
        self.fields["when"] = SchoolDateTimeField(label=_("When"), required=False, tz=day.school.tzinfo)


class DayActivityForm(forms.ModelForm):
    """An activity of the day: times on the day's own date, in the school's zone."""

    starts = forms.TimeField(label=_("Starts at"), widget=TimeInput())
    ends = forms.TimeField(label=_("Ends at"), widget=TimeInput())
    responsible = StaffMultipleChoiceField(
        label=_("Responsible teachers"),
        queryset=StaffMember.objects.none(),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 4}),
    )
    partners = forms.ModelMultipleChoiceField(
        label=_("Partner organisations"),
        queryset=PartnerOrganisation.objects.none(),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 3}),
    )
    subjects = forms.ModelMultipleChoiceField(
        label=_("Subjects integrated"),
        queryset=Subject.objects.none(),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 3}),
    )

    PLANNER_CHOICES = ("staff", "partners", "subjects")
    # Where the service's errors about the stored times are shown.
    SERVICE_FIELDS = {"starts_at": "starts", "ends_at": "ends"}

    class Meta:
        model = DayActivity
        fields = ["title", "kind", "place", "grades", "parents_involved"]

    def __init__(self, *args, day, **kwargs):
        super().__init__(*args, **kwargs)
        self.day = day
        self.fields = {
            name: self.fields[name]
            for name in ("title", "kind", "starts", "ends", "place", "grades", "responsible")
            + ("partners", "subjects", "parents_involved")
        }
        choices = PlannerChoices.of(day)
        choices.share(self.fields["kind"], "activity-kind")
        choices.offer(self.fields["responsible"], "responsible", choices.staff_queryset, lambda: choices.staff)
        choices.offer(self.fields["partners"], "partners", choices.partners_queryset, lambda: choices.partners)
        choices.offer(self.fields["subjects"], "subjects", choices.subjects_queryset, lambda: choices.subjects)
        tz = day.school.tzinfo
        if self.instance.pk:
            self.initial["starts"] = self.instance.starts_at.astimezone(tz).time()
            self.initial["ends"] = self.instance.ends_at.astimezone(tz).time()
            for name in ("responsible", "partners", "subjects"):
                self.initial[name] = list(getattr(self.instance, name).all())
        else:
            self.initial.setdefault("starts", datetime.time(9, 0))
            self.initial.setdefault("ends", datetime.time(9, 45))
            self.initial.setdefault("grades", day.grades)

    def clean(self):
        data = super().clean()
        starts, ends = data.get("starts"), data.get("ends")
        if starts and ends and ends <= starts:
            self.add_error("ends", _("The activity must end after it starts."))
        return data

    def activity_fields(self):
        data = self.cleaned_data
        tz = self.day.school.tzinfo
        return {
            **{name: data[name] for name in self._meta.fields},
            "starts_at": datetime.datetime.combine(self.day.date, data["starts"], tzinfo=tz),
            "ends_at": datetime.datetime.combine(self.day.date, data["ends"], tzinfo=tz),
            "responsible": data["responsible"],
            "partners": data["partners"],
            "subjects": data["subjects"],
        }


IdeaRowsFormSet = rows_formset(ThemeIdeaForm, extra=3)
RoleRowsFormSet = rows_formset(PreparationRoleForm, extra=3)
ActivityRowsFormSet = rows_formset(DayActivityForm, extra=2)


class QuestionForm(forms.ModelForm):
    """The problem question, written on the planner itself."""

    class Meta:
        model = ProblemDay
        fields = ["problem_question"]
        widgets = {"problem_question": forms.Textarea(attrs={"rows": 2})}


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
