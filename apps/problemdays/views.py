from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from apps.audit.services import audit_export
from apps.core.dates import school_today
from apps.core.forms import apply_validation_error
from apps.core.tenancy import get_for_school_or_404, school_view
from apps.core.uploads import file_download

from . import selectors, services
from .access import day_can_edit, is_manager, require
from .forms import CopyDayForm, DayActivityForm, PreparationRoleForm, ProblemDayForm, ReflectionForm, ThemeIdeaForm
from .models import DayActivity, PreparationRole, ProblemDay, Reflection, ThemeIdea


def _day(request, pk, *, planner=False):
    queryset = (selectors.planner_queryset if planner else selectors.day_queryset)(school=request.school)
    return get_for_school_or_404(queryset, school=request.school, pk=pk)


def _editable_day(request, pk):
    day = _day(request, pk)
    require(day_can_edit(request, day))
    return day


def _part(request, model, pk):
    """A row of a day (idea, role, activity) that the user may change, and its day."""
    part = get_for_school_or_404(model.objects.select_related("day", "day__school"), school=request.school, pk=pk)
    day = _day(request, part.day_id)
    require(day_can_edit(request, day))
    return part, day


def _flag_clashes(activities):
    """Put each activity's clash warnings on it (`clash_list`) for the templates."""
    activities = list(activities)
    clashes = selectors.day_clashes(activities)
    for activity in activities:
        activity.clash_list = clashes.get(activity.pk, [])
    return activities


def _form_page(request, form, day, title, testid):
    return render(request, "problemdays/form.html", {"form": form, "day": day, "title": title, "testid": testid})


@school_view()
def day_list(request):
    return render(
        request,
        "problemdays/day_list.html",
        {"days": selectors.day_list(school=request.school), "can_create": is_manager(request)},
    )


@school_view()
def my_duties(request):
    activities, roles = selectors.my_duties(school=request.school, user=request.user)
    return render(request, "problemdays/my_duties.html", {"activities": activities, "roles": roles})


@school_view("problemdays.manage")
def day_create(request):
    form = ProblemDayForm(request.POST or None, school=request.school)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        organisers = data.pop("organisers")
        try:
            day = services.day_create(school=request.school, organisers=organisers, created_by=request.user, **data)
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            messages.success(request, _("The day is created."))
            return redirect("problemdays:day_detail", pk=day.pk)
    return _form_page(request, form, None, _("New problem-theme day"), "day-form")


@school_view()
def day_detail(request, pk):
    day = _day(request, pk, planner=True)
    activities = _flag_clashes(day.activities.all())
    return render(
        request,
        "problemdays/day_detail.html",
        {
            "day": day,
            "can_edit": day_can_edit(request, day),
            "can_copy": is_manager(request),
            "missing": selectors.still_missing(day, today=school_today(request.school)),
            "activities": activities,
            "statuses": ProblemDay.Status.choices,
            "previous": ProblemDay.ORDER[day.stage_index - 1] if day.stage_index else None,
            "next": ProblemDay.ORDER[day.stage_index + 1] if day.stage_index + 1 < len(ProblemDay.ORDER) else None,
            "reflection": getattr(day, "reflection", None),
        },
    )


@school_view()
def day_edit(request, pk):
    day = _editable_day(request, pk)
    form = ProblemDayForm(request.POST or None, instance=day, school=request.school)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        try:
            services.day_update(day=day, **data)
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            messages.success(request, _("The day is saved."))
            return redirect("problemdays:day_detail", pk=day.pk)
    return _form_page(request, form, day, _("Edit the day"), "day-form")


@require_POST
@school_view()
def day_stage(request, pk):
    day = _editable_day(request, pk)
    try:
        warnings = services.stage_move(day=day, to_status=request.POST.get("to_status", ""))
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        for warning in warnings:
            messages.warning(request, warning)
        messages.success(request, _("The day is now at the stage: %(stage)s.") % {"stage": day.get_status_display()})
    return redirect("problemdays:day_detail", pk=day.pk)


@school_view()
def idea_create(request, pk):
    day = _editable_day(request, pk)
    return _idea_form(request, day, None)


@school_view()
def idea_edit(request, pk):
    idea, day = _part(request, ThemeIdea, pk)
    return _idea_form(request, day, idea)


