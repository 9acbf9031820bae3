"""Each indicator of collective work counts what it says: inside the period by the
school's own calendar day, the work that took place (never a cancelled, planned or
draft thing), of the school's people."""

import collections
import datetime
from decimal import Decimal

import pytest

from apps.accounts.tests.factories import SchoolFactory
from apps.community.tests.factories import MaterialCommentFactory, MaterialFactory
from apps.core.indicator_rules import months_counted
from apps.core.indicators import INDICATORS
from apps.core.tenancy import Circle
from apps.core.tests.indicators_world import END, START, at
from apps.mentoring.indicators import at_work
from apps.mentoring.models import MentorGroup, MentorGroupMember, MentorGroupStatusChange, NetworkPairResult
from apps.mentoring.tests.factories import MentorGroupFactory
from apps.network_events.models import Event
from apps.network_events.tests.factories import EventFactory
from apps.partners.models import JointActivity
from apps.partners.tests.factories import JointActivityFactory
from apps.problemdays.models import PreparationRole, ProblemDay
from apps.problemdays.tests.factories import DayActivityFactory, ProblemDayFactory
from apps.staff.tests.factories import StaffMemberFactory
from apps.teams.models import TaskTeam, TeamMember, TeamOutcome, TeamStatusChange
from apps.teams.tests.factories import TaskTeamFactory
from apps.visits.models import LessonVisit
from apps.visits.tests.factories import FeedbackFactory, LessonVisitFactory

pytestmark = pytest.mark.django_db

D = datetime.date


def units(key, school, start=START, end=END):
    """{staff_id: units} of an indicator for the school."""
    totals = collections.Counter()
    for row in INDICATORS.get(key).compute(school_id=school.pk, start=start, end=end):
        totals[row.staff_id] += row.units
    return dict(totals)


@pytest.fixture
def school():
    # Far east of the server's zone: a lesson's local day is not its UTC day.
    return SchoolFactory(time_zone="Asia/Vladivostok")


# Months in a pair or triad: a month counts when the group was at work on its 15th.


@pytest.mark.parametrize(
    ("span", "period", "expected"),
    [
        ((D(2026, 1, 10), D(2026, 3, 20)), (D(2026, 1, 1), D(2026, 3, 31)), ["01-15", "02-15", "03-15"]),
        ((D(2026, 1, 20), D(2026, 3, 10)), (D(2026, 1, 1), D(2026, 3, 31)), ["02-15"]),
        ((D(2025, 11, 15), D(2026, 2, 14)), (D(2025, 9, 1), D(2026, 8, 31)), ["11-15", "12-15", "01-15"]),
        ((D(2026, 9, 1), D(2027, 5, 31)), (D(2026, 9, 1), D(2026, 9, 14)), []),
        ((D(2026, 9, 1), D(2027, 5, 31)), (D(2026, 9, 15), D(2026, 9, 15)), ["09-15"]),
        ((D(2026, 10, 1), D(2026, 9, 1)), (D(2026, 9, 1), D(2026, 12, 31)), []),
    ],
)
def test_a_month_counts_when_one_was_at_work_on_its_15th(span, period, expected):
    counted = months_counted(*span, start=period[0], end=period[1])
    assert [f"{d:%m-%d}" for d in counted] == expected


def test_consecutive_periods_add_up_to_the_year():
    span = (D(2026, 9, 20), D(2027, 3, 3))
    quarters = [(D(2026, 7, 1), D(2026, 9, 30)), (D(2026, 10, 1), D(2026, 12, 31)), (D(2027, 1, 1), D(2027, 3, 31))]
    by_quarter = sum(len(months_counted(*span, start=s, end=e)) for s, e in quarters)
    assert by_quarter == len(months_counted(*span, start=D(2026, 7, 1), end=D(2027, 6, 30))) == 5


def _changed(group, to_status, day):
    change = MentorGroupStatusChange.objects.create(group=group, from_status="active", to_status=to_status)
    MentorGroupStatusChange.objects.filter(pk=change.pk).update(changed_at=at(group.school, day, 12))


