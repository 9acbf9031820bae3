"""A school where teachers do collective work of every kind the catalogue of
indicators counts, inside a fixed period, for the catalogue's tests."""

import dataclasses
import datetime

from apps.accounts.tests.factories import SchoolFactory
from apps.community.tests.factories import MaterialCommentFactory, MaterialFactory
from apps.core.tenancy import Circle
from apps.mentoring.models import MentorGroup, MentorGroupMember, NetworkPairResult
from apps.mentoring.tests.factories import MentorGroupFactory
from apps.network_events.models import Event
from apps.network_events.tests.factories import EventFactory
from apps.partners.models import JointActivity
from apps.partners.tests.factories import JointActivityFactory
from apps.problemdays.models import PreparationRole, ProblemDay, Reflection
from apps.problemdays.tests.factories import DayActivityFactory, ProblemDayFactory
from apps.staff.tests.factories import StaffMemberFactory
from apps.teams.models import TaskTeam, TeamMember, TeamOutcome, TeamStatusChange
from apps.teams.tests.factories import TaskTeamFactory
from apps.visits.models import LessonVisit, SelfReflection
from apps.visits.tests.factories import FeedbackFactory, LessonVisitFactory

# The period every scene is built inside: an autumn term.
START = datetime.date(2026, 9, 1)
END = datetime.date(2026, 11, 30)


def at(school, day, hour=10, minute=0):
    """An aware moment on `day` at the school's own local time."""
    return datetime.datetime.combine(day, datetime.time(hour, minute), tzinfo=school.tzinfo)


@dataclasses.dataclass
class Crew:
    """The teachers of one repetition of the scene and what they did."""

    curator: object
    mentor: object
    mentee: object
    peer: object
    visits: list
    teachers: list


def collective_work(school, partner=None, *, times=1):
    """`times` repetitions of a term of collective work at `school`: pairs, a triad, a
    network pair with a result, visits with feedback and a reverse visit, teams with
    an outcome, a problem-theme day, a joint activity with partners, a shared material
    with a helpful comment, a seminar held."""
    partner = partner or SchoolFactory()
    return [_crew(school, partner, n) for n in range(times)]


def _crew(school, partner, n):
    curator, mentor, mentee, peer, other = (StaffMemberFactory(school=school) for _ in range(5))
    pair = MentorGroupFactory(school=school, curator=curator, members=[mentor, mentee], starts_on=START)
    triad = MentorGroupFactory(
        school=school, kind=MentorGroup.Kind.TRIAD, curator=mentor, members=[other, mentee, peer], starts_on=START
    )
    MentorGroupMember.objects.filter(group=triad, staff=peer).update(role=MentorGroupMember.Role.PEER)
    network = MentorGroupFactory(
        school=school,
        partner_school=partner,
        curator=curator,
        members=[mentor, StaffMemberFactory(school=partner)],
        starts_on=START,
    )
    result = NetworkPairResult.objects.create(
        group=network,
        year=2026,
        quarter=4,
        form=NetworkPairResult.Form.VIDEO,
        title="Совместный урок двух школ",
        link="https://example.org/result",
    )
    NetworkPairResult.objects.filter(pk=result.pk).update(created_at=at(school, datetime.date(2026, 10, 20)))

    lesson = datetime.date(2026, 10, 5 + n % 20)
    visit = LessonVisitFactory(
        school=school,
        group=pair,
        observed=mentee,
        observers=[mentor, curator],
        starts_at=at(school, lesson),
        status=LessonVisit.Status.DEBRIEFED,
    )
    for observer in (mentor, curator):
        FeedbackFactory(visit=visit, observer=observer)
    SelfReflection.objects.create(visit=visit, text="Я увидела, что ученики мало говорят.")
    back = LessonVisitFactory(
        school=school,
        group=pair,
        kind=LessonVisit.Kind.REVERSE_VISIT,
        observed=mentor,
        observers=[mentee],
        answers_visit=visit,
        starts_at=at(school, lesson + datetime.timedelta(days=7)),
        status=LessonVisit.Status.DEBRIEFED,
    )
    FeedbackFactory(visit=back, observer=mentee)
    late = LessonVisitFactory(
        school=school,
        observed=peer,
        observers=[other],
        starts_at=at(school, lesson + datetime.timedelta(days=1)),
        status=LessonVisit.Status.DEBRIEFED_LATE,
    )
    FeedbackFactory(visit=late, observer=other)

    team = TaskTeamFactory(school=school, lead=mentor, members=[mentee, curator])
    solved = TaskTeamFactory(school=school, lead=curator, members=[peer], status=TaskTeam.Status.SOLVED)
    TeamMember.objects.filter(team__in=(team, solved)).update(joined_on=datetime.date(2026, 9, 10))
    TeamOutcome.objects.create(
        team=solved, kind=TeamOutcome.Kind.PROGRAMME, title="Программа дня чтения", link="https://example.org/p"
    )
    change = TeamStatusChange.objects.create(team=solved, from_status="working", to_status="solved")
    TeamStatusChange.objects.filter(pk=change.pk).update(changed_at=at(school, datetime.date(2026, 11, 2)))

    day = ProblemDayFactory(school=school, date=datetime.date(2026, 10, 21), status=ProblemDay.Status.REFLECTED)
    PreparationRole.objects.create(day=day, kind=PreparationRole.Kind.FACILITATOR, staff=mentee)
    DayActivityFactory(day=day, responsible=[mentor, peer])
    Reflection.objects.create(day=day, what_worked="Дети сами вели классные часы.")

    JointActivityFactory(
        school=school,
        responsible=curator,
        teachers=[mentee],
        starts_on=datetime.date(2026, 10, 15),
        status=JointActivity.Status.HELD,
    )
    material = MaterialFactory(
        school=school, author=mentee, circle=Circle.SCHOOL, published_at=at(school, datetime.date(2026, 10, 1))
    )
    MaterialCommentFactory(material=material, author=mentor, helped_at=at(school, datetime.date(2026, 10, 3)))
    seminar = EventFactory(
        school=school,
        leads=[curator],
        starts_at=at(school, datetime.date(2026, 11, 10), 15),
        ends_at=at(school, datetime.date(2026, 11, 10), 16),
    )
    Event.objects.filter(pk=seminar.pk).update(status=Event.Status.HELD)
    return Crew(
        curator=curator,
        mentor=mentor,
        mentee=mentee,
        peer=peer,
        visits=[visit, back, late],
        teachers=[curator, mentor, mentee, peer, other],
    )
