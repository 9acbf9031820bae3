from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.template.backends.utils import csrf_input
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.safestring import SafeString
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from apps.audit.services import audit_export
from apps.core.dates import school_today
from apps.core.form_rendering import text
from apps.core.forms import apply_validation_error
from apps.core.links import row_link
from apps.core.tenancy import get_for_school_or_404, school_view
from apps.core.typography import quoted
from apps.core.uploads import file_download

from . import selectors, services
from .access import day_can_edit, is_manager, require
from .forms import (
    ActivityRowsFormSet,
    CopyDayForm,
    DayActivityForm,
    IdeaRowsFormSet,
    PreparationRoleForm,
    ProblemDayForm,
    QuestionForm,
    ReflectionForm,
    RoleRowsFormSet,
    ThemeIdeaForm,
)
from .models import DayActivity, PreparationRole, ProblemDay, Reflection, ThemeIdea
from .rows import PlannerRows


def _day(request, pk, *, planner=False, page="day"):
    """Day `pk` as the view's page reads it (selectors.day_for_page); another school's: 404."""
    day = selectors.day_for_page(school=request.school, pk=pk, page="planner" if planner else page)
    if day is None:
        raise Http404(str(ProblemDay._meta.verbose_name))
    return day


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


def _day_form_page(request, form, day, title):
    ideas = selectors.idea_titles(day) if day else []
    return render(request, "problemdays/day_form.html", {"form": form, "day": day, "title": title, "ideas": ideas})


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
    return _day_form_page(request, form, None, _("New problem-theme day"))


# The planner is one page. Each section (roles, ideas, the activity plan) adds
# several rows at once and edits a row in place: with htmx the section is
# swapped (and the stage panel, the heading and the question with it, out of
# band); without JavaScript the form posts and the page comes back at the section.
SECTIONS = {
    "roles": {"model": PreparationRole, "formset": RoleRowsFormSet, "form": PreparationRoleForm, "row": "role"},
    "ideas": {"model": ThemeIdea, "formset": IdeaRowsFormSet, "form": ThemeIdeaForm, "row": "idea"},
    "plan": {"model": DayActivity, "formset": ActivityRowsFormSet, "form": DayActivityForm, "row": "activity"},
}
ROW_SECTIONS = {config["row"]: name for name, config in SECTIONS.items()}


def _add_rows(day, section, data=None):
    initial = {
        "roles": [{"kind": kind} for kind in PreparationRole.Kind.values],
        # Most ideas come from a class at the gathering.
        "ideas": [{"proposed_by_kind": ThemeIdea.ProposedBy.CLASS}] * 3,
        "plan": [{"grades": day.grades}] * 2,
    }.get(section, ())
    return SECTIONS[section]["formset"](data, prefix=section, form_kwargs={"day": day}, row_initial=initial)


def _row_form(part, day, section, data=None):
    return SECTIONS[section]["form"](data, instance=part, day=day, prefix=f"{SECTIONS[section]['row']}-{part.pk}")


# Each row's own links: {section: [(attribute, link)]}.
ROW_LINKS = {
    "roles": [("edit_url", row_link("problemdays:role_edit")), ("delete_url", row_link("problemdays:role_delete"))],
    "ideas": [("edit_url", row_link("problemdays:idea_edit")), ("choose_url", row_link("problemdays:idea_choose"))],
    "plan": [
        ("edit_url", row_link("problemdays:activity_edit")),
        ("delete_url", row_link("problemdays:activity_delete")),
    ],
}


# The planner's own links (a {% url %} each cost more than the rest of its line).
DAY_LINKS = {
    name: row_link(f"problemdays:{name}")
    for name in (
        "day_edit",
        "timetable",
        "day_print",
        "day_copy",
        "question_save",
        "day_stage",
        "role_create",
        "idea_create",
        "activity_create",
        "reflection_edit",
        "reflection_file",
    )
}


