"""Forms of development routes. Rules about people and evidence live in
route_services; the forms limit the choices and check uploads."""

import functools

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from apps.core.choices import offer_loaded
from apps.core.prepared import Param, prepared_query
from apps.core.uploads import validate_upload
from apps.core.validation import max_length_of
from apps.core.widgets import DateInput
from apps.staff.models import StaffMember

from .forms import choices_read_once
from .models import DevelopmentRoute, GroupEvent, RouteStep
from .route_selectors import route_evidence_events, route_staff_choices, route_teacher_choices

EVIDENCE_MAX_MB = 20


def _loaded(query, **values):
    """The rows of a prepared query, read when first asked for (a drop-down's options)."""
    return functools.cache(lambda: query.rows(**values))


@prepared_query
def _staff_shown():
    # What an option shows (PersonChoiceField): no other columns.
    return route_staff_choices(school=Param("school_id")).only("last_name", "first_name", "patronymic", "position")


@prepared_query
def _evidence_shown():
    # What an option shows and the step's rules read (route_services): no other columns.
    return route_evidence_events(teacher=Param("teacher_id")).only("starts_at", "kind", "title")


class PersonChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.full_name}, {obj.position}" if obj.position else obj.full_name


class VisitChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        start = timezone.localtime(obj.starts_at)
        return f"{start:%d.%m.%Y} · {obj.get_kind_display()}: {obj.title}"


class RouteFilterForm(forms.Form):
    q = forms.CharField(label=_("Teacher or mentor"), required=False, max_length=100)
    overdue = forms.BooleanField(label=_("Only with overdue steps"), required=False)


class DevelopmentRouteForm(forms.Form):
    """A new route (with the teacher) or a route's mentor, goals and start (without)."""

    teacher = PersonChoiceField(
        label=_("Early-career teacher"),
        queryset=StaffMember.objects.none(),
        help_text=_("Teachers working here with under three years of teaching."),
    )
    mentor = PersonChoiceField(
        label=_("Mentor"),
        queryset=StaffMember.objects.none(),
        help_text=_("An experienced colleague who accompanies the teacher and answers for the route."),
    )
    goals = forms.CharField(
        label=_("Goals"),
        max_length=max_length_of(DevelopmentRoute, "goals"),
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Two or three goals for the year, in the teacher's own words."),
    )
    starts_on = forms.DateField(label=_("Starts on"), widget=DateInput())

    def __init__(self, *args, school, with_teacher=True, **kwargs):
        super().__init__(*args, **kwargs)
        # Options read as one list, not through a server-side cursor's round trips.
        offer_loaded(
            self.fields["mentor"],
            route_staff_choices(school=school),
            _loaded(_staff_shown, school_id=school.pk),
        )
        self.teacher_rows = list
        if with_teacher:
            self.fields["teacher"].queryset = route_teacher_choices(school=school)
            self.teacher_rows = choices_read_once([self.fields["teacher"]], self.fields["teacher"].queryset)
        else:
            del self.fields["teacher"]

    def has_teachers(self):
        """Anyone to open a route for (the drop-down's read, not another query)."""
        return bool(self.teacher_rows())

    def clean(self):
        data = super().clean()
        teacher, mentor = data.get("teacher"), data.get("mentor")
        if teacher is not None and mentor is not None and teacher.pk == mentor.pk:
            self.add_error("mentor", _("The mentor is someone other than the teacher."))
        return data


class RouteStepForm(forms.Form):
    """A step of a route. Those who manage the route change its plan and its
    progress; the route's teacher only the progress (`plan=False`): status
    (not cancelling) and evidence."""

    title = forms.CharField(label=_("Step"), max_length=255)
    due_on = forms.DateField(label=_("Due on"), widget=DateInput())
    responsible = PersonChoiceField(label=_("Responsible mentor"), queryset=StaffMember.objects.none())
    status = forms.ChoiceField(label=_("Status"), choices=RouteStep.Status.choices)
    evidence_link = forms.URLField(
        label=_("Evidence: a link"),
        max_length=max_length_of(RouteStep, "evidence_link"),
        required=False,
        assume_scheme="https",
        help_text=_("A document, a video or a page where the result can be seen."),
    )
    evidence_file = forms.FileField(
        label=_("Evidence: a file"),
        required=False,
        widget=forms.FileInput(),
        help_text=_("A document, a picture or a video up to 20 MB."),
    )
    remove_evidence_file = forms.BooleanField(label=_("Remove the attached file"), required=False)
    evidence_event = VisitChoiceField(
        label=_("Evidence: a lesson visit"),
        queryset=GroupEvent.objects.none(),
        required=False,
        help_text=_("A lesson visit or a reverse visit of the teacher's pair or triad."),
    )

    def __init__(self, *args, route, step=None, plan=True, progress=True, **kwargs):
        super().__init__(*args, **kwargs)
        self.route, self.step = route, step
        if plan:
            offer_loaded(
                self.fields["responsible"],
                route_staff_choices(school=route.school),
                _loaded(_staff_shown, school_id=route.school.pk),
            )
        else:
            for name in ("title", "due_on", "responsible"):
                del self.fields[name]
        if progress:
            offer_loaded(
                self.fields["evidence_event"],
                route_evidence_events(teacher=route.teacher),
                _loaded(_evidence_shown, teacher_id=route.teacher_id),
            )
            if not plan:
                # Cancelling a step is the mentor's decision, not the teacher's.
                cancelled = RouteStep.Status.CANCELLED
                keep_cancelled = step is not None and step.status == cancelled
                self.fields["status"].choices = [
                    choice for choice in RouteStep.Status.choices if choice[0] != cancelled or keep_cancelled
                ]
            if step is None or not step.evidence_file:
                del self.fields["remove_evidence_file"]
        else:
            for name in ("status", "evidence_link", "evidence_file", "remove_evidence_file", "evidence_event"):
                del self.fields[name]

    def clean_evidence_file(self):
        upload = self.cleaned_data.get("evidence_file")
        if upload:
            validate_upload(upload, max_mb=EVIDENCE_MAX_MB)
        return upload

    @property
    def step_fields(self):
        """What the form changes, for route_step_create / route_step_update."""
        data = dict(self.cleaned_data)
        upload = data.pop("evidence_file", None)
        remove = data.pop("remove_evidence_file", False)
        if upload:
            data["evidence_file"] = upload
        elif remove:
            data["evidence_file"] = None
        return data
