from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils.dateformat import format as date_format
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.timesince import timeuntil
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from apps.audit.services import audit_export
from apps.core.choices import choice_labels
from apps.core.dates import school_today, years_between
from apps.core.form_rendering import text
from apps.core.forms import apply_validation_error
from apps.core.links import row_link
from apps.core.paging import page_with_count, prepared_page
from apps.core.tenancy import get_for_school_or_404, school_view
from apps.core.todos import request_todo_scope, todo_items
from apps.core.typography import quoted

from . import services
from .exporting import staff_export_xlsx, staff_import_template_xlsx
from .filters import RegistryFilterForm, StaffFilter, registry_rows
from .forms import (
    AchievementForm,
    CategoryAwardForm,
    DeactivateForm,
    NameForm,
    StaffImportForm,
    StaffMemberForm,
)
from .importing import staff_rows_parse
from .models import Achievement, CategoryAward, StaffImport, StaffMember, Subject, SubjectAssociation
from .selectors import (
    attestations_due_rows,
    attestations_due_values,
    catalog_lists,
    staff_card,
    staff_derived_values,
    staff_home,
    staff_of_school,
)
from .selectors import (
    staff_list as staff_list_select,
)

PAGE_SIZE = 25
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

POSITIONS = [
    "учитель",
    "учитель начальных классов",
    "педагог-психолог",
    "социальный педагог",
    "учитель-логопед",
    "педагог-организатор",
    "педагог дополнительного образования",
    "педагог-библиотекарь",
    "советник директора по воспитанию",
    "заместитель директора",
    "директор",
]


# The start page reads the registry, so it lives here, above accounts.
def home(request):
    """The start page of the current school; a network coordinator who works in no
    school lands on their network's dashboard instead."""
    if request.user.is_authenticated and request.membership is None:
        network = request.user.coordinated_networks.order_by("name").first()
        if network is not None:
            return redirect("dashboards:network", network_id=network.pk)
    return _school_home(request)


@school_view()
def _school_home(request):
    today = school_today(request.school)
    overview, own_card = staff_home(
        school=request.school, user=request.user, on=today, with_overview=request.membership.can("staff.view")
    )
    scope = request_todo_scope(request)  # shared with the navbar: one read of the cache
    todos = todo_items(scope=scope)
    return render(
        request,
        "accounts/home.html",
        {
            "todos": todos,
            "now": scope.now,
            "administration": _administration_summary(request, todos),
            "overview": overview,
            "own_card": own_card,
            "own_card_experience": years_between(own_card.teaching_since, today) if own_card else None,
        },
    )


def _administration_summary(request, todos):
    """The director's two figures on the start page, from their own to-dos: debriefs
    overdue in the school and groups waiting for activation (counts, never content)."""
    if not (request.membership.can("visits.oversee") or request.membership.can("mentoring.manage")):
        return None
    overdue = sum(item.count or 0 for item in todos if item.kind == "school_overdue")
    awaiting = sum(1 for item in todos if item.kind == "group_activation")
    return {"overdue_debriefs": overdue, "groups_awaiting": awaiting}


def _staff_or_404(request, pk):
    staff = staff_of_school(school=request.school, pk=pk)
    if staff is None:
        raise Http404(str(StaffMember._meta.verbose_name))
    return staff


def _day(value):
    """A date as `{{ value|date:"d.m.Y" }}` shows it."""
    return f"{value:%d.%m.%Y}" if value else ""


