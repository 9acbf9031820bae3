"""The reads behind the event pages and the calendar: few queries, each school's
people their own rows, the material picker's rows escaped."""

import datetime

from django.urls import reverse

from apps.community.tests.factories import MaterialFactory
from apps.core.tenancy import Circle, Viewer
from apps.network_events.models import Event
from apps.network_events.selectors import calendar_page_events, event_detail
from apps.staff.tests.factories import StaffMemberFactory
from conftest import client_for

from .conftest import person
from .factories import EventFactory, RegistrationFactory, in_days


def test_the_event_comes_with_its_leads_in_one_query(main_school, partner_school, django_assert_num_queries):
    organiser = person(main_school)
    leads = [
        StaffMemberFactory(school=main_school, last_name="Яковлева"),
        StaffMemberFactory(school=partner_school, last_name="Андреева"),
    ]
    event = EventFactory(school=main_school, circle="network", created_by=organiser, leads=leads)
    with django_assert_num_queries(1):
        found = event_detail(viewer=Viewer.of_staff(organiser), pk=event.pk)
        names = [lead.last_name for lead in found.leads.all()]
        school_ids = [lead.school_id for lead in found.leads.all()]
    assert names == ["Андреева", "Яковлева"]
    assert school_ids == [partner_school.pk, main_school.pk]


def test_an_event_without_leads_has_none(main_school):
    organiser = person(main_school)
    event = EventFactory(school=main_school, created_by=organiser)
    assert list(event_detail(viewer=Viewer.of_staff(organiser), pk=event.pk).leads.all()) == []


def test_two_schools_people_asked_in_turn_get_their_own_calendar_events(main_school, partner_school):
    mine, theirs = person(main_school), person(partner_school)
    my_event = EventFactory(school=main_school, created_by=mine)
    their_event = EventFactory(school=partner_school, created_by=theirs)
    registered = EventFactory(school=partner_school, circle="network")
    RegistrationFactory(event=registered, staff=mine)
    start = my_event.starts_at - datetime.timedelta(days=30)
    end = my_event.starts_at + datetime.timedelta(days=30)
    my_view, their_view = Viewer.of_staff(mine), Viewer.of_staff(theirs)
    for _ in range(2):
        assert {e.pk for e in calendar_page_events(viewer=my_view, staff_ids=[mine.pk], start=start, end=end)} == {
            my_event.pk,
            registered.pk,
        }
        found = calendar_page_events(viewer=their_view, staff_ids=[theirs.pk], start=start, end=end)
        assert [e.pk for e in found] == [their_event.pk]
    assert calendar_page_events(viewer=my_view, staff_ids=[], start=start, end=end) == []


def test_the_material_picker_escapes_what_it_shows(main_school):
    organiser = person(main_school, last_name="<i>Орлова</i>")
    event = EventFactory(
        school=main_school,
        circle="network",
        created_by=organiser,
        starts_at=in_days(-3, school=main_school),
        status=Event.Status.HELD,
    )
    MaterialFactory(school=main_school, author=organiser, circle=Circle.SCHOOL, title="<b>Конспект</b> & план")
    page = client_for(organiser.user).get(reverse("network_events:materials", args=[event.pk])).content.decode()
    assert "&lt;b&gt;Конспект&lt;/b&gt; &amp; план" in page
    assert "&lt;i&gt;Орлова&lt;/i&gt;" in page
    assert "<b>Конспект" not in page


def test_the_material_picker_finds_a_percent_sign_as_typed(main_school):
    organiser = person(main_school)
    event = EventFactory(
        school=main_school,
        circle="network",
        created_by=organiser,
        starts_at=in_days(-3, school=main_school),
        status=Event.Status.HELD,
    )
    MaterialFactory(school=main_school, author=organiser, circle=Circle.SCHOOL, title="Рост на 50% за четверть")
    MaterialFactory(school=main_school, author=organiser, circle=Circle.SCHOOL, title="Рост на 50 баллов")
    url = reverse("network_events:materials", args=[event.pk])
    page = client_for(organiser.user).get(url, {"q": "50%"}).content.decode()
    assert "Рост на 50% за четверть" in page
    assert "Рост на 50 баллов" not in page
