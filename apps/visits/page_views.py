"""Pages of lesson visits: my visits, planning, the visit, feedback and self-reflection.

Who sees what is decided in apps.visits.access: the facts of a visit for its
people and the administration, the content (feedback, self-reflection) for the
observed teacher, the observers and the group's curator only — and for the
colleagues of her subject association she shares it with (never the
administration). Drafts are their author's alone.
"""

import functools

from django.contrib import messages
from django.core.exceptions import ObjectDoesNotExist, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import get_language, gettext_lazy, ngettext
from django.utils.translation import gettext as _
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_POST

from apps.core import wordforms
from apps.core.dates import school_today
from apps.core.forms import apply_validation_error
from apps.core.links import row_link
from apps.core.request_limits import body_limit
from apps.core.tenancy import get_for_school_or_404, school_view
from apps.core.validation import max_length_of
from apps.mentoring.access import require
from apps.staff.models import short_name
from apps.staff.selectors import staff_id_for_user

from . import access, markup, selectors, services
from .models import Feedback, LessonVisit, ProtocolItem
from .page_forms import (
    TEXT_FIELDS,
    CancelForm,
    FeedbackForm,
    ReflectionForm,
    VisitForm,
    active_protocol_rows,
    evaluative_words_found,
    groups_for_planner,
)

# Lists on "My visits" are capped; received feedback is paged.
LIST_CAP = 20
PAGE_SIZE = 20
# An autosave is the five texts URL-encoded, a Cyrillic letter 6 bytes: room for
# all of them at their limit and the other fields; anything longer (a 5 MB
# paste) is refused before it is read.
DRAFT_TEXT_LIMIT = max(max_length_of(Feedback, name) for name in TEXT_FIELDS)
DRAFT_MAX_BYTES = 6 * sum(max_length_of(Feedback, name) for name in TEXT_FIELDS) + 8 * 1024
DRAFT_TOO_LONG = {"too_long": True, "limit": DRAFT_TEXT_LIMIT}


def _visit(request, pk, *, queryset=selectors.visit_queryset):
    return get_for_school_or_404(queryset(school=request.school), school=request.school, pk=pk)


def _visit_one(request, pk, *, joins):
    """`selectors.visit_one` of the school, or 404."""
    visit = selectors.visit_one(school=request.school, pk=pk, joins=joins)
    if visit is None:
        raise Http404(LessonVisit._meta.verbose_name)
    return visit


def _my_observer_staff(visit, user):
    """The user's registry record among the visit's observers, or None."""
    return next((link.staff for link in visit.observer_links.all() if link.staff.user_id == user.pk), None)


def _share_reader(request, visit):
    """Asked only where sharing decides (apps.visits.access.share_decides): one query less for the others."""
    return access.share_decides(request, visit) and selectors.visit_is_share_reader(
        visit=visit, user=request.user, school=request.school
    )


def _ms(moment):
    return int(moment.timestamp() * 1000) if moment else 0


def _draft_key(kind, visit, user):
    return f"{kind}:{visit.pk}:{user.pk}"


