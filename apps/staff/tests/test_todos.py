"""«Мои дела»: each person's start page lists what they have to do in the current
school, one tap from where it is done, and the navbar counts it on every page."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from apps.accounts.models import Role
from apps.accounts.tests.factories import MembershipFactory, UserFactory
from apps.core.dates import school_today
from apps.mentoring.models import DevelopmentRoute, GroupEvent, MentorGroup, RouteStep
from apps.mentoring.tests.factories import GroupEventFactory, MentorGroupFactory
from apps.partners.tests.factories import AgreementFactory, PartnerOrganisationFactory
from apps.problemdays.tests.factories import DayActivityFactory, ProblemDayFactory
from apps.staff.models import QualificationCategory
from apps.staff.tests.factories import CategoryAwardFactory, StaffMemberFactory
from apps.surveys.tests.factories import SurveyRoundFactory
from apps.teams.tests.factories import MilestoneFactory, TaskTeamFactory
from apps.visits.models import LessonVisit, SelfReflection
from apps.visits.tests.factories import FeedbackFactory, LessonVisitFactory
from conftest import client_for

SECRET = "Ученики на задней парте не слушали объяснение"


def _home(user):
    response = client_for(user).get(reverse("home"))
    assert response.status_code == 200
    return response


def _todos(user):
    return _home(user).context["todos"]


def _kinds(user):
    return [item.kind for item in _todos(user)]


def _card(school, user, **fields):
    return StaffMemberFactory(school=school, user=user, **fields)


def _now():
    return timezone.now().replace(microsecond=0)


# Everyone's work ----------------------------------------------------------------


def test_feedback_due_is_one_tap_from_its_form_and_leaves_when_submitted(school, teacher):
    me = _card(school, teacher)
    visit = LessonVisitFactory(school=school, observers=[me])
    [item] = _todos(teacher)
    assert item.kind == "feedback"
    assert item.url == reverse("visits:feedback", args=[visit.pk])
    assert item.due == visit.debrief_due_at
    FeedbackFactory(visit=visit, observer=me)
    assert _kinds(teacher) == []


def test_the_deadline_shows_in_the_schools_time_zone(school, teacher):
    me = _card(school, teacher)
    visit = LessonVisitFactory(school=school, observers=[me])
    local = timezone.localtime(visit.debrief_due_at, school.tzinfo).strftime("%d.%m.%Y %H:%M")
    assert local in _home(teacher).content.decode()


def test_self_reflection_is_asked_of_the_observed_teacher_until_written(school, teacher):
    me = _card(school, teacher)
    visit = LessonVisitFactory(school=school, observed=me)
    [item] = _todos(teacher)
    assert (item.kind, item.url) == ("reflection", reverse("visits:reflection", args=[visit.pk]))
    SelfReflection.objects.create(visit=visit, text="Я торопилась на этапе вопросов.")
    assert _kinds(teacher) == []


def test_a_visit_to_attend_shows_within_a_week_and_not_once_cancelled(school, teacher):
    me = _card(school, teacher)
    starts = _now() + datetime.timedelta(days=2)
    visit = LessonVisitFactory(
        school=school,
        observers=[me],
        status=LessonVisit.Status.PLANNED,
        starts_at=starts,
        ends_at=starts + datetime.timedelta(minutes=45),
    )
    LessonVisitFactory(  # a month ahead: not yet
        school=school,
        observers=[me],
        status=LessonVisit.Status.PLANNED,
        starts_at=starts + datetime.timedelta(days=30),
        ends_at=starts + datetime.timedelta(days=30, minutes=45),
    )
    assert _kinds(teacher) == ["visit"]
    LessonVisit.objects.filter(pk=visit.pk).update(status=LessonVisit.Status.CANCELLED, cancel_reason="Карантин")
    assert _kinds(teacher) == []


def test_a_past_schedule_entry_asks_its_curator_to_mark_it_held(school, curator, teacher):
    card = _card(school, curator)
    group = MentorGroupFactory(school=school, curator=card)
    ends = _now() - datetime.timedelta(hours=3)
    event = GroupEventFactory(group=group, starts_at=ends - datetime.timedelta(hours=1), ends_at=ends)
    [item] = _todos(curator)
    assert (item.kind, item.url) == ("event_held", reverse("mentoring:event_edit", args=[event.pk]))
    _card(school, teacher)
    assert _kinds(teacher) == []
    GroupEvent.objects.filter(pk=event.pk).update(status=GroupEvent.Status.HELD)
    assert _kinds(curator) == []


def test_a_route_step_due_this_week_is_its_mentors(school, teacher):
    me = _card(school, teacher)
    route = DevelopmentRoute.objects.create(
        school=school,
        teacher=StaffMemberFactory(school=school),
        mentor=me,
        goals="Дисциплина",
        starts_on=school_today(school),
    )
    step = RouteStep.objects.create(
        route=route, title="Открытый урок", due_on=school_today(school) + datetime.timedelta(days=3), responsible=me
    )
    RouteStep.objects.create(  # far ahead: not yet
        route=route, title="Отчёт", due_on=school_today(school) + datetime.timedelta(days=60), responsible=me
    )
    [item] = _todos(teacher)
    assert (item.kind, item.url) == ("route_step", reverse("mentoring:route_step_edit", args=[step.pk]))
    RouteStep.objects.filter(pk=step.pk).update(status=RouteStep.Status.DONE, completed_on=school_today(school))
    assert _kinds(teacher) == []


def test_an_open_survey_round_asks_its_participant_until_answered(school, teacher):
    me = _card(school, teacher)
    survey_round = SurveyRoundFactory(
        school=school,
        people=[me],
        opens_on=school_today(school),
        closes_on=school_today(school) + datetime.timedelta(days=5),
    )
    [item] = _todos(teacher)
    assert (item.kind, item.url) == ("survey_answer", reverse("surveys:answer", args=[survey_round.pk]))
    survey_round.participants.update(answered_at=timezone.now())
    assert _kinds(teacher) == []


def test_a_problem_day_duty_within_two_weeks(school, teacher):
    me = _card(school, teacher)
    day = ProblemDayFactory(school=school, date=school_today(school) + datetime.timedelta(days=5))
    DayActivityFactory(day=day, responsible=[me])
    far = ProblemDayFactory(school=school, date=school_today(school) + datetime.timedelta(days=40))
    DayActivityFactory(day=far, responsible=[me])
    [item] = _todos(teacher)
    assert (item.kind, item.url) == ("problem_day_activity", reverse("problemdays:day_detail", args=[day.pk]))


def test_a_team_milestone_due_this_week_until_done(school, teacher):
    me = _card(school, teacher)
    team = TaskTeamFactory(school=school, members=[me])
    milestone = MilestoneFactory(team=team, due_on=school_today(school) + datetime.timedelta(days=2))
    [item] = _todos(teacher)
    assert (item.kind, item.url) == ("milestone", reverse("teams:team_detail", args=[team.pk]))
    milestone.is_done, milestone.done_on = True, school_today(school)
    milestone.save()
    assert _kinds(teacher) == []


# The curator's ------------------------------------------------------------------


def test_the_curator_sees_the_overdue_debriefs_of_their_groups_only(school, curator, teacher):
    card = _card(school, curator)
    group = MentorGroupFactory(school=school, curator=card)
    ended = _now() - datetime.timedelta(days=3)
    visit = LessonVisitFactory(
        school=school,
        group=group,
        starts_at=ended - datetime.timedelta(minutes=45),
        ends_at=ended,
        debrief_due_at=ended + datetime.timedelta(hours=48),
    )
    LessonVisitFactory(  # another curator's group
        school=school,
        group=MentorGroupFactory(school=school),
        starts_at=ended - datetime.timedelta(minutes=45),
        ends_at=ended,
        debrief_due_at=ended + datetime.timedelta(hours=48),
    )
    [item] = _todos(curator)
    assert (item.kind, item.url) == ("curated_overdue", reverse("visits:detail", args=[visit.pk]))
    assert item.is_overdue(timezone.now())
    _card(school, teacher)
    assert "curated_overdue" not in _kinds(teacher)


def test_the_curator_is_asked_for_the_reverse_visit_after_a_debriefed_pair_visit(school, curator):
    card = _card(school, curator)
    group = MentorGroupFactory(school=school, curator=card)
    visit = LessonVisitFactory(school=school, group=group, status=LessonVisit.Status.DEBRIEFED)
    LessonVisit.objects.filter(pk=visit.pk).update(debriefed_at=visit.ends_at + datetime.timedelta(hours=1))
    [item] = _todos(curator)
    assert (item.kind, item.url) == ("reverse_visit", f"{reverse('visits:create')}?answers={visit.pk}")
    LessonVisitFactory(school=school, group=group, kind=LessonVisit.Kind.REVERSE_VISIT, answers_visit=visit)
    assert "reverse_visit" not in _kinds(curator)


# The administration's -------------------------------------------------------------


def _overdue_visit(school, **fields):
    ended = _now() - datetime.timedelta(days=3)
    return LessonVisitFactory(
        school=school,
        starts_at=ended - datetime.timedelta(minutes=45),
        ends_at=ended,
        debrief_due_at=ended + datetime.timedelta(hours=48),
        **fields,
    )


@pytest.mark.parametrize("persona", ["administrator", "deputy_head"])
def test_the_administration_sees_how_many_debriefs_are_overdue_never_what_they_say(school, persona, request):
    user = request.getfixturevalue(persona)
    for _ in range(3):
        visit = _overdue_visit(school)
        FeedbackFactory(visit=visit, facts=SECRET, submitted_at=None)  # a draft, with content
    response = _home(user)
    [item] = [item for item in response.context["todos"] if item.kind == "school_overdue"]
    assert item.count == 3
    assert item.url == reverse("visits:deadlines")
    page = response.content.decode()
    assert SECRET not in page
    assert "Причастный оборот" not in page  # not even which lessons
    assert response.context["administration"]["overdue_debriefs"] == 3


def test_a_teacher_gets_no_school_figures(school, teacher):
    _card(school, teacher)
    _overdue_visit(school)
    response = _home(teacher)
    assert "school_overdue" not in _kinds(teacher)
    assert response.context["administration"] is None


def test_groups_waiting_for_activation_are_the_administrations_until_activated(school, administrator, curator):
    group = MentorGroupFactory(school=school, status=MentorGroup.Status.FORMING, is_proposal=True)
    response = _home(administrator)
    [item] = [item for item in response.context["todos"] if item.kind == "group_activation"]
    assert item.url == reverse("mentoring:group_detail", args=[group.pk])
    assert response.context["administration"]["groups_awaiting"] == 1
    assert "group_activation" not in _kinds(curator)
    MentorGroup.objects.filter(pk=group.pk).update(status=MentorGroup.Status.ACTIVE)
    assert "group_activation" not in _kinds(administrator)


def test_attestations_due_are_a_count_for_deputy_heads(school, deputy_head, teacher):
    on = school_today(school)
    for _ in range(2):
        CategoryAwardFactory(
            staff=StaffMemberFactory(school=school),
            category=QualificationCategory.FIRST,
            awarded_on=on - datetime.timedelta(days=5 * 365 - 30),
        )
    [item] = [item for item in _todos(deputy_head) if item.kind == "attestations"]
    assert (item.count, item.url) == (2, reverse("staff:attestations_due"))
    assert "attestations" not in _kinds(teacher)


def test_an_expiring_agreement_asks_whoever_manages_partners(school, administrator, teacher):
    partner = PartnerOrganisationFactory(school=school)
    AgreementFactory(partner=partner, valid_until=school_today(school) + datetime.timedelta(days=20))
    [item] = [item for item in _todos(administrator) if item.kind == "agreement"]
    assert item.url == reverse("partners:partner_detail", args=[partner.pk])
    assert "agreement" not in _kinds(teacher)


def test_a_survey_round_on_its_last_day_asks_to_be_closed(school, administrator):
    survey_round = SurveyRoundFactory(school=school, opens_on=school_today(school), closes_on=school_today(school))
    [item] = [item for item in _todos(administrator) if item.kind == "survey_close"]
    assert item.url == reverse("surveys:round_detail", args=[survey_round.pk])
    survey_round.closed_at = timezone.now()
    survey_round.save()
    assert "survey_close" not in _kinds(administrator)


def test_every_role_held_adds_its_items(school):
    user = UserFactory()
    MembershipFactory(school=school, user=user, roles=[Role.TEACHER, Role.ADMINISTRATOR])
    me = _card(school, user)
    LessonVisitFactory(school=school, observers=[me])
    _overdue_visit(school)
    assert {"feedback", "school_overdue"} <= set(_kinds(user))


# Tenancy ------------------------------------------------------------------------


def test_nothing_comes_from_another_school(school, other_school):
    """A person working in two schools sees, in each, that school's work only."""
    user = UserFactory()
    MembershipFactory(school=school, user=user, roles=[Role.ADMINISTRATOR, Role.CURATOR])
    MembershipFactory(school=other_school, user=user, roles=[Role.TEACHER])
    _card(school, user)
    there = _card(other_school, user)
    LessonVisitFactory(school=other_school, observers=[there])
    LessonVisitFactory(school=other_school, observed=there)
    _overdue_visit(other_school)
    MentorGroupFactory(school=other_school, status=MentorGroup.Status.FORMING, is_proposal=True)
    SurveyRoundFactory(school=other_school, people=[there])
    response = _home(user)
    assert response.context["todos"] == []
    assert response.context["todos_open"]() == 0


