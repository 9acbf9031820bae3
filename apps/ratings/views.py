from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from apps.audit.services import audit_export
from apps.core.dates import school_today
from apps.core.forms import apply_validation_error
from apps.core.tenancy import get_for_school_or_404, school_view
from apps.core.uploads import file_download

from . import markup, pdf, selectors, services, xlsx
from .access import is_commission, is_own_sheet, require, sheet_can_see
from .forms import (
    AnswerForm,
    CommissionMemberForm,
    CriterionForm,
    ManualEntryForm,
    PeriodForm,
    RemarkForm,
    RemarksUntilForm,
    ReopenForm,
)
from .models import CommissionMember, Criterion, ManualEntry, RatingPeriod, Remark

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _period(request, pk):
    return get_for_school_or_404(RatingPeriod.objects.select_related("school"), school=request.school, pk=pk)


def _errors_as_messages(request, error):
    for message in error.messages:
        messages.error(request, message)


# «Мой лист» and the commission's entry ------------------------------------------------


@school_view()
def my_sheets(request):
    """One's own sheets; the commission also finds its way to the periods here."""
    staff = getattr(request, "staff", None)
    return render(
        request,
        "ratings/my_sheets.html",
        {"sheets": selectors.sheets_of_person(staff=staff), "is_commission": is_commission(request)},
    )


# Criteria ------------------------------------------------------------------------------


@school_view("ratings.manage")
def criteria(request):
    items = selectors.criteria_of_school(school=request.school)
    labels = dict(selectors.indicator_choices())
    return render(
        request,
        "ratings/criteria.html",
        {"criteria": [(c, labels.get(c.indicator_key, c.indicator_key)) for c in items]},
    )


@school_view("ratings.manage")
def criterion_edit(request, pk=None):
    criterion = get_for_school_or_404(Criterion.objects.all(), school=request.school, pk=pk) if pk else None
    initial = (
        {
            "indicator_key": criterion.indicator_key,
            "title": criterion.title,
            "points_per_unit": criterion.points_per_unit,
            "cap": criterion.cap,
            "position": criterion.position,
            "is_active": criterion.is_active,
        }
        if criterion
        else {"is_active": True, "position": len(selectors.criteria_of_school(school=request.school)) + 1}
    )
    form = CriterionForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.criterion_save(school=request.school, criterion=criterion, **form.cleaned_data)
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            messages.success(request, _("The criterion is saved."))
            return redirect("ratings:criteria")
    heading = criterion.title if criterion else _("A new criterion")
    return render(
        request,
        "ratings/form.html",
        {"form": form, "heading": heading, "testid": "criterion-form", "back": "ratings:criteria"},
    )


# The commission ---------------------------------------------------------------------------


@school_view("ratings.manage")
def commission(request):
    form = CommissionMemberForm(request.POST or None, school=request.school)
    if request.method == "POST" and form.is_valid():
        try:
            services.commission_member_add(school=request.school, staff=form.cleaned_data["staff"])
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            messages.success(request, _("The person is on the commission."))
            return redirect("ratings:commission")
    return render(
        request,
        "ratings/commission.html",
        {"form": form, **selectors.commission_of_school(school=request.school)},
    )


@require_POST
@school_view("ratings.manage")
def commission_remove(request, pk):
    member = get_for_school_or_404(CommissionMember.objects.select_related("staff"), school=request.school, pk=pk)
    services.commission_member_remove(member=member)
    messages.success(request, _("%(name)s is no longer on the commission.") % {"name": member.staff})
    return redirect("ratings:commission")


# Periods ------------------------------------------------------------------------------------


@school_view()
def periods(request):
    require(is_commission(request))
    return render(
        request,
        "ratings/periods.html",
        {"periods": selectors.periods_of_school(school=request.school)},
    )


@school_view("ratings.manage")
def period_new(request):
    form = PeriodForm(request.POST or None, school=request.school)
    if request.method == "POST" and form.is_valid():
        try:
            period = services.period_create(school=request.school, **form.cleaned_data)
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            messages.success(request, _("The period is created: compute its sheets when the records are in."))
            return redirect("ratings:period", pk=period.pk)
    return render(
        request,
        "ratings/form.html",
        {"form": form, "heading": _("A new period of the rating"), "testid": "period-form", "back": "ratings:periods"},
    )