@school_view()
def my_visits(request):
    # Only which card is the user's: no card object to build (request.staff).
    me = staff_id_for_user(school=request.school, user=request.user)
    now = timezone.now()
    words = _my_words()
    context = {"me": me, "now": now, "words": words}
    # Visits this user planned for others: whoever planned a visit finds it again.
    planned = selectors.visits_planned_by_rows(school=request.school, user=request.user, cap=LIST_CAP)
    if me is not None:
        awaiting, upcoming, received = selectors.my_visits_lists(
            school=request.school,
            staff_id=me,
            now=now,
            cap=LIST_CAP,
            number=request.GET.get("page"),
            per_page=PAGE_SIZE,
        )
        context["received"] = received
        awaiting, upcoming, received.object_list, planned = selectors.visits_lines_prepare(
            awaiting, upcoming, received.object_list, planned
        )
        selectors.visits_time_left_prepare(awaiting, now=now)
        context["awaiting"], context["upcoming"] = awaiting, upcoming
        # Each line's texts said here, not by translation tags per line.
        for visit in awaiting:
            left = words["overdue_by"] if visit.overdue else words["left"]
            visit.time_left_text = left % {"since": visit.time_left, "left": visit.time_left}
            visit.due_label = words["due"] % {"due": visit.due_text}
        for visit in received.object_list:
            count = visit.feedback_submitted
            visit.feedback_text = ngettext("%(counter)s feedback", "%(counter)s feedback", count) % {"counter": count}
            when = visit.debriefed_text
            visit.debriefed_label = words["debriefed"] % {"when": when} if when else ""
        # The observed teacher's own agreed next steps (their content: theirs to read), as plain rows.
        next_steps = selectors.my_next_steps_rows(school=request.school, staff_id=me, cap=5)
        detail = _detail_link.pattern()
        context["next_steps"] = [
            {
                "next_step": next_step,
                "visit_url": detail.format(pk=visit_id),
                "grade": grade,
                "topic": topic,
                "observer_name": short_name(*names),
                "follow_up_label": (
                    words["look_at_progress"] % {"date": f"{follow_up_on:%d.%m.%Y}"} if follow_up_on else ""
                ),
            }
            for next_step, follow_up_on, visit_id, grade, topic, *names in next_steps
        ]
        # The lists' lines, written in Python (apps.visits.markup).
        context["awaiting_html"] = markup.my_awaiting_html(awaiting, words=words)
        context["upcoming_html"] = markup.my_upcoming_html(upcoming, words=words, me_id=me)
        context["received_html"] = markup.my_received_html(received.object_list, words=words)
        context["next_steps_html"] = markup.my_next_steps_html(context["next_steps"])
    else:
        (planned,) = selectors.visits_lines_prepare(planned)
    context["planned"] = planned
    context["planned_html"] = markup.my_planned_html(planned, words=words)
    return render(request, "visits/pages/my.html", context)


_MY_WORDS = {
    "overdue_by": gettext_lazy("overdue by %(since)s"),
    "left": gettext_lazy("%(left)s left"),
    "due": gettext_lazy("due %(due)s"),
    "debriefed": gettext_lazy("debriefed %(when)s"),
    "look_at_progress": gettext_lazy("look at progress on %(date)s"),
    "observed_aspect": gettext_lazy("Observed aspect"),
    "the_visit": gettext_lazy("The visit"),
    "give_feedback": gettext_lazy("Give feedback"),
    "continue_draft": gettext_lazy("Continue the draft"),
    "my_lesson": gettext_lazy("my lesson"),
    "i_observe": gettext_lazy("I observe"),
    # The page's headings, said once per language here rather than by a translation tag each.
    "my_visits": gettext_lazy("My visits"),
    "plan_a_visit": gettext_lazy("Plan a visit"),
    "awaiting_my_feedback": gettext_lazy("Awaiting my feedback"),
    "upcoming_visits": gettext_lazy("Upcoming visits"),
    "my_next_steps": gettext_lazy("My agreed next steps"),
    "feedback_i_received": gettext_lazy("Feedback I received"),
}


def _my_words():
    """The words «My visits» says on its lines, translated once per language and process."""
    return _my_words_in(get_language())


@functools.cache
def _my_words_in(language):
    return {key: str(word) for key, word in _MY_WORDS.items()}


_detail_link = row_link("visits:detail")


def _initial(request, me, *, groups, protocols):
    """What the planning form starts with: today, the teacher as an observer, and
    what ?group=, ?from_visit= (an agreed next step) or ?answers= (a reverse visit) bring.
    `groups` and `protocols` are the form's choices, loaded once."""
    school = request.school
    initial = {"day": school_today(school), "kind": LessonVisit.Kind.PAIR_VISIT}
    protocol = next(iter(protocols), None)
    if protocol is not None:
        initial["protocol"] = protocol.pk
    if me is not None and not request.membership.can("visits.plan_for_others"):
        initial["observers"] = [me.pk]
    allowed_groups = {group.pk: group for group in groups}

    group_id = request.GET.get("group", "")
    if group_id.isdecimal():
        group = allowed_groups.get(int(group_id))
        if group is not None:
            initial.update(group=group.pk, observed_aspect=group.observed_aspect)

    source_id = request.GET.get("from_visit", "")
    if source_id.isdecimal():
        source = selectors.visit_one(school=school, pk=int(source_id), joins="page")
        # The next step is content: only those who may read it bring it over.
        if source is not None and access.visit_can_read_content(request, source):
            all_feedback = selectors.visit_feedback(visit=source, content=True)
            submitted = [f for f in all_feedback if f.is_submitted and f.next_step.strip()]
            mine = [f for f in submitted if f.observer.user_id == request.user.pk]
            chosen = (mine or sorted(submitted, key=lambda f: f.submitted_at, reverse=True) or [None])[0]
            initial.update(
                kind=source.kind,
                observed=source.observed_id,
                observers=[link.staff_id for link in source.observer_links.all()],
                grade=source.grade,
                subject=source.subject_id,
                protocol=source.protocol_id,
                observed_aspect=source.observed_aspect,
            )
            # The next step is shown beside the form, never copied into the visit:
            # a visit's facts are read by the administration, its content is not.
            initial["next_step_hint"] = chosen.next_step.strip() if chosen else ""
            if source.group_id in allowed_groups:
                initial["group"] = source.group_id

    answers_id = request.GET.get("answers", "")
    if answers_id.isdecimal():
        answered = selectors.visit_one(school=school, pk=int(answers_id), joins="page")
        if answered is not None and access.visit_can_view(request, answered):
            links = list(answered.observer_links.all())
            initial.update(
                kind=LessonVisit.Kind.REVERSE_VISIT,
                answers_visit=answered.pk,
                observed=links[0].staff_id if links else None,
                observers=[answered.observed_id],
                observed_aspect=answered.observed_aspect,
                protocol=answered.protocol_id,
            )
            if answered.group_id in allowed_groups:
                initial["group"] = answered.group_id
    return initial