def test_months_count_each_role_of_a_group_at_work(school):
    curator, mentor, mentee, peer = (StaffMemberFactory(school=school) for _ in range(4))
    group = MentorGroupFactory(school=school, curator=curator, members=[mentor, mentee], starts_on=D(2026, 9, 16))
    triad = MentorGroupFactory(
        school=school, kind=MentorGroup.Kind.TRIAD, curator=curator, members=[mentor, mentee, peer], starts_on=START
    )
    MentorGroupMember.objects.filter(group=triad, staff=peer).update(role=MentorGroupMember.Role.PEER)
    # From 16 September: October and November, not September.
    assert units("mentoring.months_as_curator", school) == {curator.pk: Decimal(2 + 3)}
    assert units("mentoring.months_as_mentor", school) == {mentor.pk: Decimal(2 + 3)}
    assert units("mentoring.months_as_mentee", school) == {mentee.pk: Decimal(2 + 3)}
    assert units("mentoring.months_as_peer", school) == {peer.pk: Decimal(3)}
    [row] = [
        r
        for r in INDICATORS.get("mentoring.months_as_mentor").compute(school_id=school.pk, start=START, end=END)
        if r.url.endswith(f"/{group.pk}/")
    ]
    assert row.on == D(2026, 9, 16) and row.units == 2


def test_months_stop_on_the_day_a_group_stops_and_never_count_before_it_works(school):
    curator = StaffMemberFactory(school=school)
    completed = MentorGroupFactory(school=school, curator=curator, status=MentorGroup.Status.COMPLETED)
    _changed(completed, "completed", D(2026, 10, 20))  # September, October
    paused = MentorGroupFactory(school=school, curator=curator, status=MentorGroup.Status.PAUSED)
    _changed(paused, "paused", D(2026, 10, 10))  # September
    dissolved = MentorGroupFactory(school=school, curator=curator, status=MentorGroup.Status.DISSOLVED)
    _changed(dissolved, "active", D(2026, 9, 1))
    _changed(dissolved, "dissolved", D(2026, 9, 14))  # worked, but not on 15 September
    MentorGroupFactory(school=school, curator=curator, status=MentorGroup.Status.FORMING)
    MentorGroupFactory(school=school, curator=curator, status=MentorGroup.Status.DECLINED, is_proposal=True)
    assert units("mentoring.months_as_curator", school) == {curator.pk: Decimal(2 + 1)}


def test_a_paused_group_counts_again_from_the_day_it_resumes(school):
    curator = StaffMemberFactory(school=school)
    group = MentorGroupFactory(school=school, curator=curator, starts_on=D(2026, 8, 10))
    _changed(group, "active", D(2026, 8, 25))  # activated after its start: at work since the start
    _changed(group, "paused", D(2026, 9, 10))
    _changed(group, "active", D(2026, 10, 20))
    # At work on 15 November only: not on 15 September, nor on 15 October; and on 15 August.
    assert units("mentoring.months_as_curator", school) == {curator.pk: 1}
    assert units("mentoring.months_as_curator", school, start=D(2026, 8, 1)) == {curator.pk: 2}


def test_the_spans_of_work_of_a_group():

    history = [
        "forming 2026-08-01",
        "active 2026-09-05",
        "paused 2026-10-01",
        "active 2026-11-03",
        "completed 2027-02-01",
    ]
    assert at_work(D(2026, 9, 1), D(2027, 5, 31), history) == [
        (D(2026, 9, 1), D(2026, 10, 1)),
        (D(2026, 11, 3), D(2027, 2, 1)),
    ]
    assert at_work(D(2026, 9, 1), D(2027, 5, 31), []) == [(D(2026, 9, 1), D(2027, 5, 31))]
    assert at_work(D(2026, 9, 1), D(2027, 5, 31), ["active 2026-08-01", "paused 2026-08-20"]) == [
        (D(2026, 9, 1), D(2026, 8, 20))
    ]


def test_months_of_a_network_pair_count_for_each_school_its_own_people(school):
    partner = SchoolFactory()
    curator, ours, theirs = (
        StaffMemberFactory(school=school),
        StaffMemberFactory(school=school),
        StaffMemberFactory(school=partner),
    )
    MentorGroupFactory(school=school, partner_school=partner, curator=curator, members=[ours, theirs])
    MentorGroupFactory(school=SchoolFactory())  # another school's pair
    assert units("mentoring.months_as_mentor", school) == {ours.pk: 3}
    assert units("mentoring.months_as_mentee", school) == {}
    assert units("mentoring.months_as_mentee", partner) == {theirs.pk: 3}
    assert units("mentoring.months_as_curator", partner) == {}


