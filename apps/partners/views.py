from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from apps.audit.services import audit_export
from apps.core.dates import academic_year_bounds, academic_year_of, school_today
from apps.core.forms import apply_validation_error
from apps.core.paging import page_with_count, prepared_page
from apps.core.tenancy import get_for_school_or_404, school_view
from apps.core.typography import quoted
from apps.core.uploads import file_download
from apps.staff.forms import NameForm

from . import selectors, services
from .access import activity_can_edit, is_manager, require
from .exporting import activities_export_xlsx, partners_export_xlsx
from .filters import PartnerFilter, RegistryFilterForm, registry_rows
from .forms import ActivityForm, ActivityPeriodForm, AgreementForm, ContactForm, PartnerForm, StageChangeForm
from .models import Agreement, JointActivity, PartnerContact, PartnerDirection, PartnerOrganisation

PAGE_SIZE = 25
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _xlsx_response(content, file_name):
    response = HttpResponse(content, content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="{file_name}"'
    return response


def _page(request, rows, prepare=None):
    page = page_with_count(rows, number=request.GET.get("page"), per_page=PAGE_SIZE)
    if prepare is not None:
        page.object_list = prepare(page.object_list)
    return page


def _activity_cards(request, page):
    page.object_list = selectors.activity_cards(page.object_list, user=request.user, can_manage=is_manager(request))
    return page


def _query(request):
    query = request.GET.copy()
    query.pop("page", None)
    return query.urlencode()


def _filtered_partners(request):
    today = school_today(request.school)
    partner_filter = PartnerFilter(
        request.GET, queryset=selectors.partner_queryset(school=request.school, on=today), school=request.school
    )
    rows = partner_filter.qs if partner_filter.is_valid() else partner_filter.queryset.none()
    return partner_filter, rows.order_by("name", "pk")


def _partner(request, pk):
    partner = selectors.partner_of_school(school=request.school, pk=pk)
    if partner is None:
        raise Http404(str(PartnerOrganisation._meta.verbose_name))
    return partner


@school_view()
def registry(request):
    partner_filter = RegistryFilterForm(request.GET, school=request.school)
    number = request.GET.get("page")
    if partner_filter.is_valid():
        shape, values = partner_filter.prepared()
        values |= selectors.partner_status_values(school_today(request.school))
        page = prepared_page(
            registry_rows, number=number, per_page=PAGE_SIZE, shape=shape, school_id=request.school.pk, **values
        )
    else:
        page = page_with_count(PartnerOrganisation.objects.none(), number=number, per_page=PAGE_SIZE)
    page.object_list = selectors.partner_rows(page.object_list)
    return render(
        request,
        "partners/registry.html",
        {
            "filter": partner_filter,
            "page": page,
            "query": _query(request),
            "can_manage": is_manager(request),
        },
    )


@school_view("partners.manage")
def registry_export(request):
    _filter, rows = _filtered_partners(request)
    today = school_today(request.school)
    file_name = f"partners-{today:%Y-%m-%d}.xlsx"
    content = partners_export_xlsx(partners=rows)
    audit_export(what=_("Social partners"), file_name=file_name, filters=request.GET)
    return _xlsx_response(content, file_name)


@school_view("partners.manage")
def partner_create(request):
    services.directions_ensure_defaults(school=request.school)
    form = PartnerForm(
        request.POST or None, school=request.school, initial={"stage_since": school_today(request.school)}
    )
    if request.method == "POST" and form.is_valid():
        try:
            partner = services.partner_create(school=request.school, created_by=request.user, **form.partner_fields)
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            messages.success(
                request, _("The organisation %(name)s is added to the registry.") % {"name": quoted(partner.name)}
            )
            return redirect("partners:partner_detail", pk=partner.pk)
    return render(request, "partners/partner_form.html", {"form": form})


@school_view()
def partner_detail(request, pk):
    partner = selectors.partner_page(school=request.school, pk=pk)
    if partner is None:
        raise Http404(str(PartnerOrganisation._meta.verbose_name))
    can_manage = is_manager(request)
    today = school_today(request.school)
    selectors.partner_agreement_status(partner, on=today)
    selectors.partner_labels(partner)
    selectors.partner_page_links(partner)
    activities = selectors.activity_cards(
        partner.activities.all(), user=request.user, can_manage=can_manage, with_partners=False
    )
    return render(
        request,
        "partners/partner_detail.html",
        {
            "partner": partner,
            "activities": activities,
            "can_manage": can_manage,
            "can_log": can_manage or request.staff is not None,
            "stage_form": StageChangeForm(initial={"changed_on": today}) if can_manage else None,
        },
    )


@school_view("partners.manage")
def partner_edit(request, pk):
    partner = _partner(request, pk)
    form = PartnerForm(request.POST or None, instance=partner, school=request.school)
    if request.method == "POST" and form.is_valid():
        try:
            services.partner_update(partner=partner, **form.partner_fields)
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            messages.success(request, _("The partner's card is saved."))
            return redirect("partners:partner_detail", pk=partner.pk)
    return render(request, "partners/partner_form.html", {"form": form, "partner": partner})


@require_POST
@school_view("partners.manage")
def stage_change(request, pk):
    partner = _partner(request, pk)
    form = StageChangeForm(request.POST)
    if form.is_valid():
        try:
            services.partner_stage_change(partner=partner, changed_by=request.user, **form.cleaned_data)
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
        else:
            messages.success(request, _("The stage is changed."))
    else:
        messages.error(request, _("Choose the stage and its date."))
    return redirect("partners:partner_detail", pk=partner.pk)


def _part_form(request, partner, form, heading, testid):
    return render(
        request, "partners/part_form.html", {"form": form, "partner": partner, "heading": heading, "testid": testid}
    )


@school_view("partners.manage")
def contact_add(request, pk):
    partner = _partner(request, pk)
    form = ContactForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.contact_create(partner=partner, **form.cleaned_data)
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            messages.success(request, _("The contact person is added."))
            return redirect("partners:partner_detail", pk=partner.pk)
    return _part_form(request, partner, form, _("A contact person"), "contact-form")


@school_view("partners.manage")
def contact_edit(request, pk):
    contact = get_for_school_or_404(PartnerContact.objects.select_related("partner"), school=request.school, pk=pk)
    form = ContactForm(request.POST or None, instance=contact)
    if request.method == "POST" and form.is_valid():
        try:
            services.contact_update(contact=contact, **form.cleaned_data)
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            messages.success(request, _("The contact person is saved."))
            return redirect("partners:partner_detail", pk=contact.partner_id)
    return _part_form(request, contact.partner, form, _("A contact person"), "contact-form")


@require_POST
@school_view("partners.manage")
def contact_delete(request, pk):
    contact = get_for_school_or_404(PartnerContact.objects.all(), school=request.school, pk=pk)
    services.contact_delete(contact=contact)
    messages.success(request, _("The contact person is deleted."))
    return redirect("partners:partner_detail", pk=contact.partner_id)


@school_view("partners.manage")
def agreement_add(request, pk):
    partner = _partner(request, pk)
    form = AgreementForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.agreement_create(partner=partner, **form.cleaned_data)
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            messages.success(request, _("The agreement is recorded."))
            return redirect("partners:partner_detail", pk=partner.pk)
    return _part_form(request, partner, form, _("An agreement"), "agreement-form")


@school_view("partners.manage")
def agreement_edit(request, pk):
    agreement = get_for_school_or_404(Agreement.objects.select_related("partner"), school=request.school, pk=pk)
    partner = _partner(request, agreement.partner_id)
    form = AgreementForm(request.POST or None, request.FILES or None, instance=agreement)
    if request.method == "POST" and form.is_valid():
        try:
            services.agreement_update(agreement=agreement, **form.cleaned_data)
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            messages.success(request, _("The agreement is saved."))
            return redirect("partners:partner_detail", pk=partner.pk)
    return _part_form(request, partner, form, _("An agreement"), "agreement-form")


@school_view()
def agreement_scan(request, pk):
    agreement = get_for_school_or_404(Agreement.objects.all(), school=request.school, pk=pk)
    return file_download(agreement.scan)


@school_view("partners.manage")
def agreements_expiring(request):
    today = school_today(request.school)
    rows = selectors.agreements_expiring(on=today, school=request.school)
    return render(
        request,
        "partners/agreements_expiring.html",
        {"page": _page(request, rows, selectors.agreement_rows), "today": today, "days": selectors.EXPIRY_DAYS},
    )


def _activity_form_context(request, form, **extra):
    return render(request, "partners/activity_form.html", {"form": form, **extra})


@school_view()
def activity_create(request, pk):
    """Managers log any activity; a teacher logs one they are responsible for."""
    partner = _partner(request, pk)
    own_card = None
    if not is_manager(request):
        own_card = request.staff
        if own_card is None:
            raise PermissionDenied("no staff card")
    form = ActivityForm(
        request.POST or None,
        request.FILES or None,
        school=request.school,
        responsible_only=own_card,
        initial={"partners": [partner.pk], "starts_on": school_today(request.school)},
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.activity_create(
                school=request.school, product_file=request.FILES.get("product_file"), **form.activity_fields
            )
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            messages.success(request, _("The joint activity is recorded."))
            return redirect("partners:partner_detail", pk=partner.pk)
    return _activity_form_context(request, form, partner=partner)


@school_view()
def activity_edit(request, pk):
    activity = selectors.activity_to_edit(school=request.school, pk=pk)
    if activity is None:
        raise Http404(str(JointActivity._meta.verbose_name))
    require(activity_can_edit(request, activity))
    selectors.activity_linked_known(activity)
    form = ActivityForm(
        request.POST or None,
        request.FILES or None,
        instance=activity,
        school=request.school,
        responsible_only=None if is_manager(request) else activity.responsible,
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.activity_update(
                activity=activity, product_file=request.FILES.get("product_file"), **form.activity_fields
            )
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            messages.success(request, _("The joint activity is saved."))
            return redirect("partners:activity_list")
    return _activity_form_context(request, form, activity=activity)


def _period(request):
    form = ActivityPeriodForm(request.GET or None)
    today = school_today(request.school)
    start, end = academic_year_bounds(academic_year_of(today))
    status = ""
    if form.is_bound and form.is_valid():
        start = form.cleaned_data["start"] or start
        end = form.cleaned_data["end"] or end
        status = form.cleaned_data["status"]
    if not form.is_bound:
        form = ActivityPeriodForm(initial={"start": start, "end": end})
    return form, start, end, status


@school_view()
def activity_list(request):
    form, start, end, status = _period(request)
    page = selectors.activity_list_page(
        school=request.school, start=start, end=end, status=status, number=request.GET.get("page"), per_page=PAGE_SIZE
    )
    return render(
        request,
        "partners/activity_list.html",
        {
            "form": form,
            "page": _activity_cards(request, page),
            "query": _query(request),
            "start": start,
            "end": end,
            "can_manage": is_manager(request),
        },
    )


@school_view("partners.manage")
def activity_export(request):
    _form, start, end, status = _period(request)
    rows = selectors.activity_list(school=request.school, start=start, end=end, status=status)
    file_name = f"joint-activities-{start:%Y-%m-%d}-{end:%Y-%m-%d}.xlsx"
    content = activities_export_xlsx(activities=rows)
    audit_export(what=_("Joint activities with partners"), file_name=file_name, filters=request.GET)
    return _xlsx_response(content, file_name)


@school_view()
def my_activities(request):
    page = selectors.my_activities_page(
        school=request.school, user=request.user, number=request.GET.get("page"), per_page=PAGE_SIZE
    )
    return render(request, "partners/my_activities.html", {"page": _activity_cards(request, page), "query": ""})


@school_view()
def activity_file(request, pk):
    activity = get_for_school_or_404(JointActivity.objects.all(), school=request.school, pk=pk)
    return file_download(activity.product_file)


@school_view()
def directions(request):
    """The overview for a school year, and (for managers) the list of directions."""
    today = school_today(request.school)
    year_text = request.GET.get("year", "")
    year = int(year_text) if year_text.isdecimal() and 2000 <= int(year_text) <= 2100 else None
    year = year or academic_year_of(today)
    can_manage = is_manager(request)
    if can_manage and request.method == "POST":
        services.directions_ensure_defaults(school=request.school)
    form = NameForm(request.POST if can_manage else None, model=PartnerDirection, school=request.school)
    if request.method == "POST":
        require(can_manage)
        if form.is_valid():
            try:
                services.direction_create(school=request.school, name=form.cleaned_data["name"])
            except ValidationError as error:
                apply_validation_error(form, error)
            else:
                messages.success(request, _("%(name)s is added.") % {"name": quoted(form.cleaned_data["name"])})
                return redirect("partners:directions")
    rows = selectors.directions_overview(school=request.school, year=year)
    if can_manage and not any(row.direction for row in rows):
        # The usual directions are made the first time a manager opens the page (not asked on every visit).
        services.directions_ensure_defaults(school=request.school)
        rows = selectors.directions_overview(school=request.school, year=year)
    return render(
        request,
        "partners/directions.html",
        {
            "rows": rows,
            "year": year,
            "year_end": year + 1,
            "form": form if can_manage else None,
            "can_manage": can_manage,
        },
    )


@school_view("partners.manage")
def direction_rename(request, pk):
    direction = get_for_school_or_404(PartnerDirection.objects.all(), school=request.school, pk=pk)
    form = NameForm(
        request.POST or None,
        model=PartnerDirection,
        school=request.school,
        instance=direction,
        initial={"name": direction.name},
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.direction_rename(direction=direction, name=form.cleaned_data["name"])
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            messages.success(request, _("The name is saved."))
            return redirect("partners:directions")
    return render(request, "partners/direction_rename.html", {"form": form, "direction": direction})