def _planner_context(request, day, *, bound=None, editing=None, notice=""):
    """Everything the planner page and its fragments show. `bound` holds a
    section's rows sent with errors; `editing` = (section, pk, form) is the row
    shown as a form."""
    can_edit = day_can_edit(request, day)
    activities = _flag_clashes(day.activities.all())
    rows = {"roles": list(day.roles.all()), "ideas": list(day.ideas.all()), "plan": activities}
    for section, links in ROW_LINKS.items():
        for part in rows[section]:
            for attribute, link in links:
                setattr(part, attribute, link(pk=part.pk))
            # Asked by every row: a missing attribute costs the template engine three failed lookups.
            part.edit_form = None
    selectors.planner_labels(roles=rows["roles"], ideas=rows["ideas"], activities=activities)
    day.clash_confirmations = selectors.clash_confirmations(day)
    if editing:
        section, pk, form = editing
        for part in rows[section]:
            if part.pk == pk:
                part.edit_form = form
    # One CSRF field for the page's forms (a {% csrf_token %} each cost a hundred calls).
    planner_url, csrf_field = day_url(day), csrf_input(request)
    drawn = PlannerRows(planner_url=planner_url, can_edit=can_edit, csrf=csrf_field)
    for section, config in SECTIONS.items():
        for part in rows[section]:
            part.dom_id = f"{config['row']}-{part.pk}"
            if part.edit_form is None:
                part.shown = drawn.draw(section, part)
    clashes = {activity.pk: activity.clash_list for activity in activities if activity.clash_list}
    checks = selectors.stage_checks(day, today=school_today(request.school), clashes=clashes)
    missing = selectors.still_missing(day, checks=checks)
    next_status = ProblemDay.ORDER[day.stage_index + 1] if day.stage_index + 1 < len(ProblemDay.ORDER) else None
    return {
        "day": day,
        "planner_url": planner_url,
        "links": {name: link(pk=day.pk) for name, link in DAY_LINKS.items()},
        "can_edit": can_edit,
        "can_copy": is_manager(request),
        "missing": missing,
        "missing_items": _missing_items(missing),
        "roles": rows["roles"],
        "ideas": rows["ideas"],
        "activities": activities,
        "stage_items": _stage_items(day),
        "csrf_field": csrf_field,
        "previous": ProblemDay.ORDER[day.stage_index - 1] if day.stage_index else None,
        "next": next_status,
        "next_clashes": [c.message for c in checks[next_status] if c.clash] if next_status else [],
        "reflection": getattr(day, "reflection", None),
        "question_form": QuestionForm(instance=day) if can_edit else None,
        "add_forms": {
            name: (bound[1] if bound and bound[0] == name else _add_rows(day, name)) if can_edit else None
            for name in SECTIONS
        },
        "notice": notice,
    }


def _stage_items(day):
    """The stages in order, the day's own in bold, as the stage panel lists them."""
    return SafeString(  # nosec B308 B703 - every value escaped by text(), the rest constant markup
        "".join(
            f'<li class="list-inline-item{" fw-bold" if value == day.status else " text-body-secondary"}">'
            f"{number}. {text(label)}</li>"
            for number, (value, label) in enumerate(ProblemDay.Status.choices, 1)
        )
    )


def _missing_items(missing):
    """The stage panel's "still missing": each later stage with its checks, the blocking ones in red."""
    return SafeString(  # nosec B308 B703 - every value escaped by text(), the rest constant markup
        "".join(
            f'<div class="small mt-1">{text(capfirst(label))}:<ul class="mb-0">'
            + "".join(
                f'<li class="{"text-danger" if check.blocking else "text-warning-emphasis"}">{text(check.message)}</li>'
                for check in checks
            )
            + "</ul></div>"
            for label, checks in missing
        )
    )


def _planner_url(day, anchor):
    return f"{day_url(day)}#{anchor}"


def _section_response(request, day, section, *, notice="", bound=None, editing=None):
    """htmx: the section, with the stage panel, heading and question swapped out of band."""
    day = _day(request, day.pk, planner=True)
    context = _planner_context(request, day, bound=bound, editing=editing, notice=notice)
    html = [render_to_string(f"problemdays/day_detail.html#{section}", context, request)]
    context["oob"] = True
    # Choosing an idea changes the theme (the heading) and may fill the question.
    for part in ("status", "heading", "stages", "question") if section == "ideas" else ("status", "stages"):
        html.append(render_to_string(f"problemdays/day_detail.html#{part}", context, request))
    return HttpResponse("".join(html))


