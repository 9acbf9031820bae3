from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from apps.audit.services import audit_export
from apps.core.dates import school_today
from apps.core.forms import apply_validation_error
from apps.core.shares import percent
from apps.core.tenancy import school_view

from . import selectors, services
from .exporting import results_xlsx
from .forms import SurveyAnswerForm, SurveyRoundForm
from .models import SurveyAnswer, SurveyNodeMetric, SurveyRound, SurveyTie

PAGE_SIZE = 25
TOP_NAMED = 5
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _round(request, pk):
    found = selectors.round_one(school=request.school, pk=pk)
    if found is None:
        raise Http404(SurveyRound._meta.verbose_name)
    return found


def _shows_names(request):
    """Names are shown only to who may see the advice network, and only when asked for."""
    return request.membership.can("surveys.view_network") and request.GET.get("names") == "1"


@school_view("surveys.manage")
def round_list(request):
    page = Paginator(selectors.round_list(school=request.school), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "surveys/round_list.html", {"page": page, "today": school_today(request.school)})


@school_view()
def my_surveys(request):
    rounds = selectors.my_rounds(school=request.school, user=request.user)
    page = Paginator(rounds, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "surveys/my_surveys.html", {"page": page, "today": school_today(request.school)})


@school_view("surveys.manage")
def round_create(request):
    form = SurveyRoundForm(request.POST or None, school=request.school)
    if request.method == "POST" and form.is_valid():
        try:
            survey_round = services.survey_round_create(
                school=request.school,
                staff=form.cleaned_data["staff"],
                created_by=request.user,
                **{name: form.cleaned_data[name] for name in SurveyRoundForm.Meta.fields},
            )
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            messages.success(request, _("The survey is created."))
            return redirect("surveys:round_detail", pk=survey_round.pk)
    return render(request, "surveys/round_form.html", {"form": form})


@school_view("surveys.manage")
def round_detail(request, pk):
    survey_round = _round(request, pk)
    counts = selectors.round_list(school=request.school).filter(pk=pk).values("participant_count", "answer_count")[0]
    return render(
        request,
        "surveys/round_detail.html",
        {
            "round": survey_round,
            "status": survey_round.status_on(school_today(request.school)),
            "participants": counts["participant_count"],
            "answers": counts["answer_count"],
        },
    )


@require_POST
@school_view("surveys.manage")
def round_close(request, pk):
    survey_round = _round(request, pk)
    if services.survey_round_close(survey_round=survey_round):
        messages.success(request, _("The survey is closed. Its results are being computed."))
    else:
        messages.info(request, _("The survey was already closed."))
    return redirect("surveys:round_detail", pk=survey_round.pk)


@school_view()
def answer(request, pk):
    """A participant's own answer: editable while the round is open; afterwards
    only "you took part"."""
    survey_round = _round(request, pk)
    respondent = request.staff
    participant = (
        selectors.participant_of(survey_round=survey_round, respondent=respondent) if respondent is not None else None
    )
    if participant is None:
        messages.info(request, _("You do not take part in this survey."))
        return redirect("surveys:my_surveys")
    today = school_today(request.school)
    status = survey_round.status_on(today)
    if status != "open":
        if request.method == "POST":
            messages.error(request, _("The survey is closed: answers are no longer accepted."))
            return redirect("surveys:answer", pk=survey_round.pk)
        return render(
            request, "surveys/answer_closed.html", {"round": survey_round, "status": status, "participant": participant}
        )
    colleagues = selectors.colleagues_of(round_id=survey_round.pk, respondent_id=respondent.pk)
    rows = selectors.colleague_rows(survey_round=survey_round, respondent=respondent)
    initial = {}
    existing = selectors.answer_of(survey_round=survey_round, respondent=respondent)
    if existing is not None:
        for kind in SurveyTie.Kind.values:
            initial[kind] = [t.target_id for t in existing.ties.all() if t.kind == kind]
        for item in SurveyAnswer.READINESS_ITEMS:
            initial[item] = getattr(existing, item)
    form = SurveyAnswerForm(
        request.POST or None, initial=initial, survey_round=survey_round, colleagues=colleagues, colleague_rows=rows
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.survey_answer_submit(
                survey_round=survey_round, respondent=respondent, choices=form.choices(), readiness=form.readiness()
            )
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            messages.success(request, _("Thank you: your answer is saved. You can change it until the survey closes."))
            return redirect("surveys:answer", pk=survey_round.pk)
    return render(
        request,
        "surveys/answer_form.html",
        {"round": survey_round, "form": form, "answered": existing is not None},
    )


@school_view("surveys.manage")
def results(request, pk):
    """What the stored analysis may show (apps/surveys/disclosure.py): how many
    named each person, banded, and never by whom."""
    survey_round = _round(request, pk)
    analysis = getattr(survey_round, "analysis", None)
    context = {"round": survey_round, "analysis": analysis, "visible": selectors.results_visible(survey_round)}
    if context["visible"]:
        show_names = _shows_names(request)
        metrics = selectors.round_results(survey_round=survey_round)
        by_staff = {m.staff_id: m.staff for m in metrics}
        connected = analysis.comparison.get("isolates_connected", [])
        Named = SurveyNodeMetric.Named
        context.update(
            {
                "show_names": show_names,
                "can_show_names": request.membership.can("surveys.view_network"),
                # The picture is the administrator's (a deputy head could tell the
                # unnamed dots apart by the programme's pairs and teams they know).
                "picture": selectors.network_picture(analysis=analysis, metrics=metrics, show_names=show_names)
                if request.membership.can("surveys.view_network")
                else None,
                "isolates": [m.staff for m in metrics if m.named == Named.NOBODY] if show_names else [],
                "top_named": [m for m in metrics if m.named in (Named.COUNT, Named.FEW)][:TOP_NAMED],
                "readiness": [
                    (label, analysis.readiness.get(item)) for item, label in SurveyAnswer.READINESS_ITEMS.items()
                ],
                "readiness_withheld": None in [analysis.readiness.get(item) for item in SurveyAnswer.READINESS_ITEMS],
                "connected": [by_staff[pk] for pk in connected if pk in by_staff] if show_names else [],
                "connected_count": len(connected),
                "respondent_share": percent(analysis.respondents, analysis.participants)
                if analysis.participants
                else 0,
            }
        )
    else:
        context["participants"] = survey_round.participants.count()
        context["answers"] = survey_round.participants.filter(answered_at__isnull=False).count()
    return render(request, "surveys/results.html", context)


@school_view("surveys.manage")
def results_export(request, pk):
    survey_round = _round(request, pk)
    if not selectors.results_visible(survey_round):
        messages.info(request, _("There are no results to export yet."))
        return redirect("surveys:results", pk=survey_round.pk)
    metrics = None
    if request.membership.can("surveys.view_network"):
        metrics = selectors.round_results(survey_round=survey_round)
    content = results_xlsx(survey_round=survey_round, analysis=survey_round.analysis, metrics=metrics)
    file_name = f"survey-{survey_round.pk}-results.xlsx"
    audit_export(what=_("Survey results: %(round)s") % {"round": survey_round}, file_name=file_name)
    response = HttpResponse(content, content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="{file_name}"'
    return response
