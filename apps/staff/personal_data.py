"""Everything the app holds about one staff member, as a ZIP of JSON and XLSX.

152-FZ (art. 14) gives a person the right to a copy of their personal data; the
school's administrator exports it and hands it over, and the export is audited.
Since an administrator downloads it, lesson feedback follows the trust rule: the
file says that feedback exists, never what it says. Other people appear by role,
never by name; of a survey only the person's own readiness answers and how many
colleagues they named. A fixed number of queries, whatever the amount of data.
See docs/security-and-privacy.md#export-art-14.
"""

import datetime
import io
import json
import zipfile
from dataclasses import dataclass, field

from django.db.models import Count, Prefetch, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.accounts.models import Membership, Role
from apps.audit.models import AuditEvent
from apps.audit.services import audit_record
from apps.core.spreadsheets import add_sheet, new_workbook, workbook_bytes
from apps.mentoring.models import DevelopmentRoute, GroupEventParticipant, MentorGroup, MentorGroupMember, RouteStep
from apps.notifications.models import Notification
from apps.partners.models import JointActivity, PartnerOrganisation
from apps.problemdays.models import DayActivity, PreparationRole, ProblemDay
from apps.surveys.models import READINESS_ITEMS, SurveyAnswer, SurveyParticipant, SurveyTie
from apps.teams.models import TeamMember
from apps.visits.models import Feedback, LessonVisit, VisitObserver

from .models import Achievement, CategoryAward, StaffMember, Subject


@dataclass
class Section:
    """One kind of data: a list in the JSON, a sheet in the workbook."""

    key: str
    title: str
    columns: list  # [(key, label), ...]
    rows: list = field(default_factory=list)


def _label(model, name):
    return str(model._meta.get_field(name).verbose_name)


def _role_labels(roles):
    labels = dict(Role.choices)
    return ", ".join(str(labels.get(role, role)) for role in roles)


class _Clock:
    """Datetimes in the school's own time zone, as people saw them in the app."""

    def __init__(self, school):
        self.tz = school.tzinfo

    def __call__(self, value):
        if value is None:
            return None
        return timezone.localtime(value, self.tz) if timezone.is_aware(value) else value


def _card(staff, clock):
    card = Section(
        "card",
        _("Card"),
        [
            ("id", _("card number")),
            ("school", _label(StaffMember, "school")),
            ("last_name", _label(StaffMember, "last_name")),
            ("first_name", _label(StaffMember, "first_name")),
            ("patronymic", _label(StaffMember, "patronymic")),
            ("email", _label(StaffMember, "email")),
            ("position", _label(StaffMember, "position")),
            ("association", _label(StaffMember, "association")),
            ("subjects", _label(StaffMember, "subjects")),
            ("teaching_since", _label(StaffMember, "teaching_since")),
            ("hired_on", _label(StaffMember, "hired_on")),
            ("is_active", _label(StaffMember, "is_active")),
            ("left_on", _label(StaffMember, "left_on")),
            ("created_at", _("card created")),
            ("updated_at", _("card last changed")),
        ],
    )
    card.rows.append(
        {
            "id": staff.pk,
            "school": staff.school.name,
            "last_name": staff.last_name,
            "first_name": staff.first_name,
            "patronymic": staff.patronymic,
            "email": staff.email,
            "position": staff.position,
            "association": staff.association.name if staff.association else "",
            "subjects": ", ".join(subject.name for subject in staff.subjects.all()),
            "teaching_since": staff.teaching_since,
            "hired_on": staff.hired_on,
            "is_active": staff.is_active,
            "left_on": staff.left_on,
            "created_at": clock(staff.created_at),
            "updated_at": clock(staff.updated_at),
        }
    )
    categories = Section(
        "categories",
        _("Categories"),
        [
            ("category", _label(CategoryAward, "category")),
            ("awarded_on", _label(CategoryAward, "awarded_on")),
            ("valid_until", _label(CategoryAward, "valid_until")),
            ("order_number", _label(CategoryAward, "order_number")),
        ],
        [
            {
                "category": award.get_category_display(),
                "awarded_on": award.awarded_on,
                "valid_until": award.valid_until,
                "order_number": award.order_number,
            }
            for award in staff.category_awards.all()
        ],
    )
    achievements = Section(
        "achievements",
        _("Achievements"),
        [(name, _label(Achievement, name)) for name in ("date", "kind", "title", "level", "result")],
        [
            {
                "date": item.date,
                "kind": item.get_kind_display(),
                "title": item.title,
                "level": item.get_level_display(),
                "result": item.get_result_display(),
            }
            for item in staff.achievements.all()
        ],
    )
    return [card, categories, achievements]


