"""Pages of the recognition tree. The live screen polls a small endpoint with
htmx instead of holding a server-sent events stream open: the site runs on sync
gunicorn workers, and a screen left on at a staff meeting must never hold one of
them (see docs/features/recognition.md#live-mode)."""

import functools

import segno
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from apps.core.dates import academic_year_span
from apps.core.forms import apply_validation_error
from apps.core.tenancy import request_viewer, school_view

from . import selectors, services, tree
from .forms import ModerateForm, RecognitionForm
from .hint import praise_words_for_page, recognition_text_is_vague
from .markup import leaf_items_html
from .models import Recognition

BY = ("forms", "associations")
# The live screen's feed: the newest leaves, beside the tree.
FEED_SIZE = 8
# How often the live screen asks for new leaves: a new one shows within five seconds.
POLL_SECONDS = 2


def _by(request):
    by = request.GET.get("by")
    return by if by in BY else "forms"


def _branches(request, *, by, leaves):
    if by == "forms":
        branches = tree.branches_by_forms()
    else:
        branches = tree.branches_by_associations(
            selectors.school_associations(school=request.school), networked=request.school.network_id is not None
        )
    return tree.grow(branches, leaves, by=by, school_id=request.school.pk)


def _drawn(request, *, year, by, new_after=None):
    leaves = selectors.tree_leaves(viewer=request_viewer(request), school=request.school, year=year)
    branches = _branches(request, by=by, leaves=leaves)
    title = _("Recognition tree of %(school)s, %(year)s") % {
        "school": request.school.short_name,
        "year": academic_year_span(year),
    }
    return leaves, branches, tree.tree_svg(branches, title=title, new_after=new_after)


@school_view()
def tree_page(request):
    by = _by(request)
    years, current = selectors.tree_years(viewer=request_viewer(request), school=request.school)
    try:
        year = int(request.GET.get("year", current))
    except ValueError:
        year = current
    if year not in years:
        year = current
    leaves, branches, svg = _drawn(request, year=year, by=by)
    return render(
        request,
        "recognition/tree.html",
        {
            "svg": svg,
            "branches": [(b.label, leaf_items_html(b.leaves)) for b in branches if b.leaves],
            "years": years,
            "year": year,
            "current": current,
            "by": by,
        },
    )


@functools.lru_cache(maxsize=32)
def _qr_svg(address, title):
    # The same address for everyone at a school: drawn once per process and language.
    return segno.make(address, error="m").svg_inline(
        scale=4, svgclass="qr d-block w-100 h-auto", lineclass=None, omitsize=True, title=title
    )


@school_view()
def live(request):
    """The screen at a staff meeting: this year's tree, the newest leaves, and a
    QR code of the form for phones."""
    by = _by(request)
    current = selectors.current_year(school=request.school)
    leaves, _branches_drawn, svg = _drawn(request, year=current, by=by)
    address = request.build_absolute_uri(reverse("recognition:create") + "?from=live")
    return render(
        request,
        "recognition/live.html",
        {
            "svg": svg,
            "feed": leaf_items_html(leaves[::-1][:FEED_SIZE]),
            "after": max((leaf.pk for leaf in leaves), default=0),
            "leaves": len(leaves),
            "by": by,
            "year": current,
            "qr": mark_safe(_qr_svg(address, _("QR code of the form"))),  # nosec B308 B703 - segno's SVG of our own URL
            "address": address,
            "poll_seconds": POLL_SECONDS,
        },
    )


def _whole(value):
    try:
        number = int(value)
    except (TypeError, ValueError):
        return None
    return number if 0 <= number < 2**63 else None


@school_view()
def live_leaves(request):
    """What the live screen asks every few seconds, with the newest leaf it shows
    (`after`) and how many (`leaves`): nothing (204, one indexed query) until a
    leaf grows or is hidden; then the tree again, the new leaves growing in, the
    feed, and the poll with the new state."""
    by = _by(request)
    if request.headers.get("HX-Request") != "true":
        # A part of the live screen, not a page: a browser that opens it lands on the screen.
        return redirect(reverse("recognition:live") + f"?by={by}")
    current = selectors.current_year(school=request.school)
    after = None
    if "after" in request.GET:
        # Without `after` (a screen that lost its place): the whole tree as it is.
        after, shown = _whole(request.GET["after"]), _whole(request.GET.get("leaves", "0"))
        if after is None or shown is None:
            return HttpResponseBadRequest("after, leaves: the newest leaf shown and how many")
        if selectors.tree_state(viewer=request_viewer(request), year=current) == (after, shown):
            return HttpResponse(status=204)
    leaves, _branches_drawn, svg = _drawn(request, year=current, by=by, new_after=after)
    return render(
        request,
        "recognition/_live_update.html",
        {
            "svg": svg,
            "feed": leaf_items_html(leaves[::-1][:FEED_SIZE]),
            "after": max((leaf.pk for leaf in leaves), default=0),
            "leaves": len(leaves),
            "by": by,
            "poll_seconds": POLL_SECONDS,
        },
    )