def _xlsx_response(content, file_name):
    response = HttpResponse(content, content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="{file_name}"'
    return response


def _refuse_erased(request, staff):
    """An erased card is not changed (services.staff_member_ensure_not_erased):
    its pages answer with the reason instead of a form."""
    try:
        services.staff_member_ensure_not_erased(staff=staff)
    except services.StaffErased as error:
        _erased_message(request, error)
        return True
    return False


def _erased_message(request, error):
    messages.info(request, " ".join(error.messages))


def _category_badges():
    """The category badge of each category, rendered once a page however many rows
    show it (the start page and the card include the same template)."""
    badges = {}

    def badge(category):
        if category not in badges:
            badges[category] = render_to_string("staff/_category_badge.html", {"category": category})
        return badges[category]

    return badge


# One row of the registry's table (templates/staff/staff_list.html), filled in Python:
# twenty-five rows of a dozen template nodes each were a third of the page.
_REGISTRY_ROW = """<tr{muted}>
  <td>
    <a href="{url}" class="fw-semibold">{name}</a>
    {early}
    {left}
    <div class="d-md-none small text-body-secondary">{position}</div>
  </td>
  <td class="d-none d-md-table-cell">{position}</td>
  <td class="d-none d-lg-table-cell">{subjects}</td>
  <td class="d-none d-lg-table-cell">{association}</td>
  <td>{badge}</td>
  <td class="d-none d-md-table-cell">{experience}</td>
</tr>"""


def _registry_rows(rows):
    """The registry's rows with what their cells show worked out here, each as its
    table row's markup (`row_html`), so that a page of twenty-five rows renders no
    template, link or plural per row."""
    detail = row_link("staff:detail")
    badge = _category_badges()
    early = format_html('<span class="badge text-bg-info ms-1">{}</span>', _("early-career"))
    left = format_html('<span class="badge text-bg-light border ms-1">{}</span>', _("left"))
    experiences = {}
    rows = list(rows)
    for staff in rows:
        staff.url = detail(pk=staff.pk)
        staff.subjects_shown = ", ".join(staff.subject_names)
        staff.association_name = (staff.association.name if staff.association else "") or "—"
        staff.category_badge = badge(staff.current_category)
        years = staff.experience_years
        if years not in experiences:
            experiences[years] = ngettext("%(years)s year", "%(years)s years", years) % {"years": years}
        staff.experience = experiences[years]
        # Every value escaped by text() (the badges are markup of their own).
        staff.row_html = mark_safe(  # nosec B308 B703 - every value escaped by text()
            _REGISTRY_ROW.format(
                muted="" if staff.is_active else ' class="text-body-secondary"',
                url=text(staff.url),
                name=text(staff.full_name),
                early=early if staff.is_early_career else "",
                left="" if staff.is_active else left,
                position=text(staff.position),
                subjects=text(staff.subjects_shown),
                association=text(staff.association_name),
                badge=staff.category_badge,
                experience=text(staff.experience),
            )
        )
    return rows


@school_view("staff.view")
def staff_list(request):
    staff_filter = RegistryFilterForm(request.GET, school=request.school)
    number = request.GET.get("page")
    if staff_filter.is_valid():
        shape, values = staff_filter.prepared()
        values |= staff_derived_values(school_today(request.school))
        page = prepared_page(
            registry_rows, number=number, per_page=PAGE_SIZE, shape=shape, school_id=request.school.pk, **values
        )
    else:
        page = page_with_count(StaffMember.objects.none(), number=number, per_page=PAGE_SIZE)
    page.object_list = _registry_rows(page.object_list)
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "staff/staff_list.html",
        {"filter_fields": staff_filter.plain_fields(), "page": page, "query": query.urlencode()},
    )


@school_view("staff.export")
def staff_export(request):
    registry = staff_list_select(school=request.school, award_details=True)
    staff_filter = StaffFilter(request.GET, queryset=registry, school=request.school)
    rows = staff_filter.qs if staff_filter.is_valid() else registry.none()
    today = school_today(request.school)
    file_name = f"staff-{today:%Y-%m-%d}.xlsx"
    content = staff_export_xlsx(staff_rows=rows, on=today)
    audit_export(what=_("Staff registry"), file_name=file_name, filters=request.GET)
    return _xlsx_response(content, file_name)


@school_view("staff.view")
def staff_detail(request, pk):
    today = school_today(request.school)
    staff = staff_card(school=request.school, pk=pk, on=today)
    if staff is None:
        raise Http404(str(StaffMember._meta.verbose_name))
    # The rows' labels and dates worked out once here, not per row in the template.
    award_delete = row_link("staff:category_delete")
    categories = choice_labels(CategoryAward, "category")
    for award in staff.category_awards.all():
        award.delete_url = award_delete(pk=award.pk)
        award.category_label = categories.get(award.category, award.category)
        award.awarded_text, award.valid_until_text = _day(award.awarded_on), _day(award.valid_until)
        award.is_past = award.valid_until < today
    achievement_delete = row_link("staff:achievement_delete")
    kinds, levels = choice_labels(Achievement, "kind"), choice_labels(Achievement, "level")
    results = choice_labels(Achievement, "result")
    for achievement in staff.achievements.all():
        achievement.delete_url = achievement_delete(pk=achievement.pk)
        achievement.date_text = _day(achievement.date)
        achievement.kind_label = kinds.get(achievement.kind, achievement.kind)
        achievement.level_label = levels.get(achievement.level, achievement.level)
        achievement.result_label = results.get(achievement.result, achievement.result)
    return render(
        request,
        "staff/staff_detail.html",
        {
            "staff": staff,
            "today": today,
            "deactivate_form": DeactivateForm(initial={"left_on": today}, school=request.school),
            "erasure": getattr(staff, "erasure", None),
        },
    )