def _account(staff, clock):
    section = Section(
        "account",
        _("User account"),
        [
            ("email", _("e-mail")),
            ("last_name", _("surname")),
            ("first_name", _("first name")),
            ("patronymic", _("patronymic")),
            ("is_active", _("may sign in")),
            ("date_joined", _("account created")),
            ("last_login", _("last sign-in")),
            ("school", _("school")),
            ("roles", _("roles")),
            ("member_since", _("member since")),
        ],
    )
    user = staff.user
    if user is None:
        return section
    # Only this school's membership: the person's places in other schools are not this school's data.
    memberships = [m for m in user.memberships.all() if m.school_id == staff.school_id] or [None]
    for membership in memberships:
        section.rows.append(
            {
                # Never the password hash: only whether the account may sign in.
                "email": user.email,
                "last_name": user.last_name,
                "first_name": user.first_name,
                "patronymic": user.patronymic,
                "is_active": user.is_active,
                "date_joined": clock(user.date_joined),
                "last_login": clock(user.last_login),
                "school": staff.school.name if membership else "",
                "roles": _role_labels(membership.roles) if membership else "",
                "member_since": clock(membership.created_at) if membership else None,
            }
        )
    return section


def _mentoring(staff, clock):
    groups = Section(
        "groups",
        _("Pairs and triads"),
        [
            ("group", _("group number")),
            ("kind", _("kind")),
            ("role", _("role")),
            ("status", _("status")),
            ("starts_on", _("starts on")),
            ("planned_end_on", _("planned end")),
            ("task", _("task")),
            ("network_pair", _("network pair")),
        ],
    )
    member_of = MentorGroupMember.objects.filter(staff=staff).select_related("group").order_by("group__starts_on")
    curated = MentorGroup.objects.filter(curator=staff).order_by("starts_on", "pk")
    rows = [(m.group, m.get_role_display()) for m in member_of] + [(g, _("curator")) for g in curated]
    for group, role in rows:
        groups.rows.append(
            {
                "group": group.pk,
                "kind": group.get_kind_display(),
                "role": str(role),
                "status": group.get_status_display(),
                "starts_on": group.starts_on,
                "planned_end_on": group.planned_end_on,
                "task": group.task,
                "network_pair": group.is_network,
            }
        )
    events = Section(
        "group_events",
        _("Schedule of work"),
        [
            ("group", _("group number")),
            ("kind", _("kind")),
            ("title", _("topic")),
            ("starts_at", _("starts at")),
            ("ends_at", _("ends at")),
            ("place", _("place")),
            ("status", _("status")),
        ],
        [
            {
                "group": p.event.group_id,
                "kind": p.event.get_kind_display(),
                "title": p.event.title,
                "starts_at": clock(p.event.starts_at),
                "ends_at": clock(p.event.ends_at),
                "place": p.event.place,
                "status": p.event.get_status_display(),
            }
            for p in GroupEventParticipant.objects.filter(staff=staff)
            .select_related("event")
            .order_by("event__starts_at", "pk")
        ],
    )
    routes = Section(
        "routes",
        _("Development routes"),
        [
            ("route", _("route number")),
            ("role", _("role")),
            ("starts_on", _("starts on")),
            ("goals", _("goals")),
            ("step", _("step")),
            ("due_on", _("due on")),
            ("step_status", _("status")),
            ("completed_on", _("completed on")),
        ],
    )
    own_routes = (
        DevelopmentRoute.objects.filter(Q(teacher=staff) | Q(mentor=staff))
        .prefetch_related(Prefetch("steps", queryset=RouteStep.objects.order_by("due_on", "pk")))
        .order_by("starts_on", "pk")
    )
    for route in own_routes:
        is_teacher = route.teacher_id == staff.pk
        base = {
            "route": route.pk,
            "role": _("teacher") if is_teacher else _("mentor"),
            "starts_on": route.starts_on,
            "goals": route.goals,
        }
        steps = [s for s in route.steps.all() if is_teacher or s.responsible_id == staff.pk]
        for step in steps or [None]:
            routes.rows.append(
                {
                    **base,
                    "step": step.title if step else "",
                    "due_on": step.due_on if step else None,
                    "step_status": step.get_status_display() if step else "",
                    "completed_on": step.completed_on if step else None,
                }
            )
    return [groups, events, routes]


