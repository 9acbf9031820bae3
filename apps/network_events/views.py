from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.middleware.csrf import get_token
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from apps.audit.services import audit_export
from apps.community.models import Material
from apps.core.forms import apply_validation_error
from apps.core.spreadsheets import table_xlsx
from apps.core.tenancy import request_viewer, school_view
from apps.core.typography import quoted
from apps.core.validation import errors_on_fields

from . import selectors, services
from .access import can_create, can_organise, headed, is_school_organiser, require
from .forms import EventForm, InviteForm
from .markup import attach_choices_html
from .models import VIOLATION_FIELDS, Event, Registration

PAGE_SIZE = 25
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
FORM_FIELDS = {"starts_at": "starts", "ends_at": "ends"}


def _event(request, pk):
    return selectors.event_detail(viewer=request_viewer(request), pk=pk)


def _organised(request, pk):
    event = _event(request, pk)
    require(can_organise(request, event))
    return event


def _show_error(form, error):
    apply_validation_error(form, errors_on_fields(error, VIOLATION_FIELDS), fields=FORM_FIELDS)


@school_view()
def event_list(request):
    when = "past" if request.GET.get("when") == "past" else "upcoming"
    kind = request.GET.get("kind", "")
    if kind not in Event.Kind.values:
        kind = ""
    page = selectors.events_page(
        viewer=request_viewer(request), when=when, kind=kind, number=request.GET.get("page"), per_page=PAGE_SIZE
    )
    return render(
        request,
        "network_events/event_list.html",
        {
            "page": page,
            "when": when,
            "kind": kind,
            "kinds": Event.Kind.choices,
            "can_create": can_create(request),
            "query": f"when={when}&kind={kind}",
        },
    )


def _form_kwargs(request):
    if is_school_organiser(request):
        return {"school": request.school}
    return {"school": request.school, "associations": headed(request)}


@school_view()
def event_create(request):
    require(can_create(request))
    staff = request.staff
    if staff is None:
        return render(request, "network_events/no_card.html")
    form = EventForm(request.POST or None, **_form_kwargs(request))
    if request.method == "POST" and form.is_valid():
        try:
            event = services.event_create(
                school=request.school, created_by=staff, leads=form.cleaned_data["leads"], **form.service_fields()
            )
        except ValidationError as error:
            _show_error(form, error)
        else:
            messages.success(request, _("The event is planned."))
            return redirect("network_events:detail", event.pk)
    return render(request, "network_events/event_form.html", {"form": form, "heading": _("New event")})


@school_view()
def event_detail(request, pk):
    event = _event(request, pk)
    organiser = can_organise(request, event)
    return render(
        request,
        "network_events/event_detail.html",
        {
            "event": event,
            "organiser": organiser,
            "attendees": selectors.event_attendees(event) if organiser else [],
            "invitations": selectors.event_invitations(event) if organiser else [],
            "materials": selectors.event_materials(event=event, viewer=request_viewer(request)),
            "can_register": _can_register(request, event),
            "local_start": timezone.localtime(event.starts_at, event.school.tzinfo),
            "local_end": timezone.localtime(event.ends_at, event.school.tzinfo),
        },
    )


@school_view()
def event_edit(request, pk):
    event = _organised(request, pk)
    kwargs = {"school": event.school}
    if not is_school_organiser(request, event):
        # A lead or a head keeps the event's association, or moves it to one they head.
        kwargs["associations"] = {event.association_id, *headed(request)} - {None}
    form = EventForm(request.POST or None, instance=event, **kwargs)
    if not event.is_open:
        messages.warning(request, _("A held or cancelled event is not changed."))
        return redirect("network_events:detail", event.pk)
    if request.method == "POST" and form.is_valid():
        try:
            services.event_update(event=event, leads=form.cleaned_data["leads"], **form.service_fields())
        except ValidationError as error:
            _show_error(form, error)
        else:
            messages.success(request, _("The event is saved."))
            return redirect("network_events:detail", event.pk)
    return render(request, "network_events/event_form.html", {"form": form, "heading": event.title, "event": event})


@school_view()
def event_invite(request, pk):
    event = _organised(request, pk)
    form = InviteForm(request.POST or None, event=event)
    if request.method == "POST" and form.is_valid():
        try:
            services.invitation_add(
                event=event,
                school=form.cleaned_data["school"],
                association=form.cleaned_data["association"],
                staff=form.cleaned_data["staff"],
            )
        except ValidationError as error:
            _show_error(form, error)
        else:
            messages.success(request, _("The invitation is sent."))
            return redirect("network_events:detail", event.pk)
    return render(
        request,
        "network_events/invite_form.html",
        {"form": form, "event": event, "invitations": selectors.event_invitations(event)},
    )


