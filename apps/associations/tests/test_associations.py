"""The subject association's workspace: services' rules, who sees the minutes,
fixed query counts, «Мои дела» and the calendars."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from icalendar import Calendar

from apps.accounts.models import Membership, Role
from apps.accounts.tests.factories import MembershipFactory, SchoolFactory, SchoolNetworkFactory
from apps.associations import selectors, services
from apps.associations.models import Meeting, MeetingAttendance, NetworkAssociationMember
from apps.associations.tests.factories import (
    DecisionFactory,
    HeldMeetingFactory,
    MeetingFactory,
    YearPlanFactory,
    network_association,
)
from apps.calendar.ical import calendar_feed_get_or_create
from apps.core.dates import academic_year_of, school_today
from apps.core.todos import todo_count, todo_items, todo_scope
from apps.staff.tests.factories import StaffMemberFactory, SubjectAssociationFactory
from conftest import client_for

SECRET_MINUTES = "SECRET-MINUTES-7f3a"
SECRET_DECISION = "SECRET-DECISION-91bc"


def _person(school, association=None, roles=(Role.TEACHER,)):
    user = MembershipFactory(school=school, roles=list(roles)).user
    return StaffMemberFactory(school=school, user=user, association=association)


@pytest.fixture
def association(school):
    return SubjectAssociationFactory(school=school, name="ШМО учителей гуманитарного цикла")


@pytest.fixture
def plan(association):
    head = _person(association.school, association)
    return YearPlanFactory(association=association, head=head, year=academic_year_of(school_today(association.school)))


# --- services ---------------------------------------------------------------------------------------------


def test_meetings_are_numbered_in_order_and_a_far_date_is_refused(plan):
    today = school_today(plan.school)
    first = services.meeting_save(plan=plan, planned_on=today, agenda="Повестка 1")
    second = services.meeting_save(plan=plan, planned_on=today, agenda="Повестка 2")
    assert (first.number, second.number) == (1, 2)
    with pytest.raises(ValidationError) as error:
        services.meeting_save(plan=plan, planned_on=datetime.date(1990, 1, 1), agenda="Давно")
    assert "planned_on" in error.value.error_dict


def test_holding_a_meeting_lists_every_member_and_marks_who_was_present(plan, association):
    present, absent = _person(plan.school, association), _person(plan.school, association)
    _person(plan.school)  # of another association: not on the list
    meeting = MeetingFactory(plan=plan, planned_on=school_today(plan.school))
    services.meeting_hold(meeting=meeting, held_on=meeting.planned_on, present_ids=[present.pk, plan.head_id])
    rows = {row.staff_id: row.present for row in MeetingAttendance.objects.filter(meeting=meeting)}
    assert rows == {present.pk: True, absent.pk: False, plan.head_id: True}
    assert Meeting.objects.get(pk=meeting.pk).status == Meeting.Status.HELD


def test_a_meeting_is_not_held_in_the_future_nor_attended_by_strangers(plan):
    meeting = MeetingFactory(plan=plan)
    with pytest.raises(ValidationError):
        services.meeting_hold(
            meeting=meeting, held_on=school_today(plan.school) + datetime.timedelta(days=1), present_ids=[]
        )
    stranger = _person(plan.school)
    meeting.refresh_from_db()
    with pytest.raises(ValidationError):
        services.meeting_hold(meeting=meeting, held_on=school_today(plan.school), present_ids=[stranger.pk])


def test_minutes_and_decisions_wait_for_a_held_meeting(plan):
    meeting = MeetingFactory(plan=plan)
    with pytest.raises(ValidationError):
        services.minutes_save(meeting=meeting, minutes="Слушали", by=plan.head)
    with pytest.raises(ValidationError):
        services.decision_add(meeting=meeting, text="Провести", responsible=plan.head, due_on=meeting.planned_on)


def test_a_decision_is_for_a_person_of_the_school_and_done_once(plan):
    meeting = HeldMeetingFactory(plan=plan)
    with pytest.raises(ValidationError) as error:
        services.decision_add(
            meeting=meeting, text="Чужой", responsible=StaffMemberFactory(), due_on=school_today(plan.school)
        )
    assert "responsible" in error.value.error_dict
    decision = services.decision_add(
        meeting=meeting, text="Открытый урок", responsible=plan.head, due_on=school_today(plan.school)
    )
    services.decision_done(decision=decision)
    with pytest.raises(ValidationError):
        services.decision_done(decision=decision)


def test_a_network_association_joins_only_associations_of_the_network(association):
    network = SchoolNetworkFactory()
    association.school.network = network
    association.school.save()
    created = services.network_association_create(
        network=network, name="Сетевое МО словесников", subject_name="Русский язык", lead_association=association
    )
    partner = SubjectAssociationFactory(school=SchoolFactory(network=network))
    services.network_association_member_add(network_association=created, association=partner)
    with pytest.raises(ValidationError):
        services.network_association_member_add(network_association=created, association=SubjectAssociationFactory())
    with pytest.raises(ValidationError):
        services.network_association_member_add(network_association=created, association=partner)
    lead_member = NetworkAssociationMember.objects.get(network_association=created, association=association)
    with pytest.raises(ValidationError):
        services.network_association_member_remove(member=lead_member)


def test_a_taken_network_association_name_shows_on_its_field(association, school, administrator):
    network = SchoolNetworkFactory()
    school.network = network
    school.save()
    name = "Сетевое МО словесников"
    services.network_association_create(
        network=network, name=name, subject_name="Русский язык", lead_association=association
    )
    with pytest.raises(ValidationError) as error:
        services.network_association_member_add(
            network_association=NetworkAssociationMember.objects.get().network_association, association=association
        )
    assert "association" in error.value.error_dict
    response = client_for(administrator).post(
        reverse("associations:network_create"),
        {"name": name, "subject_name": "Литература", "lead_association": association.pk},
    )
    assert response.status_code == 200
    form = response.context["form"]
    assert form.errors["name"] and not form.non_field_errors()


# --- who sees what ---------------------------------------------------------------------------------------


def test_minutes_and_decisions_are_seen_by_members_head_and_managers_only(plan, association, school):
    meeting = HeldMeetingFactory(plan=plan, minutes=SECRET_MINUTES)
    DecisionFactory(meeting=meeting, text=SECRET_DECISION, responsible=plan.head)
    member = _person(school, association)
    colleague = _person(school)  # the same school, another association
    manager = MembershipFactory(school=school, roles=[Role.DEPUTY_HEAD]).user
    url = reverse("associations:meeting_detail", args=[meeting.pk])
    for user in (member.user, plan.head.user, manager):
        page = client_for(user).get(url).content.decode()
        assert SECRET_MINUTES in page and SECRET_DECISION in page
    page = client_for(colleague.user).get(url)
    assert page.status_code == 200
    assert SECRET_MINUTES not in page.content.decode() and SECRET_DECISION not in page.content.decode()
    workspace = client_for(colleague.user).get(reverse("associations:detail", args=[association.pk]))
    assert SECRET_MINUTES not in workspace.content.decode()


def test_a_plain_member_cannot_write_the_minutes(plan, association):
    meeting = HeldMeetingFactory(plan=plan)
    member = _person(plan.school, association)
    response = client_for(member.user).post(reverse("associations:minutes", args=[meeting.pk]), {"minutes": "Попытка"})
    assert response.status_code == 403
    response = client_for(plan.head.user).post(
        reverse("associations:minutes", args=[meeting.pk]), {"minutes": "Слушали"}
    )
    assert response.status_code == 302
    meeting.refresh_from_db()
    assert meeting.minutes == "Слушали" and meeting.minutes_by_id == plan.head_id


def test_the_network_association_is_seen_by_members_of_its_associations_only(association, school):
    partner_school = SchoolFactory()
    partner = SubjectAssociationFactory(school=partner_school)
    created = network_association(lead=association, others=[partner])
    partner_teacher = _person(partner_school, partner)
    partner_colleague = _person(partner_school)
    url = reverse("associations:network_detail", args=[created.pk])
    page = client_for(partner_teacher.user).get(url)
    assert page.status_code == 200 and association.name in page.content.decode()
    assert client_for(partner_colleague.user).get(url).status_code == 403
    stranger = _person(SchoolFactory(network=school.network))
    assert client_for(stranger.user).get(url).status_code == 404
    # The list links it only for whom may open it.
    listed = client_for(partner_teacher.user).get(reverse("associations:list")).content.decode()
    assert url in listed
    assert url not in client_for(partner_colleague.user).get(reverse("associations:list")).content.decode()


def test_a_bad_form_keeps_what_was_typed(plan):
    response = client_for(plan.head.user).post(
        reverse("associations:meeting_create", args=[plan.association_id]),
        {"planned_on": "не дата", "agenda": "Итоги четверти"},
    )
    assert response.status_code == 200
    assert "Итоги четверти" in response.content.decode()


def test_the_list_counts_members_meetings_and_open_decisions(plan, association, school):
    _person(school, association)
    HeldMeetingFactory(plan=plan)
    MeetingFactory(plan=plan)
    DecisionFactory(meeting=HeldMeetingFactory(plan=plan), responsible=plan.head)
    (row,) = [a for a in selectors.associations_of_school(school=school, year=plan.year) if a.pk == association.pk]
    assert (row.members_count, row.held_count, row.planned_count, row.open_decisions) == (2, 2, 1, 1)


# --- fixed query counts ------------------------------------------------------------------------------------


def _grow(plan, association, n):
    for _ in range(n):
        _person(plan.school, association)
        DecisionFactory(meeting=HeldMeetingFactory(plan=plan), responsible=plan.head)
        SubjectAssociationFactory(school=plan.school)


def test_the_list_workspace_and_meeting_take_the_same_queries_at_two_sizes(
    plan, association, django_assert_num_queries
):
    def count():
        with django_assert_num_queries(1):
            selectors.associations_of_school(school=plan.school, year=plan.year)
        with django_assert_num_queries(4):
            selectors.workspace(association=association, year=plan.year)
        meeting = plan.meetings.first()
        with django_assert_num_queries(2):
            selectors.meeting_detail(meeting=meeting)

    _grow(plan, association, 2)
    count()
    _grow(plan, association, 12)
    count()


# --- «Мои дела» and the calendars --------------------------------------------------------------------------


def test_my_open_decisions_due_within_a_week_and_minutes_to_write_are_on_my_todos(plan, school):
    today = school_today(school)
    meeting = HeldMeetingFactory(plan=plan)
    soon = DecisionFactory(meeting=meeting, responsible=plan.head, due_on=today + datetime.timedelta(days=7))
    DecisionFactory(meeting=meeting, responsible=plan.head, due_on=today - datetime.timedelta(days=2))
    DecisionFactory(meeting=meeting, responsible=plan.head, due_on=today + datetime.timedelta(days=8))
    DecisionFactory(meeting=meeting, responsible=plan.head, due_on=today, done_on=today)
    DecisionFactory(meeting=meeting, due_on=today)  # someone else's
    membership = Membership.objects.get(user=plan.head.user, school=school)
    scope = todo_scope(school=school, user=plan.head.user, membership=membership)
    kinds = [item.kind for item in todo_items(scope=scope) if item.kind.startswith("association_")]
    assert sorted(kinds) == ["association_decision", "association_decision", "association_minutes"]
    assert todo_count(scope=scope) == 3
    soon.done_on = today
    soon.save()
    other = _person(school)
    scope = todo_scope(school=school, user=other.user, membership=Membership.objects.get(user=other.user))
    assert not [item for item in todo_items(scope=scope) if item.kind.startswith("association_")]


def test_meetings_are_on_the_members_calendars_and_decisions_in_the_responsibles_feed(plan, association, school):
    member = _person(school, association)
    outsider = _person(school)
    meeting = MeetingFactory(plan=plan, starts_at=datetime.time(14, 30))
    decision = DecisionFactory(meeting=HeldMeetingFactory(plan=plan), responsible=member)
    for person, expected in ((member, True), (plan.head, True), (outsider, False)):
        content = (
            client_for(None)
            .get(reverse("mentoring:ical", args=[calendar_feed_get_or_create(user=person.user).token]))
            .content
        )
        uids = {str(c.get("uid")) for c in Calendar.from_ical(content).walk("VEVENT")}
        assert (f"association-meeting-{meeting.pk}@collabschool" in uids) is expected
        assert (f"association-decision-{decision.pk}@collabschool" in uids) is (person == member)
    page = client_for(member.user).get(reverse("mentoring:my_calendar"), {"date": meeting.planned_on.isoformat()})
    assert reverse("associations:meeting_detail", args=[meeting.pk]) in page.content.decode()
    page = client_for(outsider.user).get(reverse("mentoring:my_calendar"), {"date": meeting.planned_on.isoformat()})
    assert reverse("associations:meeting_detail", args=[meeting.pk]) not in page.content.decode()


def test_the_plan_is_made_once_a_year_and_its_head_works_at_the_school(association):
    year = academic_year_of(school_today(association.school))
    with pytest.raises(ValidationError) as error:
        services.year_plan_save(association=association, year=year, head=StaffMemberFactory(), theme="", goals="")
    assert "head" in error.value.error_dict
    head = _person(association.school, association)
    first = services.year_plan_save(association=association, year=year, head=head, theme="Тема", goals="")
    again = services.year_plan_save(association=association, year=year, head=None, theme="Новая тема", goals="")
    assert first.pk == again.pk and again.theme == "Новая тема" and again.head is None
