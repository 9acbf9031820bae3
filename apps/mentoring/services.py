"""Writes of mentoring: groups, their status history, the schedule of pair work
and network pairs' quarterly results."""

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.accounts.capabilities import roles_with
from apps.accounts.models import Membership
from apps.audit.models import AuditEvent
from apps.audit.services import audit_record_many
from apps.core.dates import school_today
from apps.core.forms import check_dates
from apps.core.validation import text_lengths_check
from apps.notifications.models import Notification
from apps.notifications.services import notification_send

from .models import (
    GroupEvent,
    GroupEventParticipant,
    MentorGroup,
    MentorGroupMember,
    MentorGroupStatusChange,
    NetworkPairResult,
    ProblemTag,
)
from .selectors import event_conflicts, group_load_warnings

# How far from the school's today a group's dates and a schedule entry may lie
# (the forms offer the same window).
GROUP_DATE_YEARS = {"back": 5, "ahead": 5}
EVENT_DATE_YEARS = {"back": 2, "ahead": 3}
FIRST_RESULT_YEAR = 2000


@dataclass
class MemberSpec:
    staff: object
    role: str


def _check_group(*, school, kind, curator, members, partner_school, starts_on, planned_end_on, problem_tags=()):
    errors = check_dates(school, {"starts_on": starts_on, "planned_end_on": planned_end_on}, **GROUP_DATE_YEARS)
    size = MentorGroup.SIZE[kind]
    if len(members) != size:
        errors["members"] = _("A %(kind)s has exactly %(size)s members.") % {
            "kind": MentorGroup.Kind(kind).label,
            "size": size,
        }
    staff_ids = [m.staff.pk for m in members]
    if len(set(staff_ids)) != len(staff_ids):
        errors["members"] = _("The same teacher appears twice.")
    if curator.pk in staff_ids:
        errors["curator"] = _("The curator coordinates the group and cannot be one of its members.")
    if curator.school_id != school.pk:
        errors["curator"] = _("The curator must work in this school.")
    if not curator.is_active:
        errors["curator"] = _("The curator no longer works here.")
    if partner_school is not None:
        if partner_school.pk == school.pk:
            errors["partner_school"] = _("A network pair joins two different schools.")
        elif school.network_id is None or partner_school.network_id != school.network_id:
            errors["partner_school"] = _("The partner school must belong to the same network of schools.")
    allowed_schools = {school.pk} | ({partner_school.pk} if partner_school else set())
    outsiders = [m.staff for m in members if m.staff.school_id not in allowed_schools]
    if outsiders:
        errors["members"] = _("%(name)s works in a school outside this group.") % {"name": outsiders[0]}
    if any(not m.staff.is_active for m in members):
        errors["members"] = _("A member no longer works at the school.")
    if starts_on and planned_end_on and planned_end_on < starts_on:
        errors["planned_end_on"] = _("The planned end is before the start.")
    if any(tag.school_id != school.pk for tag in problem_tags):
        errors["problem_tags"] = _("Choose problems of this school's list.")
    if errors:
        raise ValidationError(errors)


def _group_places(group, *, curator, members):
    """{staff id: (staff, their place in the group)} for the audit trail."""
    places = {curator.pk: (curator, _("curator"))}
    for member in members:
        places[member.staff.pk] = (member.staff, MentorGroupMember.Role(member.role).label)
    return places


def _audit_group_membership(group, before, after):
    """One trail row per person who joined, left or changed place in `group`,
    in their own school (a network pair spans two)."""
    targets, changes = [], []
    for staff_id in sorted(before.keys() | after.keys()):
        old, new = before.get(staff_id), after.get(staff_id)
        old_place = f"{group}: {old[1]}" if old else None
        new_place = f"{group}: {new[1]}" if new else None
        if old_place != new_place:
            targets.append((new or old)[0])
            changes.append({"mentor_group": [old_place, new_place]})
    audit_record_many(action=AuditEvent.Action.GROUP_MEMBERSHIP_CHANGED, targets=targets, changes=changes)


def _set_members(group, members):
    group.members.all().delete()
    MentorGroupMember.objects.bulk_create(
        MentorGroupMember(group=group, staff=m.staff, role=m.role, slot=slot) for slot, m in enumerate(members, start=1)
    )


