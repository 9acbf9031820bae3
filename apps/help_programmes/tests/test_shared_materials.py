"""The shared materials form of help links the community's materials; the
programme page shows each only to those its own circle lets see it."""

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from apps.accounts.models import Role
from apps.accounts.tests.factories import SchoolFactory
from apps.community.tests.factories import MaterialFactory
from apps.core.tenancy import Circle
from apps.help_programmes import services
from apps.help_programmes.models import HelpForm
from apps.help_programmes.tests.factories import HelpFormFactory, ProgrammeFactory, leader_and_supported
from apps.staff.tests.factories import StaffMemberFactory
from conftest import _member, client_for

pytestmark = pytest.mark.django_db

SECRET = "Конспект только для ШМО 8e4a"


@pytest.fixture
def programme(school, other_school):
    leader, supported = leader_and_supported(school, other_school)
    return ProgrammeFactory(leader_school=leader, supported_school=supported)


def _card(school, role=Role.TEACHER):
    user = _member(school, role)
    return StaffMemberFactory(school=school, user=user)


def test_people_of_the_supported_school_see_the_leaders_network_materials_and_never_an_association_ones(programme):
    leader, supported = programme.leader_school, programme.supported_school
    author = _card(leader)
    shared = MaterialFactory(school=leader, author=author, circle=Circle.NETWORK, title="Сетевая разработка урока")
    secret = MaterialFactory(school=leader, author=author, circle=Circle.ASSOCIATION, title=SECRET)
    form = services.help_form_save(
        programme=programme,
        kind=HelpForm.Kind.SHARED_MATERIALS,
        materials=[shared, secret],
        school=leader,
        staff=author,
    )
    assert set(form.materials.all()) == {shared, secret}
    url = reverse("help_programmes:detail", args=[programme.pk])

    page = client_for(_card(supported).user).get(url).content.decode()
    assert "Сетевая разработка урока" in page and SECRET not in page
    page = client_for(_card(leader).user).get(url).content.decode()
    assert "Сетевая разработка урока" in page and SECRET not in page
    colleague = StaffMemberFactory(school=leader, user=_member(leader, Role.TEACHER), association=author.association)
    assert SECRET in client_for(colleague.user).get(url).content.decode()


def test_only_shared_materials_the_person_sees_of_the_two_schools_are_linked(programme, outsider):
    leader = programme.leader_school
    leader_side = {"school": leader}
    draft = MaterialFactory(school=leader, circle=Circle.DRAFT)
    association_only = MaterialFactory(school=leader, circle=Circle.ASSOCIATION)
    elsewhere = MaterialFactory(circle=Circle.NETWORK)
    good = MaterialFactory(school=leader, circle=Circle.SCHOOL)
    for materials in ([draft], [association_only], [elsewhere], [good, draft]):
        with pytest.raises(ValidationError) as error:
            services.help_form_save(
                programme=programme, kind=HelpForm.Kind.SHARED_MATERIALS, materials=materials, **leader_side
            )
        assert "materials" in error.value.error_dict
    with pytest.raises(ValidationError):
        services.help_form_save(programme=programme, kind=HelpForm.Kind.TUTORING, materials=[good], **leader_side)
    form = services.help_form_save(
        programme=programme, kind=HelpForm.Kind.SHARED_MATERIALS, materials=[good], **leader_side
    )
    assert list(form.materials.all()) == [good]


def test_the_forms_page_links_materials(programme, deputy_head):
    good = MaterialFactory(school=programme.leader_school, circle=Circle.NETWORK, title="Презентация для сети")
    client = client_for(deputy_head)
    url = reverse("help_programmes:forms", args=[programme.pk])
    assert "Презентация для сети" in client.get(url).content.decode()
    response = client.post(url, {"kind": "tutoring", "materials": [good.pk]})
    assert response.status_code == 200 and not HelpForm.objects.exists()
    assert client.post(url, {"kind": "shared_materials", "materials": [good.pk]}).status_code == 302
    assert list(HelpForm.objects.get().materials.all()) == [good]


def test_the_programme_page_reads_the_same_queries_whatever_the_materials(programme, teacher):
    form = HelpFormFactory(programme=programme, kind=HelpForm.Kind.SHARED_MATERIALS)
    client = client_for(teacher)
    url = reverse("help_programmes:detail", args=[programme.pk])
    client.get(url)

    def count(n):
        form.materials.add(*[MaterialFactory(school=programme.leader_school, circle=Circle.NETWORK) for _ in range(n)])
        with CaptureQueriesContext(connection) as captured:
            page = client.get(url).content.decode()
        assert page.count("/community/materials/") == form.materials.count()
        return len(captured)

    assert count(2) == count(15)


def test_who_links_materials_is_the_acting_school_and_its_card_never_any_viewer(programme):
    leader = programme.leader_school
    network_school = SchoolFactory(network=leader.network)
    theirs = MaterialFactory(school=network_school, circle=Circle.SCHOOL)
    ours = MaterialFactory(school=leader, circle=Circle.SCHOOL)
    for school, staff in (
        (network_school, None),  # a school of the network that is neither side
        (leader, StaffMemberFactory(school=network_school)),  # a card of another school
        (None, None),
    ):
        with pytest.raises(ValidationError) as error:
            services.help_form_save(
                programme=programme, kind=HelpForm.Kind.SHARED_MATERIALS, materials=[ours], school=school, staff=staff
            )
        assert "materials" in error.value.error_dict
    with pytest.raises(ValidationError):
        services.help_form_save(
            programme=programme, kind=HelpForm.Kind.SHARED_MATERIALS, materials=[theirs], school=leader
        )
    assert not HelpForm.objects.exists()
