"""The circles on a real database: who sees a draft, an association's, a school's
and a network's material, in the list, on its page (else 404) and its version's
file (else 404); and the same through a school leaving its network."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from apps.accounts.capabilities import Role
from apps.accounts.tests.factories import MembershipFactory, SchoolFactory, SchoolNetworkFactory, UserFactory
from apps.community.models import MaterialVersion
from apps.core.tenancy import Circle
from apps.staff.tests.factories import StaffMemberFactory
from conftest import client_for

from .factories import MaterialFactory

pytestmark = pytest.mark.django_db

CIRCLES = (Circle.DRAFT, Circle.ASSOCIATION, Circle.SCHOOL, Circle.NETWORK)


def _person(school, role=Role.TEACHER, card=True, **card_fields):
    user = MembershipFactory(school=school, roles=[role], user=UserFactory()).user
    staff = StaffMemberFactory(school=school, user=user, **card_fields) if card else None
    return user, staff


@pytest.fixture
def world():
    network = SchoolNetworkFactory()
    home = SchoolFactory(network=network, short_name="Берёзовская СОШ")
    partner = SchoolFactory(network=network, short_name="Ольховская СОШ")
    alone = SchoolFactory(short_name="Одинокая СОШ")
    author_user, author = _person(home)
    viewers = {
        "author": author_user,
        "association colleague": _person(home, association=author.association)[0],
        "colleague of another association": _person(home)[0],
        "administrator without a card": _person(home, Role.ADMINISTRATOR, card=False)[0],
        "teacher of a network school": _person(partner)[0],
        "teacher of a school outside any network": _person(alone)[0],
    }
    materials = {}
    for circle in CIRCLES:
        material = MaterialFactory(school=home, author=author, circle=circle, title=f"Секрет-{circle}")
        version = MaterialVersion.objects.create(
            material=material,
            number=2,
            file=SimpleUploadedFile("plan.txt", b"plan"),
            file_size=4,
            file_name="plan.txt",
            change_note="Файл",
            title=material.title,
        )
        materials[circle] = (material, version)
    return {"home": home, "viewers": viewers, "materials": materials}


SEES = {
    "author": set(CIRCLES),
    "association colleague": {Circle.ASSOCIATION, Circle.SCHOOL, Circle.NETWORK},
    "colleague of another association": {Circle.SCHOOL, Circle.NETWORK},
    "administrator without a card": {Circle.SCHOOL, Circle.NETWORK},
    "teacher of a network school": {Circle.NETWORK},
    "teacher of a school outside any network": set(),
}


def _check(client, materials, sees):
    listed = client.get(reverse("community:material_list"), {"tab": "circles"}).content.decode()
    own = client.get(reverse("community:material_list"), {"tab": "drafts"}).content.decode()
    for circle, (material, version) in materials.items():
        detail = client.get(reverse("community:material_detail", args=[material.pk]))
        file = client.get(reverse("community:version_file", args=[version.pk]))
        visible = circle in sees
        assert detail.status_code == (200 if visible else 404), circle
        assert file.status_code == (200 if visible else 404), circle
        in_lists = material.title in listed or material.title in own
        assert in_lists == visible, circle


@pytest.mark.parametrize("who", sorted(SEES))
def test_each_viewer_sees_exactly_their_circles(world, who):
    _check(client_for(world["viewers"][who]), world["materials"], SEES[who])


def test_a_school_leaving_the_network_stops_seeing_and_being_seen_at_once(world):
    partner_teacher = client_for(world["viewers"]["teacher of a network school"])
    _check(partner_teacher, world["materials"], {Circle.NETWORK})
    home = world["home"]
    home.network = None
    home.save(update_fields=["network"])
    _check(partner_teacher, world["materials"], set())
    # The author and her colleagues still see the network material in their own school.
    _check(
        client_for(world["viewers"]["colleague of another association"]),
        world["materials"],
        SEES["colleague of another association"],
    )
    _check(client_for(world["viewers"]["author"]), world["materials"], set(CIRCLES))