def _teams(staff):
    return Section(
        "teams",
        _("Task teams"),
        [
            ("team", _("team number")),
            ("kind", _("kind")),
            ("title", _("title")),
            ("status", _("status")),
            ("role", _("role")),
            ("joined_on", _("joined on")),
            ("left_on", _("left on")),
            ("deadline", _("deadline")),
        ],
        [
            {
                "team": m.team_id,
                "kind": m.team.get_kind_display(),
                "title": m.team.title,
                "status": m.team.get_status_display(),
                "role": m.get_role_display(),
                "joined_on": m.joined_on,
                "left_on": m.left_on,
                "deadline": m.team.deadline,
            }
            for m in TeamMember.objects.filter(staff=staff).select_related("team").order_by("joined_on", "pk")
        ],
    )


def _visit_row(visit, role, clock):
    return {
        "visit": visit.pk,
        "role": str(role),
        "kind": visit.get_kind_display(),
        "starts_at": clock(visit.starts_at),
        "grade": visit.grade,
        "subject": visit.subject.name if visit.subject else "",
        "topic": visit.topic,
        "observed_aspect": visit.observed_aspect,
        "status": visit.get_status_display(),
        "debriefed_at": clock(visit.debriefed_at),
    }


def _feedback_row(feedback, author, clock):
    return {
        "visit": feedback.visit_id,
        "author": str(author),
        "follow_up_on": feedback.follow_up_on,
        "debrief_held_at": clock(feedback.debrief_held_at),
        "debrief_format": feedback.get_debrief_format_display(),
        "submitted_at": clock(feedback.submitted_at),
    }


def _visits(staff, clock):
    visits = Section(
        "visits",
        _("Lesson visits"),
        [
            ("visit", _("visit number")),
            ("role", _("role")),
            ("kind", _("kind")),
            ("starts_at", _("lesson starts")),
            ("grade", _("class")),
            ("subject", _("subject")),
            ("topic", _("lesson topic")),
            ("observed_aspect", _("observed aspect")),
            ("status", _("status")),
            ("debriefed_at", _("debriefed at")),
        ],
    )
    feedback = Section(
        "feedback",
        _("Feedback"),
        [
            ("visit", _("visit number")),
            ("author", _("written by")),
            ("follow_up_on", _label(Feedback, "follow_up_on")),
            ("debrief_held_at", _label(Feedback, "debrief_held_at")),
            ("debrief_format", _label(Feedback, "debrief_format")),
            ("submitted_at", _("submitted at")),
        ],
    )
    reflections = Section(
        "self_reflections",
        _("Self-reflections"),
        [("visit", _("visit number")), ("updated_at", _("last changed"))],
    )
    observed = (
        LessonVisit.objects.filter(observed=staff)
        .select_related("subject", "self_reflection")
        .prefetch_related(
            # Others' feedback on the person's own lesson: only what the app shows them, the submitted.
            Prefetch(
                "feedback",
                queryset=Feedback.objects.filter(submitted_at__isnull=False).order_by("submitted_at", "pk"),
                to_attr="submitted_feedback",
            )
        )
        .order_by("starts_at", "pk")
    )
    for visit in observed:
        visits.rows.append(_visit_row(visit, _("observed teacher"), clock))
        for item in visit.submitted_feedback:
            # The observer is named by role only; their own feedback comes below.
            if item.observer_id != staff.pk:
                feedback.rows.append(_feedback_row(item, _("an observer"), clock))
        reflection = getattr(visit, "self_reflection", None)
        if reflection is not None:
            reflections.rows.append({"visit": visit.pk, "updated_at": clock(reflection.updated_at)})
    for link in (
        VisitObserver.objects.filter(staff=staff).select_related("visit", "visit__subject").order_by("visit__starts_at")
    ):
        visits.rows.append(_visit_row(link.visit, _("observer"), clock))
    # What the person wrote, drafts included: their own words.
    for item in Feedback.objects.filter(observer=staff).order_by("visit__starts_at", "pk"):
        feedback.rows.append(_feedback_row(item, _("this person"), clock))
    return [visits, feedback, reflections]