def _idea_form(request, day, idea):
    form = ThemeIdeaForm(request.POST or None, instance=idea)
    if request.method == "POST" and form.is_valid():
        try:
            services.idea_save(day=day, idea=idea, **form.cleaned_data)
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            messages.success(request, _("The theme idea is saved."))
            return redirect(f"{day_url(day)}#ideas")
    return _form_page(request, form, day, _("Theme idea"), "idea-form")


def day_url(day):
    from django.urls import reverse

    return reverse("problemdays:day_detail", kwargs={"pk": day.pk})


@require_POST
@school_view()
def idea_choose(request, pk):
    idea, day = _part(request, ThemeIdea, pk)
    services.idea_choose(idea=idea)
    messages.success(request, _("The theme «%(title)s» is chosen.") % {"title": idea.title})
    return redirect(f"{day_url(day)}#ideas")


@school_view()
def role_create(request, pk):
    day = _editable_day(request, pk)
    form = PreparationRoleForm(request.POST or None, day=day)
    if request.method == "POST" and form.is_valid():
        try:
            services.role_add(day=day, **form.cleaned_data)
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            messages.success(request, _("The role is assigned."))
            return redirect(f"{day_url(day)}#roles")
    return _form_page(request, form, day, _("Preparation role"), "role-form")


@require_POST
@school_view()
def role_delete(request, pk):
    role, day = _part(request, PreparationRole, pk)
    role.delete()
    messages.success(request, _("The role is removed."))
    return redirect(f"{day_url(day)}#roles")


@school_view()
def activity_create(request, pk):
    day = _editable_day(request, pk)
    return _activity_form(request, day, None)


@school_view()
def activity_edit(request, pk):
    activity, day = _part(request, DayActivity, pk)
    return _activity_form(request, day, activity)


def _activity_form(request, day, activity):
    form = DayActivityForm(request.POST or None, instance=activity, day=day)
    if request.method == "POST" and form.is_valid():
        try:
            _activity, clashes = services.activity_save(day=day, activity=activity, **form.activity_fields())
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            for clash in clashes:
                messages.warning(request, clash)
            messages.success(request, _("The activity is saved."))
            return redirect(f"{day_url(day)}#plan")
    return _form_page(request, form, day, _("Activity of the day"), "activity-form")


@require_POST
@school_view()
def activity_delete(request, pk):
    activity, day = _part(request, DayActivity, pk)
    activity.delete()
    messages.success(request, _("The activity is removed."))
    return redirect(f"{day_url(day)}#plan")


@school_view()
def reflection_edit(request, pk):
    day = _editable_day(request, pk)
    form = ReflectionForm(
        request.POST or None, request.FILES or None, instance=Reflection.objects.filter(day=day).first()
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.reflection_save(day=day, **form.cleaned_data)
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            messages.success(request, _("The reflection is saved."))
            return redirect(f"{day_url(day)}#reflection")
    return _form_page(request, form, day, _("Reflection after the day"), "reflection-form")


@school_view()
def reflection_file(request, pk):
    day = _day(request, pk)
    reflection = Reflection.objects.filter(day=day).first()
    return file_download(reflection.photo if reflection else None)


@school_view()
def timetable(request, pk):
    day = _day(request, pk, planner=True)
    _flag_clashes(day.activities.all())
    return render(request, "problemdays/timetable.html", {"day": day, "table": selectors.timetable(day)})


@school_view()
def day_print(request, pk):
    day = _day(request, pk, planner=True)
    response = render(
        request,
        "problemdays/print.html",
        {"day": day, "activities": _flag_clashes(day.activities.all())},
    )
    audit_export(what=_("Problem-theme day plan, printed: %(day)s") % {"day": day})
    return response


@school_view("problemdays.manage")
def day_copy(request, pk):
    source = _day(request, pk)
    form = CopyDayForm(request.POST or None, initial={"working_title": source.title})
    if request.method == "POST" and form.is_valid():
        try:
            day = services.day_copy(source=source, created_by=request.user, **form.cleaned_data)
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            messages.success(request, _("The plan is copied into a new day."))
            return redirect("problemdays:day_detail", pk=day.pk)
    return _form_page(request, form, source, _("Copy the plan into a new day"), "copy-form")
