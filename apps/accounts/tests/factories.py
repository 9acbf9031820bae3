import base64

import factory
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from apps.accounts.models import Membership, Role, School, SchoolNetwork, User


class SchoolNetworkFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SchoolNetwork

    name = factory.Sequence(lambda n: f"Сеть школ №{n}")


class SchoolFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = School

    name = factory.Sequence(lambda n: f"МБОУ «Школа №{n}»")
    short_name = factory.Sequence(lambda n: f"Школа №{n}")
    municipality = "Кинельский муниципальный округ"
    region = "Самарская область"
    time_zone = "Europe/Moscow"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"user{n}@school.test")
    first_name = "Анна"
    last_name = factory.Sequence(lambda n: f"Иванова{n}")
    password = factory.django.Password("correct-horse-42")


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    school = factory.SubFactory(SchoolFactory)
    roles = factory.LazyFunction(lambda: [Role.TEACHER])


class TOTPDeviceFactory(factory.django.DjangoModelFactory):
    """An authenticator app the user has already confirmed."""

    class Meta:
        model = TOTPDevice

    user = factory.SubFactory(UserFactory)
    name = "authenticator"
    confirmed = True


def totp_code(device) -> str:
    """The six digits the user's authenticator app shows now."""
    return f"{totp(device.bin_key, device.step, device.t0, device.digits, device.drift):06d}"


def totp_code_for_secret(secret: str) -> str:
    """The code for a base32 key as the setup page shows it (spaces allowed)."""
    secret = "".join(secret.split()).upper()
    return f"{totp(base64.b32decode(secret + '=' * (-len(secret) % 8))):06d}"
