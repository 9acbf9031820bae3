from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from apps.core.dates import academic_year_of, school_today
from apps.core.forms import apply_validation_error
from apps.core.tenancy import get_for_school_or_404, request_viewer, school_view
from apps.staff.models import SubjectAssociation

from . import markup, selectors, services
from .access import (
    decision_can_mark_done,
    is_member,
    network_can_manage,
    network_can_see,
    plan_can_manage,
    plan_can_see_minutes,
    require,
)
from .forms import DecisionForm, HoldForm, MeetingForm, MemberAddForm, MinutesForm, NetworkAssociationForm, YearPlanForm
from .models import Decision, Meeting, NetworkAssociation, NetworkAssociationMember


def _year(request):
    return academic_year_of(school_today(request.school))


def _association(request, pk):
    return get_for_school_or_404(SubjectAssociation.objects.all(), school=request.school, pk=pk)


def _plan(association, year):
    return selectors.year_plan(association=association, year=year)


def _meeting(request, pk):
    meeting = selectors.meeting_for_page(school=request.school, pk=pk)
    if meeting is None:
        raise Http404(str(Meeting._meta.verbose_name))
    return meeting


@school_view()
def association_list(request):
    year = _year(request)
    can_manage = request.membership.can("associations.manage")
    if can_manage:
        networks = selectors.school_networks(school=request.school)
    else:
        # A network association's page is its member associations' own: list only what one may open.
        staff = getattr(request, "staff", None)
        association_id = staff.association_id if staff is not None else None
        networks = selectors.school_networks(school=request.school, association_id=association_id, member_only=True)
    associations = selectors.associations_of_school(school=request.school, year=year)
    return render(
        request,
        "associations/association_list.html",
        {
            "associations": associations,
            "association_lines": markup.association_lines(associations),
            "year": year,
            "networks": networks,
            "network_lines": markup.network_list_lines(networks),
            "can_manage": can_manage,
        },
    )


@school_view()
def association_detail(request, pk):
    association = _association(request, pk)
    year = _year(request)
    page = selectors.workspace(association=association, year=year)
    plan = page["plan"]
    shared = selectors.association_shared(association=association, viewer=request_viewer(request))
    can_see_minutes = plan_can_see_minutes(request, association, plan)
    return render(
        request,
        "associations/association_detail.html",
        {
            "association": association,
            "year": year,
            **page,
            **shared,
            "meeting_lines": markup.meeting_lines(page["meetings"], can_see_minutes=can_see_minutes),
            "member_lines": markup.member_lines(page["members"], head_id=plan.head_id if plan else None),
            "network_lines": markup.network_lines(page["networks"]),
            "material_lines": markup.panel_materials(shared["shared_materials"]),
            "question_lines": markup.panel_questions(shared["shared_questions"]),
            "can_manage": plan_can_manage(request, association, plan),
            "can_see_minutes": can_see_minutes,
            "is_member": is_member(association.pk, request),
        },
    )


@school_view()
def plan_edit(request, pk):
    association = _association(request, pk)
    year = _year(request)
    plan = _plan(association, year)
    require(plan_can_manage(request, association, plan))
    initial = {"head": plan.head_id, "theme": plan.theme, "goals": plan.goals} if plan else {}
    form = YearPlanForm(request.POST or None, initial=initial, school=request.school)
    if request.method == "POST" and form.is_valid():
        try:
            services.year_plan_save(association=association, year=year, **form.cleaned_data)
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            messages.success(request, _("The year plan is saved."))
            return redirect("associations:detail", pk=association.pk)
    return render(
        request,
        "associations/part_form.html",
        {
            "form": form,
            "association": association,
            "heading": _("Work plan of the association for %(year)s/%(next)s") % {"year": year, "next": year + 1},
            "testid": "plan-form",
        },
    )


@school_view()
def meeting_create(request, pk):
    association = _association(request, pk)
    year = _year(request)
    plan = _plan(association, year)
    require(plan_can_manage(request, association, plan))
    if plan is None:
        messages.info(request, _("Start with the year plan: its meetings come after it."))
        return redirect("associations:plan_edit", pk=association.pk)
    form = MeetingForm(request.POST or None, school=request.school)
    if request.method == "POST" and form.is_valid():
        try:
            meeting = services.meeting_save(plan=plan, **form.cleaned_data)
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            messages.success(request, _("The meeting is planned."))
            return redirect("associations:meeting_detail", pk=meeting.pk)
    return render(
        request,
        "associations/part_form.html",
        {
            "form": form,
            "association": association,
            "heading": _("A meeting of the association"),
            "testid": "meeting-form",
        },
    )