@transaction.atomic
def mentor_group_create(
    *,
    school,
    kind,
    curator,
    members,
    task,
    observed_aspect,
    starts_on,
    planned_end_on,
    problem_tags=(),
    partner_school=None,
    created_by=None,
    proposal=False,
):
    """Form a pair or a triad. Returns (group, load warnings).

    The group starts as "forming"; a teacher with too many active groups is a
    warning, never a block (a double load is discouraged, yet the school decides).
    A curator's `proposal` waits for the administration: whoever may activate it
    is notified, once.
    """
    _check_group(
        school=school,
        kind=kind,
        curator=curator,
        members=members,
        partner_school=partner_school,
        starts_on=starts_on,
        planned_end_on=planned_end_on,
        problem_tags=problem_tags,
    )
    group = MentorGroup(
        school=school,
        partner_school=partner_school,
        kind=kind,
        curator=curator,
        task=task,
        observed_aspect=observed_aspect,
        starts_on=starts_on,
        planned_end_on=planned_end_on,
        is_proposal=proposal,
    )
    group.full_clean()
    group.save()
    _set_members(group, members)
    group.problem_tags.set(problem_tags)
    _audit_group_membership(group, {}, _group_places(group, curator=curator, members=members))
    MentorGroupStatusChange.objects.create(
        group=group,
        from_status="",
        to_status=group.status,
        changed_by=created_by,
        reason=_("Proposed by the curator.") if proposal else _("Group formed."),
    )
    if proposal:
        _notify_proposal(group)
    warnings = group_load_warnings(group=group, staff=[m.staff for m in members])
    return group, warnings


@transaction.atomic
def mentor_group_update(
    *,
    group,
    kind,
    curator,
    members,
    task,
    observed_aspect,
    starts_on,
    planned_end_on,
    problem_tags=(),
    partner_school=None,
):
    """Change a group's composition and task. Returns the load warnings."""
    if not group.is_open:
        raise ValidationError(_("The group is closed: it cannot be changed."))
    _check_group(
        school=group.school,
        kind=kind,
        curator=curator,
        members=members,
        partner_school=partner_school,
        starts_on=starts_on,
        planned_end_on=planned_end_on,
        problem_tags=problem_tags,
    )
    current_members = list(group.members.select_related("staff").order_by("slot"))
    # The stored curator, not the instance's: a bound ModelForm may have set the new one.
    stored_curator = MentorGroup.objects.select_related("curator").get(pk=group.pk).curator
    before = _group_places(group, curator=stored_curator, members=current_members)
    group.kind, group.curator, group.partner_school = kind, curator, partner_school
    group.task, group.observed_aspect = task, observed_aspect
    group.starts_on, group.planned_end_on = starts_on, planned_end_on
    group.full_clean()
    group.save()
    current = [(m.staff_id, m.role) for m in current_members]
    if current != [(m.staff.pk, m.role) for m in members]:
        _set_members(group, members)
    group.problem_tags.set(problem_tags)
    _audit_group_membership(group, before, _group_places(group, curator=curator, members=members))
    return group_load_warnings(group=group, staff=[m.staff for m in members])


REASON_REQUIRED = {MentorGroup.Status.PAUSED, MentorGroup.Status.DISSOLVED, MentorGroup.Status.DECLINED}


@transaction.atomic
def mentor_group_status_change(*, group, to_status, reason="", changed_by=None):
    """Move a group along forming → active → paused → completed / dissolved,
    keeping who did it, when and why."""
    group = MentorGroup.objects.select_for_update().get(pk=group.pk)
    if to_status not in MentorGroup.TRANSITIONS[group.status]:
        raise ValidationError(
            {
                "to_status": _("A group that is %(current)s cannot become %(new)s.")
                % {"current": group.get_status_display(), "new": MentorGroup.Status(to_status).label}
            }
        )
    if to_status == MentorGroup.Status.DECLINED and not group.is_proposal:
        raise ValidationError(
            {"to_status": _("Only a curator's proposal is declined; dissolve a group the school formed.")}
        )
    if to_status in REASON_REQUIRED and not reason.strip():
        raise ValidationError({"reason": _("Say why: the reason stays in the group's history.")})
    change = MentorGroupStatusChange(
        group=group, from_status=group.status, to_status=to_status, reason=reason.strip(), changed_by=changed_by
    )
    text_lengths_check(change)
    change.save()
    group.status = to_status
    group.save(update_fields=["status"])
    return change


def _notify_proposal(group):
    """Each administrator and deputy head of the school hears of a curator's proposal once."""
    managers = (
        Membership.objects.filter(
            school=group.school, roles__overlap=roles_with("mentoring.manage"), user__is_active=True
        )
        .select_related("user")
        .order_by("pk")
    )
    for membership in managers:
        notification_send(
            user=membership.user,
            school=group.school,
            kind=Notification.Kind.GROUP_PROPOSED,
            key=f"mentor_group:{group.pk}",
            title=_("%(curator)s proposes %(group)s: it waits for activation")
            % {"curator": group.curator.short_name, "group": group},
            body=group.observed_aspect,
            url=reverse("mentoring:group_detail", args=[group.pk]),
        )


@transaction.atomic
def group_decline(*, group, by, reason):
    """Decline a curator's proposal: the group closes as "declined", the reason
    stays in its history (who and when, like an activation) and the curator is
    notified once and reads it on the group's page."""
    if not group.is_proposal:
        raise ValidationError(_("Only a curator's proposal is declined; dissolve a group the school formed."))
    change = mentor_group_status_change(
        group=group, to_status=MentorGroup.Status.DECLINED, reason=reason, changed_by=by
    )
    curator = group.curator
    if curator.user_id:
        notification_send(
            user=curator.user,
            school=group.school,
            kind=Notification.Kind.GROUP_DECLINED,
            key=f"mentor_group:{group.pk}",
            title=_("Your proposal %(group)s is declined") % {"group": group},
            body=change.reason,
            url=reverse("mentoring:group_detail", args=[group.pk]),
        )
    return change


