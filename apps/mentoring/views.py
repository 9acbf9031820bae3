from itertools import chain

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import F
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from apps.core.dates import school_today
from apps.core.forms import apply_validation_error
from apps.core.links import row_link
from apps.core.tenancy import get_for_school_or_404, school_view
from apps.core.typography import quoted
from apps.core.uploads import file_download
from apps.staff.forms import NameForm
from apps.staff.models import StaffMember
from apps.staff.selectors import staff_with_derived

from . import selectors, services
from .access import group_can_manage, group_can_report, group_can_view, is_manager, require
from .cards import cards_ready, group_parts, history_ready, schedule_rows
from .forms import GroupDeclineForm, GroupEventForm, MentorGroupForm, NetworkResultForm, StatusChangeForm
from .markup import board_due_html, board_mine_html, board_steps_html, board_upcoming_html, board_words
from .models import GroupEvent, MentorGroup, NetworkPairResult, ProblemTag
from .route_selectors import route_own_latest, route_steps_overdue_on_board

PAGE_SIZE = 25


def _group(request, pk):
    return _found(selectors.mentor_group_get(school=request.school, pk=pk))


def _found(group):
    if group is None:
        raise Http404(str(MentorGroup._meta.verbose_name))
    return group


def _warn_load(request, warnings):
    for person, count in warnings:
        messages.warning(
            request,
            _("%(name)s would be in %(count)s open groups at once: mind the double load.")
            % {"name": person.full_name, "count": count},
        )


@school_view()
def group_list(request):
    status = request.GET.get("status", "open")
    page = selectors.mentor_group_list_page(
        school=request.school,
        user=request.user,
        see_all=is_manager(request),
        status=status,
        number=request.GET.get("page"),
        per_page=PAGE_SIZE,
        now=timezone.now(),
    )
    link = row_link("mentoring:group_detail")
    page.object_list = selectors.group_member_rows(list(page.object_list))
    for group in page.object_list:
        group.url = link(pk=group.pk)
    cards_ready(page.object_list, heading="h2")
    return render(
        request,
        "mentoring/group_list.html",
        {
            "page": page,
            "status": status,
            "statuses": MentorGroup.Status.choices,
            "query": f"status={status}",
            "can_create": request.membership.can("mentoring.plan"),
        },
    )


@school_view("mentoring.plan")
def group_create(request):
    """Administrators and deputy heads form groups; a curator proposes one, which
    stays "forming" with them as curator until the administration activates it."""
    curator_fixed = None
    if not is_manager(request):
        curator_fixed = request.staff
        if curator_fixed is None:
            messages.error(request, _("Your account is not linked to a card in the staff registry."))
            return redirect("mentoring:group_list")
    initial = {}
    proposed = [pk for pk in request.GET.getlist("members") if pk.isdecimal()][:3]
    for slot, pk in enumerate(proposed, start=1):
        initial[f"member{slot}"] = pk
    if len(proposed) == 3:
        initial["kind"] = MentorGroup.Kind.TRIAD
    tag = request.GET.get("tag")
    if tag and tag.isdecimal():
        initial["problem_tags"] = [tag]
    partner_school = _partner_school(request) if is_manager(request) else None
    form = MentorGroupForm(
        request.POST or None,
        school=request.school,
        curator_fixed=curator_fixed,
        partner_school=partner_school,
        initial=initial,
    )
    if request.method == "POST" and form.is_valid():
        try:
            group, warnings = services.mentor_group_create(
                school=request.school,
                created_by=request.user,
                proposal=curator_fixed is not None,
                **form.service_kwargs(),
            )
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            _warn_load(request, warnings)
            if group.is_proposal:
                messages.success(
                    request, _("The proposal is sent: the group waits for the administration to activate it.")
                )
            else:
                messages.success(request, _("The group is formed."))
            return redirect("mentoring:group_detail", pk=group.pk)
    partners = selectors.network_partner_rows(school=request.school) if is_manager(request) else []
    return render(
        request, "mentoring/group_form.html", {"form": form, "partners": partners, "partner_school": partner_school}
    )


def _partner_school(request):
    """The network partner chosen for a network pair (?partner= or the posted form)."""
    value = request.POST.get("partner_school") or request.GET.get("partner") or ""
    if not value.isdecimal():
        return None
    return selectors.network_partner(school=request.school, pk=int(value))


