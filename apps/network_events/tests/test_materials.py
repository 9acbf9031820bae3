"""Materials attached to a network event afterwards: the organiser attaches what
their own card may see (never a draft), and the event page shows each material
only to those its own circle lets see it."""

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from apps.community.tests.factories import MaterialFactory
from apps.core.tenancy import Circle, Viewer
from apps.network_events import services
from apps.network_events.models import Event, EventMaterial
from apps.network_events.selectors import event_materials
from apps.staff.tests.factories import SubjectAssociationFactory
from conftest import client_for

from .conftest import person
from .factories import EventFactory, in_days

SECRET = "Секретный конспект ШМО 5c1e"


@pytest.fixture
def association(main_school):
    return SubjectAssociationFactory(school=main_school, name="ШМО гуманитарного цикла")


@pytest.fixture
def organiser(main_school, association):
    return person(main_school, association=association)


def _held(school, organiser):
    return EventFactory(
        school=school,
        circle="network",
        created_by=organiser,
        leads=[organiser],
        starts_at=in_days(-3, school=school),
        status=Event.Status.HELD,
    )


@pytest.fixture
def event(main_school, organiser):
    return _held(main_school, organiser)


def _materials(event):
    return reverse("network_events:materials", args=[event.pk])


def test_an_association_only_material_on_the_event_page_is_seen_by_its_association_alone(
    main_school, partner_school, association, organiser, event
):
    shared = MaterialFactory(school=main_school, author=organiser, circle=Circle.NETWORK, title="Сетевой конспект")
    secret = MaterialFactory(school=main_school, author=organiser, circle=Circle.ASSOCIATION, title=SECRET)
    services.event_material_attach(event=event, material=shared, staff=organiser)
    services.event_material_attach(event=event, material=secret, staff=organiser)
    url = reverse("network_events:detail", args=[event.pk])

    colleague = person(main_school, association=association)
    page = client_for(colleague.user).get(url).content.decode()
    assert "Сетевой конспект" in page and SECRET in page

    for stranger in (person(main_school), person(partner_school)):
        response = client_for(stranger.user).get(url)
        assert response.status_code == 200
        page = response.content.decode()
        assert "Сетевой конспект" in page and SECRET not in page


def test_only_a_shared_material_the_organiser_sees_is_attached(main_school, partner_school, organiser, event):
    draft = MaterialFactory(school=main_school, author=organiser, circle=Circle.DRAFT)
    elsewhere = MaterialFactory(school=partner_school, circle=Circle.SCHOOL)
    for material in (draft, elsewhere):
        with pytest.raises(ValidationError):
            services.event_material_attach(event=event, material=material, staff=organiser)
    theirs = MaterialFactory(school=partner_school, circle=Circle.NETWORK)
    services.event_material_attach(event=event, material=theirs, staff=organiser)
    with pytest.raises(ValidationError):
        services.event_material_attach(event=event, material=theirs, staff=organiser)
    assert list(EventMaterial.objects.values_list("material", flat=True)) == [theirs.pk]


def test_the_attach_page_is_the_organisers_and_keeps_to_their_circles(main_school, partner_school, organiser, event):
    mine = MaterialFactory(school=main_school, author=organiser, circle=Circle.SCHOOL, title="Конспект о чтении")
    other = MaterialFactory(school=main_school, circle=Circle.SCHOOL, title="Презентация по физике")
    hidden = MaterialFactory(school=partner_school, circle=Circle.SCHOOL, title="Чужой школьный материал")
    client = client_for(organiser.user)

    page = client.get(_materials(event)).content.decode()
    assert "Конспект о чтении" in page and "Презентация по физике" in page and "Чужой школьный" not in page
    page = client.get(_materials(event), {"q": "чтении"}).content.decode()
    assert "Конспект о чтении" in page and "Презентация по физике" not in page

    assert client.post(_materials(event), {"material": hidden.pk}).status_code == 400
    assert client.post(_materials(event), {"material": "9" * 30}).status_code == 400
    assert client.post(_materials(event), {"material": mine.pk}).status_code == 302
    assert client.post(_materials(event), {"material": other.pk}).status_code == 302
    assert set(EventMaterial.objects.values_list("material", flat=True)) == {mine.pk, other.pk}

    detach = reverse("network_events:material_detach", args=[event.pk, other.pk])
    colleague = person(main_school)
    assert client_for(colleague.user).get(_materials(event)).status_code == 403
    assert client_for(colleague.user).post(detach).status_code == 403
    assert client.post(detach).status_code == 302
    assert client.post(reverse("network_events:material_detach", args=[event.pk, 2**64])).status_code == 302
    assert list(EventMaterial.objects.values_list("material", flat=True)) == [mine.pk]


def test_the_event_page_reads_the_same_queries_whatever_the_materials(main_school, partner_school, organiser, event):
    viewer = person(partner_school)
    client = client_for(viewer.user)
    url = reverse("network_events:detail", args=[event.pk])
    client.get(url)

    def count(n):
        for _ in range(n):
            material = MaterialFactory(school=main_school, circle=Circle.NETWORK)
            services.event_material_attach(event=event, material=material, staff=organiser)
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        return len(captured)

    assert count(2) == count(15)
    assert len(event_materials(event=event, viewer=Viewer.of_staff(viewer))) == 17


def test_materials_are_attached_once_the_event_is_held(main_school, organiser):
    planned = EventFactory(school=main_school, circle="network", created_by=organiser)
    material = MaterialFactory(school=main_school, author=organiser, circle=Circle.SCHOOL, title="Конспект семинара")
    with pytest.raises(ValidationError):
        services.event_material_attach(event=planned, material=material, staff=organiser)
    client = client_for(organiser.user)
    page = client.get(_materials(planned)).content.decode()
    assert 'data-testid="attach-after-held"' in page and "Конспект семинара" not in page
    assert client.post(_materials(planned), {"material": material.pk}).status_code == 400
    assert not EventMaterial.objects.exists()
