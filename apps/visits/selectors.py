"""Reads of lesson visits, scoped to a school, their related rows loaded in a fixed
number of queries. Content (feedback text) is never read here for lists: lists
show facts and timeliness only; content is loaded for one visit, after the
access check in apps.visits.access."""

from types import SimpleNamespace

from django.db.models import (
    BigIntegerField,
    Case,
    Count,
    Exists,
    F,
    Func,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    Subquery,
    Value,
    When,
    Window,
)
from django.db.models.functions import RowNumber
from django.db.models.lookups import GreaterThan
from django.utils import timezone
from django.utils.timesince import timesince, timeuntil

from apps.accounts.capabilities import roles_with
from apps.accounts.models import Membership
from apps.core.choices import translated_labels
from apps.core.dates import short_dates
from apps.core.json_rows import set_prefetched
from apps.core.links import row_link
from apps.core.paging import prepared_page_among
from apps.core.prepared import Param, ParamList, prepared_query
from apps.core.typography import quoted
from apps.staff.models import StaffMember, short_name

from .models import (
    EvaluativeWord,
    Feedback,
    FeedbackCheck,
    LessonVisit,
    ProtocolItem,
    VisitObserver,
    VisitShareReader,
)

NAME_FIELDS = ("last_name", "first_name", "patronymic")
MAX_ID = 2**63 - 1


def debrief_problem_tags(*, school, curator_user, group_statuses):
    """The problems observers tagged in submitted debriefs of the groups
    `curator_user` curates (in `group_statuses`): (tag id, observed teacher id,
    group id) rows. Feedback content: for that curator only, never the
    administration (apps.visits.access)."""
    return (
        Feedback.objects.filter(
            submitted_at__isnull=False,
            problem_tags__isnull=False,
            visit__group__curator__user=curator_user,
            visit__group__status__in=group_statuses,
        )
        .filter(Q(visit__school=school) | Q(visit__group__partner_school=school))
        .values_list("problem_tags", "visit__observed_id", "visit__group_id")
        .order_by()
    )


def visit_queryset(*, school):
    """One visit of the school with its people (its lists use `visit_lines`)."""
    return (
        LessonVisit.objects.for_school(school)
        .select_related(
            "observed", "observed__user", "observed__association", "group", "group__curator", "subject", "protocol"
        )
        .prefetch_related(
            Prefetch("observer_links", queryset=VisitObserver.objects.select_related("staff", "staff__user")),
        )
    )


def _observer_links():
    """The observers' cards: a card's account is its `user_id`, all the access rules read."""
    return VisitObserver.objects.select_related("staff")


def _with_observers(visits):
    return visits.prefetch_related(Prefetch("observer_links", queryset=_observer_links()))


def _page_joins(*, school):
    return LessonVisit.objects.for_school(school).select_related(
        "observed", "group", "group__curator", "subject", "protocol"
    )


def visit_page(*, school):
    """One visit for its page and for planning from it: the joins those read (teacher,
    subject, protocol, pair and its curator) and the observers."""
    return _with_observers(_page_joins(school=school))


def _detail_joins(*, school):
    return _page_joins(school=school).select_related("observed__association", "self_reflection")


def visit_detail(*, school):
    """The visit's page: with the teacher's subject association and the self-reflection
    (check access before showing it); its feedback is read by `visit_feedback`."""
    return _with_observers(_detail_joins(school=school))


def _feedback_joins(*, school):
    return LessonVisit.objects.for_school(school).select_related("observed", "protocol")


def visit_for_feedback(*, school):
    """One visit for an observer's feedback form: the teacher, the protocol and the observers."""
    return _with_observers(_feedback_joins(school=school))


# The joins of `visit_one`, by the page.
_VISIT_JOINS = {"page": _page_joins, "detail": _detail_joins, "feedback": _feedback_joins}


def visit_one(*, school, pk, joins):
    """The visit `pk` of the school as `visit_page`, `visit_detail` or `visit_for_feedback`
    (`joins`: "page", "detail", "feedback") give it, with its observers, or None: two
    prepared queries (apps.core.prepared) instead of a queryset and a prefetch built each time."""
    if not 0 < pk <= MAX_ID:
        return None  # no such row, and a number a bigint cannot hold would be a database error
    visit = _visit_one.first(shape={"joins": joins}, school_id=school.pk, pk=pk)
    if visit is not None:
        links = _observers_of.rows(visit_id=visit.pk)
        for link in links:
            link._state.fields_cache["visit"] = visit
        set_prefetched(visit, "observer_links", VisitObserver, links)
    return visit