@school_view("staff.edit")
def staff_create(request):
    form = StaffMemberForm(request.POST or None, school=request.school, with_category=True)
    if request.method == "POST" and form.is_valid():
        try:
            with transaction.atomic():
                staff = services.staff_member_create(
                    school=request.school, subjects=form.cleaned_data["subjects"], **form.staff_fields
                )
                if form.cleaned_data["category"]:
                    services.category_award_create(
                        staff=staff,
                        category=form.cleaned_data["category"],
                        awarded_on=form.cleaned_data["category_awarded_on"],
                        order_number=form.cleaned_data["order_number"],
                    )
        except ValidationError as error:
            # The category's own fields have other names on this form.
            apply_validation_error(form, error, fields={"awarded_on": "category_awarded_on"})
        else:
            messages.success(request, _("%(name)s is added to the registry.") % {"name": staff.full_name})
            return redirect("staff:detail", pk=staff.pk)
    return render(request, "staff/staff_form.html", {"form": form, "positions": POSITIONS})


@school_view("staff.edit")
def staff_edit(request, pk):
    staff = _staff_or_404(request, pk)
    if _refuse_erased(request, staff):
        return redirect("staff:detail", pk=staff.pk)
    form = StaffMemberForm(request.POST or None, instance=staff, school=request.school)
    if request.method == "POST" and form.is_valid():
        try:
            services.staff_member_update(staff=staff, subjects=form.cleaned_data["subjects"], **form.staff_fields)
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            messages.success(request, _("The card is saved."))
            return redirect("staff:detail", pk=staff.pk)
    return render(request, "staff/staff_form.html", {"form": form, "staff": staff, "positions": POSITIONS})


@require_POST
@school_view("staff.edit")
def staff_deactivate(request, pk):
    staff = _staff_or_404(request, pk)
    form = DeactivateForm(request.POST, school=request.school)
    if form.is_valid():
        try:
            services.staff_member_deactivate(staff=staff, left_on=form.cleaned_data["left_on"])
        except services.StaffErased as error:
            _erased_message(request, error)
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
        else:
            messages.success(request, _("%(name)s is marked as having left.") % {"name": staff.full_name})
    else:
        errors = form.errors.as_data().get("left_on", [])
        if not errors or any(error.code in ("required", "invalid") for error in errors):
            messages.error(request, _("Give the date the person left."))
        else:
            for error in errors:
                messages.error(request, " ".join(error.messages))
    return redirect("staff:detail", pk=staff.pk)


@require_POST
@school_view("staff.edit")
def staff_reactivate(request, pk):
    staff = _staff_or_404(request, pk)
    try:
        services.staff_member_reactivate(staff=staff)
    except services.StaffErased as error:
        _erased_message(request, error)
    else:
        messages.success(request, _("%(name)s works here again.") % {"name": staff.full_name})
    return redirect("staff:detail", pk=staff.pk)


@school_view("staff.edit")
def category_award_add(request, pk):
    staff = _staff_or_404(request, pk)
    if _refuse_erased(request, staff):
        return redirect("staff:detail", pk=staff.pk)
    form = CategoryAwardForm(request.POST or None, school=request.school)
    if request.method == "POST" and form.is_valid():
        try:
            services.category_award_create(staff=staff, **form.cleaned_data)
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            messages.success(request, _("The category is recorded."))
            return redirect("staff:detail", pk=staff.pk)
    return render(request, "staff/category_award_form.html", {"form": form, "staff": staff})


@require_POST
@school_view("staff.edit")
def category_award_delete(request, pk):
    award = get_for_school_or_404(CategoryAward.objects.select_related("staff"), school=request.school, pk=pk)
    try:
        services.category_award_delete(award=award)
    except services.StaffErased as error:
        _erased_message(request, error)
    else:
        messages.success(request, _("The category record is deleted."))
    return redirect("staff:detail", pk=award.staff_id)


@school_view("staff.record_achievements")
def achievement_add(request, pk):
    staff = _staff_or_404(request, pk)
    if _refuse_erased(request, staff):
        return redirect("staff:detail", pk=staff.pk)
    form = AchievementForm(request.POST or None, school=request.school)
    if request.method == "POST" and form.is_valid():
        try:
            services.achievement_create(staff=staff, **form.cleaned_data)
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            messages.success(request, _("The achievement is recorded."))
            return redirect("staff:detail", pk=staff.pk)
    return render(request, "staff/achievement_form.html", {"form": form, "staff": staff})


@require_POST
@school_view("staff.record_achievements")
def achievement_delete(request, pk):
    achievement = get_for_school_or_404(Achievement.objects, school=request.school, pk=pk)
    try:
        services.achievement_delete(achievement=achievement)
    except services.StaffErased as error:
        _erased_message(request, error)
    else:
        messages.success(request, _("The achievement is deleted."))
    return redirect("staff:detail", pk=achievement.staff_id)


