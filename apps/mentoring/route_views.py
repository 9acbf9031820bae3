"""Pages of individual development routes.

Tenancy: routes and steps are fetched with get_for_school_or_404 (another
school's → 404); who may do what within the school is access.route_can_view /
route_can_manage (→ 403).
"""

import os

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_safe

from apps.core.dates import school_today
from apps.core.forms import apply_validation_error
from apps.core.links import row_link
from apps.core.templatetags.icons import icon
from apps.core.tenancy import get_for_school_or_404, school_view
from apps.core.uploads import file_download

from . import route_selectors, route_services
from .access import is_manager, require, route_can_manage, route_can_view
from .models import DevelopmentRoute, RouteStep
from .route_forms import DevelopmentRouteForm, RouteFilterForm, RouteStepForm

PAGE_SIZE = 25


def _route(request, pk, *, detail=False):
    if detail:
        route = route_selectors.route_detail_get(school=request.school, pk=pk, on=school_today(request.school))
        if route is None:
            raise Http404(str(DevelopmentRoute._meta.verbose_name))
    else:
        route = get_for_school_or_404(
            DevelopmentRoute.objects.select_related("teacher", "mentor"), school=request.school, pk=pk
        )
    # Found within the request's school, so that is its school: no join to read it again.
    route.school = request.school
    return route


def _step(request, pk):
    step = route_selectors.route_step_get(school=request.school, pk=pk)
    if step is None:
        raise Http404(str(RouteStep._meta.verbose_name))
    step.route.school = request.school
    return step


def _sees_every_route(request):
    return is_manager(request) or request.membership.can("mentoring.curate")


@school_view()
def route_list(request):
    """Administration and curators see every route of the school; a teacher the
    routes where they are the teacher or the mentor."""
    today = school_today(request.school)
    filter_form = RouteFilterForm(request.GET or None)
    options = filter_form.cleaned_data if filter_form.is_valid() else {}
    page = route_selectors.route_list_page(
        school=request.school,
        on=today,
        user=None if _sees_every_route(request) else request.user,
        overdue_only=options.get("overdue", False),
        query=options.get("q", ""),
        number=request.GET.get("page"),
        per_page=PAGE_SIZE,
    )
    link = row_link("mentoring:route_detail")
    # Each row's names, dates and counts in words worked out here, once, not by filters and
    # translations per row in the template.
    for route in page.object_list:
        route.url = link(pk=route.pk)
        route.teacher_name = route.teacher.full_name
        route.mentor_name, route.mentor_short = route.mentor.full_name, route.mentor.short_name
        route.starts_label = f"{route.starts_on:%d.%m.%Y}"
        route.progress_label = _("%(done)s of %(total)s done") % {"done": route.done_count, "total": route.step_count}
        if route.overdue_count:
            count = route.overdue_count
            route.overdue_label = ngettext("%(counter)s overdue", "%(counter)s overdue", count) % {"counter": count}
        if route.next_due_on:
            route.next_label = _("next by %(date)s") % {"date": f"{route.next_due_on:%d.%m.%Y}"}
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "mentoring/routes/route_list.html",
        {
            "page": page,
            "filter_form": filter_form,
            "query": query.urlencode(),
            "today": today,
            "can_create": request.membership.can("mentoring.plan"),
        },
    )


@school_view("mentoring.plan")
def route_create(request):
    form = DevelopmentRouteForm(
        request.POST or None, school=request.school, initial={"starts_on": school_today(request.school)}
    )
    if request.method == "POST" and form.is_valid():
        try:
            route = route_services.development_route_create(school=request.school, **form.cleaned_data)
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            messages.success(
                request, _("A development route is opened for %(name)s.") % {"name": route.teacher.full_name}
            )
            return redirect("mentoring:route_detail", pk=route.pk)
    return render(request, "mentoring/routes/route_form.html", {"form": form})


@school_view()
def route_detail(request, pk):
    route = _route(request, pk, detail=True)
    # Whoever manages a route may see it: asked first, the curator's check is not made twice.
    can_manage = route_can_manage(request, route)
    require(can_manage or route_can_view(request, route))
    steps = list(route.steps.all())
    evidence_link, edit_link = row_link("mentoring:route_step_evidence"), row_link("mentoring:route_step_edit")
    for step in steps:
        step.evidence_url = evidence_link(pk=step.pk)
        step.edit_url = edit_link(pk=step.pk)
    is_route_teacher = route.teacher.user_id == request.user.pk
    return render(
        request,
        "mentoring/routes/route_detail.html",
        {
            "route": route,
            "steps": steps,
            "overdue_count": sum(1 for step in steps if step.is_overdue),
            "done_count": sum(1 for step in steps if step.status == step.Status.DONE),
            "can_manage": can_manage,
            "is_route_teacher": is_route_teacher,
            "step_rows": _step_rows(steps, can_manage=can_manage, is_route_teacher=is_route_teacher),
            "today": school_today(request.school),
        },
    )


STATUS_BADGE = {
    "done": "badge text-bg-success",
    "in_progress": "badge text-bg-primary",
    "cancelled": "badge text-bg-secondary",
}


