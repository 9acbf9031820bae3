import factory

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