@school_view()
def meeting_detail(request, pk):
    meeting = _meeting(request, pk)
    plan, association = meeting.plan, meeting.plan.association
    can_see = plan_can_see_minutes(request, association, plan)
    context = {
        "meeting": meeting,
        "plan": plan,
        "association": association,
        "can_manage": plan_can_manage(request, association, plan),
        "can_see_minutes": can_see,
    }
    if can_see:
        context.update(selectors.meeting_detail(meeting=meeting))
        today = school_today(request.school)
        for decision in context["decisions"]:
            decision.can_mark_done = decision_can_mark_done(request, decision, plan)
            decision.overdue = decision.is_overdue(today)
    return render(request, "associations/meeting_detail.html", context)


@school_view()
def meeting_edit(request, pk):
    meeting = _meeting(request, pk)
    association = meeting.plan.association
    require(plan_can_manage(request, association, meeting.plan))
    fields = ("planned_on", "starts_at", "place", "online_link", "agenda")
    form = MeetingForm(request.POST or None, initial={f: getattr(meeting, f) for f in fields}, school=request.school)
    if request.method == "POST" and form.is_valid():
        try:
            services.meeting_save(plan=meeting.plan, meeting=meeting, **form.cleaned_data)
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            messages.success(request, _("The meeting is saved."))
            return redirect("associations:meeting_detail", pk=meeting.pk)
    return render(
        request,
        "associations/part_form.html",
        {
            "form": form,
            "association": association,
            "meeting": meeting,
            "heading": str(meeting),
            "testid": "meeting-form",
        },
    )


@require_POST
@school_view()
def meeting_cancel(request, pk):
    meeting = _meeting(request, pk)
    require(plan_can_manage(request, meeting.plan.association, meeting.plan))
    try:
        services.meeting_cancel(meeting=meeting)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("The meeting is cancelled."))
    return redirect("associations:meeting_detail", pk=meeting.pk)


@school_view()
def attendance(request, pk):
    """Mark the meeting held, with who was present (or correct the list later)."""
    meeting = _meeting(request, pk)
    association = meeting.plan.association
    require(plan_can_manage(request, association, meeting.plan))
    listed = selectors.meeting_attendance(meeting=meeting)
    people = selectors.attendance_people(meeting=meeting, listed=listed)
    on_list = {row.staff_id: row for row in listed}
    initial = {
        "held_on": meeting.held_on or min(meeting.planned_on, school_today(request.school)),
        "present": [pk for pk, row in on_list.items() if row.present] if on_list else [p.pk for p in people],
    }
    form = HoldForm(request.POST or None, initial=initial, school=request.school, people=people)
    if request.method == "POST" and form.is_valid():
        try:
            services.meeting_hold(
                meeting=meeting, held_on=form.cleaned_data["held_on"], present_ids=form.cleaned_data["present"]
            )
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            messages.success(request, _("The attendance is saved."))
            return redirect("associations:meeting_detail", pk=meeting.pk)
    return render(
        request,
        "associations/part_form.html",
        {
            "form": form,
            "association": association,
            "meeting": meeting,
            "heading": _("%(meeting)s: held, and who was present") % {"meeting": meeting},
            "testid": "attendance-form",
        },
    )


@school_view()
def minutes(request, pk):
    meeting = _meeting(request, pk)
    association = meeting.plan.association
    require(plan_can_manage(request, association, meeting.plan))
    if not meeting.is_held:
        messages.info(request, _("Mark the meeting held first: minutes are written for a held meeting."))
        return redirect("associations:attendance", pk=meeting.pk)
    form = MinutesForm(request.POST or None, initial={"minutes": meeting.minutes})
    if request.method == "POST" and form.is_valid():
        try:
            services.minutes_save(meeting=meeting, minutes=form.cleaned_data["minutes"], by=request.staff)
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            messages.success(request, _("The minutes are saved."))
            return redirect("associations:meeting_detail", pk=meeting.pk)
    return render(
        request,
        "associations/part_form.html",
        {
            "form": form,
            "association": association,
            "meeting": meeting,
            "heading": _("%(meeting)s: short minutes") % {"meeting": meeting},
            "testid": "minutes-form",
        },
    )


