from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.template.backends.utils import csrf_input
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from apps.core.forms import apply_validation_error
from apps.core.tenancy import get_for_school_or_404, school_view
from apps.core.typography import quoted
from apps.core.uploads import file_download

from . import selectors, services
from .access import is_manager, require, team_can_manage, team_can_reform, team_can_take_notes
from .forms import MeetingForm, MemberAddForm, MilestoneForm, OutcomeForm, ReformForm, StatusChangeForm, TaskTeamForm
from .models import Milestone, TaskTeam, TeamMember, TeamOutcome

PAGE_SIZE = 25


def _team(request, pk, *, page="form"):
    """Team `pk` as the view's page reads it (selectors.team_for_page); another school's: 404."""
    team = selectors.team_for_page(school=request.school, pk=pk, page=page)
    if team is None:
        raise Http404(str(TaskTeam._meta.verbose_name))
    return team


def _warn_load(request, warnings):
    for person, count in warnings:
        messages.warning(
            request,
            _("%(name)s would be in %(count)s open groups and teams at once: mind the double load.")
            % {"name": person.full_name, "count": count},
        )


def _network_partners(request):
    """The other schools of the school's network (a team may take in their people)."""
    if not request.school.network_id:
        return []
    return selectors.network_partners(school=request.school)


def _partner_school(request, partners):
    """The network partner chosen for a team (?partner= or the posted form), among `partners`."""
    value = request.POST.get("partner_school") or request.GET.get("partner") or ""
    if not value.isdecimal() or len(value) > 18:
        return None
    return next((school for school in partners if school.pk == int(value)), None)


def _page(request, teams):
    return selectors.team_page(teams, number=request.GET.get("page"), per_page=PAGE_SIZE)


@school_view()
def team_list(request):
    status = request.GET.get("status", "open")
    kind = request.GET.get("kind", "")
    member = request.GET.get("member", "")
    member_id = int(member) if member.isdecimal() and len(member) < 19 else None
    page = selectors.team_list_page(
        school=request.school,
        status=status,
        kind=kind,
        member_id=member_id,
        number=request.GET.get("page"),
        per_page=PAGE_SIZE,
    )
    people = selectors.member_filter_choices(school=request.school)
    return render(
        request,
        "teams/team_list.html",
        {
            "page": page,
            "status": status,
            "kind": kind,
            "member_id": member_id,
            "statuses": TaskTeam.Status.choices,
            "kinds": TaskTeam.Kind.choices,
            "people_options": selectors.member_filter_options(people, selected=member_id),
            "query": urlencode({"status": status, "kind": kind, "member": member_id or ""}),
            "can_create": is_manager(request),
        },
    )


@school_view()
def my_teams(request):
    page = selectors.my_teams_page(
        school=request.school, user=request.user, number=request.GET.get("page"), per_page=PAGE_SIZE
    )
    return render(request, "teams/my_teams.html", {"page": page, "query": ""})


@school_view()
def archive(request):
    query = request.GET.get("q", "")
    teams = selectors.team_archive(school=request.school, query=query)
    return render(
        request, "teams/archive.html", {"page": _page(request, teams), "q": query, "query": urlencode({"q": query})}
    )


def _sees_network(request):
    """The staff survey's ties in the composition hints are shown to whom may see them (only then asked)."""
    return request.membership.can("surveys.view_network")


def _hints(request, form):
    people = form.chosen_staff() if hasattr(form, "cleaned_data") else []
    if not people:
        return None
    return selectors.composition_hints(
        school=request.school, staff_ids=[p.pk for p in people], network=_sees_network(request)
    )


