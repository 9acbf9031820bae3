"""Who sees a recognition, proved page by page.

A school's recognitions are seen by its staff; a network recognition by the
author's school and the schools of the people it names, nobody else of the
network, and no school outside it. What the administration hid leaves every
tree and every page but its people's, its author's and the moderators'; a name
its person hid leaves the pages of everyone else. Every GET page of the app is
taken from the URL walk's routes, so a page added later is swept too.
See docs/testing.md#the-confidentiality-matrix.
"""

import pytest
from django.urls import reverse

from apps.accounts.models import Role
from apps.accounts.tests.factories import MembershipFactory, SchoolFactory, SchoolNetworkFactory, UserFactory
from apps.core.tests.test_url_walk import SCHOOL_ROUTES
from apps.recognition import services
from apps.staff.tests.factories import StaffMemberFactory
from conftest import client_for

HTMX = {"HTTP_HX_REQUEST": "true"}

TEXTS = {
    "school": "За разбор урока ПРИЗНАНИЕ-ШКОЛЫ-51",
    "network": "За сетевой семинар ПРИЗНАНИЕ-СЕТИ-52",
    "hidden": "За урок ПРИЗНАНИЕ-СКРЫТО-53",
    "self hidden": "За совет ПРИЗНАНИЕ-САМ-СКРЫЛ-54",
}


def _person(school, last_name, *roles):
    user = UserFactory(last_name=last_name)
    MembershipFactory(user=user, school=school, roles=list(roles) or [Role.TEACHER])
    return StaffMemberFactory(school=school, user=user, last_name=last_name, first_name="Анна")


@pytest.fixture
def world(db):
    network = SchoolNetworkFactory()
    main = SchoolFactory(short_name="Берёзовская СОШ", network=network)
    partner = SchoolFactory(short_name="Ольховская СОШ", network=network)
    third = SchoolFactory(short_name="Третья СОШ", network=network)
    outside = SchoolFactory(short_name="Чужая СОШ")
    people = {
        "author": _person(main, "Соколова"),
        "colleague": _person(main, "Белова"),
        "bystander": _person(main, "Миронова"),
        "director": _person(main, "Гусева", Role.ADMINISTRATOR),
        "partner": _person(partner, "Фомин"),
        "partner bystander": _person(partner, "Орлова"),
        "third": _person(third, "Зайцева", *Role.values),
        "outside": _person(outside, "Чужова", *Role.values),
        "shy": _person(main, "Тихонова"),
    }
    made = {
        "school": services.recognition_create(
            author=people["author"], recipients=[people["colleague"]], text=TEXTS["school"]
        ),
        "network": services.recognition_create(
            author=people["author"], recipients=[people["partner"]], text=TEXTS["network"]
        ),
        "hidden": services.recognition_create(
            author=people["author"], recipients=[people["colleague"]], text=TEXTS["hidden"]
        ),
        "self hidden": services.recognition_create(
            author=people["author"], recipients=[people["shy"]], text=TEXTS["self hidden"]
        ),
    }
    services.recognition_hide(
        recognition=made["hidden"], user=people["director"].user, school=main, reason="Не по делу"
    )
    services.recognition_hide_self(recognition=made["self hidden"], staff=people["shy"])
    return people, made


# Who sees which recognition on the tree, the live screen and its page.
SEES = {
    "author": {"school", "network"},
    "colleague": {"school", "network"},
    "bystander": {"school", "network"},
    "director": {"school", "network"},
    "partner": {"network"},
    "partner bystander": {"network"},
    "third": set(),
    "outside": set(),
    "shy": {"school", "network"},
}


def _pages(client):
    """Every GET page of the app without an object, and the live screen's poll."""
    texts = []
    for name, (method, kind, _who) in sorted(SCHOOL_ROUTES.items()):
        if name.startswith("recognition:") and method == "get" and kind is None:
            texts.append(client.get(reverse(name), **HTMX).content.decode())
            texts.append(client.get(reverse(name), {"by": "associations"}, **HTMX).content.decode())
    return "\n".join(texts)


@pytest.mark.parametrize("who", sorted(SEES))
def test_each_person_sees_on_the_pages_only_the_recognitions_of_their_school_or_naming_it(world, who):
    people, made = world
    client = client_for(people[who].user)
    pages = _pages(client)
    for key, text in TEXTS.items():
        assert (text in pages) is (key in SEES[who]), (who, key)
    for key, recognition in made.items():
        status = client.get(reverse("recognition:detail", args=[recognition.pk])).status_code
        opens = key in SEES[who] or (key == "hidden" and who in {"author", "colleague", "director"})
        opens = opens or (key == "self hidden" and who == "shy")
        assert status == (200 if opens else 404), (who, key, status)


def test_a_name_its_person_hid_is_seen_by_nobody_else(world):
    people, made = world
    recognition = made["self hidden"]
    for who in ("author", "bystander", "director"):
        page = client_for(people[who].user).get(reverse("recognition:tree")).content.decode()
        assert "Тихонова" not in page
        assert client_for(people[who].user).get(reverse("recognition:detail", args=[recognition.pk])).status_code == 404
    page = client_for(people["shy"].user).get(reverse("recognition:detail", args=[recognition.pk])).content.decode()
    assert "Тихонова" in page


def test_a_school_that_leaves_the_network_stops_seeing_its_network_recognitions(world):
    people, made = world
    partner = people["partner"].school
    partner.network = None
    partner.save()
    client = client_for(people["partner"].user)
    assert TEXTS["network"] not in _pages(client)
    assert client.get(reverse("recognition:detail", args=[made["network"].pk])).status_code == 404


def test_outsiders_cannot_hide_or_moderate(world):
    people, made = world
    for who in ("third", "outside"):
        client = client_for(people[who].user)
        for recognition in made.values():
            assert client.post(reverse("recognition:hide_self", args=[recognition.pk])).status_code == 404
            assert client.get(reverse("recognition:moderate", args=[recognition.pk])).status_code == 404
