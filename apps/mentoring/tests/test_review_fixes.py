"""Regressions found in review: network pairs' privacy, relations over roles,
closed groups, input bounds."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, connection, transaction
from django.urls import reverse
from django.utils import timezone

from apps.accounts.models import Role
from apps.accounts.tests.factories import MembershipFactory, SchoolFactory, SchoolNetworkFactory
from apps.mentoring.models import GroupEvent, MentorGroup, MentorGroupMember, NetworkPairResult
from apps.mentoring.selectors import mentor_suggestions
from apps.mentoring.services import group_event_create
from apps.mentoring.tests.factories import GroupEventFactory, MentorGroupFactory
from apps.mentoring.tests.route_factories import DevelopmentRouteFactory, RouteStepFactory
from apps.staff.tests.factories import StaffMemberFactory
from conftest import client_for


@pytest.fixture
def network(school):
    school.network = SchoolNetworkFactory()
    school.save()
    partner = SchoolFactory(network=school.network, short_name="Ольховская ООШ")
    return school, partner


def test_partner_school_member_downloads_the_network_pairs_result(network):
    school, partner = network
    member_user = MembershipFactory(school=partner, roles=[Role.TEACHER]).user
    theirs = StaffMemberFactory(school=partner, user=member_user)
    group = MentorGroupFactory(
        school=school, partner_school=partner, members=[StaffMemberFactory(school=school), theirs]
    )
    result = NetworkPairResult.objects.create(
        group=group,
        year=2026,
        quarter=3,
        form="video",
        title="Урок",
        file=SimpleUploadedFile("a.pdf", b"%PDF-1"),
        file_size=6,
    )
    response = client_for(member_user).get(reverse("mentoring:result_file", args=[result.pk]))
    assert response.status_code == 200


def test_double_booking_with_another_schools_event_hides_its_details(network):
    school, partner = network
    curator_user = MembershipFactory(school=school, roles=[Role.CURATOR]).user
    theirs = StaffMemberFactory(school=partner)
    group = MentorGroupFactory(
        school=school,
        partner_school=partner,
        curator=StaffMemberFactory(school=school, user=curator_user),
        members=[StaffMemberFactory(school=school), theirs],
    )
    # At 10:00 in two days: late in the evening, half an hour on would cross midnight.
    start = timezone.localtime(timezone.now() + datetime.timedelta(days=2), school.tzinfo).replace(
        hour=10, minute=0, second=0, microsecond=0
    )
    private = MentorGroupFactory(school=partner, members=[theirs])
    group_event_create(
        group=private,
        kind="meeting",
        title="СЕКРЕТ школы Б",
        starts_at=start,
        ends_at=start + datetime.timedelta(hours=1),
    )
    local = timezone.localtime(start, school.tzinfo)
    response = client_for(curator_user).post(
        reverse("mentoring:event_create", args=[group.pk]),
        {
            "kind": "meeting",
            "title": "Встреча",
            "day": local.date().isoformat(),
            "start": local.strftime("%H:%M"),
            "end": (local + datetime.timedelta(minutes=30)).strftime("%H:%M"),
            "participants": [theirs.pk],
        },
        follow=True,
    )
    text = " ".join(str(m) for m in response.context["messages"])
    assert "СЕКРЕТ" not in text
    assert GroupEvent.objects.filter(group=group).exists()


def test_partner_schools_staff_are_not_listed_unless_a_network_pair_is_formed(network, administrator):
    school, partner = network
    StaffMemberFactory(school=partner, last_name="Чужаков")
    client = client_for(administrator)
    assert "Чужаков" not in client.get(reverse("mentoring:group_create")).content.decode()
    assert "Чужаков" in client.get(reverse("mentoring:group_create"), {"partner": partner.pk}).content.decode()
    stranger = SchoolFactory()
    assert client.get(reverse("mentoring:group_create"), {"partner": stranger.pk}).status_code == 200


def test_the_groups_curator_manages_it_without_the_curator_role(school, teacher):
    group = MentorGroupFactory(school=school, curator=StaffMemberFactory(school=school, user=teacher))
    client = client_for(teacher)
    assert client.get(reverse("mentoring:event_create", args=[group.pk])).status_code == 200
    assert client.get(reverse("mentoring:group_edit", args=[group.pk])).status_code == 200


def test_partner_member_sees_the_network_pairs_events_on_the_board(network):
    school, partner = network
    member_user = MembershipFactory(school=partner, roles=[Role.TEACHER]).user
    group = MentorGroupFactory(
        school=school,
        partner_school=partner,
        members=[StaffMemberFactory(school=school), StaffMemberFactory(school=partner, user=member_user)],
    )
    GroupEventFactory(group=group, title="Совместный урок")
    response = client_for(member_user).get(reverse("mentoring:board"))
    assert [e.title for e in response.context["upcoming"]] == ["Совместный урок"]


def test_closed_group_cannot_be_edited(school, administrator):
    group = MentorGroupFactory(school=school, status=MentorGroup.Status.COMPLETED)
    response = client_for(administrator).get(reverse("mentoring:group_edit", args=[group.pk]))
    assert response.status_code == 302


@pytest.mark.parametrize(
    "params", [{"date": "9999-12-31"}, {"view": "month", "date": "0001-01-01"}, {"view": "month", "date": "9999-12-01"}]
)
def test_calendar_handles_extreme_dates(school, teacher, params):
    assert client_for(teacher).get(reverse("mentoring:my_calendar"), params).status_code == 200


def test_event_far_in_the_past_is_a_form_error(school, administrator):
    group = MentorGroupFactory(school=school)
    response = client_for(administrator).post(
        reverse("mentoring:event_create", args=[group.pk]),
        {
            "kind": "meeting",
            "title": "Встреча",
            "day": "0001-01-01",
            "start": "10:00",
            "end": "11:00",
            "participants": [group.curator_id],
        },
    )
    assert response.status_code == 200 and "day" in response.context["form"].errors
    assert not GroupEvent.objects.exists()


def test_responsible_mentor_of_a_step_opens_the_route(school, teacher):
    helper = StaffMemberFactory(school=school, user=teacher)
    route = DevelopmentRouteFactory(school=school)
    RouteStepFactory(route=route, responsible=helper)
    assert client_for(teacher).get(reverse("mentoring:route_detail", args=[route.pk])).status_code == 200


def test_early_career_teachers_are_not_suggested_as_mentors(school):
    today = datetime.date.today()
    mentee = StaffMemberFactory(
        school=school, teaching_since=today - datetime.timedelta(days=30), hired_on=today - datetime.timedelta(days=30)
    )
    young = StaffMemberFactory(
        school=school,
        teaching_since=today - datetime.timedelta(days=700),
        hired_on=today - datetime.timedelta(days=700),
    )
    assert young not in [s.staff for s in mentor_suggestions(school=school, mentee=mentee)]


def test_moving_a_member_to_another_group_rechecks_the_group_it_left(school):
    first, second = MentorGroupFactory(school=school), MentorGroupFactory(school=school, kind="triad")
    with pytest.raises(IntegrityError, match=f"mentor group {first.pk} "), transaction.atomic():
        MentorGroupMember.objects.filter(group=second, slot=3).delete()
        # The triad is whole again; the pair it came from is not.
        MentorGroupMember.objects.filter(group=first, slot=2).update(group=second, slot=3)
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL DEFERRED")


def test_calendar_feed_stops_when_the_person_leaves_the_school(school, teacher):
    from apps.calendar.ical import calendar_feed_get_or_create
    from apps.staff.services import staff_member_deactivate

    card = StaffMemberFactory(school=school, user=teacher)
    group = MentorGroupFactory(school=school, members=[card])
    GroupEventFactory(group=group, title="Встреча пары", notes="личное")
    feed = calendar_feed_get_or_create(user=teacher)
    url = reverse("mentoring:ical", args=[feed.token])
    assert "Встреча пары" in client_for(None).get(url).content.decode()
    staff_member_deactivate(staff=card, left_on=datetime.date.today())
    assert "Встреча пары" not in client_for(None).get(url).content.decode()
    teacher.memberships.all().delete()
    assert client_for(None).get(url).status_code == 404