@school_view()
def event_attendance(request, pk):
    event = _organised(request, pk)
    rows = [r for r in selectors.event_attendees(event) if r.status == Registration.Status.REGISTERED]
    started = event.starts_at <= timezone.now()
    if request.method == "POST" and started and event.status != Event.Status.CANCELLED:
        marks = {r.pk: request.POST.get(f"came-{r.pk}") == "on" for r in rows}
        try:
            services.attendance_mark(event=event, attended=marks)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("Attendance is marked."))
            return redirect("network_events:detail", event.pk)
    return render(request, "network_events/attendance.html", {"event": event, "rows": rows, "started": started})


@school_view()
def event_cancel(request, pk):
    event = _organised(request, pk)
    if request.method == "POST":
        try:
            services.event_cancel(event=event)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("The event is cancelled; the registered are told."))
        return redirect("network_events:detail", event.pk)
    return render(request, "network_events/cancel.html", {"event": event})


@school_view()
def event_materials(request, pk):
    """The organiser attaches community materials to the event: picked from the
    shared materials their own card may see, filtered by words of the title."""
    event = _organised(request, pk)
    # A NUL cannot be sent to PostgreSQL: it separates words like a space, as runs of spaces do.
    text = " ".join(request.GET.get("q", "").replace("\x00", " ").split())[:100]
    error = ""
    if request.method == "POST":
        material = None
        if request.staff is not None and request.POST.get("material", "").isdigit():
            material = Material.objects.filter(pk=int(request.POST["material"][:18])).first()
        if material is None:
            error = _("Choose a shared material you can see.")
        else:
            try:
                services.event_material_attach(event=event, material=material, staff=request.staff)
            except ValidationError as exc:
                error = " ".join(exc.messages)
            else:
                messages.success(request, _("The material is attached."))
                return redirect("network_events:materials", event.pk)
    viewer = request_viewer(request)
    held = event.status == Event.Status.HELD
    choices = selectors.attach_choices(event=event, viewer=viewer, text=text) if request.staff and held else []
    return render(
        request,
        "network_events/materials.html",
        {
            "event": event,
            "attached": selectors.event_materials(event=event, viewer=viewer),
            "choices": choices,
            "choices_html": attach_choices_html(choices, csrf_token=get_token(request)),
            "q": text,
            "error": error,
            "held": held,
        },
        status=400 if error else 200,
    )


@school_view()
@require_POST
def event_material_detach(request, pk, material_pk):
    event = _organised(request, pk)
    # A key no bigint holds is no material (and never reaches the database).
    if material_pk < 2**63 and services.event_material_detach(event=event, material=material_pk):
        messages.success(request, _("The material is taken off the event."))
    return redirect("network_events:materials", event.pk)


def _can_register(request, event):
    return request.staff is not None and event.registration_open(timezone.now())


def _register_button(request, event, error=""):
    event = _event(request, event.pk)
    return render(
        request,
        "network_events/event_detail.html#register-button",
        {"event": event, "can_register": _can_register(request, event), "error": error},
    )


@school_view()
@require_POST
def register(request, pk):
    event = _event(request, pk)
    error = ""
    if request.staff is None:
        error = _("You need a staff card in this school to register.")
    else:
        try:
            services.registration_create(event=event, staff=request.staff)
        except ValidationError as exc:
            error = " ".join(exc.messages)
    if request.htmx:
        return _register_button(request, event, error)
    if error:
        messages.error(request, error)
    return redirect("network_events:detail", event.pk)


@school_view()
@require_POST
def unregister(request, pk):
    event = _event(request, pk)
    error = ""
    if request.staff is not None:
        try:
            services.registration_cancel(event=event, staff=request.staff)
        except ValidationError as exc:
            error = " ".join(exc.messages)
    if request.htmx:
        return _register_button(request, event, error)
    if error:
        messages.error(request, error)
    return redirect("network_events:detail", event.pk)


@school_view()
def attendees_xlsx(request, pk):
    event = _organised(request, pk)
    header = [_("Person"), _("School"), _("Status"), _("Registered at"), _("Attended")]
    tz = event.school.tzinfo
    rows = [
        [
            r.staff.full_name,
            str(r.school),
            r.get_status_display(),
            timezone.localtime(r.created_at, tz).strftime("%d.%m.%Y %H:%M"),
            "" if r.attended is None else (_("yes") if r.attended else _("no")),
        ]
        for r in selectors.event_attendees(event)
    ]
    content = table_xlsx(_("Attendees"), header, rows)
    file_name = f"event-{event.pk}-attendees.xlsx"
    # A list of people leaves the app: the audit trail says who took it.
    audit_export(what=_("Attendees of %(title)s") % {"title": quoted(event.title)}, file_name=file_name)
    response = HttpResponse(content, content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="{file_name}"'
    return response