@school_view("teams.manage")
def team_create(request):
    """Administrators and deputy heads form teams. "Check the composition"
    re-shows the form with hints about the mix of people, saving nothing."""
    partners = _network_partners(request)
    partner_school = _partner_school(request, partners)
    form = TaskTeamForm(request.POST or None, school=request.school, partner_school=partner_school)
    hints = None
    if request.method == "POST":
        valid = form.is_valid()
        hints = _hints(request, form)
        if valid and "preview" not in request.POST:
            try:
                team, warnings = services.team_create(
                    school=request.school,
                    partner_school=partner_school,
                    members=form.member_specs(),
                    created_by=request.user,
                    **form.team_fields(),
                )
            except ValidationError as error:
                apply_validation_error(form, error)
            else:
                _warn_load(request, warnings)
                messages.success(request, _("The team is formed."))
                return redirect("teams:team_detail", pk=team.pk)
        elif valid:
            _warn_load(
                request,
                selectors.team_load_warnings(school=request.school, staff=form.chosen_staff(), prospective=True),
            )
    return render(
        request,
        "teams/team_form.html",
        {"form": form, "hints": hints, "partners": partners, "partner_school": partner_school},
    )


@school_view()
def team_detail(request, pk):
    team = _team(request, pk, page="detail")
    selectors.team_labels(team)
    selectors.team_page_links(team)
    can_manage = team_can_manage(request, team)
    # Shown for an open team only.
    hints = (
        selectors.team_composition_hints(team, school=request.school, network=_sees_network(request))
        if team.is_open
        else None
    )
    return render(
        request,
        "teams/team_detail.html",
        {
            "team": team,
            "can_manage": can_manage,
            "can_take_notes": team_can_take_notes(request, team),
            "can_reform": team_can_reform(request, team),
            "status_form": StatusChangeForm(team=team) if can_manage and team.is_open else None,
            "hints": hints,
            "outcome": getattr(team, "outcome", None),
            # One CSRF field for the page's forms (a {% csrf_token %} each cost a hundred calls).
            "csrf_field": csrf_input(request),
        },
    )


@school_view()
def team_edit(request, pk):
    team = _team(request, pk)
    require(team_can_manage(request, team))
    if not team.is_open:
        messages.error(request, _("The team is closed: it cannot be changed."))
        return redirect("teams:team_detail", pk=team.pk)
    form = TaskTeamForm(request.POST or None, instance=team, school=team.school, with_members=False)
    if request.method == "POST" and form.is_valid():
        try:
            services.team_update(team=team, **form.team_fields())
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            messages.success(request, _("The team is saved."))
            return redirect("teams:team_detail", pk=team.pk)
    return render(request, "teams/team_form.html", {"form": form, "team": team})


@school_view()
def member_add(request, pk):
    team = _team(request, pk)
    require(team_can_manage(request, team))
    form = MemberAddForm(request.POST or None, team=team)
    if request.method == "POST" and form.is_valid():
        try:
            _member, warnings = services.team_member_add(
                team=team, staff=form.cleaned_data["staff"], role=form.cleaned_data["role"]
            )
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            _warn_load(request, warnings)
            messages.success(request, _("The person is added to the team."))
            return redirect("teams:team_detail", pk=team.pk)
    return render(request, "teams/member_form.html", {"form": form, "team": team})


@require_POST
@school_view()
def member_remove(request, pk):
    member = get_for_school_or_404(TeamMember.objects.select_related("staff"), school=request.school, pk=pk)
    team = _team(request, member.team_id)
    require(team_can_manage(request, team))
    try:
        services.team_member_remove(member=member)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("%(name)s has left the team.") % {"name": member.staff.full_name})
    return redirect("teams:team_detail", pk=team.pk)


@require_POST
@school_view()
def team_status(request, pk):
    team = _team(request, pk)
    require(team_can_manage(request, team))
    form = StatusChangeForm(request.POST, team=team)
    if not form.is_valid():
        messages.error(request, _("Choose a status this team can move to."))
        return redirect("teams:team_detail", pk=team.pk)
    try:
        services.team_status_change(
            team=team,
            to_status=form.cleaned_data["to_status"],
            reason=form.cleaned_data["reason"],
            changed_by=request.user,
        )
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
        return redirect("teams:team_detail", pk=team.pk)
    team.refresh_from_db(fields=["status"])
    if team.status == TaskTeam.Status.SOLVED:
        # The lead is asked for the outcome; the team is dissolved after it.
        messages.info(request, _("The task is solved. Record the team's outcome: the team is dissolved after it."))
        return redirect("teams:outcome_record", pk=team.pk)
    if team.status == TaskTeam.Status.WORKING:
        _warn_load(
            request, selectors.team_load_warnings(school=team.school, staff=[m.staff for m in team.active_members])
        )
    messages.success(request, _("The status is changed."))
    return redirect("teams:team_detail", pk=team.pk)