def _planner_page(request, day, *, bound=None, editing=None):
    day = _day(request, day.pk, planner=True)
    return render(request, "problemdays/day_detail.html", _planner_context(request, day, bound=bound, editing=editing))


@school_view()
def day_detail(request, pk):
    day = _day(request, pk, planner=True)
    editing = None
    kind, _dash, part_pk = request.GET.get("edit", request.GET.get("row", "")).partition("-")
    if kind in ROW_SECTIONS and part_pk.isdigit() and day_can_edit(request, day):
        section = ROW_SECTIONS[kind]
        part = next(
            (
                p
                for p in getattr(day, SECTIONS[section]["model"].day.field.related_query_name()).all()
                if p.pk == int(part_pk)
            ),
            None,
        )
        if part is None:
            raise Http404
        if "edit" in request.GET:
            editing = (section, part.pk, _row_form(part, day, section))
        if request.htmx:
            context = _planner_context(request, day, editing=editing)
            return render(request, f"problemdays/day_detail.html#{kind}-row", {**context, kind: part})
    return render(request, "problemdays/day_detail.html", _planner_context(request, day, editing=editing))


def _saved(request, day, section, notice, warnings=()):
    if request.htmx:
        return _section_response(request, day, section, notice=" ".join([notice, *warnings]))
    for warning in warnings:
        messages.warning(request, warning)
    messages.success(request, notice)
    return redirect(_planner_url(day, section))


def _add(request, pk, section, save, notice):
    """Rows of a section added at once (see SECTIONS); GET shows them on the planner."""
    day = _editable_day(request, pk)
    if request.method != "POST":
        return redirect(_planner_url(day, section))
    formset = _add_rows(day, section, request.POST)
    if formset.is_valid():
        filled = formset.filled()
        try:
            result = save(day, [_row_values(form) for form in filled])
        except ValidationError as error:
            apply_validation_error(filled[getattr(error, "row", 0)], error, getattr(filled[0], "SERVICE_FIELDS", None))
        else:
            # Only the activity plan has something to warn of: its clashes.
            return _saved(request, day, section, notice, result if section == "plan" else ())
    if request.htmx:
        return _section_response(request, day, section, bound=(section, formset))
    return _planner_page(request, day, bound=(section, formset))


def _row_values(form):
    return form.activity_fields() if hasattr(form, "activity_fields") else dict(form.cleaned_data)


def _edit(request, pk, section, save, notice):
    """One row changed in place; GET opens it as a form (htmx) or the planner at it."""
    model = SECTIONS[section]["model"]
    part, day = _part(request, model, pk)
    row = SECTIONS[section]["row"]
    if request.method != "POST":
        return redirect(f"{day_url(day)}?edit={row}-{part.pk}#{row}-{part.pk}")
    form = _row_form(part, day, section, request.POST)
    if form.is_valid():
        try:
            result = save(day, part, _row_values(form))
        except ValidationError as error:
            apply_validation_error(form, error, getattr(form, "SERVICE_FIELDS", None))
        else:
            return _saved(request, day, section, notice, result if section == "plan" else ())
    editing = (section, part.pk, form)
    if request.htmx:
        day = _day(request, day.pk, planner=True)
        context = _planner_context(request, day, editing=editing)
        part = next(p for p in context[{"plan": "activities"}.get(section, section)] if p.pk == part.pk)
        response = render(request, f"problemdays/day_detail.html#{row}-row", {**context, row: part})
        # The form aims at its section; with errors only its own row comes back.
        response["HX-Retarget"] = f"#{row}-{part.pk}"
        response["HX-Reswap"] = "outerHTML"
        return response
    return _planner_page(request, day, editing=editing)


def _remove(request, pk, section, notice):
    part, day = _part(request, SECTIONS[section]["model"], pk)
    part.delete()
    return _saved(request, day, section, notice)


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
    return _day_form_page(request, form, day, _("Edit the day"))


