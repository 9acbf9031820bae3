"""Another person's calendar shows only what the one who opens it may see: the
administration and the curator of a network pair see a teacher's network events
and programme milestones within their own circles, never an event of another
school's circle or one the teacher alone was invited to, nor a milestone of a
programme between two other schools."""

import datetime

from django.urls import reverse

from apps.accounts.tests.factories import SchoolFactory, SchoolNetworkFactory
from apps.core.dates import school_today
from apps.help_programmes.tests.factories import HelpMilestoneFactory, ProgrammeFactory, leader_and_supported
from apps.network_events.tests.factories import EventFactory, InvitationFactory, RegistrationFactory
from apps.staff.tests.factories import StaffMemberFactory
from conftest import client_for

from .test_pages import _network_pair


def _today_at_noon(school):
    return datetime.datetime.combine(school_today(school), datetime.time(12), tzinfo=school.tzinfo)


def _registered(teacher, *, school, circle, title, at, invited=False):
    event = EventFactory(school=school, circle=circle, title=title, starts_at=at)
    if invited:
        InvitationFactory(event=event, staff=teacher)
    RegistrationFactory(event=event, staff=teacher)
    return event


def _week(user, card, school):
    url = reverse("mentoring:staff_calendar", args=[card.pk])
    response = client_for(user).get(url, {"date": school_today(school).isoformat()})
    assert response.status_code == 200
    return response.content.decode()


def test_the_partner_curator_sees_the_teacher_s_items_within_her_own_circles_only(school, curator):
    group, theirs = _network_pair(school, curator)
    partner = group.partner_school
    third = SchoolFactory(network=school.network, time_zone=school.time_zone)
    # Noon of the viewer's today, whichever school holds the event: the page's week shows it.
    at = _today_at_noon(school)
    _registered(theirs, school=partner, circle="school", title="Школьный семинар партнёра", at=at)
    _registered(theirs, school=third, circle="school", title="Семинар по личному приглашению", at=at, invited=True)
    _registered(theirs, school=partner, circle="network", title="Сетевой семинар партнёра", at=at)
    today = school_today(school)
    leader_and_supported(third, partner)
    others = ProgrammeFactory(leader_school=third, supported_school=partner)
    HelpMilestoneFactory(programme=others, responsible=theirs, due_on=today, title="Точка чужой программы")
    leader_and_supported(school, partner)
    ours = ProgrammeFactory(leader_school=school, supported_school=partner)
    HelpMilestoneFactory(programme=ours, responsible=theirs, due_on=today, title="Точка нашей программы")

    page = _week(curator, theirs, school)
    assert "Сетевой семинар партнёра" in page and "Точка нашей программы" in page
    assert "Школьный семинар партнёра" not in page
    assert "Семинар по личному приглашению" not in page
    assert "Точка чужой программы" not in page


def test_the_administration_sees_no_event_the_teacher_alone_was_invited_to(school, administrator, teacher):
    school.network = SchoolNetworkFactory()
    school.save()
    third = SchoolFactory(network=school.network, time_zone=school.time_zone)
    mine = StaffMemberFactory(school=school, user=teacher)
    at = _today_at_noon(school)
    _registered(mine, school=third, circle="school", title="Семинар по личному приглашению", at=at, invited=True)
    _registered(mine, school=third, circle="network", title="Сетевой семинар третьей школы", at=at)
    _registered(mine, school=school, circle="school", title="Наш школьный семинар", at=at)

    page = _week(administrator, mine, school)
    assert "Сетевой семинар третьей школы" in page and "Наш школьный семинар" in page
    assert "Семинар по личному приглашению" not in page
    # The teacher's own calendar holds the event they were invited to.
    own = client_for(teacher).get(reverse("mentoring:my_calendar"), {"date": school_today(school).isoformat()})
    assert "Семинар по личному приглашению" in own.content.decode()