@school_view()
def decision_create(request, pk):
    meeting = _meeting(request, pk)
    association = meeting.plan.association
    require(plan_can_manage(request, association, meeting.plan))
    if not meeting.is_held:
        messages.info(request, _("Mark the meeting held first: decisions are recorded for a held meeting."))
        return redirect("associations:attendance", pk=meeting.pk)
    form = DecisionForm(request.POST or None, school=request.school)
    if request.method == "POST" and form.is_valid():
        try:
            services.decision_add(meeting=meeting, **form.cleaned_data)
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            messages.success(request, _("The decision is recorded."))
            return redirect("associations:meeting_detail", pk=meeting.pk)
    return render(
        request,
        "associations/part_form.html",
        {
            "form": form,
            "association": association,
            "meeting": meeting,
            "heading": _("%(meeting)s: a decision") % {"meeting": meeting},
            "testid": "decision-form",
        },
    )


@require_POST
@school_view()
def decision_done(request, pk):
    decision = get_for_school_or_404(
        Decision.objects.select_related("responsible", "meeting__plan__head", "school"), school=request.school, pk=pk
    )
    plan = decision.meeting.plan
    require(decision_can_mark_done(request, decision, plan))
    try:
        services.decision_done(decision=decision)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("The decision is marked done."))
    return redirect("associations:meeting_detail", pk=decision.meeting_id)


# Network associations ----------------------------------------------------------


@school_view("associations.manage")
def network_create(request):
    network = request.school.network
    form = NetworkAssociationForm(request.POST or None, school=request.school) if network else None
    if request.method == "POST" and form is not None and form.is_valid():
        try:
            network_association = services.network_association_create(network=network, **form.cleaned_data)
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            messages.success(request, _("The network association is created."))
            return redirect("associations:network_detail", pk=network_association.pk)
    return render(request, "associations/network_form.html", {"form": form, "network": network})


def _network_association(request, pk):
    found = selectors.network_association_for_page(school=request.school, pk=pk)
    if found is None:
        raise Http404(str(NetworkAssociation._meta.verbose_name))
    return found


@school_view()
def network_detail(request, pk):
    network_association = _network_association(request, pk)
    members = selectors.network_association_detail(network_association=network_association)
    require(network_can_see(request, {m.association_id for m in members}))
    can_manage = network_can_manage(request, network_association)
    return render(
        request,
        "associations/network_detail.html",
        {
            "network_association": network_association,
            "members": members,
            "can_manage": can_manage,
            "form": (
                MemberAddForm(candidates=selectors.network_candidates(network_association=network_association))
                if can_manage
                else None
            ),
        },
    )


@school_view("associations.manage")
def network_members(request, pk):
    """Add a member association (the form on the page posts here), or remove one (`remove=`)."""
    network_association = _network_association(request, pk)
    require(network_can_manage(request, network_association))
    if request.method == "POST" and request.POST.get("remove"):
        member = (
            NetworkAssociationMember.objects.filter(
                network_association=network_association,
                pk=request.POST["remove"] if request.POST["remove"].isdecimal() else 0,
            )
            .select_related("network_association")
            .first()
        )
        if member is None:
            raise Http404(str(NetworkAssociationMember._meta.verbose_name))
        try:
            services.network_association_member_remove(member=member)
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
        else:
            messages.success(request, _("The association has left the network association."))
        return redirect("associations:network_detail", pk=network_association.pk)
    candidates = selectors.network_candidates(network_association=network_association)
    form = MemberAddForm(request.POST or None, candidates=candidates)
    if request.method == "POST" and form.is_valid():
        try:
            services.network_association_member_add(
                network_association=network_association, association=form.cleaned_data["association"]
            )
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            messages.success(request, _("The association joins the network association."))
            return redirect("associations:network_detail", pk=network_association.pk)
    return render(
        request,
        "associations/network_members.html",
        {"form": form, "network_association": network_association},
    )