@prepared_query
def _visit_one(*, joins):
    return _VISIT_JOINS[joins](school=Param("school_id")).filter(pk=Param("pk"))


@prepared_query
def _observers_of():
    return _observer_links().filter(visit_id=Param("visit_id")).order_by("pk")


def visit_for_reflection(*, school):
    """One visit for the observed teacher's self-reflection: the teacher and the reflection."""
    return LessonVisit.objects.for_school(school).select_related("observed", "self_reflection")


def _feedback_rows(*, visit_id, content):
    rows = Feedback.objects.filter(visit_id=visit_id).order_by("pk")
    if not content:
        return rows.filter(submitted_at__isnull=False).only("observer", "submitted_at")
    return rows.select_related("observer")


def visit_feedback(*, visit, content, checks=False):
    """The visit's feedback by observer, drafts included, with its text (and its ticks
    when `checks`) when `content` (the reader passed apps.visits.access); else only who
    submitted it. A list, from prepared queries."""
    found = _feedback_of.rows(shape={"content": content}, visit_id=visit.pk)
    if content and checks:
        ticks = {}
        for check in _checks_of.rows(ids=[feedback.pk for feedback in found]):
            ticks.setdefault(check.feedback_id, []).append(check)
        for feedback in found:
            set_prefetched(feedback, "checks", FeedbackCheck, ticks.get(feedback.pk, ()))
    return found


@prepared_query
def _feedback_of(*, content):
    return _feedback_rows(visit_id=Param("visit_id"), content=content)


@prepared_query
def _checks_of():
    # A feedback's ticks in their order (FeedbackCheck's Meta.ordering).
    return FeedbackCheck.objects.filter(feedback__pk__any=ParamList("ids")).order_by("position", "pk")


def feedback_of(*, visit, observer):
    """The observer's own feedback on the visit (a draft or submitted), or None."""
    return _feedback_by.first(visit_id=visit.pk, observer_id=observer.pk)


@prepared_query
def _feedback_by():
    return Feedback.objects.filter(visit_id=Param("visit_id"), observer_id=Param("observer_id")).order_by("pk")


def evaluative_words(*, school):
    """The school's evaluative words, a list of strings (a prepared query)."""
    return _evaluative_words.rows(school_id=school.pk)


@prepared_query
def _evaluative_words():
    return EvaluativeWord.objects.for_school(Param("school_id")).values_list("word", flat=True)


def protocol_items(*, protocol_id):
    """The protocol's prompts and checklist items in their order, a list (a prepared query)."""
    return _protocol_items.rows(protocol_id=protocol_id)


@prepared_query
def _protocol_items():
    return ProtocolItem.objects.filter(protocol_id=Param("protocol_id")).order_by("position", "pk")


# What a line of a list of visits shows (`visits_lines_prepare`): the lists load only these
# columns, with the observed teacher and the subject, and no observers.
LINE_FIELDS = (
    *("school", "kind", "status", "grade", "topic", "observed_aspect"),
    *("starts_at", "ends_at", "debrief_due_at", "debriefed_at"),
    *("observed", *(f"observed__{name}" for name in NAME_FIELDS), "subject", "subject__name"),
)


# The same columns as «My visits» reads them: plain rows (`values_list(named=True)`), no visit,
# teacher and subject objects to build for a line.
LINE_COLUMNS = (
    *("pk", "kind", "status", "grade", "topic", "observed_aspect"),
    *("starts_at", "ends_at", "debrief_due_at", "debriefed_at"),
    *("observed_id", *(f"observed__{name}" for name in NAME_FIELDS), "subject__name"),
)


def visit_lines(*, school):
    """Visits of the school as lines of a list: facts only, the columns a line shows."""
    return LessonVisit.objects.for_school(school).select_related("observed", "subject").only(*LINE_FIELDS)


def visits_for_staff(*, school, staff):
    """Visits where `staff` is the observed teacher or an observer."""
    observes = VisitObserver.objects.filter(visit=OuterRef("pk"), staff=staff)
    return visit_lines(school=school).filter(Q(observed=staff) | Q(Exists(observes)))


def visits_planned_by(*, school, user_id):
    """Visits `user_id` planned without taking part (a curator's visit outside her
    groups, a deputy head's plan): the planner finds them again, facts only
    (apps.visits.access). Those she takes part in are in her other lists."""
    takes_part = VisitObserver.objects.filter(visit=OuterRef("pk"), staff__user_id=user_id)
    return (
        visit_lines(school=school)
        .filter(created_by_id=user_id)
        .exclude(observed__user_id=user_id)
        .exclude(Exists(takes_part))
        .order_by("-starts_at", "pk")
    )