@school_view()
def visit_create(request):
    """Any member plans a visit; a teacher only one they take part in."""
    me = request.staff
    restricted = not request.membership.can("visits.plan_for_others")
    if restricted and me is None:
        messages.error(request, _("Your account is not linked to a card in the staff registry."))
        return redirect("visits:my")
    groups = groups_for_planner(request, request.school)
    # The active protocols: the form's first choice and its list, one query; a school with
    # none active gets the defaults if it has no protocol at all.
    protocols = active_protocol_rows(school=request.school)
    if not protocols:
        services.protocols_ensure_defaults(school=request.school)
        protocols = active_protocol_rows(school=request.school)
    initial = None if request.method == "POST" else _initial(request, me, groups=groups, protocols=protocols)
    form = VisitForm(
        request.POST or None,
        request=request,
        school=request.school,
        me=me,
        initial=initial,
        groups=groups,
        protocols=protocols,
    )
    if request.method == "POST" and form.is_valid():
        try:
            visit = services.visit_create(school=request.school, created_by=request.user, **form.service_kwargs())
        except ValidationError as error:
            apply_validation_error(form, error, fields=VisitForm.SERVICE_FIELDS)
        else:
            messages.success(request, _("The visit is planned; the observers are notified."))
            return redirect("visits:detail", pk=visit.pk)
    return render(
        request,
        "visits/pages/visit_form.html",
        {"form": form, "next_step_hint": (initial or {}).get("next_step_hint", "")},
    )


@school_view()
def visit_detail(request, pk):
    visit = _visit_one(request, pk, joins="detail")
    share_reader = _share_reader(request, visit)
    require(access.visit_can_view(request, visit, share_reader=share_reader))
    can_read = access.visit_can_read_content(request, visit, share_reader=share_reader)
    user = request.user
    me_observer = _my_observer_staff(visit, user)
    all_feedback = selectors.visit_feedback(visit=visit, content=can_read, checks=True)
    my_feedback = next((f for f in all_feedback if me_observer and f.observer_id == me_observer.pk), None)
    submitted_by = {f.observer_id for f in all_feedback if f.is_submitted}
    reflection = None
    if can_read:
        try:
            reflection = visit.self_reflection
        except ObjectDoesNotExist:
            reflection = None
    is_observed = access.is_observed(visit, user)
    is_curator = access.is_curator(visit, user)
    # The teacher sees exactly who would read her debrief if she shared it now, or who reads it.
    share_names = selectors.visit_share_people(visit=visit) if is_observed else []
    context = {
        "visit": visit,
        "now": timezone.now(),
        "can_read": can_read,
        # Submitted feedback only: a draft is its author's alone.
        "feedback": [f for f in all_feedback if f.is_submitted] if can_read else [],
        "observers": [(link.staff, link.staff_id in submitted_by) for link in visit.observer_links.all()],
        "reflection": reflection,
        "is_observed": is_observed,
        "share_names": share_names,
        "my_feedback": my_feedback,
        "can_give_feedback": me_observer is not None
        and visit.status != LessonVisit.Status.CANCELLED
        and not (my_feedback and my_feedback.is_submitted),
        "can_cancel": access.visit_can_manage(request, visit) and visit.status in LessonVisit.AWAITING,
        "can_plan_reverse": visit.kind != LessonVisit.Kind.REVERSE_VISIT
        and visit.status != LessonVisit.Status.CANCELLED
        and (is_observed or is_curator or request.membership.can("visits.oversee")),
        "can_plan_next": can_read
        and (is_observed or is_curator or me_observer is not None)
        and any(f.is_submitted and f.next_step.strip() for f in all_feedback),
        "draft_clear": _draft_key("feedback", visit, user) if my_feedback and my_feedback.is_submitted else "",
        "cancel_form": CancelForm(),
    }
    return render(request, "visits/pages/visit_detail.html", context)