def test_network_results_count_for_the_pairs_members_of_the_school(school):
    partner = SchoolFactory(time_zone=school.time_zone)
    ours, theirs = StaffMemberFactory(school=school), StaffMemberFactory(school=partner)
    network = MentorGroupFactory(school=school, partner_school=partner, members=[ours, theirs])
    local = MentorGroupFactory(school=school)
    moments = {
        (network, 3): at(school, START, 0, 30),  # the first day, local time: counts
        (network, 4): at(school, D(2026, 12, 1), 9),  # 30 November in UTC, December here: does not
        (local, 3): at(school, D(2026, 10, 1)),  # not a network pair
    }
    for (group, quarter), moment in moments.items():
        result = NetworkPairResult.objects.create(
            group=group, year=2026, quarter=quarter, form="video", title="Урок", link="https://example.org/r"
        )
        NetworkPairResult.objects.filter(pk=result.pk).update(created_at=moment)
    assert units("mentoring.network_results", school) == {ours.pk: 1}
    assert units("mentoring.network_results", partner) == {theirs.pk: 1}


# Visits: as an observer only.


def _visit(school, day, hour=10, minute=0, *, late=(), **kwargs):
    """A visit with every observer's feedback submitted three hours after the lesson, or
    a minute past the deadline for the observers in `late`."""
    kwargs.setdefault("status", LessonVisit.Status.DEBRIEFED)
    visit = LessonVisitFactory(school=school, starts_at=at(school, day, hour, minute), **kwargs)
    for link in visit.observer_links.all():
        late_by = {"submitted_at": visit.debrief_due_at + datetime.timedelta(minutes=1)} if link.staff in late else {}
        FeedbackFactory(visit=visit, observer=link.staff, **late_by)
    return visit


def test_lessons_observed_count_when_the_debrief_was_on_time_by_the_local_day(school):
    observer, teacher = StaffMemberFactory(school=school), StaffMemberFactory(school=school)
    _visit(school, START, 0, 30, observed=teacher, observers=[observer])  # 31 August in UTC
    _visit(school, END, 23, 0, observed=teacher, observers=[observer])
    _visit(school, D(2026, 12, 1), 8, 0, observed=teacher, observers=[observer])  # 30 November in UTC
    _visit(school, D(2026, 8, 31), 23, 0, observed=teacher, observers=[observer])
    late = {"observed": teacher, "observers": [observer], "late": [observer]}
    _visit(school, D(2026, 10, 2), status=LessonVisit.Status.DEBRIEFED_LATE, **late)
    _visit(school, D(2026, 10, 3), status=LessonVisit.Status.OVERDUE, **late)
    # Planned: the lesson has not taken place, whatever was typed.
    _visit(school, D(2026, 10, 6), observed=teacher, observers=[observer], status=LessonVisit.Status.PLANNED)
    cancelled = LessonVisitFactory(
        school=school,
        starts_at=at(school, D(2026, 10, 4)),
        observed=teacher,
        observers=[observer],
        status=LessonVisit.Status.CANCELLED,
        cancel_reason="Болезнь",
    )
    assert cancelled.feedback.count() == 0
    _visit(SchoolFactory(), D(2026, 10, 5))
    # The observed teacher earns nothing for being watched.
    assert units("visits.observed_on_time", school) == {observer.pk: 2}


def test_a_lesson_observed_counts_only_with_the_observers_own_feedback_submitted(school):
    submitted, draft = StaffMemberFactory(school=school), StaffMemberFactory(school=school)
    visit = LessonVisitFactory(
        school=school,
        starts_at=at(school, D(2026, 10, 1)),
        observers=[submitted, draft],
        status=LessonVisit.Status.DEBRIEFED,
    )
    FeedbackFactory(visit=visit, observer=submitted)
    FeedbackFactory(visit=visit, observer=draft, submitted_at=None)
    assert units("visits.observed_on_time", school) == {submitted.pk: 1}


def test_a_debrief_time_typed_before_the_deadline_earns_nothing_when_submitted_after_it(school):
    observer = StaffMemberFactory(school=school)
    visit = _visit(school, D(2026, 10, 1), observers=[observer], late=[observer], status=LessonVisit.Status.OVERDUE)
    typed = visit.feedback.get()
    assert typed.debrief_held_at < visit.debrief_due_at < typed.submitted_at
    assert units("visits.observed_on_time", school) == {}