@school_view("staff.view_attestations")
def attestations_due(request):
    today = school_today(request.school)
    page = prepared_page(
        attestations_due_rows,
        number=request.GET.get("page"),
        per_page=PAGE_SIZE,
        **attestations_due_values(school=request.school, on=today),
    )
    detail = row_link("staff:detail")
    badge = _category_badges()
    for staff in page.object_list:
        staff.url = detail(pk=staff.pk)
        staff.category_badge = badge(staff.current_category)
        staff.association_name = (staff.association.name if staff.association else "") or "—"
        valid_until = staff.category_valid_until
        staff.valid_until = date_format(valid_until, "d.m.Y")
        staff.time_left = _("the last day") if valid_until == today else timeuntil(valid_until, today)
    return render(request, "staff/attestations_due.html", {"page": page})


@school_view("staff.edit")
def staff_import(request):
    form = StaffImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        staff_import = services.staff_import_create(
            school=request.school, user=request.user, file_name=upload.name, content=upload.read()
        )
        return redirect("staff:import_preview", pk=staff_import.pk)
    return render(request, "staff/import_upload.html", {"form": form})


@school_view("staff.edit")
def staff_import_preview(request, pk):
    staff_import = get_for_school_or_404(StaffImport.objects, school=request.school, pk=pk)
    preview = None
    if staff_import.status == StaffImport.Status.PREVIEW:
        preview = staff_rows_parse(
            school=request.school,
            file_name=staff_import.file_name,
            content=bytes(staff_import.content),
            today=school_today(request.school),
        )
    return render(
        request,
        "staff/import_preview.html",
        {"staff_import": staff_import, "preview": preview, "form": StaffImportForm()},
    )


@require_POST
@school_view("staff.edit")
def staff_import_confirm(request, pk):
    staff_import = get_for_school_or_404(StaffImport.objects, school=request.school, pk=pk)
    try:
        created = services.staff_import_confirm(staff_import=staff_import)
    except services.ImportNotValid:
        messages.error(request, _("The file has errors; nothing was saved."))
        return redirect("staff:import_preview", pk=staff_import.pk)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
        return redirect("staff:import_preview", pk=staff_import.pk)
    messages.success(request, _("%(count)s people are added to the registry.") % {"count": len(created)})
    return redirect("staff:list")


@school_view("staff.edit")
def staff_import_template(request):
    return _xlsx_response(staff_import_template_xlsx(), "staff-import-template.xlsx")


@school_view("staff.edit")
def catalog(request):
    """The school's lists of subjects and subject associations."""
    kind = request.POST.get("kind")
    subject_form = NameForm(
        request.POST if kind == "subject" else None, model=Subject, school=request.school, prefix="subject"
    )
    association_form = NameForm(
        request.POST if kind == "association" else None,
        model=SubjectAssociation,
        school=request.school,
        prefix="association",
    )
    if request.method == "POST":
        form = subject_form if kind == "subject" else association_form
        if kind in ("subject", "association") and form.is_valid():
            get_or_create = services.subject_get_or_create if kind == "subject" else services.association_get_or_create
            try:
                get_or_create(school=request.school, name=form.cleaned_data["name"])
            except ValidationError as error:
                apply_validation_error(form, error)
            else:
                messages.success(request, _("%(name)s is added.") % {"name": quoted(form.cleaned_data["name"])})
                return redirect("staff:catalog")
    subjects, associations = catalog_lists(school=request.school)
    subject_rename_link = row_link("staff:subject_rename")
    for subject in subjects:
        subject.rename_url = subject_rename_link(pk=subject.pk)
    association_rename_link = row_link("staff:association_rename")
    for association in associations:
        association.rename_url = association_rename_link(pk=association.pk)
    return render(
        request,
        "staff/catalog.html",
        {
            "subjects": subjects,
            "associations": associations,
            "subject_form": subject_form,
            "association_form": association_form,
        },
    )


def _rename(request, pk, model, template_title):
    instance = get_for_school_or_404(model.objects, school=request.school, pk=pk)
    form = NameForm(
        request.POST or None, model=model, school=request.school, instance=instance, initial={"name": instance.name}
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.catalog_entry_rename(entry=instance, name=form.cleaned_data["name"])
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            messages.success(request, _("The name is saved."))
            return redirect("staff:catalog")
    return render(request, "staff/catalog_rename.html", {"form": form, "entry": instance, "title": template_title})


@school_view("staff.edit")
def subject_rename(request, pk):
    return _rename(request, pk, Subject, _("Rename the subject"))


@school_view("staff.edit")
def association_rename(request, pk):
    return _rename(request, pk, SubjectAssociation, _("Rename the association"))
