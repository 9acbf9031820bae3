from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from apps.audit.services import audit_export
from apps.core.dates import school_today
from apps.core.forms import apply_validation_error
from apps.core.tenancy import get_for_school_or_404, network_view, request_viewer, school_view

from . import markup, selectors, services, xlsx
from .access import can_manage, can_mark_done, own_side, require
from .forms import (
    DifficultyForm,
    HelpFormForm,
    MilestoneForm,
    ProgrammeCreateForm,
    ProgrammeEditForm,
    ResponsibleForm,
    ReviewForm,
)
from .models import Difficulty, HelpForm, HelpMilestone, Programme, Responsible

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _xlsx_response(content, file_name):
    response = HttpResponse(content, content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="{file_name}"'
    return response


def _programme(request, pk, parts=tuple(selectors.PART_ROWS)):
    """Programme `pk` with the `parts` its page shows; a school that is neither side: 404."""
    programme = selectors.programme_page(school=request.school, pk=pk, parts=parts)
    if programme is None:
        raise Http404(str(Programme._meta.verbose_name))
    return programme


def _plain(request, pk):
    return get_for_school_or_404(
        Programme.objects.select_related("leader_school", "supported_school"), school=request.school, pk=pk
    )


def _errors_to_messages(request, error):
    for message in error.messages:
        messages.error(request, message)


@school_view()
def programme_list(request):
    today = school_today(request.school)
    return render(
        request,
        "help_programmes/programme_list.html",
        {
            "programmes": selectors.programmes_of_school(school=request.school, today=today),
            "can_create": can_manage(request) and services.programme_may_lead(request.school),
        },
    )


@school_view("help_programmes.manage")
def programme_create(request):
    """The leader school of a network draws up a programme with one of its schools."""
    school = request.school
    if not services.programme_may_lead(school):
        return render(request, "help_programmes/programme_form.html", {"not_leader": True})
    form = ProgrammeCreateForm(request.POST or None, school=school)
    if request.method == "POST" and form.is_valid():
        try:
            programme = services.programme_create(leader_school=school, **form.cleaned_data)
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            messages.success(request, _("The programme is drawn up. Name the difficulties and the forms of help."))
            return redirect("help_programmes:detail", pk=programme.pk)
    return render(request, "help_programmes/programme_form.html", {"form": form})


@school_view()
def programme_detail(request, pk):
    programme = _programme(request, pk)
    today = school_today(request.school)
    milestones = programme.milestones_rows
    for milestone in milestones:
        milestone.overdue = milestone.is_overdue(today)
        milestone.can_mark = programme.is_under_way and can_mark_done(request, milestone)
    # Only a shared materials form lists materials: without one, the circle rule's query is not run.
    shared = any(f.kind == HelpForm.Kind.SHARED_MATERIALS for f in programme.help_forms_rows)
    linked = selectors.help_form_materials(programme=programme, viewer=request_viewer(request)) if shared else {}
    for help_form in programme.help_forms_rows:
        help_form.linked_materials = linked.get(help_form.pk, [])
    return render(
        request,
        "help_programmes/programme_detail.html",
        {
            "programme": programme,
            "difficulties_html": markup.difficulties_html(programme.difficulties_rows),
            "help_forms_html": markup.help_forms_html(programme.help_forms_rows),
            "responsibles_html": markup.responsibles_html(programme.responsibles_rows),
            "milestones_html": markup.milestones_html(request, milestones),
            "can_manage": can_manage(request),
            "side": own_side(request, programme),
        },
    )


@school_view()
def programme_xlsx(request, pk):
    programme = selectors.programme_detail(school=request.school, pk=pk)
    if programme is None:
        raise Http404(str(Programme._meta.verbose_name))
    file_name = f"help-programme-{programme.pk}.xlsx"
    audit_export(what=_("Programme of help: %(title)s") % {"title": programme.title}, file_name=file_name)
    return _xlsx_response(xlsx.programme_xlsx(programme), file_name)


@school_view("help_programmes.manage")
def programme_edit(request, pk):
    programme = _plain(request, pk)
    if not programme.is_open:
        messages.error(request, _("The year of this programme is reviewed: it is kept as it was."))
        return redirect("help_programmes:detail", pk=programme.pk)
    form = ProgrammeEditForm(request.POST or None, initial={"title": programme.title, "goal": programme.goal})
    if request.method == "POST" and form.is_valid():
        try:
            services.programme_update(programme=programme, **form.cleaned_data)
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            messages.success(request, _("The programme is saved."))
            return redirect("help_programmes:detail", pk=programme.pk)
    return render(request, "help_programmes/programme_form.html", {"form": form, "programme": programme})


@require_POST
@school_view("help_programmes.manage")
def programme_agree(request, pk):
    programme = _plain(request, pk)
    try:
        services.programme_agree(programme=programme)
    except ValidationError as error:
        _errors_to_messages(request, error)
    else:
        messages.success(request, _("The programme is agreed."))
    return redirect("help_programmes:detail", pk=programme.pk)


def _part_page(request, programme, *, form, heading, rows, testid, intro=""):
    return render(
        request,
        "help_programmes/part_page.html",
        {
            "programme": programme,
            "form": form,
            "heading": heading,
            "rows_html": markup.part_rows_html(request, rows, removable=form is not None),
            "testid": testid,
            "intro": intro,
        },
    )


def _saved(request, form, save, message):
    """Run `save()` for a valid posted form; the form keeps the service's errors."""
    if request.method != "POST" or not form.is_valid():
        return False
    try:
        save()
    except ValidationError as error:
        apply_validation_error(form, error)
        return False
    messages.success(request, message)
    return True


@school_view("help_programmes.manage")
def difficulties(request, pk):
    programme = _programme(request, pk, parts=("difficulties",))
    form = DifficultyForm(request.POST or None, programme=programme)

    def save():
        services.difficulty_save(programme=programme, **form.cleaned_data)

    if programme.is_open and _saved(request, form, save, _("The difficulty is added.")):
        return redirect("help_programmes:difficulties", pk=programme.pk)
    rows = [
        (d.text, d.tag.name if d.tag else "", "help_programmes:difficulty_delete", d.pk)
        for d in programme.difficulties_rows
    ]
    return _part_page(
        request,
        programme,
        form=form if programme.is_open else None,
        heading=_("Professional difficulties"),
        rows=rows,
        testid="difficulty-form",
        intro=_("The supported school's professional difficulties the programme helps with."),
    )


@school_view("help_programmes.manage")
def help_forms(request, pk):
    programme = _programme(request, pk, parts=("help_forms",))
    viewer = request_viewer(request)
    form = HelpFormForm(request.POST or None, programme=programme, viewer=viewer)

    def save():
        services.help_form_save(programme=programme, school=request.school, staff=request.staff, **form.cleaned_data)

    if programme.is_open and _saved(request, form, save, _("The form of help is added.")):
        return redirect("help_programmes:forms", pk=programme.pk)
    rows = [
        (
            f.get_kind_display(),
            " · ".join(str(part) for part in (f.description, f.difficulty, f.group or f.team) if part),
            "help_programmes:form_delete",
            f.pk,
        )
        for f in programme.help_forms_rows
    ]
    return _part_page(
        request,
        programme,
        form=form if programme.is_open else None,
        heading=_("Forms of help"),
        rows=rows,
        testid="help-form-form",
    )


@school_view("help_programmes.manage")
def people(request, pk):
    programme = _programme(request, pk, parts=("responsibles",))
    form = ResponsibleForm(request.POST or None, programme=programme)

    def save():
        services.responsible_add(
            programme=programme,
            staff=form.cleaned_data["staff"],
            side=form.side(programme),
            role=form.cleaned_data["role"],
        )

    if programme.is_open and _saved(request, form, save, _("The responsible person is added.")):
        return redirect("help_programmes:people", pk=programme.pk)
    rows = [
        (
            r.staff.full_name,
            f"{r.staff.school.short_name} · {r.role}" if r.role else r.staff.school.short_name,
            "help_programmes:responsible_remove",
            r.pk,
        )
        for r in programme.responsibles_rows
    ]
    return _part_page(
        request,
        programme,
        form=form if programme.is_open else None,
        heading=_("Responsible people"),
        rows=rows,
        testid="responsible-form",
        intro=_("The people who answer for the programme on both sides."),
    )


@school_view("help_programmes.manage")
def milestones(request, pk):
    programme = _programme(request, pk, parts=("milestones",))
    form = MilestoneForm(request.POST or None, programme=programme)

    def save():
        services.milestone_save(programme=programme, **form.cleaned_data)

    if programme.is_open and _saved(request, form, save, _("The milestone is added.")):
        return redirect("help_programmes:milestones", pk=programme.pk)
    rows = [
        (
            f"{m.due_on:%d.%m.%Y} · {m.title}",
            " · ".join(part for part in (m.responsible.full_name if m.responsible else "", m.note) if part),
            None,
            m.pk,
        )
        for m in programme.milestones_rows
    ]
    return _part_page(
        request,
        programme,
        form=form if programme.is_open else None,
        heading=_("Milestones"),
        rows=rows,
        testid="milestone-form",
    )


def _delete(request, queryset, pk, delete, *, back, message):
    part = get_for_school_or_404(queryset.select_related("programme"), school=request.school, pk=pk)
    try:
        delete(part)
    except ValidationError as error:
        _errors_to_messages(request, error)
    else:
        messages.success(request, message)
    return redirect(back, pk=part.programme_id)


@require_POST
@school_view("help_programmes.manage")
def difficulty_delete(request, pk):
    return _delete(
        request,
        Difficulty.objects.all(),
        pk,
        lambda part: services.difficulty_delete(difficulty=part),
        back="help_programmes:difficulties",
        message=_("The difficulty is removed."),
    )


@require_POST
@school_view("help_programmes.manage")
def help_form_delete(request, pk):
    return _delete(
        request,
        HelpForm.objects.all(),
        pk,
        lambda part: services.help_form_delete(help_form=part),
        back="help_programmes:forms",
        message=_("The form of help is removed."),
    )


@require_POST
@school_view("help_programmes.manage")
def responsible_remove(request, pk):
    return _delete(
        request,
        Responsible.objects.all(),
        pk,
        lambda part: services.responsible_remove(responsible=part),
        back="help_programmes:people",
        message=_("The person is no longer responsible in the programme."),
    )


@require_POST
@school_view()
def milestone_done(request, pk):
    milestone = get_for_school_or_404(
        HelpMilestone.objects.select_related(
            "programme", "responsible", "responsible__school", "programme__leader_school"
        ),
        school=request.school,
        pk=pk,
    )
    require(can_mark_done(request, milestone))
    try:
        services.milestone_done(milestone=milestone)
    except ValidationError as error:
        _errors_to_messages(request, error)
    else:
        messages.success(request, _("The milestone is done."))
    return redirect("help_programmes:detail", pk=milestone.programme_id)


@school_view("help_programmes.manage")
def review(request, pk):
    """The joint review of the year: each school writes its own analysis, both the results."""
    programme = _plain(request, pk)
    side = own_side(request, programme)
    initial = {name: getattr(programme, name) for name in ("review_leader", "review_supported", "results")}
    form = ReviewForm(request.POST or None, initial=initial, own_side=side)
    if request.method == "POST" and programme.is_open and form.is_valid():
        try:
            services.programme_review(
                programme=programme, side=side, complete="complete" in request.POST, **form.cleaned_data
            )
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            programme.refresh_from_db()
            if programme.status == Programme.Status.REVIEWED:
                messages.success(request, _("The year is reviewed. The programme is kept as it was."))
            else:
                messages.success(request, _("The analysis is saved."))
            return redirect("help_programmes:detail", pk=programme.pk)
    return render(
        request,
        "help_programmes/review.html",
        {"programme": programme, "form": form if programme.is_open else None, "side": side},
    )


def _year(request):
    year = request.GET.get("year", "")
    return int(year) if year.isdecimal() and len(year) == 4 else None


@network_view
def network(request):
    """The network coordinator sees every programme of the network with its status: counts only."""
    year = _year(request)
    every = selectors.network_programmes(network=request.network, now=timezone.now())
    # The year list offers every year of the network, whichever year is shown.
    years = sorted({p.year for p in every}, reverse=True)
    programmes = [p for p in every if year is None or p.year == year]
    return render(
        request,
        "help_programmes/network.html",
        {"network": request.network, "programmes": programmes, "year": year, "years": years},
    )


@network_view
def network_xlsx(request):
    programmes = selectors.network_programmes(network=request.network, now=timezone.now(), year=_year(request))
    file_name = f"help-programmes-network-{request.network.pk}.xlsx"
    audit_export(
        what=_("Programmes of help of the network %(network)s") % {"network": request.network},
        file_name=file_name,
        filters=request.GET,
    )
    return _xlsx_response(xlsx.network_xlsx(request.network, programmes), file_name)