def test_each_observer_earns_their_own_debrief_on_time_whatever_a_colleague_did(school):
    prompt, slow = StaffMemberFactory(school=school), StaffMemberFactory(school=school)
    _visit(school, D(2026, 10, 1), observers=[prompt, slow], late=[slow], status=LessonVisit.Status.DEBRIEFED_LATE)
    assert units("visits.observed_on_time", school) == {prompt.pk: 1}


def test_reverse_visits_count_for_who_visited_back_once_the_lesson_took_place(school):
    back = StaffMemberFactory(school=school)
    reverse = {"kind": LessonVisit.Kind.REVERSE_VISIT, "observers": [back]}
    for status in LessonVisit.LESSON_HELD_STATUSES:
        _visit(school, D(2026, 10, 1), status=status, **reverse)
    _visit(school, D(2026, 10, 2), status=LessonVisit.Status.PLANNED, **reverse)
    LessonVisitFactory(
        school=school,
        starts_at=at(school, D(2026, 10, 3)),
        status=LessonVisit.Status.CANCELLED,
        cancel_reason="Карантин",
        **reverse,
    )
    _visit(school, D(2026, 10, 4), observers=[back])  # a pair visit, not a reverse one
    _visit(school, D(2026, 12, 1), 8, **reverse)
    assert units("visits.reverse_visits", school) == {back.pk: len(LessonVisit.LESSON_HELD_STATUSES)}


def test_a_network_pairs_visit_counts_for_the_observers_of_either_school(school):
    leader = SchoolFactory(time_zone=school.time_zone)
    ours, theirs = StaffMemberFactory(school=school), StaffMemberFactory(school=leader)
    pair = MentorGroupFactory(school=leader, partner_school=school, members=[theirs, ours])
    visit = {"kind": LessonVisit.Kind.REVERSE_VISIT, "status": LessonVisit.Status.DEBRIEFED}
    _visit(leader, D(2026, 10, 1), group=pair, observed=theirs, observers=[ours], **visit)
    _visit(leader, D(2026, 10, 2), group=pair, observed=ours, observers=[theirs], **visit)
    # A visit of a school the person's school shares nothing with.
    _visit(SchoolFactory(), D(2026, 10, 3), observers=[ours], **visit)
    assert units("visits.reverse_visits", school) == {ours.pk: 1}
    assert units("visits.observed_on_time", school) == {ours.pk: 1}
    assert units("visits.reverse_visits", leader) == {theirs.pk: 1}


# Teams.


JOINED = D(2026, 9, 10)


def _team(school, people, *, joined_on=JOINED, **kwargs):
    team = TaskTeamFactory(school=school, lead=people[0], members=people[1:], **kwargs)
    TeamMember.objects.filter(team=team).update(joined_on=joined_on)
    return team


def test_team_membership_counts_each_team_that_worked_once(school):
    person, newcomer, gone = (StaffMemberFactory(school=school) for _ in range(3))
    team = _team(school, [person, gone])
    TeamMember.objects.filter(team=team, staff=gone).update(left_on=D(2026, 8, 31), joined_on=D(2026, 3, 1))
    # Left and came back: still one team.
    TeamMember.objects.filter(team=team, staff=person).update(left_on=D(2026, 9, 20))
    TeamMember.objects.create(team=team, staff=person, role="member", joined_on=D(2026, 10, 1))
    TeamMember.objects.create(team=team, staff=newcomer, role="member", joined_on=D(2026, 12, 1))
    _team(school, [person], status=TaskTeam.Status.FORMING)  # never worked
    closed = _team(
        school, [person], joined_on=D(2026, 3, 1), status=TaskTeam.Status.DISSOLVED, closed_on=D(2026, 8, 31)
    )
    TeamStatusChange.objects.create(team=closed, from_status="forming", to_status="working")
    _team(SchoolFactory(), [StaffMemberFactory()])
    assert units("teams.membership", school) == {person.pk: 1}