@school_view()
def period_detail(request, pk):
    period = _period(request, pk)
    require(is_commission(request))
    return _period_page(request, period, RemarksUntilForm(initial={"remarks_until": period.remarks_until}))


def _period_page(request, period, dates_form):
    protocol = selectors.protocol(period=period)
    return render(
        request,
        "ratings/period.html",
        {
            "period": period,
            "protocol": protocol,
            "protocol_rows": markup.protocol_rows(protocol),
            "remarks": selectors.period_remarks(period=period),
            "entries": selectors.period_manual_entries(period=period),
            "dates_form": dates_form,
            "approvable": period.approvable(school_today(request.school)),
        },
    )


@require_POST
@school_view()
def period_compute(request, pk):
    period = _period(request, pk)
    require(is_commission(request))
    try:
        count = services.period_compute(period=period)
    except ValidationError as error:
        _errors_as_messages(request, error)
    else:
        messages.success(request, _("The sheets are computed: %(count)s.") % {"count": count})
    return redirect("ratings:period", pk=period.pk)


@require_POST
@school_view()
def period_dates(request, pk):
    period = _period(request, pk)
    require(is_commission(request))
    form = RemarksUntilForm(request.POST)
    if form.is_valid():
        try:
            services.period_remarks_until_set(period=period, remarks_until=form.cleaned_data["remarks_until"])
        except ValidationError as error:
            if not hasattr(error, "error_dict"):  # approved meanwhile: the form is no longer on the page
                _errors_as_messages(request, error)
                return redirect("ratings:period", pk=period.pk)
            apply_validation_error(form, error)
        else:
            messages.success(request, _("The commission's date is changed."))
            return redirect("ratings:period", pk=period.pk)
    # The page again with the date as typed and what is wrong with it (as every form does).
    return _period_page(request, period, form)


@require_POST
@school_view()
def period_approve(request, pk):
    period = _period(request, pk)
    require(is_commission(request))
    try:
        services.period_approve(period=period, by=request.user)
    except ValidationError as error:
        _errors_as_messages(request, error)
    else:
        messages.success(request, _("The rating is approved and locked."))
    return redirect("ratings:period", pk=period.pk)


@school_view("ratings.manage")
def period_reopen(request, pk):
    period = _period(request, pk)
    form = ReopenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.period_reopen(period=period, reason=form.cleaned_data["reason"])
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            messages.success(request, _("The period is open again."))
            return redirect("ratings:period", pk=period.pk)
    return render(
        request,
        "ratings/form.html",
        {
            "form": form,
            "heading": _("Reopen %(period)s") % {"period": period.label},
            "testid": "reopen-form",
            "back": "ratings:period",
            "back_pk": period.pk,
        },
    )


# Manual entries ------------------------------------------------------------------------------