def _protocol_items(visit):
    """The prompts of the visit's protocol and its checklist items (the form's boxes), one query."""
    if not visit.protocol_id:
        return [], []
    items = selectors.protocol_items(protocol_id=visit.protocol_id)
    return (
        [item for item in items if item.kind == ProtocolItem.Kind.PROMPT],
        [item for item in items if item.kind == ProtocolItem.Kind.CHECK],
    )


# Feedback and self-reflection texts stay out of error reports and logs.
@sensitive_post_parameters(*TEXT_FIELDS)
@school_view()
def feedback(request, pk):
    """An observer's feedback, on a phone right after the lesson: drafts on demand,
    automatic drafts (htmx), and a copy in the browser (static/js/drafts.js)."""
    visit = _visit_one(request, pk, joins="feedback")
    me = _my_observer_staff(visit, request.user)
    require(me is not None)
    if visit.status == LessonVisit.Status.CANCELLED:
        messages.info(request, _("The visit was cancelled."))
        return redirect("visits:detail", pk=visit.pk)
    current = selectors.feedback_of(visit=visit, observer=me)
    if request.method != "POST" and current is not None and current.is_submitted:
        messages.info(request, _("Your feedback on this lesson is submitted."))
        return redirect("visits:detail", pk=visit.pk)
    words = services.evaluative_words_for(school=request.school)
    if request.method == "POST":
        # Whether it is already submitted is decided by the services, under the
        # lock: a check here could pass for two requests at once.
        form = FeedbackForm(request.POST, school=request.school, visit=visit)
        form.is_valid()
        draft = request.POST.get("action") == "draft"
        try:
            # A text over its limit saves nothing: the form comes back with the note and the text as typed.
            if draft and not _too_long(form):
                services.feedback_save_draft(visit=visit, observer=me, **form.values())
                messages.success(request, _("The draft is saved. Only you see it."))
                return redirect("visits:feedback", pk=visit.pk)
            if not draft and form.is_valid():
                try:
                    services.feedback_submit(visit=visit, observer=me, **form.values())
                except services.FeedbackAlreadySubmitted:
                    raise
                except ValidationError as error:
                    apply_validation_error(form, error)
                else:
                    _warn_evaluative_words(request, words, form)
                    messages.success(request, _("Your feedback is submitted. Thank you!"))
                    return redirect("visits:detail", pk=visit.pk)
            # Nothing typed is lost: what could be read is kept as a draft.
            if not _too_long(form):
                current = services.feedback_save_draft(visit=visit, observer=me, **form.values())
        except services.FeedbackAlreadySubmitted as refusal:
            return _feedback_refused(request, visit, me, form, refusal)
        protocol_items = _protocol_items(visit)[0]
    else:
        # The prompts; the checklist items are the form's boxes.
        protocol_items, check_items = _protocol_items(visit)
        form = FeedbackForm(
            initial=FeedbackForm.initial_for(current), school=request.school, visit=visit, check_items=check_items
        )
    return render(
        request,
        "visits/pages/feedback_form.html",
        {
            "visit": visit,
            "form": form,
            "feedback": current,
            "protocol_items": protocol_items,
            "evaluative_words": words,
            "evaluative_forms": wordforms.entry_forms_json(words),
            "draft_key": _draft_key("feedback", visit, request.user),
            "server_time": _ms(current.updated_at if current else None),
            "server_now": _ms(timezone.now()),
            "now": timezone.now(),
        },
    )


def _warn_evaluative_words(request, words, form):
    found = evaluative_words_found(words, [form.cleaned_data.get(name) for name in TEXT_FIELDS])
    if found:
        messages.warning(
            request,
            _(
                "Your feedback has evaluative words (%(words)s). Next time try describing "
                "what you saw and heard instead: facts help the teacher more than grades."
            )
            % {"words": ", ".join(f"«{w}»" for w in found)},
        )


