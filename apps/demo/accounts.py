"""Demo schools and logins: a rural school modelled on the programme's main report and a partner school
of the same network. Every call returns the same objects (nothing is duplicated)."""

import base64
from dataclasses import dataclass

from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from apps.accounts.models import Role, School, SchoolNetwork
from apps.accounts.services import membership_grant, user_ensure
from apps.accounts.twofactor import RECOVERY_DEVICE_NAME, twofactor_mandatory

NETWORK_NAME = "Региональный проект «Эффективная школа» — Кинельский округ"
MAIN_SCHOOL = {
    "name": "МБОУ «Берёзовская средняя общеобразовательная школа»",
    "short_name": "Берёзовская СОШ",
    "municipality": "Кинельский муниципальный округ",
    "region": "Самарская область",
    "time_zone": "Europe/Samara",
    "is_network_leader": True,
}
PARTNER_SCHOOL = {
    "name": "ГБОУ «Ольховская основная общеобразовательная школа»",
    "short_name": "Ольховская ООШ",
    "municipality": "Кинельский муниципальный округ",
    "region": "Самарская область",
    "time_zone": "Europe/Samara",
    "is_network_leader": False,
}


@dataclass
class DemoLogin:
    email: str
    first_name: str
    patronymic: str
    last_name: str
    school_roles: dict  # school key → roles
    note: str
    # Coordinates the demo network (its dashboards), with or without a school.
    network_coordinator: bool = False


LOGINS = [
    DemoLogin(
        "director@berezovka.demo",
        "Татьяна",
        "Николаевна",
        "Гусева",
        {"main": [Role.ADMINISTRATOR]},
        "директор: реестр кадров, дашборды",
    ),
    DemoLogin(
        "zavuch@berezovka.demo",
        "Ольга",
        "Викторовна",
        "Миронова",
        {"main": [Role.DEPUTY_HEAD, Role.TEACHER]},
        "заместитель директора: ПТД, аттестация",
    ),
    DemoLogin(
        "curator@berezovka.demo",
        "Наталья",
        "Ивановна",
        "Соколова",
        {"main": [Role.CURATOR, Role.TEACHER], "partner": [Role.CURATOR]},
        "куратор пар и триад, сетевые пары в обеих школах; письма — дайджестом в 16:00",
    ),
    DemoLogin("teacher@berezovka.demo", "Анна", "Сергеевна", "Белова", {"main": [Role.TEACHER]}, "молодой специалист"),
    DemoLogin(
        "director@olkhovka.demo",
        "Виктор",
        "Павлович",
        "Лаптев",
        {"partner": [Role.ADMINISTRATOR]},
        "директор школы-партнёра",
    ),
    DemoLogin(
        "zavuch@olkhovka.demo",
        "Елена",
        "Андреевна",
        "Крылова",
        {"partner": [Role.DEPUTY_HEAD, Role.TEACHER]},
        "заместитель директора школы-партнёра",
    ),
    DemoLogin(
        "curator@olkhovka.demo",
        "Ирина",
        "Михайловна",
        "Зайцева",
        {"partner": [Role.CURATOR, Role.TEACHER]},
        "куратор школы-партнёра",
    ),
    DemoLogin(
        "teacher@olkhovka.demo", "Дмитрий", "Олегович", "Фомин", {"partner": [Role.TEACHER]}, "учитель школы-партнёра"
    ),
    DemoLogin(
        "coordinator@network.demo",
        "Людмила",
        "Петровна",
        "Савельева",
        {},
        "координатор сети: показатели школ рядом",
        network_coordinator=True,
    ),
]
SUPERUSER_EMAIL = "root@collabschool.demo"
# The demo logins that must use two-factor sign-in (administrators, the coordinator,
# the superuser)
# share this authenticator key (base32, to type into an app) and two recovery codes,
# which seed_demo puts back each time it runs. Demo only: real users make their own.
DEMO_TOTP_SECRET = "COLLABSCHOOLDEMOTOTPSECRETKEY234"  # nosec B105 - the demo's published key, printed by seed_demo
DEMO_RECOVERY_CODES = ["democode01", "democode02"]


def demo_schools():
    network, _ = SchoolNetwork.objects.get_or_create(
        name=NETWORK_NAME,
        defaults={
            "kind": SchoolNetwork.Kind.REGIONAL_PROJECT,
            "description": "Школа-лидер сопровождает школы с низкими результатами и разделяет ответственность за них.",
        },
    )
    schools = {}
    for key, fields in (("main", MAIN_SCHOOL), ("partner", PARTNER_SCHOOL)):
        school, _ = School.objects.get_or_create(name=fields["name"], defaults={**fields, "network": network})
        schools[key] = school
    return network, schools


def demo_users(*, schools, password):
    """Create (or refresh the password of) every demo login; returns email → user."""
    users = {}
    for login in LOGINS:
        user = user_ensure(
            email=login.email,
            first_name=login.first_name,
            last_name=login.last_name,
            patronymic=login.patronymic,
            password=password,
        )
        user.set_password(password)
        user.save(update_fields=["password"])
        for school_key, roles in login.school_roles.items():
            membership_grant(user=user, school=schools[school_key], roles=roles)
        if login.network_coordinator:
            schools["main"].network.coordinators.add(user)
        if twofactor_mandatory(user=user):
            demo_two_factor(user=user)
        users[login.email] = user
    root = user_ensure(email=SUPERUSER_EMAIL, first_name="Администратор", last_name="Системный", password=password)
    root.is_staff = root.is_superuser = True
    root.set_password(password)
    root.save(update_fields=["is_staff", "is_superuser", "password"])
    demo_two_factor(user=root)  # a superuser must use it too
    users[SUPERUSER_EMAIL] = root
    return users


def demo_two_factor(*, user):
    """Give a demo login the demo authenticator key and recovery codes (and no other)."""
    key = base64.b32decode(DEMO_TOTP_SECRET).hex()
    TOTPDevice.objects.filter(user=user).exclude(key=key, confirmed=True).delete()
    TOTPDevice.objects.get_or_create(user=user, key=key, confirmed=True, defaults={"name": "demo"})
    recovery, _ = StaticDevice.objects.get_or_create(user=user, name=RECOVERY_DEVICE_NAME, defaults={"confirmed": True})
    for code in DEMO_RECOVERY_CODES:
        StaticToken.objects.get_or_create(device=recovery, token=code)
