import datetime
import io

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar
from openpyxl import load_workbook

from apps.accounts.capabilities import Role
from apps.accounts.models import Membership
from apps.accounts.tests.factories import SchoolFactory
from apps.audit.models import AuditEvent
from apps.calendar.ical import calendar_feed_get_or_create
from apps.core.tenancy import Viewer
from apps.core.todos import todo_count, todo_items, todo_scope
from apps.network_events import services
from apps.network_events.models import Event, Registration
from apps.network_events.selectors import events_page
from apps.notifications.models import Notification
from apps.privacy.erasure import staff_member_erase
from apps.privacy.export import staff_personal_data_sections
from apps.staff.association_heads import ASSOCIATION_HEADS
from conftest import client_for

from .conftest import person
from .factories import EventFactory, InvitationFactory, RegistrationFactory, in_days


def _client(staff):
    return client_for(staff.user)


def test_the_event_of_another_network_school_answers_404_outside_its_circle(main_school, partner_school):
    school_event = EventFactory(school=main_school, circle="school")
    network_event = EventFactory(school=main_school, circle="network")
    partner = person(partner_school)
    client = _client(partner)
    assert client.get(reverse("network_events:detail", args=[school_event.pk])).status_code == 404
    assert client.get(reverse("network_events:detail", args=[network_event.pk])).status_code == 200
    assert client.post(reverse("network_events:register", args=[school_event.pk])).status_code == 404
    InvitationFactory(event=school_event, school=partner_school)
    assert client.get(reverse("network_events:detail", args=[school_event.pk])).status_code == 200


def test_the_register_button_swaps_in_place_and_shows_the_waiting_list(main_school):
    event = EventFactory(school=main_school, capacity=1)
    RegistrationFactory(event=event, staff=person(main_school))
    me = person(main_school)
    client = _client(me)
    page = client.get(reverse("network_events:detail", args=[event.pk])).content.decode()
    assert "Встать в лист ожидания" in page
    response = client.post(reverse("network_events:register", args=[event.pk]), headers={"HX-Request": "true"})
    assert response.status_code == 200
    html = response.content.decode()
    assert html.lstrip().startswith('<div id="register-button"') and "<html" not in html
    assert Registration.objects.get(staff=me).status == Registration.Status.WAITLISTED
    response = client.post(reverse("network_events:unregister", args=[event.pk]), headers={"HX-Request": "true"})
    assert response.status_code == 200
    assert response.content.decode().lstrip().startswith('<div id="register-button"')
    assert Registration.objects.get(staff=me).status == Registration.Status.CANCELLED