def _group_people(group):
    return [m.staff for m in group.members.select_related("staff")] + [group.curator]


def _check_event(*, group, starts_at, ends_at, participants, kind=None, was_kind=None):
    day = timezone.localtime(starts_at, group.school.tzinfo).date() if starts_at else None
    errors = check_dates(group.school, {"starts_at": day}, **EVENT_DATE_YEARS)
    # A plain entry never becomes a lesson visit: it would have no observers, no
    # feedback and no debrief deadline. (An older entry keeps the kind it had.)
    if kind in GroupEvent.VISIT_KINDS and kind != was_kind:
        errors["kind"] = _(
            "A lesson visit is planned with «Plan a lesson visit»: it gets observers, feedback and the debrief "
            "within 48 hours. Put meetings and debriefs here."
        )
    if starts_at and ends_at and ends_at <= starts_at:
        errors["ends_at"] = _("The end must be after the start.")
    allowed = {person.pk for person in _group_people(group)}
    if any(person.pk not in allowed for person in participants):
        errors["participants"] = _("Participants are the group's members and its curator.")
    if not participants:
        errors["participants"] = _("Choose who takes part.")
    if not group.is_open:
        errors["__all__"] = _("The group is closed: its schedule cannot change.")
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def group_event_create(
    *, group, kind, title, starts_at, ends_at, participants=None, place="", notes="", created_by=None
):
    """Put a meeting or a debrief on a group's schedule (a lesson visit comes
    here through apps.visits, which plans it with its debrief deadline).

    Returns (event, conflicts): conflicts are other events at an overlapping time
    for the same people, flagged but not refused (the curator decides).
    """
    participants = list(participants) if participants else _group_people(group)
    _check_event(group=group, starts_at=starts_at, ends_at=ends_at, participants=participants, kind=kind)
    event = GroupEvent(
        group=group,
        kind=kind,
        title=title,
        starts_at=starts_at,
        ends_at=ends_at,
        place=place,
        notes=notes,
        created_by=created_by,
    )
    event.full_clean()
    event.save()
    GroupEventParticipant.objects.bulk_create(GroupEventParticipant(event=event, staff=p) for p in participants)
    return event, event_conflicts(event=event)


@transaction.atomic
def group_event_update(*, event, kind, title, starts_at, ends_at, participants, place="", notes="", status=None):
    if GroupEvent.objects.filter(pk=event.pk, lesson_visit__isnull=False).exists():
        # Its debrief deadline hangs on its time: a visit changes through apps.visits.
        raise ValidationError(_("This is a lesson visit: change it on the visit's page."))
    _check_event(
        group=event.group,
        starts_at=starts_at,
        ends_at=ends_at,
        participants=participants,
        kind=kind,
        was_kind=GroupEvent.objects.filter(pk=event.pk).values_list("kind", flat=True).first(),
    )
    event.kind, event.title, event.starts_at, event.ends_at = kind, title, starts_at, ends_at
    event.place, event.notes = place, notes
    if status:
        event.status = status
    event.full_clean()
    event.save()
    wanted = {p.pk for p in participants}
    event.participations.exclude(staff_id__in=wanted).delete()
    existing = set(event.participations.values_list("staff_id", flat=True))
    GroupEventParticipant.objects.bulk_create(
        GroupEventParticipant(event=event, staff=p) for p in participants if p.pk not in existing
    )
    if event.status == GroupEvent.Status.CANCELLED:
        return event, []
    return event, event_conflicts(event=event)


def network_result_year_error(*, school, year):
    """Why `year` cannot be a result's year (from 2000 to next year), or None."""
    next_year = school_today(school).year + 1
    if not FIRST_RESULT_YEAR <= year <= next_year:
        return _("Give a year from 2000 to %(year)s.") % {"year": next_year}
    return None


def network_result_create(*, group, year, quarter, form, title, link="", file=None, uploaded_by=None):
    """Record what a network pair presented for a quarter (one entry a quarter)."""
    if not group.is_network:
        raise ValidationError(_("Only network pairs present quarterly results."))
    if not link and not file:
        raise ValidationError({"link": _("Give a link or attach a file.")})
    year_error = network_result_year_error(school=group.school, year=year)
    if year_error:
        raise ValidationError({"year": year_error})
    result = NetworkPairResult(
        group=group, year=year, quarter=quarter, form=form, title=title, link=link or "", uploaded_by=uploaded_by
    )
    if file:
        result.file = file
        result.file_size = file.size
    result.full_clean()
    result.save()
    return result


def problem_tag_create(*, school, name):
    tag = ProblemTag(school=school, name=" ".join(name.split()))
    tag.full_clean()
    tag.save()
    return tag


def problem_tag_rename(*, tag, name):
    tag.name = " ".join(name.split())
    tag.full_clean()
    tag.save(update_fields=["name"])
    return tag
