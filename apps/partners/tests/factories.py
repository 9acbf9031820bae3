import datetime

import factory

from apps.accounts.tests.factories import SchoolFactory
from apps.partners.models import (
    Agreement,
    JointActivity,
    PartnerContact,
    PartnerDirection,
    PartnerOrganisation,
    StageChange,
)
from apps.staff.tests.factories import StaffMemberFactory


class PartnerDirectionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PartnerDirection

    school = factory.SubFactory(SchoolFactory)
    name = factory.Sequence(lambda n: f"Направление {n}")


class PartnerOrganisationFactory(factory.django.DjangoModelFactory):
    """A partner with its first stage in the history."""

    class Meta:
        model = PartnerOrganisation
        skip_postgeneration_save = True

    school = factory.SubFactory(SchoolFactory)
    name = factory.Sequence(lambda n: f"Детская библиотека №{n}")
    kind = PartnerOrganisation.Kind.LIBRARY
    direction = factory.LazyAttribute(lambda o: PartnerDirectionFactory(school=o.school))
    address = "ул. Ленина, 1"

    @factory.post_generation
    def history(self, create, extracted, **kwargs):
        if create:
            StageChange.objects.create(partner=self, stage=self.stage, changed_on=datetime.date(2025, 9, 1))


class PartnerContactFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PartnerContact

    partner = factory.SubFactory(PartnerOrganisationFactory)
    name = factory.Sequence(lambda n: f"Смирнова Ирина {n}")
    role = "заведующая"
    phone = "+7 (846) 123-45-67"
    email = factory.Sequence(lambda n: f"contact{n}@partner.test")


class AgreementFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Agreement

    partner = factory.SubFactory(PartnerOrganisationFactory)
    number = factory.Sequence(lambda n: f"{n}/СП")
    signed_on = datetime.date(2025, 9, 1)
    valid_until = datetime.date(2027, 8, 31)
    subject = "О сотрудничестве в воспитательной работе"


class JointActivityFactory(factory.django.DjangoModelFactory):
    """An activity of the school; `partners=[...]` and `teachers=[...]` name its
    rows, otherwise a new partner of the school is made."""

    class Meta:
        model = JointActivity
        skip_postgeneration_save = True

    school = factory.SubFactory(SchoolFactory)
    title = factory.Sequence(lambda n: f"Библиотечный урок {n}")
    starts_on = datetime.date(2025, 10, 15)
    kind = JointActivity.Kind.IMPLEMENTATION
    mechanism = JointActivity.Mechanism.CAMPAIGN
    product_text = "Выставка читательских рисунков"
    responsible = factory.LazyAttribute(lambda o: StaffMemberFactory(school=o.school))
    students_count = 25
    status = JointActivity.Status.HELD

    @factory.post_generation
    def partners(self, create, extracted, **kwargs):
        if create:
            self.partners.set(extracted or [PartnerOrganisationFactory(school=self.school)])

    @factory.post_generation
    def teachers(self, create, extracted, **kwargs):
        if create and extracted:
            self.teachers.set(extracted)
