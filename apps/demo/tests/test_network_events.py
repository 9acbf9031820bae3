"""The demo network events, seeded on two bare schools of a network."""

import datetime

from apps.accounts.tests.factories import SchoolFactory, SchoolNetworkFactory
from apps.community.tests.factories import MaterialFactory
from apps.core.dates import school_today
from apps.demo.network_events import MASTER_CLASS, SEMINAR, WEBINAR, seed_network_events
from apps.network_events.models import Event, Registration
from apps.staff.tests.factories import StaffMemberFactory


def test_demo_network_events_are_seeded_once(db):
    network = SchoolNetworkFactory()
    main = SchoolFactory(short_name="Берёзовская СОШ", time_zone="Europe/Samara", network=network)
    partner = SchoolFactory(short_name="Ольховская СОШ", time_zone="Europe/Samara", network=network)
    organiser = StaffMemberFactory(school=main, last_name="Миронова")
    material = MaterialFactory(school=main, author=organiser, circle="network")
    StaffMemberFactory(school=main, last_name="Соколова")
    for _ in range(8):
        StaffMemberFactory(school=main)
    for _ in range(4):
        StaffMemberFactory(school=partner)
    today = school_today(main)
    schools = {"main": main, "partner": partner}
    assert seed_network_events(schools=schools, today=today) is True
    assert seed_network_events(schools=schools, today=today) is False

    seminar = Event.objects.get(title=SEMINAR)
    assert seminar.status == Event.Status.HELD and seminar.circle == "network"
    registered = seminar.registrations.filter(status=Registration.Status.REGISTERED)
    assert {r.school_id for r in registered} == {main.pk, partner.pk}
    assert registered.filter(attended=True).exists() and not registered.filter(attended__isnull=True).exists()
    assert list(seminar.attached_materials.values_list("material", flat=True)) == [material.pk]

    master_class = Event.objects.get(title=MASTER_CLASS)
    statuses = list(master_class.registrations.values_list("status", flat=True))
    assert master_class.capacity == 10 and master_class.starts_at.date() > today
    assert statuses.count(Registration.Status.REGISTERED) == 10
    assert statuses.count(Registration.Status.WAITLISTED) == 2

    webinar = Event.objects.get(title=WEBINAR)
    assert webinar.online_link and not webinar.place and webinar.kind == Event.Kind.WEBINAR
    assert list(webinar.invitations.values_list("school_id", flat=True)) == [partner.pk]
    assert today < webinar.starts_at.date() <= today + datetime.timedelta(days=7)