def visits_planned_by_rows(*, school, user, cap):
    """The first `cap` of `visits_planned_by`, a list (a prepared query)."""
    return _planned_by.rows(shape={"cap": cap}, school_id=school.pk, user_id=user.pk)


@prepared_query
def _planned_by(*, cap):
    rows = visits_planned_by(school=Param("school_id"), user_id=Param("user_id"))
    return rows.values_list(*LINE_COLUMNS, named=True)[:cap]


def visits_awaiting_my_feedback(*, school, staff):
    """Held or overdue visits where `staff` observed and has not submitted feedback."""
    observes = VisitObserver.objects.filter(visit=OuterRef("pk"), staff=staff)
    submitted = Feedback.objects.filter(visit=OuterRef("pk"), observer=staff, submitted_at__isnull=False)
    return (
        visit_lines(school=school)
        .awaiting_debrief(timezone.now())
        .filter(Exists(observes))
        .exclude(Exists(submitted))
        .order_by("debrief_due_at")
    )


# «My visits»'s lists in its one query, by `which`.
AWAITS, AHEAD, RECEIVED = 0, 1, 2


def my_visits_lists(*, school, staff_id, now, cap, number, per_page):
    """Three lists of «My visits» from one query: the held or overdue lessons `staff_id` observed
    and has not submitted feedback on (`awaiting`, by deadline, `has_draft` if she began one),
    the lessons she takes part in still ahead (`upcoming`, planned, by start), each capped at
    `cap` (a row number per list), and the page `number` of `visits_received` (a `Page`, with
    its total). Returns (awaiting, upcoming, received)."""
    received, rows = prepared_page_among(
        _my_lists,
        number=number,
        per_page=per_page,
        paged=_is_received,
        shape={"cap": cap},
        school_id=school.pk,
        staff_id=staff_id,
        now=now,
    )
    awaiting = [row for row in rows if row.which == AWAITS]
    upcoming = [row for row in rows if row.which == AHEAD]
    return awaiting, upcoming, received


def _is_received(row):
    return row.which == RECEIVED


def _number(name):
    return Param(name, output_field=BigIntegerField())


@prepared_query
def _my_lists(*, cap):
    staff, now = Param("staff_id"), Param("now")
    observes = Exists(VisitObserver.objects.filter(visit=OuterRef("pk"), staff_id=staff))
    submitted = Feedback.objects.filter(visit=OuterRef("pk"), observer_id=staff, submitted_at__isnull=False)
    takes_part = Q(observed_id=staff) | observes
    ahead = Q(status=LessonVisit.Status.PLANNED, ends_at__gt=now)
    # Of the lessons she takes part in, those she did not teach she observed (nobody observes her own).
    awaits = (
        Q(status__in=LessonVisit.DEBRIEF_OPEN_STATUSES, ends_at__lte=now) & ~Q(observed_id=staff) & ~Exists(submitted)
    )
    received = _received_condition(staff)
    draft = Feedback.objects.filter(visit=OuterRef("pk"), observer_id=staff, submitted_at__isnull=True)
    which = Case(
        When(received, then=Value(RECEIVED)),
        When(GreaterThan(F("ends_at"), now), then=Value(AHEAD)),
        default=Value(AWAITS),
    )
    # Each list in its order: received the latest debrief first (its keys are empty for the other
    # lists), upcoming by start, awaiting by deadline. Said without `which`, whose conditions
    # would be repeated in the SQL (and bound at every run) for each key.
    order = [
        Case(When(received, then=F("debriefed_at"))).desc(),
        Case(When(received, then=F("pk"))).desc(),
        Case(When(GreaterThan(F("ends_at"), now), then=F("starts_at")), default=F("debrief_due_at")).asc(),
        F("pk").asc(),
    ]
    submitted_by_all = Feedback.objects.filter(visit=OuterRef("pk"), submitted_at__isnull=False)
    rows = (
        visit_lines(school=Param("school_id"))
        .filter(takes_part & (ahead | awaits) | received)
        .annotate(which=which, has_draft=Exists(draft), feedback_submitted=_count(submitted_by_all))
        .annotate(
            position=Window(RowNumber(), partition_by=[F("which")], order_by=order),
            total_count=Window(Count("*"), partition_by=[F("which")]),
        )
        .filter(
            Q(which__in=[AWAITS, AHEAD], position__lte=cap)
            | Q(which=RECEIVED) & (Q(position__gt=_number("start"), position__lte=_number("end")) | Q(position=1))
        )
        .order_by("which", "position")
    )
    return rows.values_list(
        *LINE_COLUMNS, "which", "position", "has_draft", "feedback_submitted", "total_count", named=True
    )


