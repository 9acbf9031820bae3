"""Writes of the methodical associations: network associations and their members,
the year plan, meetings (planned, held with attendance, minutes) and decisions."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from apps.core.dates import school_today
from apps.core.forms import check_dates
from apps.core.validation import full_clean_on_fields
from apps.staff.models import StaffMember

from .models import (
    VIOLATION_FIELDS,
    Decision,
    Meeting,
    MeetingAttendance,
    NetworkAssociation,
    NetworkAssociationMember,
    YearPlan,
    members_q,
)

# How far from the school's today meeting and due dates may lie (the forms offer the same window).
DATE_YEARS = {"back": 1, "ahead": 2}


def _full_clean(instance):
    """full_clean(), with a database constraint's violation shown next to its field."""
    full_clean_on_fields(instance, VIOLATION_FIELDS)


def _check_person(*, school, staff, field):
    if staff is None:
        return
    if staff.school_id != school.pk:
        raise ValidationError({field: _("%(name)s works in another school.") % {"name": staff}})
    if not staff.is_active:
        raise ValidationError({field: _("%(name)s no longer works at the school.") % {"name": staff}})


def _check_dates(school, **dates):
    errors = check_dates(school, dates, **DATE_YEARS)
    if errors:
        raise ValidationError(errors)


# Network associations ------------------------------------------------------------


@transaction.atomic
def network_association_create(*, network, name, subject_name, lead_association):
    """A network association led by one of the school's associations, which is its first member."""
    if lead_association.school.network_id != network.pk:
        raise ValidationError({"lead_association": _("The lead association's school is not in this network.")})
    network_association = NetworkAssociation(
        network=network,
        name=name.strip(),
        subject_name=subject_name.strip(),
        lead_association=lead_association,
        school=lead_association.school,
    )
    _full_clean(network_association)
    network_association.save()
    NetworkAssociationMember.objects.create(network_association=network_association, association=lead_association)
    return network_association


def network_association_member_add(*, network_association, association):
    """Join a school's association; only associations of the network's schools join."""
    if association.school.network_id != network_association.network_id:
        raise ValidationError({"association": _("This association's school is not in the network.")})
    member = NetworkAssociationMember(network_association=network_association, association=association)
    _full_clean(member)
    member.save()
    return member


def network_association_member_remove(*, member):
    if member.association_id == member.network_association.lead_association_id:
        raise ValidationError(_("The lead association cannot leave: it runs the network association."))
    member.delete()


# The year plan --------------------------------------------------------------------


@transaction.atomic
def year_plan_save(*, association, year, head, theme, goals):
    """This year's plan of the association: made on the first save, then updated."""
    _check_person(school=association.school, staff=head, field="head")
    plan = YearPlan.objects.select_for_update().filter(association=association, year=year).first()
    if plan is None:
        plan = YearPlan(association=association, school=association.school, year=year)
    plan.head = head
    plan.theme = theme.strip()
    plan.goals = goals.strip()
    _full_clean(plan)
    plan.save()
    return plan


# Meetings ------------------------------------------------------------------------


def meeting_save(*, plan, planned_on, agenda, starts_at=None, place="", online_link="", meeting=None):
    """Plan a new meeting (numbered next in the plan) or change a planned one."""
    _check_dates(plan.school, planned_on=planned_on)
    with transaction.atomic():
        if meeting is None:
            # The plan row is locked while the next number is counted.
            YearPlan.objects.select_for_update().filter(pk=plan.pk).first()
            last = plan.meetings.aggregate(last=Max("number"))["last"] or 0
            meeting = Meeting(plan=plan, school=plan.school, number=last + 1)
        elif meeting.status == Meeting.Status.CANCELLED:
            raise ValidationError(_("The meeting is cancelled: it cannot be changed."))
        meeting.planned_on = planned_on
        meeting.starts_at = starts_at
        meeting.place = place.strip()
        meeting.online_link = online_link.strip()
        meeting.agenda = agenda.strip()
        _full_clean(meeting)
        meeting.save()
    return meeting


def meeting_cancel(*, meeting):
    if meeting.status != Meeting.Status.PLANNED:
        raise ValidationError(_("Only a planned meeting can be cancelled."))
    meeting.status = Meeting.Status.CANCELLED
    meeting.save(update_fields=["status"])
    return meeting


def attendance_set(*, meeting, present_ids):
    """Who was present: one row for each member of the association (and anyone
    already on the list), present if among `present_ids`."""
    if not meeting.is_held:
        raise ValidationError(_("Attendance is marked for a held meeting."))
    present_ids = {int(pk) for pk in present_ids}
    people = set(
        StaffMember.objects.filter(members_q(meeting.plan.association_id), school=meeting.school).values_list(
            "pk", flat=True
        )
    )
    people |= set(meeting.attendance.values_list("staff_id", flat=True))
    strangers = present_ids - people
    if strangers:
        raise ValidationError({"present": _("Only members of the association are on the attendance list.")})
    with transaction.atomic():
        existing = {row.staff_id: row for row in meeting.attendance.select_for_update()}
        for staff_id in people:
            present = staff_id in present_ids
            row = existing.get(staff_id)
            if row is None:
                MeetingAttendance.objects.create(meeting=meeting, staff_id=staff_id, present=present)
            elif row.present != present:
                row.present = present
                row.save(update_fields=["present"])
    return meeting


@transaction.atomic
def meeting_hold(*, meeting, held_on, present_ids):
    """The meeting took place on `held_on` (not in the future) with these members present."""
    if meeting.status == Meeting.Status.CANCELLED:
        raise ValidationError(_("The meeting is cancelled: it cannot be held."))
    _check_dates(meeting.school, held_on=held_on)
    if held_on > school_today(meeting.school):
        raise ValidationError({"held_on": _("A meeting is marked held on the day it took place, not before.")})
    meeting.status = Meeting.Status.HELD
    meeting.held_on = held_on
    _full_clean(meeting)
    meeting.save(update_fields=["status", "held_on"])
    return attendance_set(meeting=meeting, present_ids=present_ids)


def minutes_save(*, meeting, minutes, by):
    """The short minutes of a held meeting, written by the head (or whoever keeps them)."""
    if not meeting.is_held:
        raise ValidationError({"minutes": _("Minutes are written for a held meeting.")})
    meeting.minutes = minutes.strip()
    meeting.minutes_by = by if meeting.minutes else None
    _full_clean(meeting)
    meeting.save(update_fields=["minutes", "minutes_by"])
    return meeting


# Decisions -----------------------------------------------------------------------


def decision_add(*, meeting, text, responsible, due_on):
    if not meeting.is_held:
        raise ValidationError(_("Decisions are recorded for a held meeting."))
    _check_person(school=meeting.school, staff=responsible, field="responsible")
    _check_dates(meeting.school, due_on=due_on)
    decision = Decision(
        meeting=meeting, school=meeting.school, text=text.strip(), responsible=responsible, due_on=due_on
    )
    _full_clean(decision)
    decision.save()
    return decision


def decision_done(*, decision, on=None):
    if decision.done_on is not None:
        raise ValidationError(_("The decision is already done."))
    decision.done_on = on or school_today(decision.school)
    decision.save(update_fields=["done_on"])
    return decision