def _feedback_refused(request, visit, me, form, refusal):
    """A submit or draft that came after the submission (a double tap, a retried
    request, another tab): the submitted feedback stands, and the text this
    request carried is shown back, read-only, to be copied."""
    submitted = Feedback.objects.get(visit=visit, observer=me)
    carried = "\n\n".join(
        f"{form[name].label}:\n{form[name].value().strip()}"
        for name in TEXT_FIELDS
        if (form[name].value() or "").strip()
    )
    return render(
        request,
        "visits/pages/feedback_refused.html",
        {"visit": visit, "refusal": refusal.messages[0], "carried": carried, "submitted": submitted},
        status=409,
    )


def _too_long(form):
    return any(form.has_error(name, "max_length") for name in TEXT_FIELDS)


@sensitive_post_parameters(*TEXT_FIELDS)
@require_POST
@school_view()
@body_limit(DRAFT_MAX_BYTES, template="visits/pages/_draft_status.html", context=DRAFT_TOO_LONG)
def feedback_draft(request, pk):
    """The automatic draft (htmx): saves whatever is typed, answers a small fragment.
    A text over its limit saves nothing and answers 413: the page keeps the text
    and says to shorten it."""
    visit = _visit_one(request, pk, joins="feedback")
    me = _my_observer_staff(visit, request.user)
    require(me is not None)
    saved = refusal = None
    if visit.status != LessonVisit.Status.CANCELLED:
        form = FeedbackForm(request.POST, school=request.school, visit=visit)
        form.is_valid()
        if _too_long(form):
            return render(request, "visits/pages/_draft_status.html", DRAFT_TOO_LONG, status=413)
        try:
            saved = services.feedback_save_draft(visit=visit, observer=me, **form.values())
        except services.FeedbackAlreadySubmitted as error:
            # Submitted from another tab or device: the text stays in the form on screen.
            refusal = error.messages[0]
    return render(request, "visits/pages/_draft_status.html", {"saved": saved, "refusal": refusal})


@sensitive_post_parameters("text")
@school_view()
def reflection(request, pk):
    """The observed teacher's self-reflection (the visit's feedback is not loaded: the form needs none)."""
    visit = _visit(request, pk, queryset=selectors.visit_for_reflection)
    require(access.is_observed(visit, request.user))
    if visit.status == LessonVisit.Status.CANCELLED:
        messages.info(request, _("The visit was cancelled."))
        return redirect("visits:detail", pk=visit.pk)
    try:
        current = visit.self_reflection
    except ObjectDoesNotExist:
        current = None
    form = ReflectionForm(request.POST or None, initial={"text": current.text if current else ""})
    if request.method == "POST" and form.is_valid():
        services.self_reflection_save(visit=visit, text=form.cleaned_data["text"])
        messages.success(request, _("Your self-reflection is saved."))
        return redirect("visits:detail", pk=visit.pk)
    return render(
        request,
        "visits/pages/reflection_form.html",
        {
            "visit": visit,
            "form": form,
            "draft_key": _draft_key("reflection", visit, request.user),
            "server_time": _ms(current.updated_at if current else None),
            "server_now": _ms(timezone.now()),
        },
    )


@require_POST
@school_view()
def share(request, pk):
    """The observed teacher alone shares the debrief with their subject association (or stops):
    with the colleagues her card showed (`readers`), who are recorded."""
    visit = _visit(request, pk)
    require(access.is_observed(visit, request.user))
    shared = request.POST.get("shared") == "1"
    # The colleagues the card showed her: sharing opens the debrief to them, not to whoever joined since.
    readers = None
    if "readers" in request.POST:
        readers = [int(v) for v in request.POST["readers"].split(",") if v.isascii() and v.isdigit() and len(v) < 12]
    services.visit_share_set(visit=visit, shared=shared, readers=readers)
    if shared:
        messages.success(request, _("The debrief is shared with your subject association."))
    else:
        messages.success(request, _("The debrief is no longer shared."))
    return redirect("visits:detail", pk=visit.pk)


@require_POST
@school_view()
def cancel(request, pk):
    visit = _visit(request, pk)
    require(access.visit_can_manage(request, visit))
    form = CancelForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Say why the visit is cancelled."))
        return redirect("visits:detail", pk=visit.pk)
    try:
        services.visit_cancel(visit=visit, reason=form.cleaned_data["reason"])
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("The visit is cancelled."))
    return redirect("visits:detail", pk=visit.pk)