@school_view()
def group_detail(request, pk):
    group = _found(selectors.mentor_group_page_get(school=request.school, pk=pk))
    group_parts(selectors.group_member_rows([group])[0])
    require(group_can_view(request, group))
    can_manage = group_can_manage(request, group)
    now = timezone.now()
    events = schedule_rows(
        selectors.group_events_shown(group=group),
        now=now,
        edit_link=row_link("mentoring:event_edit") if can_manage else None,
    )
    history = history_ready(selectors.group_status_history(group=group))
    # The history holds the decline with its reason, latest first.
    decline_reason = ""
    if group.status == MentorGroup.Status.DECLINED:
        decline_reason = next((c.reason for c in history if c.to_status == MentorGroup.Status.DECLINED), "")
    return render(
        request,
        "mentoring/group_detail.html",
        {
            "group": group,
            "can_manage": can_manage,
            "can_report": group_can_report(request, group),
            "events": events,
            "history": history,
            "results": selectors.network_results(group=group) if group.is_network else None,
            "status_form": StatusChangeForm(group=group, can_activate=is_manager(request)) if can_manage else None,
            "decline_form": GroupDeclineForm() if _can_decline(request, group) else None,
            "decline_reason": decline_reason,
            "own_school": group.school_id == request.school.pk,
        },
    )


@school_view()
def group_edit(request, pk):
    group = _group(request, pk)
    require(group_can_manage(request, group))
    if not group.is_open:
        messages.error(request, _("The group is closed: it cannot be changed."))
        return redirect("mentoring:group_detail", pk=group.pk)
    curator_fixed = None if is_manager(request) else group.curator
    form = MentorGroupForm(
        request.POST or None,
        school=group.school,
        curator_fixed=curator_fixed,
        partner_school=group.partner_school,
        initial=MentorGroupForm.initial_for(group),
    )
    if request.method == "POST" and form.is_valid():
        try:
            warnings = services.mentor_group_update(group=group, **form.service_kwargs())
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            _warn_load(request, warnings)
            messages.success(request, _("The group is saved."))
            return redirect("mentoring:group_detail", pk=group.pk)
    return render(request, "mentoring/group_form.html", {"form": form, "group": group})


@require_POST
@school_view()
def group_status(request, pk):
    group = _group(request, pk)
    require(group_can_manage(request, group))
    form = StatusChangeForm(request.POST, group=group, can_activate=is_manager(request))
    if form.is_valid():
        try:
            services.mentor_group_status_change(
                group=group,
                to_status=form.cleaned_data["to_status"],
                reason=form.cleaned_data["reason"],
                changed_by=request.user,
            )
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
        else:
            if form.cleaned_data["to_status"] == MentorGroup.Status.ACTIVE:
                _warn_load(
                    request,
                    selectors.group_load_warnings(group=group, staff=[m.staff for m in group.members.all()]),
                )
            messages.success(request, _("The status is changed."))
    else:
        messages.error(request, _("Choose a status this group can move to."))
    return redirect("mentoring:group_detail", pk=group.pk)


def _can_decline(request, group):
    """The administration of the group's own school declines a proposal still forming."""
    return (
        group.is_proposal
        and group.status == MentorGroup.Status.FORMING
        and group.school_id == request.school.pk
        and is_manager(request)
    )


@school_view("mentoring.manage")
def group_decline(request, pk):
    group = _group(request, pk)
    require(group.school_id == request.school.pk)
    if not _can_decline(request, group):
        messages.info(request, _("Only a proposal still waiting for activation can be declined."))
        return redirect("mentoring:group_detail", pk=group.pk)
    form = GroupDeclineForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.group_decline(group=group, by=request.user, reason=form.cleaned_data["reason"])
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            messages.success(request, _("The proposal is declined; the curator is told why."))
            return redirect("mentoring:group_detail", pk=group.pk)
    return render(request, "mentoring/group_decline.html", {"form": form, "group": group})