@school_view()
def create(request):
    staff = request.staff
    if staff is None:
        return render(request, "recognition/no_card.html")
    from_live = request.GET.get("from") == "live"
    form = RecognitionForm(request.POST or None, viewer=request_viewer(request), school=request.school)
    if request.method == "POST" and form.is_valid():
        kind, pk = form.cleaned_data["link"]
        try:
            recognition = services.recognition_create(
                author=staff,
                recipients=form.cleaned_data["recipients"],
                text=form.cleaned_data["text"],
                link_kind=kind,
                link_id=pk,
            )
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            messages.success(request, _("A new leaf has grown on the tree."))
            if recognition_text_is_vague(text=recognition.text, linked=bool(kind)):
                messages.info(
                    request,
                    _(
                        "What exactly for? Next time name the concrete help: the lesson, the material, "
                        "the advice, and what came of it. Such thanks mean more to a colleague."
                    ),
                )
            if from_live:
                return redirect(reverse("recognition:create") + "?from=live")
            return redirect("recognition:detail", recognition.pk)
    return render(
        request,
        "recognition/form.html",
        {"form": form, "from_live": from_live, "praise_words": praise_words_for_page()},
    )


def _found(request, pk):
    """The recognition as this person may see it; 404 otherwise.

    A name its person hid is seen by nobody else; a recognition every named
    person hid, or one the administration hid, leaves the pages of everyone but
    its people, its author (for an administration's hiding) and the moderators."""
    try:
        pk = int(pk)
    except (TypeError, ValueError):
        raise Http404(str(Recognition._meta.verbose_name)) from None
    shown = selectors.recognition_detail(viewer=request_viewer(request), school=request.school, pk=pk)
    if shown is None:
        raise Http404(str(Recognition._meta.verbose_name))
    leaf = shown.leaf
    me = request.staff.pk if request.staff is not None else None
    shown.is_recipient = any(person.staff_id == me for person in leaf.people)
    if not shown.is_recipient and all(person.hidden for person in leaf.people):
        raise Http404(str(Recognition._meta.verbose_name))
    moderator = request.membership.can("recognition.moderate")
    if shown.hidden_at is not None and not (shown.is_recipient or shown.author_id == me or moderator):
        raise Http404(str(Recognition._meta.verbose_name))
    leaf.people = [person for person in leaf.people if not person.hidden or person.staff_id == me]
    return shown


@school_view()
def detail(request, pk):
    shown = _found(request, pk)
    me = request.staff.pk if request.staff is not None else None
    return render(
        request,
        "recognition/detail.html",
        {
            "recognition": shown,
            "leaf": shown.leaf,
            "is_recipient": shown.is_recipient,
            "hid_myself": any(p.staff_id == me and p.hidden for p in shown.leaf.people),
            "link_url": _link_url(request, shown, is_involved=shown.is_recipient or shown.author_id == me),
        },
    )


def _link_url(request, shown, *, is_involved):
    """Where the linked thing opens, for those its own page lets in: a lesson and
    a pair's result for their people (the author and those recognised, here); a
    team or a day of the viewer's own school for its staff; a seminar or a material
    for those its circle lets in."""
    kind, ids = shown.link_field, shown.link_ids
    if not kind:
        return ""
    own = shown.school_id == request.school.pk
    if kind == "visit" and is_involved:
        return reverse("visits:detail", args=[ids["visit"]])
    if kind == "network_result" and is_involved:
        return reverse("mentoring:group_detail", args=[ids["group"]])
    if kind == "team_outcome" and own:
        return reverse("teams:team_detail", args=[ids["team"]])
    if kind == "problem_day" and own:
        return reverse("problemdays:day_detail", args=[ids["problem_day"]])
    if kind == "event" and ids["event_seen"]:
        return reverse("network_events:detail", args=[ids["event"]])
    if kind == "material" and ids["material_seen"]:
        return reverse("community:material_detail", args=[ids["material"]])
    return ""


@require_POST
@school_view()
def hide_self(request, pk):
    shown = _found(request, pk)
    if not shown.is_recipient:
        raise PermissionDenied("only a person the recognition names hides it for themselves")
    recognition = Recognition.objects.get(pk=shown.pk)
    if request.POST.get("show") == "1":
        services.recognition_show_self(recognition=recognition, staff=request.staff)
        messages.success(request, _("Your name is on the leaf again."))
    else:
        services.recognition_hide_self(recognition=recognition, staff=request.staff)
        messages.success(request, _("Your name has left the leaf: nobody else sees it there."))
    return redirect("recognition:detail", recognition.pk)


@school_view("recognition.moderate")
def moderate(request, pk):
    shown = _found(request, pk)
    recognition = Recognition.objects.get(pk=shown.pk)
    form = ModerateForm(request.POST or None)
    if request.method == "POST":
        if recognition.hidden_at is not None:
            try:
                services.recognition_show(recognition=recognition, user=request.user, school=request.school)
            except ValidationError as error:
                messages.error(request, " ".join(error.messages))
            else:
                messages.success(request, _("The recognition is back on the tree."))
            return redirect("recognition:detail", recognition.pk)
        if form.is_valid():
            try:
                services.recognition_hide(
                    recognition=recognition,
                    user=request.user,
                    school=request.school,
                    reason=form.cleaned_data["reason"],
                )
            except ValidationError as error:
                apply_validation_error(form, error)
            else:
                messages.success(request, _("The recognition is hidden; the reason is in the audit trail."))
                return redirect("recognition:detail", recognition.pk)
    return render(request, "recognition/moderate.html", {"recognition": recognition, "leaf": shown.leaf, "form": form})