def visits_received(*, school, staff_id):
    """The debriefed visits of `staff_id`'s own lessons, latest first, with how many
    observers submitted feedback (a count, no content)."""
    submitted = Feedback.objects.filter(visit=OuterRef("pk"), submitted_at__isnull=False)
    return (
        visit_lines(school=school)
        .filter(_received_condition(staff_id))
        .annotate(feedback_submitted=_count(submitted))
        .order_by("-debriefed_at", "-pk")
    )


def _received_condition(staff_id):
    return Q(observed_id=staff_id, status__in=LessonVisit.DEBRIEFED_STATUSES)


def my_next_steps(*, school, staff_id):
    """The next steps agreed on `staff_id`'s own lessons (their content: hers to read),
    latest first, as plain rows of `MY_NEXT_STEP_FIELDS`; the rest of the text stays unread."""
    return (
        Feedback.objects.filter(visit__school=school, visit__observed_id=staff_id, submitted_at__isnull=False)
        .exclude(next_step="")
        .order_by("-submitted_at", "-pk")
        .values_list(*MY_NEXT_STEP_FIELDS)
    )


MY_NEXT_STEP_FIELDS = (
    *("next_step", "follow_up_on", "visit_id", "visit__grade", "visit__topic"),
    *(f"observer__{name}" for name in NAME_FIELDS),
)


def my_next_steps_rows(*, school, staff_id, cap):
    """The latest `cap` of `my_next_steps`, a list (a prepared query)."""
    return _my_next_steps.rows(shape={"cap": cap}, school_id=school.pk, staff_id=staff_id)


@prepared_query
def _my_next_steps(*, cap):
    return my_next_steps(school=Param("school_id"), staff_id=Param("staff_id"))[:cap]


def _count(rows):
    """How many `rows` (correlated to the outer visit), as a subquery: no GROUP BY over the joins."""
    return Subquery(rows.order_by().values(n=Func(F("pk"), function="COUNT")), output_field=IntegerField())


_detail_link = row_link("visits:detail")
_feedback_link = row_link("visits:feedback")
STATUS_BADGES = {
    LessonVisit.Status.DEBRIEFED: "text-bg-success",
    LessonVisit.Status.DEBRIEFED_LATE: "text-bg-warning",
    LessonVisit.Status.OVERDUE: "text-bg-danger",
    LessonVisit.Status.CANCELLED: "text-bg-secondary",
    LessonVisit.Status.HELD: "text-bg-info",
}


class VisitLine(SimpleNamespace):
    """A line of a list of visits, ready for its markup (apps.visits.markup): `pk`, `url`,
    `feedback_url`, `when`, `kind_label`, `summary`, `observed_aspect`, `observed_id`, `status`,
    `status_label`, `status_badge`, `debriefed_text`, `has_draft`, `feedback_submitted`,
    `debrief_due_at`; and `overdue`, `time_left`, `due_text` from `visits_time_left_prepare`."""


def visits_lines_prepare(*lists):
    """The lines of lists of visit rows (`LINE_COLUMNS`), ready for the template (dates in
    the current time zone, the school's): links, when, kind, who and what, the status
    badge. Returns the lists of lines, in the order given."""
    kinds, statuses = translated_labels(LessonVisit.Kind), translated_labels(LessonVisit.Status)
    when = short_dates("D d.m H:i")
    zone = timezone.get_current_timezone()
    detail, feedback = _detail_link.pattern(), _feedback_link.pattern()
    prepared = []
    for rows in lists:
        lines = []
        for row in rows:
            pk, status = row.pk, row.status
            subject = f" · {row.subject__name}" if row.subject__name is not None else ""
            observed = short_name(row.observed__last_name, row.observed__first_name, row.observed__patronymic)
            debriefed_at = row.debriefed_at
            line = VisitLine(
                pk=pk,
                url=detail.format(pk=pk),
                feedback_url=feedback.format(pk=pk),
                when=f"{when(row.starts_at)}–{row.ends_at.astimezone(zone):%H:%M}",
                kind_label=kinds[row.kind],
                summary=f"{observed} · {row.grade}{subject} · {quoted(row.topic)}",
                observed_aspect=row.observed_aspect,
                observed_id=row.observed_id,
                status=status,
                status_label=statuses[status],
                status_badge=STATUS_BADGES.get(status, "text-bg-light border"),
                debriefed_text=f"{debriefed_at.astimezone(zone):%d.%m.%Y %H:%M}" if debriefed_at else "",
                has_draft=getattr(row, "has_draft", False),
                feedback_submitted=getattr(row, "feedback_submitted", 0),
                debrief_due_at=row.debrief_due_at,
            )
            lines.append(line)
        prepared.append(lines)
    return prepared