def _problem_days(staff, clock):
    section = Section(
        "problem_days",
        _("Problem-theme days"),
        [
            ("day", _("day number")),
            ("date", _("date")),
            ("title", _("theme")),
            ("duty", _("duty")),
            ("what", _("what")),
            ("starts_at", _("when")),
            ("place", _("place")),
        ],
    )
    for day in ProblemDay.objects.filter(organisers=staff).order_by("date", "pk"):
        section.rows.append(
            {
                "day": day.pk,
                "date": day.date,
                "title": day.title,
                "duty": _("organiser"),
                "what": "",
                "starts_at": None,
                "place": "",
            }
        )
    for role in PreparationRole.objects.filter(staff=staff).select_related("day").order_by("day__date", "pk"):
        section.rows.append(
            {
                "day": role.day_id,
                "date": role.day.date,
                "title": role.day.title,
                "duty": _("preparation role"),
                "what": role.get_kind_display(),
                "starts_at": clock(role.when),
                "place": role.place,
            }
        )
    for activity in DayActivity.objects.filter(responsible=staff).select_related("day").order_by("starts_at", "pk"):
        section.rows.append(
            {
                "day": activity.day_id,
                "date": activity.day.date,
                "title": activity.day.title,
                "duty": _("responsible for an activity"),
                "what": activity.title,
                "starts_at": clock(activity.starts_at),
                "place": activity.place,
            }
        )
    return section


def _partners(staff):
    activities = (
        JointActivity.objects.filter(Q(teachers=staff) | Q(responsible=staff))
        .distinct()
        .prefetch_related(Prefetch("partners", queryset=PartnerOrganisation.objects.order_by("name")))
        .order_by("starts_on", "pk")
    )
    return Section(
        "partner_activities",
        _("Partner activities"),
        [
            ("activity", _("activity number")),
            ("title", _("title")),
            ("starts_on", _("date or start of the period")),
            ("ends_on", _("end of the period")),
            ("kind", _("kind of joint activity")),
            ("partners", _("partners")),
            ("role", _("role")),
            ("status", _("status")),
        ],
        [
            {
                "activity": a.pk,
                "title": a.title,
                "starts_on": a.starts_on,
                "ends_on": a.ends_on,
                "kind": a.get_kind_display(),
                "partners": ", ".join(p.name for p in a.partners.all()),
                "role": _("responsible teacher") if a.responsible_id == staff.pk else _("taking part"),
                "status": a.get_status_display(),
            }
            for a in activities
        ],
    )


def _surveys(staff, clock):
    tie_counts = {kind: Count("ties", filter=Q(ties__kind=kind)) for kind in SurveyTie.Kind.values}
    answers = {
        answer.round_id: answer
        for answer in SurveyAnswer.objects.filter(respondent=staff).annotate(
            **{f"named_{kind}": count for kind, count in tie_counts.items()}
        )
    }
    section = Section(
        "surveys",
        _("Surveys"),
        [
            ("round", _("survey")),
            ("opens_on", _("opens on")),
            ("closes_on", _("closes on")),
            ("answered_at", _("answered at")),
            *[(item, str(label)) for item, label in READINESS_ITEMS.items()],
            # How many colleagues were named, never who: see the module's docstring.
            *[
                (f"named_{kind}", _("colleagues named: %(question)s") % {"question": label})
                for kind, label in SurveyTie.Kind.choices
            ],
        ],
    )
    participations = SurveyParticipant.objects.filter(staff=staff).select_related("round").order_by("round__opens_on")
    for participant in participations:
        answer = answers.get(participant.round_id)
        row = {
            "round": participant.round.name,
            "opens_on": participant.round.opens_on,
            "closes_on": participant.round.closes_on,
            "answered_at": clock(participant.answered_at),
        }
        for item in READINESS_ITEMS:
            row[item] = getattr(answer, item) if answer else None
        for kind in SurveyTie.Kind.values:
            row[f"named_{kind}"] = getattr(answer, f"named_{kind}") if answer else None
        section.rows.append(row)
    return section