def test_a_team_outcome_counts_for_who_was_in_the_team_when_its_task_was_solved(school):
    lead, member, left, late = (StaffMemberFactory(school=school) for _ in range(4))
    team = _team(school, [lead, member, left], status=TaskTeam.Status.SOLVED)
    TeamMember.objects.filter(team=team, staff=left).update(left_on=D(2026, 10, 1))
    TeamMember.objects.create(team=team, staff=late, role="member", joined_on=D(2026, 11, 20))
    TeamOutcome.objects.create(team=team, kind="programme", title="Программа", link="https://example.org/p")
    change = TeamStatusChange.objects.create(team=team, from_status="working", to_status="solved")
    TeamStatusChange.objects.filter(pk=change.pk).update(changed_at=at(school, D(2026, 11, 2)))
    no_outcome = _team(school, [lead], status=TaskTeam.Status.SOLVED)
    TeamStatusChange.objects.create(team=no_outcome, from_status="working", to_status="solved")
    assert units("teams.outcomes", school) == {lead.pk: 1, member.pk: 1}
    assert units("teams.outcomes", school, start=D(2026, 11, 3)) == {}


# Problem-theme days, partners, the community, network events.


def test_problem_day_roles_and_activities_count_once_the_day_was_held(school):
    teacher = StaffMemberFactory(school=school)
    for status, day in [
        (ProblemDay.Status.HELD, START),
        (ProblemDay.Status.REFLECTED, END),
        (ProblemDay.Status.READY, D(2026, 10, 1)),
        (ProblemDay.Status.HELD, D(2026, 12, 1)),
    ]:
        problem_day = ProblemDayFactory(school=school, date=day, status=status)
        PreparationRole.objects.create(day=problem_day, kind=PreparationRole.Kind.RECORDER, staff=teacher)
        DayActivityFactory(day=problem_day, responsible=[teacher])
    assert units("problemdays.roles", school) == {teacher.pk: 2}
    assert units("problemdays.activities_led", school) == {teacher.pk: 2}


def test_joint_activities_count_for_the_responsible_teacher_once_held(school):
    teacher, taking_part = StaffMemberFactory(school=school), StaffMemberFactory(school=school)
    for status, day in [
        (JointActivity.Status.HELD, START),
        (JointActivity.Status.HELD, END),
        (JointActivity.Status.PLANNED, D(2026, 10, 1)),
        (JointActivity.Status.CANCELLED, D(2026, 10, 2)),
        (JointActivity.Status.HELD, D(2026, 8, 31)),
    ]:
        JointActivityFactory(school=school, responsible=teacher, teachers=[taking_part], status=status, starts_on=day)
    JointActivityFactory(school=SchoolFactory(), starts_on=D(2026, 10, 1))
    assert units("partners.activities_responsible", school) == {teacher.pk: 2}


def test_materials_count_once_shared_and_comments_once_marked_helpful(school):
    author, colleague = StaffMemberFactory(school=school), StaffMemberFactory(school=school)
    shared = MaterialFactory(school=school, author=author, circle=Circle.NETWORK, published_at=at(school, START, 0, 30))
    MaterialFactory(school=school, author=author, circle=Circle.DRAFT)
    MaterialFactory(school=school, author=author, circle=Circle.DRAFT, published_at=at(school, D(2026, 10, 1)))
    MaterialFactory(school=school, author=author, published_at=at(school, D(2026, 12, 1), 8))
    MaterialCommentFactory(material=shared, author=colleague, helped_at=at(school, END, 23))
    MaterialCommentFactory(material=shared, author=colleague)
    MaterialCommentFactory(material=shared, author=author, helped_at=at(school, D(2026, 10, 2)))  # one's own
    assert units("community.materials_shared", school) == {author.pk: 1}
    assert units("community.comments_helped", school) == {colleague.pk: 1}


def test_network_events_count_for_their_leads_once_held(school):
    lead = StaffMemberFactory(school=school)
    elsewhere = SchoolFactory()
    for organiser, status, day in [
        (school, Event.Status.HELD, START),
        (elsewhere, Event.Status.HELD, END),
        (school, Event.Status.PLANNED, D(2026, 10, 1)),
        (school, Event.Status.CANCELLED, D(2026, 10, 2)),
        (school, Event.Status.HELD, D(2026, 12, 1)),
    ]:
        event = EventFactory(
            school=organiser, leads=[lead], starts_at=at(school, day, 0, 30), ends_at=at(school, day, 2)
        )
        Event.objects.filter(pk=event.pk).update(status=status)
    theirs = EventFactory(
        school=school,
        leads=[StaffMemberFactory(school=elsewhere)],
        starts_at=at(school, START, 12),
        ends_at=at(school, START, 13),
    )
    Event.objects.filter(pk=theirs.pk).update(status=Event.Status.HELD)
    assert units("network_events.events_led", school) == {lead.pk: 2}