# The navbar's badge ------------------------------------------------------------------


def test_the_badge_counts_the_open_items_on_every_page(school, teacher):
    me = _card(school, teacher)
    LessonVisitFactory(school=school, observers=[me])
    LessonVisitFactory(school=school, observed=me)
    client = client_for(teacher)
    page = client.get(reverse("visits:my"))
    assert page.context["todos_open"]() == 2
    assert 'data-testid="todos-badge">2<' in page.content.decode()


def _scene(school, user, me, size):
    """`size` items of each kind for a person who holds every role."""
    today = school_today(school)
    group = MentorGroupFactory(school=school, curator=me)
    route = DevelopmentRoute.objects.create(
        school=school, teacher=StaffMemberFactory(school=school), mentor=me, goals="Цели", starts_on=today
    )
    team = TaskTeamFactory(school=school, members=[me])
    for n in range(size):
        LessonVisitFactory(school=school, observers=[me])
        LessonVisitFactory(school=school, observed=me)
        _overdue_visit(school, group=group)
        ends = _now() - datetime.timedelta(hours=3 + n)
        GroupEventFactory(group=group, starts_at=ends - datetime.timedelta(hours=1), ends_at=ends)
        RouteStep.objects.create(route=route, title=f"Шаг {n}", due_on=today, responsible=me)
        MilestoneFactory(team=team, due_on=today)
        MentorGroupFactory(school=school, status=MentorGroup.Status.FORMING, is_proposal=True)
        SurveyRoundFactory(school=school, people=[me], opens_on=today, closes_on=today)
        AgreementFactory(
            partner=PartnerOrganisationFactory(school=school), valid_until=today + datetime.timedelta(days=10)
        )
        DayActivityFactory(
            day=ProblemDayFactory(school=school, date=today + datetime.timedelta(days=3)), responsible=[me]
        )


# The user with their memberships and schools (the session comes from the cache), the
# card with the staff figures (one query), each source's items (a fixed few each: the
# associations two, open decisions and meetings without minutes; the programmes of help
# two, one's milestones and the reviews due; network events and the community four) and
# the navbar's two counts (notifications, to-dos; the tests count them afresh on every page).
HOME_QUERIES = 28


def _home_queries(client):
    with CaptureQueriesContext(connection) as captured:
        response = client.get(reverse("home"))
    assert response.status_code == 200
    return len(captured), len(response.context["todos"]), response.context["todos_open"]()


def test_the_home_page_runs_the_same_queries_for_2_and_6_items_of_each_kind(school):
    user = UserFactory()
    MembershipFactory(school=school, user=user, roles=list(Role.values))
    me = _card(school, user)
    client = client_for(user)
    client.get(reverse("home"))  # warm the session
    _scene(school, user, me, 2)
    small, items_small, badge_small = _home_queries(client)
    _scene(school, user, me, 4)
    large, items_large, badge_large = _home_queries(client)
    assert small == large == HOME_QUERIES
    assert items_large > items_small
    # The badge and the page count the same things.
    assert (badge_small, badge_large) == (items_small, items_large)