def _notifications(staff, clock):
    # The kind and the dates, never the title or text: those name colleagues
    # ("Debrief overdue: <teacher>"), whose names are their own data.
    rows = []
    if staff.user_id is not None:
        rows = [
            {
                "kind": n.get_kind_display(),
                "created_at": clock(n.created_at),
                "read_at": clock(n.read_at),
                "email_sent_at": clock(n.email_sent_at),
            }
            for n in Notification.objects.filter(user_id=staff.user_id, school_id=staff.school_id)
            .only("kind", "created_at", "read_at", "email_sent_at")
            .order_by("created_at", "pk")
        ]
    return Section(
        "notifications",
        _("Notifications"),
        [
            ("kind", _("kind")),
            ("created_at", _("created at")),
            ("read_at", _("read at")),
            ("email_sent_at", _("e-mail sent at")),
        ],
        rows,
    )


def staff_personal_data_sections(*, staff) -> list[Section]:
    """Every kind of data about `staff`, in a fixed number of queries."""
    staff = (
        StaffMember.objects.select_related("school", "association", "user")
        .prefetch_related(
            Prefetch("subjects", queryset=Subject.objects.order_by("name")),
            Prefetch("category_awards", queryset=CategoryAward.objects.order_by("awarded_on")),
            Prefetch("achievements", queryset=Achievement.objects.order_by("date", "pk")),
            Prefetch("user__memberships", queryset=Membership.objects.select_related("school")),
        )
        .get(pk=staff.pk)
    )
    clock = _Clock(staff.school)
    return [
        *_card(staff, clock),
        _account(staff, clock),
        *_mentoring(staff, clock),
        _teams(staff),
        *_visits(staff, clock),
        _problem_days(staff, clock),
        _partners(staff),
        _surveys(staff, clock),
        _notifications(staff, clock),
    ]


def _json_value(value):
    if isinstance(value, datetime.datetime | datetime.date):
        return value.isoformat()
    return value


def _xlsx_value(value):
    if isinstance(value, datetime.datetime):
        return value.replace(tzinfo=None)
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    return value


def _workbook(sections) -> bytes:
    workbook = new_workbook()
    for section in sections:
        add_sheet(
            workbook,
            section.title,
            [label for _key, label in section.columns],
            [[_xlsx_value(row.get(key)) for key, _label in section.columns] for row in section.rows],
            width_range=(12, 50),
            freeze=True,
        )
    return workbook_bytes(workbook)


def staff_personal_data_file_name(*, staff) -> str:
    return f"personal-data-{staff.pk}.zip"


def staff_personal_data_export(*, staff, exported_by=None) -> bytes:
    """A ZIP with `personal-data.json` and `personal-data.xlsx` (one sheet per
    kind of data) holding what the app keeps about `staff`; see the module's
    docstring for what is in it and what is deliberately not. An export made
    by a person (`exported_by`) is written to the audit trail."""
    sections = staff_personal_data_sections(staff=staff)
    document = {
        "generated_at": timezone.now().isoformat(),
        "staff_id": staff.pk,
        "sections": {
            section.key: {
                "title": section.title,
                "columns": dict(section.columns),
                "rows": [{key: _json_value(row.get(key)) for key, _label in section.columns} for row in section.rows],
            }
            for section in sections
        },
    }
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("personal-data.json", json.dumps(document, ensure_ascii=False, indent=2))
        archive.writestr("personal-data.xlsx", _workbook(sections))
    if exported_by is not None:
        audit_record(
            action=AuditEvent.Action.PERSONAL_DATA_EXPORTED, school=staff.school, target=staff, actor=exported_by
        )
    return buffer.getvalue()