@require_POST
@school_view()
def day_stage(request, pk):
    """One stage forward or back. Into "ready" with clashes in the plan, the
    form's confirmation names the clashes it covers (the `clash` fields)."""
    day = _editable_day(request, pk)
    confirmed = request.POST.getlist("clash") if request.POST.get("confirm_clashes") else []
    try:
        warnings = services.stage_move(
            day=day, to_status=request.POST.get("to_status", ""), changed_by=request.user, confirmed_clashes=confirmed
        )
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        for warning in warnings:
            messages.warning(request, warning)
        messages.success(request, _("The day is now at the stage: %(stage)s.") % {"stage": day.get_status_display()})
    return redirect(_planner_url(day, "stages"))


@school_view()
def role_create(request, pk):
    return _add(
        request, pk, "roles", lambda day, rows: services.roles_add(day=day, rows=rows), _("The roles are assigned.")
    )


@school_view()
def role_edit(request, pk):
    return _edit(
        request,
        pk,
        "roles",
        lambda day, role, row: services.role_save(day=day, role=role, **row),
        _("The role is saved."),
    )


@require_POST
@school_view()
def role_delete(request, pk):
    return _remove(request, pk, "roles", _("The role is removed."))


@school_view()
def idea_create(request, pk):
    return _add(
        request, pk, "ideas", lambda day, rows: services.ideas_add(day=day, rows=rows), _("The theme ideas are saved.")
    )


@school_view()
def idea_edit(request, pk):
    return _edit(
        request,
        pk,
        "ideas",
        lambda day, idea, row: services.idea_save(day=day, idea=idea, **row),
        _("The theme idea is saved."),
    )


def day_url(day):
    return reverse("problemdays:day_detail", kwargs={"pk": day.pk})


@require_POST
@school_view()
def idea_choose(request, pk):
    idea, day = _part(request, ThemeIdea, pk)
    services.idea_choose(idea=idea)
    return _saved(request, day, "ideas", _("The theme %(title)s is chosen.") % {"title": quoted(idea.title)})


@school_view()
def activity_create(request, pk):
    return _add(
        request,
        pk,
        "plan",
        lambda day, rows: services.activities_add(day=day, rows=rows),
        _("The activities are saved."),
    )


@school_view()
def activity_edit(request, pk):
    return _edit(
        request,
        pk,
        "plan",
        lambda day, activity, row: services.activity_save(day=day, activity=activity, **row)[1],
        _("The activity is saved."),
    )


@require_POST
@school_view()
def activity_delete(request, pk):
    return _remove(request, pk, "plan", _("The activity is removed."))


@require_POST
@school_view()
def question_save(request, pk):
    """The problem question written on the planner."""
    day = _editable_day(request, pk)
    form = QuestionForm(request.POST, instance=day)
    if form.is_valid():
        try:
            services.day_update(day=day, problem_question=form.cleaned_data["problem_question"])
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            if request.htmx:
                day = _day(request, day.pk, planner=True)
                context = _planner_context(request, day, notice=_("The problem question is saved."))
                return render(request, "problemdays/day_detail.html#question", context)
            messages.success(request, _("The problem question is saved."))
            return redirect(_planner_url(day, "question"))
    day = _day(request, day.pk, planner=True)
    context = _planner_context(request, day)
    context["question_form"] = form
    if request.htmx:
        return render(request, "problemdays/day_detail.html#question", context)
    return render(request, "problemdays/day_detail.html", context)


@require_POST
@school_view()
def question_suggest(request, pk):
    """The day form's question field as a newly typed theme fills it (htmx; nothing is saved)."""
    day = _editable_day(request, pk)
    form = ProblemDayForm(request.POST, instance=day, school=request.school)
    form.suggest_question(old_theme=ProblemDay.objects.values_list("theme", flat=True).get(pk=day.pk))
    return render(request, "problemdays/day_form.html#question-field", {"form": form})


@school_view()
def reflection_edit(request, pk):
    day = _editable_day(request, pk)
    # The day's own reflection, read with it (select_related): the service reads it again to save.
    form = ReflectionForm(request.POST or None, request.FILES or None, instance=getattr(day, "reflection", None))
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
    day = _day(request, pk, page="plan")
    _flag_clashes(day.activities.all())
    return render(request, "problemdays/timetable.html", {"day": day, "table": selectors.timetable(day)})


@school_view()
def day_print(request, pk):
    day = _day(request, pk, page="print")
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