@school_view()
def manual_new(request, pk):
    period = _period(request, pk)
    require(is_commission(request))
    form = ManualEntryForm(request.POST or None, request.FILES or None, period=period)
    if request.method == "POST" and form.is_valid():
        try:
            services.manual_entry_add(period=period, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            messages.success(request, _("The entry is made."))
            return redirect("ratings:period", pk=period.pk)
    return render(
        request,
        "ratings/form.html",
        {
            "form": form,
            "heading": _("An entry of a manual criterion"),
            "testid": "manual-form",
            "back": "ratings:period",
            "back_pk": period.pk,
            "multipart": True,
        },
    )


def _entry(request, pk):
    return get_for_school_or_404(
        ManualEntry.objects.select_related("period", "criterion"), school=request.school, pk=pk
    )


@require_POST
@school_view()
def manual_delete(request, pk):
    entry = _entry(request, pk)
    require(is_commission(request))
    try:
        services.manual_entry_delete(entry=entry)
    except ValidationError as error:
        _errors_as_messages(request, error)
    else:
        messages.success(request, _("The entry is deleted."))
    return redirect("ratings:period", pk=entry.period_id)


@school_view()
def manual_file(request, pk):
    """The evidence file of an entry: for the commission and the teacher it is about."""
    entry = _entry(request, pk)
    staff = getattr(request, "staff", None)
    require(is_commission(request) or (staff is not None and entry.staff_id == staff.pk))
    return file_download(entry.file)


# Sheets and remarks ----------------------------------------------------------------------------


def _sheet(request, pk):
    sheet = selectors.sheet_for_page(school=request.school, pk=pk)
    if sheet is None:
        raise Http404("sheet")
    require(sheet_can_see(request, sheet))
    return sheet


@school_view()
def sheet_detail(request, pk):
    sheet = _sheet(request, pk)
    period = sheet.period
    own = is_own_sheet(request, sheet)
    today = school_today(request.school)
    detail = selectors.sheet_detail(sheet=sheet)
    return render(
        request,
        "ratings/sheet.html",
        {
            "sheet": sheet,
            "period": period,
            "lines_html": markup.sheet_lines(detail["lines"]),
            "remarks": detail["remarks"],
            "own": own,
            "commission": is_commission(request),
            "can_remark": own and period.takes_remarks(today),
        },
    )


@school_view()
def remark_new(request, pk):
    sheet = _sheet(request, pk)
    require(is_own_sheet(request, sheet))
    period = sheet.period
    if not period.takes_remarks(school_today(request.school)):
        messages.info(request, _("Remarks on this sheet are closed."))
        return redirect("ratings:sheet", pk=sheet.pk)
    form = RemarkForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.remark_file(sheet=sheet, author=request.staff, text=form.cleaned_data["text"])
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            messages.success(request, _("The remark is filed: the commission will answer it."))
            return redirect("ratings:sheet", pk=sheet.pk)
    return render(
        request,
        "ratings/form.html",
        {
            "form": form,
            "heading": _("A remark on my sheet for %(period)s") % {"period": period.label},
            "testid": "remark-form",
            "back": "ratings:sheet",
            "back_pk": sheet.pk,
        },
    )


@school_view()
def remark_answer(request, pk):
    remark = get_for_school_or_404(
        Remark.objects.select_related("sheet__staff", "period"), school=request.school, pk=pk
    )
    require(is_commission(request))
    form = AnswerForm(request.POST or None, initial={"answer": remark.answer})
    if request.method == "POST" and form.is_valid():
        try:
            services.remark_answer(remark=remark, answer=form.cleaned_data["answer"], by=request.user)
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            messages.success(request, _("The answer is saved; the teacher is told."))
            return redirect("ratings:period", pk=remark.period_id)
    return render(
        request,
        "ratings/answer.html",
        {"form": form, "remark": remark, "period": remark.period},
    )


# The protocol -------------------------------------------------------------------------------------


def _approved(request, pk):
    period = _period(request, pk)
    require(is_commission(request))
    if not period.is_approved:
        raise Http404("the protocol of an approved period")
    return period


def _attachment(content, content_type, file_name):
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{file_name}"'
    return response


@school_view()
def protocol_xlsx(request, pk):
    period = _approved(request, pk)
    content = xlsx.protocol_xlsx(selectors.protocol(period=period))
    file_name = f"rating-{period.starts_on:%Y-%m}-{period.kind}.xlsx"
    # The teachers' points leave the app: the audit trail says who took them.
    audit_export(what=_("Protocol of the rating for %(period)s") % {"period": period.label}, file_name=file_name)
    return _attachment(content, XLSX, file_name)


@school_view()
def protocol_pdf(request, pk):
    period = _approved(request, pk)
    content = pdf.protocol_pdf(selectors.protocol(period=period))
    file_name = f"rating-{period.starts_on:%Y-%m}-{period.kind}.pdf"
    audit_export(what=_("Protocol of the rating for %(period)s") % {"period": period.label}, file_name=file_name)
    return _attachment(content, "application/pdf", file_name)
