"""Writes of individual development routes. Each service checks that the people
and the evidence belong to the route's school and teacher, and full_clean()s
before saving; a broken rule is a ValidationError keyed by the form field."""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from apps.core.dates import add_years, school_today
from apps.staff.models import EARLY_CAREER_YEARS

from .models import DevelopmentRoute, RouteStep
from .route_selectors import EVIDENCE_EVENT_KINDS, OPEN_STEP_STATUSES, route_evidence_events

ROUTE_FIELDS = ("mentor", "goals", "starts_on")
STEP_FIELDS = ("title", "due_on", "responsible", "status", "evidence_link", "evidence_file", "evidence_event")


def _check_colleague(errors, field, person, school):
    """`person` must work at `school` now."""
    if person is None:
        return
    if person.school_id != school.pk:
        errors[field] = _("%(name)s works in another school.") % {"name": person.full_name}
    elif not person.is_active:
        errors[field] = _("%(name)s no longer works here.") % {"name": person.full_name}


def _check_early_career(errors, teacher, starts_on):
    if teacher is None or starts_on is None or "teacher" in errors:
        return
    if teacher.teaching_since <= add_years(starts_on, -EARLY_CAREER_YEARS):
        errors["teacher"] = _(
            "A development route is for an early-career teacher: %(name)s had taught for three years "
            "or more when the route starts."
        ) % {"name": teacher.full_name}


@transaction.atomic
def development_route_create(*, school, teacher, mentor, goals, starts_on) -> DevelopmentRoute:
    """Open a route for an early-career teacher of `school` (under three years of
    teaching on `starts_on`), with a mentor who is a colleague of the same school."""
    errors = {}
    _check_colleague(errors, "teacher", teacher, school)
    _check_colleague(errors, "mentor", mentor, school)
    _check_early_career(errors, teacher, starts_on)
    if teacher is not None and mentor is not None and teacher.pk == mentor.pk:
        errors["mentor"] = _("The mentor is someone other than the teacher.")
    if errors:
        raise ValidationError(errors)
    route = DevelopmentRoute(school=school, teacher=teacher, mentor=mentor, goals=goals.strip(), starts_on=starts_on)
    route.full_clean()
    route.save()
    return route


@transaction.atomic
def development_route_update(*, route: DevelopmentRoute, **fields) -> DevelopmentRoute:
    """Change a route's mentor, goals or start. The teacher stays.

    A new mentor takes over the open steps the previous mentor was responsible
    for; steps already done keep who did them.
    """
    unknown = set(fields) - set(ROUTE_FIELDS)
    if unknown:
        raise TypeError(f"unknown fields: {sorted(unknown)}")
    errors = {}
    previous_mentor_id = DevelopmentRoute.objects.values_list("mentor_id", flat=True).get(pk=route.pk)
    mentor = fields.get("mentor", route.mentor)
    if mentor is not None and mentor.pk != previous_mentor_id:
        _check_colleague(errors, "mentor", mentor, route.school)
    if mentor is not None and mentor.pk == route.teacher_id:
        errors["mentor"] = _("The mentor is someone other than the teacher.")
    starts_on = fields.get("starts_on", route.starts_on)
    if starts_on and route.steps.exclude(status=RouteStep.Status.CANCELLED).filter(due_on__lt=starts_on).exists():
        errors["starts_on"] = _("Some steps are due before this date: move them first.")
    if errors:
        raise ValidationError(errors)
    for name, value in fields.items():
        setattr(route, name, value.strip() if name == "goals" else value)
    route.full_clean()
    route.save()
    if mentor is not None and mentor.pk != previous_mentor_id:
        route.steps.filter(responsible_id=previous_mentor_id, status__in=OPEN_STEP_STATUSES).update(responsible=mentor)
    return route


