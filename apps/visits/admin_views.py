"""The curator's deadline board and the school's visit catalogs (observation
protocols, evaluative words)."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from apps.accounts.models import Role
from apps.core.forms import apply_validation_error
from apps.core.tenancy import get_for_school_or_404, school_view
from apps.staff.forms import NameForm

from . import admin_selectors, admin_services, services
from .access import MANAGERS
from .admin_forms import EvaluativeWordForm, ProtocolForm, ProtocolItemFormSet
from .models import EvaluativeWord, ObservationProtocol

BOARD_ROLES = (Role.CURATOR, Role.DEPUTY_HEAD, Role.ADMINISTRATOR)
PAGE_SIZE = 25


def duration_text(delta):
    """A short, human duration: «2 d 5 h», «3 h 20 min», «15 min»."""
    minutes = int(abs(delta).total_seconds() // 60)
    days, rest = divmod(minutes, 24 * 60)
    hours, minutes = divmod(rest, 60)
    if days:
        return _("%(days)s d %(hours)s h") % {"days": days, "hours": hours}
    if hours:
        return _("%(hours)s h %(minutes)s min") % {"hours": hours, "minutes": minutes}
    return _("%(minutes)s min") % {"minutes": minutes}


def _with_time_left(visits, now):
    for visit in visits:
        left = visit.debrief_due_at - now
        visit.is_late = visit.overdue_now
        visit.time_left = duration_text(left)
    return visits


@school_view(*BOARD_ROLES)
def deadline_board(request):
    """Visits of the curator's groups (the whole school for the administration)
    with the time left until their debrief, missing reverse visits, and, for the
    groups the user curates only, the agreed next steps."""
    now = timezone.now()
    see_all = request.membership.has_role(*MANAGERS)
    scope = {"school": request.school, "user": request.user, "see_all": see_all, "now": now}
    awaiting = admin_selectors.visits_awaiting_debrief(**scope)
    page = Paginator(awaiting, PAGE_SIZE).get_page(request.GET.get("page"))
    _with_time_left(page.object_list, now)
    # Feedback content: only ever the groups this user curates (apps.visits.access).
    next_steps = list(admin_selectors.next_steps_agreed(school=request.school, curator_user=request.user, now=now))
    return render(
        request,
        "visits/admin/deadlines.html",
        {
            "page": page,
            "see_all": see_all,
            "upcoming": list(admin_selectors.visits_upcoming(**scope)),
            "missing_reverse": list(admin_selectors.visits_missing_reverse(**scope)),
            "next_steps": next_steps,
            "show_next_steps": bool(next_steps) or request.membership.has_role(Role.CURATOR),
            "debrief_hours": request.school.debrief_hours,
            "recent_days": admin_selectors.RECENT_DAYS,
            "now": now,
        },
    )


@school_view(*MANAGERS)
def protocol_list(request):
    """The school's observation protocols; the defaults are made on first open."""
    services.protocols_ensure_defaults(school=request.school)
    form = NameForm(request.POST or None, model=ObservationProtocol, school=request.school)
    if request.method == "POST" and form.is_valid():
        try:
            protocol = admin_services.protocol_create(school=request.school, name=form.cleaned_data["name"])
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            messages.success(request, _("The protocol is added: now write its prompts and checklist items."))
            return redirect("visits:protocol_edit", pk=protocol.pk)
    protocols = ObservationProtocol.objects.for_school(request.school).prefetch_related("items")
    return render(request, "visits/admin/protocols.html", {"form": form, "protocols": protocols})


@school_view(*MANAGERS)
def protocol_edit(request, pk):
    protocol = get_for_school_or_404(ObservationProtocol.objects.all(), school=request.school, pk=pk)
    form = ProtocolForm(request.POST or None, initial=ProtocolForm.initial_for(protocol))
    formset = ProtocolItemFormSet(request.POST or None, instance=protocol, prefix="items")
    if request.method == "POST" and form.is_valid() and formset.is_valid():
        try:
            admin_services.protocol_update(
                protocol=protocol,
                name=form.cleaned_data["name"],
                description=form.cleaned_data["description"],
                is_active=form.cleaned_data["is_active"],
                items=formset.item_specs(),
            )
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            messages.success(request, _("The protocol is saved."))
            return redirect("visits:protocols")
    return render(request, "visits/admin/protocol_form.html", {"form": form, "formset": formset, "protocol": protocol})


@school_view(*MANAGERS)
def word_list(request):
    """The evaluative words the feedback form gently points out; the defaults are
    made on first open."""
    services.evaluative_words_ensure(school=request.school)
    form = EvaluativeWordForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            entry = admin_services.evaluative_word_create(school=request.school, word=form.cleaned_data["word"])
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            messages.success(request, _("«%(word)s» is added.") % {"word": entry.word})
            return redirect("visits:words")
    words = EvaluativeWord.objects.for_school(request.school)
    return render(request, "visits/admin/words.html", {"form": form, "words": words})


@require_POST
@school_view(*MANAGERS)
def word_delete(request, pk):
    entry = get_for_school_or_404(EvaluativeWord.objects.all(), school=request.school, pk=pk)
    admin_services.evaluative_word_delete(entry=entry)
    messages.success(request, _("«%(word)s» is removed from the list.") % {"word": entry.word})
    return redirect("visits:words")