@school_view()
def milestone_create(request, pk):
    team = _team(request, pk)
    require(team_can_manage(request, team))
    form = MilestoneForm(request.POST or None, team=team)
    if request.method == "POST" and form.is_valid():
        try:
            services.milestone_create(team=team, **form.cleaned_data)
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            messages.success(request, _("The milestone is added."))
            return redirect("teams:team_detail", pk=team.pk)
    return render(
        request,
        "teams/part_form.html",
        {"form": form, "team": team, "heading": _("A milestone"), "testid": "milestone-form"},
    )


@require_POST
@school_view()
def milestone_done(request, pk):
    milestone = get_for_school_or_404(Milestone.objects.all(), school=request.school, pk=pk)
    team = _team(request, milestone.team_id)
    require(team_can_manage(request, team))
    milestone.team = team
    try:
        services.milestone_mark_done(milestone=milestone)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("The milestone is done."))
    return redirect("teams:team_detail", pk=team.pk)


@school_view()
def meeting_create(request, pk):
    team = _team(request, pk)
    require(team_can_take_notes(request, team))
    form = MeetingForm(request.POST or None, team=team)
    if request.method == "POST" and form.is_valid():
        try:
            services.meeting_create(team=team, recorded_by=request.user, **form.cleaned_data)
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            messages.success(request, _("The meeting is recorded."))
            return redirect("teams:team_detail", pk=team.pk)
    return render(
        request,
        "teams/part_form.html",
        {"form": form, "team": team, "heading": _("A meeting of the team"), "testid": "meeting-form"},
    )


@school_view()
def outcome_record(request, pk):
    team = _team(request, pk)
    require(team_can_manage(request, team))
    outcome = getattr(team, "outcome", None)
    if team.status in TaskTeam.CLOSED_STATUSES and outcome is None:
        messages.error(request, _("The team is closed."))
        return redirect("teams:team_detail", pk=team.pk)
    form = OutcomeForm(request.POST or None, request.FILES or None, instance=outcome)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        upload = request.FILES.get("file")
        try:
            services.outcome_record(
                team=team,
                kind=data["kind"],
                title=data["title"],
                description=data["description"],
                link=data["link"],
                file=upload,
                recorded_by=request.user,
            )
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            team.refresh_from_db(fields=["status"])
            if team.status == TaskTeam.Status.DISSOLVED:
                messages.success(request, _("The outcome is recorded and the team is dissolved: its members are free."))
            else:
                messages.success(request, _("The outcome is recorded."))
            return redirect("teams:team_detail", pk=team.pk)
    return render(request, "teams/outcome_form.html", {"form": form, "team": team})


@school_view()
def outcome_file(request, pk):
    outcome = get_for_school_or_404(TeamOutcome.objects.all(), school=request.school, pk=pk)
    return file_download(outcome.file)


@school_view("teams.manage")
def team_reform(request, pk):
    team = _team(request, pk, page="reform")
    require(team_can_reform(request, team))
    form = ReformForm(request.POST or None, team=team)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            new_team, warnings = services.team_reform(team=team, created_by=request.user, **data)
        except ValidationError as error:
            apply_validation_error(form, error, fields={"members": "member_ids", "lead": "lead_id"})
        else:
            _warn_load(request, warnings)
            messages.success(request, _("A new team is formed from %(title)s.") % {"title": quoted(team.title)})
            return redirect("teams:team_detail", pk=new_team.pk)
    return render(request, "teams/reform_form.html", {"form": form, "team": team})