def _report_conflicts(request, conflicts):
    """Name who is booked twice, and the clashing event only when it is this
    school's; another school's event (a network pair member's) is reported
    without its details."""
    school_id = request.school.pk
    for other in conflicts:
        when = timezone.localtime(other.starts_at).strftime("%d.%m.%Y %H:%M")
        people = ", ".join(person.short_name for person in other.clashing)
        count = len(other.clashing)
        if school_id in (other.group.school_id, other.group.partner_school_id):
            text = ngettext(
                "Double booking: %(people)s already has %(title)s (%(group)s) at %(time)s.",
                "Double booking: %(people)s already have %(title)s (%(group)s) at %(time)s.",
                count,
            ) % {"title": quoted(other.title), "group": other.group, "time": when, "people": people}
        else:
            text = ngettext(
                "Double booking: %(people)s already has another engagement at %(time)s.",
                "Double booking: %(people)s already have another engagement at %(time)s.",
                count,
            ) % {"time": when, "people": people}
        messages.warning(request, text)


def _schedule_group(request, pk):
    return _found(selectors.mentor_group_for_schedule_get(school=request.school, pk=pk))


@school_view()
def event_create(request, pk):
    group = _schedule_group(request, pk)
    require(group_can_manage(request, group))
    kind = request.GET.get("kind", GroupEvent.Kind.MEETING)
    if kind in GroupEvent.VISIT_KINDS:
        # A lesson visit is planned as a visit: observers, feedback, the 48-hour debrief.
        return redirect(f"{reverse('visits:create')}?group={group.pk}")
    initial = {"kind": kind}
    form = GroupEventForm(request.POST or None, group=group, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            event, conflicts = services.group_event_create(
                group=group, created_by=request.user, **form.service_kwargs()
            )
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            _report_conflicts(request, conflicts)
            messages.success(request, _("%(title)s is on the schedule.") % {"title": quoted(event.title)})
            return redirect("mentoring:group_detail", pk=group.pk)
    return render(request, "mentoring/event_form.html", {"form": form, "group": group})


@school_view()
def event_edit(request, pk):
    event = get_for_school_or_404(
        # A lesson visit's entry sends to the visit: its id read with the event, not after it.
        GroupEvent.objects.annotate(visit_pk=F("lesson_visit__pk")),
        school=request.school,
        pk=pk,
    )
    group = _schedule_group(request, event.group_id)
    event.group = group
    require(group_can_manage(request, group))
    if event.visit_pk is not None:
        # A lesson visit keeps its own deadline: it is changed on its own page.
        messages.info(request, _("This is a lesson visit: cancel it or plan another on the visit's page."))
        return redirect("visits:detail", pk=event.visit_pk)
    form = GroupEventForm(
        request.POST or None, group=group, with_status=True, initial=GroupEventForm.initial_for(event)
    )
    if request.method == "POST" and form.is_valid():
        try:
            event, conflicts = services.group_event_update(event=event, **form.service_kwargs())
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            _report_conflicts(request, conflicts)
            messages.success(request, _("The schedule is saved."))
            return redirect("mentoring:group_detail", pk=group.pk)
    return render(request, "mentoring/event_form.html", {"form": form, "group": group, "event": event})


@school_view()
def result_create(request, pk):
    group = _group(request, pk)
    require(group.is_network and group_can_report(request, group))
    today = school_today(request.school)
    form = NetworkResultForm(
        request.POST or None,
        request.FILES or None,
        school=request.school,
        initial={"year": today.year, "quarter": (today.month - 1) // 3 + 1},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.network_result_create(group=group, uploaded_by=request.user, **data)
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            messages.success(request, _("The result is recorded."))
            return redirect("mentoring:group_detail", pk=group.pk)
    return render(request, "mentoring/result_form.html", {"form": form, "group": group})


@school_view()
def result_file(request, pk):
    result = get_for_school_or_404(NetworkPairResult.objects.all(), school=request.school, pk=pk)
    group = _group(request, result.group_id)
    require(group_can_view(request, group))
    return file_download(result.file)


@school_view()
def board(request):
    """Everyone's start of the day: groups I curate, groups I am in, steps I answer for."""
    now = timezone.now()
    today = school_today(request.school)
    me = request.staff
    curated, mine = selectors.board_groups(school=request.school, user=request.user, now=now)
    # The same set as the person's calendar (GroupEventQuerySet.of_people).
    upcoming, due = selectors.board_events(
        school=request.school, staff_ids=[me.pk] if me else [], groups=curated, now=now
    )
    curated_steps, my_steps, own_steps = route_steps_overdue_on_board(
        school=request.school,
        on=today,
        me=me,
        curated_teachers=[m.staff_id for g in curated for m in g.member_rows] if curated else None,
    )
    own_route = route_own_latest(school=request.school, teacher=me) if me else None
    group_link, route_link = row_link("mentoring:group_detail"), row_link("mentoring:route_detail")
    event_create_link = row_link("mentoring:event_create")
    for group in chain(curated, mine):
        group.url = group_link(pk=group.pk)
        group.event_create_url = event_create_link(pk=group.pk)
    cards_ready(curated, schedule_button=True)
    for group in mine:
        group_parts(group)
    words = board_words()
    context = {
        "curated": curated,
        "mine": mine,
        "upcoming": upcoming,
        "due": due,
        "me": me,
        "curated_steps": curated_steps,
        "my_steps": my_steps,
        "own_route_url": route_link(pk=own_route) if own_route else "",
        "own_steps": own_steps,
        # The cards' markup joined here: a template loop and an include less.
        "curated_cards": mark_safe("".join(group.card for group in curated)),  # nosec B308 B703 - cards are escaped
        "mine_html": board_mine_html(mine, words=words),
        "upcoming_html": board_upcoming_html(upcoming, words=words),
        "due_html": board_due_html(due, words=words),
        "curated_steps_html": board_steps_html(curated_steps, words=words) if curated else "",
        "my_steps_html": board_steps_html(my_steps, words=words) if me else "",
        "own_steps_html": board_steps_html(own_steps, words=words) if own_route else "",
        "words": words,
        "now": now,
    }
    return render(request, "mentoring/board.html", context)


@school_view("mentoring.plan")
def similar(request):
    problems = selectors.similar_problems(school=request.school, curator_user=request.user)
    link = row_link("mentoring:group_detail")
    for problem in problems:
        problem.rows = [
            (staff.pk, staff.full_name, link(pk=group_id), _("group №%(group_id)s") % {"group_id": group_id})
            for staff, group_id in problem.teachers
        ]
    return render(request, "mentoring/similar.html", {"problems": problems})


@school_view("mentoring.plan")
def suggestions(request):
    early_career = (
        staff_with_derived(school=request.school).filter(is_active=True, is_early_career=True).order_by("last_name")
    )
    mentee = None
    mentee_id = request.GET.get("mentee", "")
    if mentee_id.isdecimal():
        mentee = StaffMember.objects.for_school(request.school).filter(pk=mentee_id, is_active=True).first()
    # The survey's network (isolates, closed groups) counts only for those who may see it.
    use_network = request.membership.can("surveys.view_network")
    results = (
        selectors.mentor_suggestions(school=request.school, mentee=mentee, use_network=use_network) if mentee else []
    )
    return render(
        request,
        "mentoring/suggestions.html",
        {"early_career": early_career, "mentee": mentee, "suggestions": results},
    )


@school_view("mentoring.manage")
def tags(request):
    form = NameForm(request.POST or None, model=ProblemTag, school=request.school)
    if request.method == "POST" and form.is_valid():
        services.problem_tag_create(school=request.school, name=form.cleaned_data["name"])
        messages.success(request, _("%(name)s is added.") % {"name": quoted(form.cleaned_data["name"])})
        return redirect("mentoring:tags")
    rows = list(selectors.problem_tags_with_counts(school=request.school))
    link = row_link("mentoring:tag_rename")
    for row in rows:
        row.url = link(pk=row.pk)
    return render(request, "mentoring/tags.html", {"form": form, "tags": rows})


@school_view("mentoring.manage")
def tag_rename(request, pk):
    tag = get_for_school_or_404(ProblemTag.objects.all(), school=request.school, pk=pk)
    form = NameForm(
        request.POST or None, model=ProblemTag, school=request.school, instance=tag, initial={"name": tag.name}
    )
    if request.method == "POST" and form.is_valid():
        services.problem_tag_rename(tag=tag, name=form.cleaned_data["name"])
        messages.success(request, _("The name is saved."))
        return redirect("mentoring:tags")
    return render(
        request,
        "staff/catalog_rename.html",
        {
            "form": form,
            "entry": tag,
            "title": _("Rename the problem"),
            "back_url": reverse("mentoring:tags"),
            "back_title": _("Problems"),
        },
    )