def _step_rows(steps, *, can_manage, is_route_teacher):
    """The route page's step rows, written here once: in the template each row took
    filters, conditions, icons and translations of its own. Text is escaped as the
    template's autoescape would."""
    icons = {name: icon(name) for name in ("link-45deg", "paperclip", "eye")}
    action = _("Edit") if can_manage else _("Report progress")
    overdue = f' <span class="badge text-bg-danger" data-testid="overdue-badge">{escape(_("overdue"))}</span>'
    rows = []
    for step in steps:
        cancelled = step.status == step.Status.CANCELLED
        row_class = ' class="table-danger"' if step.is_overdue else ' class="text-body-secondary"' if cancelled else ""
        title = f"<s>{escape(step.title)}</s>" if cancelled else escape(step.title)
        responsible = escape(step.responsible.short_name)
        evidence = []
        if step.evidence_link:
            evidence.append(
                f'<li>{icons["link-45deg"]} <a href="{escape(step.evidence_link)}" target="_blank"'
                f' rel="noopener noreferrer">{escape(_("link"))}</a></li>'
            )
        if step.evidence_file:
            evidence.append(f'<li>{icons["paperclip"]} <a href="{step.evidence_url}">{escape(_("file"))}</a></li>')
        event = step.evidence_event
        if event:
            evidence.append(
                f"<li>{icons['eye']} {escape(capfirst(event.get_kind_display()))}"
                f" {timezone.localtime(event.starts_at):%d.%m.%Y}: {escape(event.title)}</li>"
            )
        evidence = (
            '<ul class="list-unstyled small mb-0">\n  ' + "\n  ".join(evidence) + "\n</ul>"
            if evidence
            else '<span class="text-body-secondary small">—</span>'
        )
        badge = STATUS_BADGE.get(step.status, "badge text-bg-light border")
        done_on = ""
        if step.completed_on:
            done = _("done on %(date)s") % {"date": f"{step.completed_on:%d.%m.%Y}"}
            done_on = f'<div class="small text-body-secondary">{escape(done)}</div>'
        link = (
            f'<td class="text-end"><a class="btn btn-sm btn-outline-secondary" href="{step.edit_url}">'
            f"{escape(action)}</a></td>"
            if can_manage or is_route_teacher
            else ""
        )
        rows.append(
            f'<tr{row_class} data-testid="step-row">\n'
            f'        <td class="text-nowrap">{step.due_on:%d.%m.%Y}</td>\n'
            f"        <td>{title}\n"
            f'          <div class="d-md-none small text-body-secondary">{responsible}</div>\n'
            f'          <div class="small mt-1">{evidence}</div></td>\n'
            f'        <td class="d-none d-md-table-cell">{responsible}</td>\n'
            f'        <td><span class="{badge}">{escape(step.get_status_display())}</span>'
            f"{overdue if step.is_overdue else ''}\n"
            f"          {done_on}</td>\n"
            f"        {link}\n"
            "      </tr>"
        )
    return mark_safe("\n    ".join(rows))  # nosec B308 B703 - every text in it is escaped above


@school_view()
def route_edit(request, pk):
    route = _route(request, pk)
    require(route_can_manage(request, route))
    form = DevelopmentRouteForm(
        request.POST or None,
        school=request.school,
        with_teacher=False,
        initial={"mentor": route.mentor, "goals": route.goals, "starts_on": route.starts_on},
    )
    if request.method == "POST" and form.is_valid():
        try:
            route_services.development_route_update(route=route, **form.cleaned_data)
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            messages.success(request, _("The route is saved."))
            return redirect("mentoring:route_detail", pk=route.pk)
    return render(request, "mentoring/routes/route_form.html", {"form": form, "route": route})


@school_view()
def route_step_add(request, pk):
    route = _route(request, pk)
    require(route_can_manage(request, route))
    form = RouteStepForm(request.POST or None, route=route, progress=False, initial={"responsible": route.mentor})
    if request.method == "POST" and form.is_valid():
        try:
            route_services.route_step_create(route=route, **form.step_fields)
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            messages.success(request, _("The step is added to the route."))
            return redirect("mentoring:route_detail", pk=route.pk)
    return render(request, "mentoring/routes/step_form.html", {"form": form, "route": route})


@school_view()
def route_step_edit(request, pk):
    """Those who manage the route change the whole step; the route's teacher
    reports progress on their own steps: status and evidence."""
    step = _step(request, pk)
    route = step.route
    can_manage = route_can_manage(request, route)
    require(can_manage or route.teacher.user_id == request.user.pk)
    form = RouteStepForm(
        request.POST or None,
        request.FILES or None,
        route=route,
        step=step,
        plan=can_manage,
        initial={
            "title": step.title,
            "due_on": step.due_on,
            "responsible": step.responsible,
            "status": step.status,
            "evidence_link": step.evidence_link,
            "evidence_event": step.evidence_event_id,
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            route_services.route_step_update(step=step, **form.step_fields)
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            messages.success(request, _("The step is saved."))
            return redirect("mentoring:route_detail", pk=route.pk)
    return render(
        request,
        "mentoring/routes/step_form.html",
        {
            "form": form,
            "route": route,
            "step": step,
            "plan": can_manage,
            "evidence_name": os.path.basename(step.evidence_file.name) if step.evidence_file else "",
        },
    )


@require_safe
@school_view()
def route_step_evidence(request, pk):
    """The step's evidence file, to whoever may see the route (never from MEDIA_URL)."""
    step = _step(request, pk)
    require(route_can_view(request, step.route))
    return file_download(step.evidence_file)
