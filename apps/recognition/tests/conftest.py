import pytest

from apps.accounts.capabilities import Role
from apps.accounts.tests.factories import MembershipFactory, SchoolFactory, SchoolNetworkFactory, UserFactory
from apps.staff.tests.factories import StaffMemberFactory


def person(school, *roles, **card):
    """A member of `school` with an account and a staff card."""
    user = UserFactory()
    MembershipFactory(user=user, school=school, roles=list(roles) or [Role.TEACHER])
    card.setdefault("last_name", user.last_name)
    card.setdefault("first_name", user.first_name)
    return StaffMemberFactory(school=school, user=user, **card)


@pytest.fixture
def network(db):
    return SchoolNetworkFactory(name="Кинельская сеть")


@pytest.fixture
def main_school(network):
    return SchoolFactory(short_name="Берёзовская СОШ", time_zone="Europe/Samara", network=network)


@pytest.fixture
def partner_school(network):
    return SchoolFactory(short_name="Ольховская СОШ", time_zone="Asia/Vladivostok", network=network)


@pytest.fixture
def author(main_school):
    return person(main_school, last_name="Соколова", first_name="Наталья")


@pytest.fixture
def colleague(main_school):
    return person(main_school, last_name="Белова", first_name="Анна")


@pytest.fixture
def partner_colleague(partner_school):
    return person(partner_school, last_name="Фомин", first_name="Дмитрий")