def test_only_organisers_edit_and_export_attendees(main_school, partner_school):
    creator, lead, colleague = person(main_school), person(partner_school), person(main_school)
    event = EventFactory(school=main_school, circle="network", created_by=creator, leads=[lead])
    RegistrationFactory(event=event, staff=colleague)
    for staff, status in ((creator, 200), (lead, 200), (colleague, 403)):
        assert _client(staff).get(reverse("network_events:edit", args=[event.pk])).status_code == status
    response = _client(lead).get(reverse("network_events:attendees_xlsx", args=[event.pk]))
    sheet = load_workbook(io.BytesIO(response.content)).active
    names = [row[0] for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert names == [colleague.full_name]


def test_an_association_head_creates_an_event_for_their_association(main_school, monkeypatch):
    head = person(main_school)
    monkeypatch.setitem(
        ASSOCIATION_HEADS._entries, "test", lambda staff: {head.association_id} if staff == head else set()
    )
    client = _client(head)
    assert _client(person(main_school)).get(reverse("network_events:create")).status_code == 403
    date = in_days(7, school=main_school).date()
    response = client.post(
        reverse("network_events:create"),
        {
            "kind": "open_lesson",
            "title": "Открытый урок литературы",
            "date": date.isoformat(),
            "starts": "10:00",
            "ends": "10:45",
            "place": "Кабинет 21",
            "circle": "network",
            "association": head.association_id,
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    event = Event.objects.get()
    assert event.association_id == head.association_id and event.created_by == head
    # The time is the organiser school's (Samara, UTC+4).
    assert timezone.localtime(event.starts_at, main_school.tzinfo).hour == 10
    assert event.starts_at.astimezone(datetime.UTC).hour == 6


def test_a_bad_form_keeps_what_was_typed(main_school):
    organiser = person(main_school, Role.DEPUTY_HEAD)
    response = _client(organiser).post(
        reverse("network_events:create"),
        {"kind": "webinar", "title": "Вебинар без места", "date": "2026-13-40", "starts": "10:00", "ends": "09:00"},
    )
    assert response.status_code == 200
    assert "Вебинар без места" in response.content.decode()


def test_the_list_is_one_query_at_any_size(main_school, partner_school, django_assert_num_queries):
    me = person(main_school)
    viewer = Viewer.of_staff(me)

    def make(n):
        for _ in range(n):
            event = EventFactory(school=main_school, circle="network", capacity=5)
            RegistrationFactory(event=event, staff=me)
            InvitationFactory(event=event, school=partner_school)

    make(2)
    with django_assert_num_queries(1):
        assert len(list(events_page(viewer=viewer, when="upcoming"))) == 2
    make(28)
    with django_assert_num_queries(1):
        page = list(events_page(viewer=viewer, when="upcoming"))
    assert len(page) == 25 and all(e.my_status == "registered" and e.registered_count == 1 for e in page)


def test_todos_calendar_and_export(main_school, partner_school):
    me = person(main_school)
    organiser = person(main_school)
    soon = EventFactory(school=main_school, circle="network", created_by=organiser)
    soon.starts_at = timezone.now() + datetime.timedelta(days=2)
    soon.ends_at = soon.starts_at + datetime.timedelta(hours=1)
    soon.place, soon.online_link = "", "https://meet.example.org/seminar"
    soon.save()
    RegistrationFactory(event=soon, staff=me)
    invited = EventFactory(school=partner_school, circle="school")
    InvitationFactory(event=invited, staff=me)
    past = EventFactory(school=main_school, created_by=organiser)
    past.starts_at, past.ends_at = (
        timezone.now() - datetime.timedelta(days=2, hours=2),
        timezone.now() - datetime.timedelta(days=2),
    )
    past.save()
    RegistrationFactory(event=past, staff=me)

    def kinds(staff):
        scope = todo_scope(school=main_school, user=staff.user, membership=Membership.objects.get(user=staff.user))
        return sorted(item.kind for item in todo_items(scope=scope)), todo_count(scope=scope)

    assert kinds(me) == (["event_invitation", "event_registered"], 2)
    assert kinds(organiser) == (["event_attendance"], 1)
    assert kinds(person(main_school)) == ([], 0)

    token = calendar_feed_get_or_create(user=me.user).token
    feed = client_for(None).get(reverse("mentoring:ical", kwargs={"token": token}))
    events = {str(c["uid"]): c for c in Calendar.from_ical(feed.content).walk("VEVENT")}
    mine = events[f"network-event-{soon.pk}@collabschool"]
    assert str(mine["location"]) == "https://meet.example.org/seminar"
    assert f"network-event-{invited.pk}@collabschool" not in events  # invited, not registered

    sections = {s.key: s for s in staff_personal_data_sections(staff=me)}
    assert {row["event"] for row in sections["network_events"].rows} == {soon.pk, invited.pk, past.pk}


def test_a_school_outside_the_network_sees_no_network_event(main_school):
    EventFactory(school=main_school, circle="network")
    lone = SchoolFactory(network=None)
    viewer = Viewer.of_staff(person(lone))
    assert list(events_page(viewer=viewer, when="upcoming")) == []


def test_an_erasure_deletes_future_registrations_keeps_past_ones_and_tells_nobody(main_school):
    leaving, waiting = person(main_school), person(main_school)
    future = EventFactory(school=main_school, capacity=1)
    RegistrationFactory(event=future, staff=leaving)
    RegistrationFactory(event=future, staff=waiting, status=Registration.Status.WAITLISTED)
    InvitationFactory(event=future, staff=leaving)
    past = EventFactory(school=main_school)
    Event.objects.filter(pk=past.pk).update(
        starts_at=timezone.now() - datetime.timedelta(days=3),
        ends_at=timezone.now() - datetime.timedelta(days=3, hours=-1),
    )
    RegistrationFactory(event=past, staff=leaving, attended=True)

    record = staff_member_erase(staff=leaving, reason="Заявление об отзыве согласия")

    assert list(Registration.objects.filter(staff=leaving).values_list("event_id", flat=True)) == [past.pk]
    assert Registration.objects.get(event=future, staff=waiting).status == Registration.Status.REGISTERED
    assert not Notification.objects.filter(kind=Notification.Kind.EVENT_PLACE_FREED).exists()
    assert not future.invitations.exists()
    assert "network_event_registrations" in str(record.categories)


def test_the_attendee_list_is_the_organisers_alone(main_school):
    organiser, registered = person(main_school), person(main_school)
    secret = person(main_school, last_name="Секретова")
    event = EventFactory(school=main_school, created_by=organiser)
    RegistrationFactory(event=event, staff=registered)
    RegistrationFactory(event=event, staff=secret)
    url = reverse("network_events:detail", args=[event.pk])
    assert "Секретова" in _client(organiser).get(url).content.decode()
    assert "Секретова" not in _client(registered).get(url).content.decode()
    assert _client(registered).get(reverse("network_events:attendees_xlsx", args=[event.pk])).status_code == 403


def test_the_detail_page_reads_the_same_queries_at_any_size(main_school, partner_school, django_assert_num_queries):
    organiser = person(main_school)
    event = EventFactory(school=main_school, circle="network", created_by=organiser, leads=[organiser])
    client = _client(organiser)
    url = reverse("network_events:detail", args=[event.pk])
    client.get(url)

    def count(n):
        for _ in range(n):
            RegistrationFactory(event=event, staff=person(partner_school))
            InvitationFactory(event=event, staff=person(partner_school))
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        return len(captured)

    assert count(2) == count(20)


def test_a_new_time_is_told_to_the_registered(main_school):
    event = EventFactory(school=main_school, circle="school")
    me = person(main_school)
    services.registration_create(event=event, staff=me)
    services.event_update(event=event, title="Новое название")
    assert not Notification.objects.filter(user=me.user).exists()
    services.event_update(
        event=event,
        starts_at=event.starts_at + datetime.timedelta(hours=1),
        ends_at=event.ends_at + datetime.timedelta(hours=1),
    )
    assert Notification.objects.filter(user=me.user, kind=Notification.Kind.EVENT_REMINDER).count() == 1


def test_the_edit_form_shows_and_takes_the_organisers_time(main_school, partner_school):
    creator = person(main_school)
    lead = person(partner_school)  # Vladivostok, UTC+10: the form still speaks Samara time
    event = EventFactory(school=main_school, circle="network", created_by=creator, leads=[lead], capacity=5)
    url = reverse("network_events:edit", args=[event.pk])
    page = _client(lead).get(url).content.decode()
    assert 'value="15:00"' in page
    data = {
        "kind": event.kind,
        "title": event.title,
        "date": timezone.localtime(event.starts_at, main_school.tzinfo).date().isoformat(),
        "starts": "09:30",
        "ends": "11:00",
        "place": event.place,
        "capacity": "5",
        "circle": "network",
        "leads": [lead.pk],
    }
    response = _client(lead).post(url, data)
    assert response.status_code == 302, response.content.decode()[:2000]
    event.refresh_from_db()
    assert timezone.localtime(event.starts_at, main_school.tzinfo).strftime("%H:%M") == "09:30"
    # Another association than the event's is not offered to a lead.
    response = _client(lead).post(url, {**data, "association": creator.association_id})
    assert response.status_code == 200


def test_a_key_beyond_any_event_is_not_found(main_school):
    client = _client(person(main_school))
    assert client.get(f"/events/{2**63}/").status_code == 404
    assert client.post(f"/events/{2**64}/register/").status_code == 404


def test_the_attendees_export_is_written_to_the_audit_trail_in_russian(main_school):
    organiser = person(main_school)
    event = EventFactory(school=main_school, created_by=organiser, title="Смысловое чтение")
    assert _client(organiser).get(reverse("network_events:attendees_xlsx", args=[event.pk])).status_code == 200
    labels = list(
        AuditEvent.objects.filter(action=AuditEvent.Action.EXPORT_MADE).values_list("target_label", flat=True)
    )
    assert labels == ["Участники мероприятия «Смысловое чтение»"]


def test_the_swapped_button_offers_no_registration_once_it_is_closed(main_school):
    event = EventFactory(school=main_school)
    Event.objects.filter(pk=event.pk).update(status=Event.Status.CANCELLED)
    response = _client(person(main_school)).post(
        reverse("network_events:register", args=[event.pk]), headers={"HX-Request": "true"}
    )
    html = response.content.decode()
    assert response.status_code == 200 and 'role="alert"' in html
    assert 'data-testid="register"' not in html