def visits_time_left_prepare(lines, *, now):
    """The time left until each line's debrief (or since it is overdue) at `now`, and its
    deadline, in the current time zone."""
    zone = timezone.get_current_timezone()
    for line in lines:
        due = line.debrief_due_at
        line.overdue = LessonVisit.overdue_values(line.status, due, now)
        line.time_left = timesince(due, now) if line.overdue else timeuntil(due, now)
        line.due_text = f"{due.astimezone(zone):%d.%m.%Y %H:%M}"
    return lines


def visit_share_candidates(*, visit):
    """Who would read the visit's debrief if the observed teacher shared it now:
    the active cards of her subject association in her school, herself aside,
    whose account works in that school without the administrator or deputy-head
    role there. Administration never reads feedback content through sharing,
    whatever association its card is in. One query."""
    observed = visit.observed
    if not observed.association_id:
        return StaffMember.objects.none()
    return _share_candidates(
        school_id=observed.school_id, association_id=observed.association_id, observed_id=observed.pk
    )


def _share_candidates(*, school_id, association_id, observed_id):
    in_school = Membership.objects.filter(user=OuterRef("user"), school=OuterRef("school"))
    return (
        StaffMember.objects.filter(
            school_id=school_id, association_id=association_id, is_active=True, user__isnull=False
        )
        .exclude(pk=observed_id)
        .filter(Exists(in_school))
        .exclude(Exists(in_school.filter(roles__overlap=roles_with("visits.oversee"))))
        .order_by("last_name", "first_name", "patronymic", "pk")
    )


def _recorded_readers(candidates, *, visit_id):
    recorded = VisitShareReader.objects.filter(visit_id=visit_id, staff=OuterRef("pk"))
    return candidates.filter(Exists(recorded))


def visit_share_readers(*, visit):
    """Who reads the shared debrief now: recorded when it was shared (so nobody who
    joined the association since) and still a candidate today (still in the
    association, still working here, not administration now). One query."""
    if not visit.shared_with_association:
        return StaffMember.objects.none()
    return _recorded_readers(visit_share_candidates(visit=visit), visit_id=visit.pk)


def visit_share_people(*, visit):
    """What the observed teacher's card shows: `visit_share_readers` when the debrief is
    shared, else `visit_share_candidates`; a list, from a prepared query."""
    observed = visit.observed
    if not observed.association_id:
        return []
    shared = visit.shared_with_association
    values = {"school_id": observed.school_id, "association_id": observed.association_id, "observed_id": observed.pk}
    if shared:
        values["visit_id"] = visit.pk
    return _share_people.rows(shape={"readers": shared}, **values)


@prepared_query
def _share_people(*, readers):
    people = _share_candidates(
        school_id=Param("school_id"), association_id=Param("association_id"), observed_id=Param("observed_id")
    )
    return _recorded_readers(people, visit_id=Param("visit_id")) if readers else people


def visit_is_share_reader(*, visit, user, school):
    """Does `user`, working in `school`, read this debrief through sharing? The one
    rule every page and export asks (through apps.visits.access); administration in
    the request's school is refused too, for a visit shared across a network pair."""
    if not visit.shared_with_association or not user.is_authenticated:
        return False
    administration = Membership.objects.filter(user=user, school=school, roles__overlap=roles_with("visits.oversee"))
    return visit_share_readers(visit=visit).filter(user=user).exclude(Exists(administration)).exists()


def visits_for_calendar(*, school, staff_ids, start, end):
    """Visits of these people between `start` and `end` that are not on a pair's
    schedule already (those show through their GroupEvent); not cancelled. A list,
    read by a prepared query (the calendar page asks every source in turn)."""
    return _visits_for_calendar.rows(school_id=school.pk, staff_ids=list(staff_ids), start=start, end=end)


@prepared_query
def _visits_for_calendar():
    staff_ids = ParamList("staff_ids")
    return (
        LessonVisit.objects.for_school(Param("school_id"))
        .filter(Q(observed_id__any=staff_ids) | Q(observer_links__staff_id__any=staff_ids))
        .filter(event__isnull=True, starts_at__lt=Param("end"), ends_at__gt=Param("start"))
        .exclude(status=LessonVisit.Status.CANCELLED)
        .select_related("observed")
        # Only what the calendar shows of a visit and of its teacher.
        .only(
            "kind",
            "starts_at",
            "ends_at",
            "grade",
            "topic",
            "observed__last_name",
            "observed__first_name",
            "observed__patronymic",
        )
        .distinct()
        .order_by("starts_at", "pk")
    )