def _check_step(errors, *, route, due_on=None, responsible=None, evidence_event=None):
    if responsible is not None:
        _check_colleague(errors, "responsible", responsible, route.school)
        if "responsible" not in errors and responsible.pk == route.teacher_id:
            errors["responsible"] = _("The responsible mentor is someone other than the teacher.")
    if due_on is not None and due_on < route.starts_on:
        errors["due_on"] = _("The route starts on %(date)s: a step cannot be due before that.") % {
            "date": route.starts_on.strftime("%d.%m.%Y")
        }
    if evidence_event is not None and (
        evidence_event.kind not in EVIDENCE_EVENT_KINDS
        or not route_evidence_events(teacher=route.teacher).filter(pk=evidence_event.pk).exists()
    ):
        errors["evidence_event"] = _(
            "The evidence must be a lesson visit or a reverse visit of a group the teacher is a member of."
        )


def _set_completion(step, status, on):
    """A done step keeps the day it was first done; any other status clears it."""
    if status == RouteStep.Status.DONE:
        if step.status != RouteStep.Status.DONE or step.completed_on is None:
            step.completed_on = on
    else:
        step.completed_on = None
    step.status = status


@transaction.atomic
def route_step_create(
    *,
    route: DevelopmentRoute,
    title,
    due_on,
    responsible,
    status=RouteStep.Status.PLANNED,
    evidence_link="",
    evidence_file=None,
    evidence_event=None,
    on: datetime.date | None = None,
) -> RouteStep:
    """Add a step to a route: due on or after the route's start, with a responsible
    colleague of the route's school who is not the teacher. `on` is the school's
    day of the change (today by default); it dates a step created as done."""
    errors = {}
    _check_step(errors, route=route, due_on=due_on, responsible=responsible, evidence_event=evidence_event)
    if errors:
        raise ValidationError(errors)
    step = RouteStep(
        route=route,
        title=title.strip(),
        due_on=due_on,
        responsible=responsible,
        evidence_link=evidence_link or "",
        evidence_event=evidence_event,
    )
    _set_completion(step, status, on or school_today(route.school))
    if evidence_file:
        step.evidence_file = evidence_file
    step.full_clean()
    step.save()
    return step


def _delete_file_on_commit(storage, name):
    if name:
        transaction.on_commit(lambda: storage.delete(name))


@transaction.atomic
def route_step_update(*, step: RouteStep, on: datetime.date | None = None, **fields) -> RouteStep:
    """Change a step: its plan (title, due date, responsible) or its progress
    (status and evidence).

    Status done sets `completed_on` to the school's day `on` (today by default),
    and keeps the first date if the step was already done; reopening or
    cancelling clears it. `evidence_file`: an upload replaces the file, a falsy
    value removes it, leaving it out keeps it; a replaced file is deleted from
    storage once the change is committed. The people and the evidence visit are
    checked only when they change, so a step of someone who has since left can
    still be closed.
    """
    unknown = set(fields) - set(STEP_FIELDS)
    if unknown:
        raise TypeError(f"unknown fields: {sorted(unknown)}")
    route = step.route
    errors = {}
    responsible = fields.get("responsible")
    event = fields.get("evidence_event")
    _check_step(
        errors,
        route=route,
        due_on=fields.get("due_on") if fields.get("due_on") != step.due_on else None,
        responsible=responsible if responsible is not None and responsible.pk != step.responsible_id else None,
        evidence_event=event if event is not None and event.pk != step.evidence_event_id else None,
    )
    if "responsible" in fields and responsible is None:
        errors["responsible"] = _("Choose who is responsible.")
    if errors:
        raise ValidationError(errors)
    old_file = step.evidence_file.name if "evidence_file" in fields else ""
    for name in ("title", "due_on", "responsible", "evidence_event"):
        if name in fields:
            setattr(step, name, fields[name].strip() if name == "title" else fields[name])
    if "evidence_link" in fields:
        step.evidence_link = fields["evidence_link"] or ""
    if "evidence_file" in fields:
        step.evidence_file = fields["evidence_file"] or ""
    if "status" in fields:
        _set_completion(step, fields["status"], on or school_today(route.school))
    step.full_clean()
    step.save()
    if old_file and old_file != step.evidence_file.name:
        _delete_file_on_commit(step.evidence_file.storage, old_file)
    return step
