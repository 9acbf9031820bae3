"""The calendar pages: whose calendar one may open, and how the items are drawn."""

import datetime
import zoneinfo

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from apps.accounts.tests.factories import SchoolFactory, SchoolNetworkFactory
from apps.core.dates import school_today
from apps.mentoring.services import MemberSpec, mentor_group_create
from apps.mentoring.tests.factories import GroupEventFactory, MentorGroupFactory, ProblemTagFactory
from apps.staff.tests.factories import StaffMemberFactory
from conftest import client_for


def _network_pair(school, curator_user):
    network = SchoolNetworkFactory()
    school.network = network
    school.save()
    partner = SchoolFactory(network=network)
    ours, theirs = StaffMemberFactory(school=school), StaffMemberFactory(school=partner)
    group, _warnings = mentor_group_create(
        school=school,
        kind="pair",
        curator=StaffMemberFactory(school=school, user=curator_user),
        members=[MemberSpec(staff=ours, role="mentor"), MemberSpec(staff=theirs, role="mentee")],
        task="Развить смысловое чтение на уроках",
        observed_aspect="Вопросы учеников к тексту",
        starts_on=datetime.date(2026, 9, 1),
        planned_end_on=datetime.date(2027, 5, 31),
        partner_school=partner,
    )
    return group, theirs


def test_a_curator_opens_the_calendar_of_her_network_pair_s_partner_teacher(school, curator):
    _group, theirs = _network_pair(school, curator)
    assert client_for(curator).get(reverse("mentoring:staff_calendar", args=[theirs.pk])).status_code == 200


def test_another_school_s_teacher_is_not_found_even_for_the_administration(school, administrator, curator):
    _group, theirs = _network_pair(school, curator)
    stranger = StaffMemberFactory(school=SchoolFactory())
    for pk in (theirs.pk, stranger.pk):
        assert client_for(administrator).get(reverse("mentoring:staff_calendar", args=[pk])).status_code == 404
    # The person's own card in another school is not opened through this school either.
    own_elsewhere = StaffMemberFactory(school=SchoolFactory(), user=curator)
    assert client_for(curator).get(reverse("mentoring:staff_calendar", args=[own_elsewhere.pk])).status_code == 404


def test_calendar_items_are_escaped_and_the_month_shows_them_compact(school, teacher):
    me = StaffMemberFactory(school=school, user=teacher)
    group = MentorGroupFactory(school=school, members=[me, StaffMemberFactory(school=school)])
    zone = zoneinfo.ZoneInfo(school.time_zone)
    starts_at = datetime.datetime.combine(school_today(school), datetime.time(10), tzinfo=zone)
    GroupEventFactory(
        group=group, title="<b>Встреча</b>", starts_at=starts_at, ends_at=starts_at + datetime.timedelta(hours=1)
    )
    week = client_for(teacher).get(reverse("mentoring:my_calendar")).content.decode()
    month = client_for(teacher).get(reverse("mentoring:my_calendar"), {"view": "month"}).content.decode()
    assert "&lt;b&gt;Встреча&lt;/b&gt;" in week and "<b>Встреча" not in week
    assert "–11:00" in week and f'href="{reverse("mentoring:group_detail", args=[group.pk])}"' in week
    assert "&lt;b&gt;Встреча&lt;/b&gt;" in month and "–11:00" not in month


def test_the_schedule_s_form_reads_no_problem_tags_of_the_group(school, curator):
    group = MentorGroupFactory(school=school, curator=StaffMemberFactory(school=school, user=curator))
    group.problem_tags.add(ProblemTagFactory(school=school))
    with CaptureQueriesContext(connection) as captured:
        response = client_for(curator).get(reverse("mentoring:event_create", args=[group.pk]))
    assert response.status_code == 200
    assert not [query["sql"] for query in captured if "mentoring_problemtag" in query["sql"]]


def _count_queries(client, url, params=None):
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url, params or {}).status_code == 200
    return len(captured)


def test_calendar_pages_read_as_many_queries_for_one_event_as_for_many(school, curator):
    me = StaffMemberFactory(school=school, user=curator)
    group = MentorGroupFactory(school=school, curator=me)
    zone = zoneinfo.ZoneInfo(school.time_zone)
    day = school_today(school)
    client = client_for(curator)
    pages = [
        (reverse("mentoring:my_calendar"), {"view": "month"}),
        (reverse("mentoring:staff_calendar", args=[me.pk]), None),
        (reverse("mentoring:group_calendar", args=[group.pk]), {"view": "month"}),
    ]

    def add_event(hour, on=group):
        starts_at = datetime.datetime.combine(day, datetime.time(hour), tzinfo=zone)
        GroupEventFactory(group=on, starts_at=starts_at, ends_at=starts_at + datetime.timedelta(minutes=30))

    add_event(9)
    few = [_count_queries(client, url, params) for url, params in pages]
    for hour in range(10, 15):
        add_event(hour)
    add_event(15, on=MentorGroupFactory(school=school, curator=me))
    assert [_count_queries(client, url, params) for url, params in pages] == few
