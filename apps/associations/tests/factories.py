import datetime

import factory
from django.utils import timezone

from apps.accounts.tests.factories import SchoolNetworkFactory
from apps.associations.models import Decision, Meeting, NetworkAssociation, NetworkAssociationMember, YearPlan
from apps.core.dates import academic_year_of
from apps.staff.tests.factories import StaffMemberFactory, SubjectAssociationFactory


class YearPlanFactory(factory.django.DjangoModelFactory):
    """This academic year's plan of an association (of the school of `association`)."""

    class Meta:
        model = YearPlan

    association = factory.SubFactory(SubjectAssociationFactory)
    school = factory.LazyAttribute(lambda o: o.association.school)
    year = factory.LazyFunction(lambda: academic_year_of(timezone.localdate()))
    head = factory.LazyAttribute(lambda o: StaffMemberFactory(school=o.school, association=o.association))
    theme = "Формирующее оценивание на уроках русского языка и литературы"
    goals = "Освоить приёмы смыслового чтения; провести взаимопосещения уроков."


class MeetingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Meeting

    plan = factory.SubFactory(YearPlanFactory)
    school = factory.LazyAttribute(lambda o: o.plan.school)
    number = factory.Sequence(lambda n: n + 1)
    planned_on = factory.LazyFunction(lambda: timezone.localdate() + datetime.timedelta(days=7))
    agenda = "1. Итоги взаимопосещений.\n2. Подготовка к предметной неделе."


class HeldMeetingFactory(MeetingFactory):
    status = Meeting.Status.HELD
    planned_on = factory.LazyFunction(lambda: timezone.localdate() - datetime.timedelta(days=3))
    held_on = factory.LazyAttribute(lambda o: o.planned_on)


class DecisionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Decision

    meeting = factory.SubFactory(HeldMeetingFactory)
    school = factory.LazyAttribute(lambda o: o.meeting.school)
    text = factory.Sequence(lambda n: f"Провести открытый урок № {n}")
    responsible = factory.LazyAttribute(lambda o: StaffMemberFactory(school=o.school))
    due_on = factory.LazyFunction(lambda: timezone.localdate() + datetime.timedelta(days=14))


def network_association(*, lead, others=(), name="Сетевое МО учителей русского языка и литературы"):
    """A network association led by the association `lead`, its school put in a
    network if it is in none, with the associations `others` as members too."""
    school = lead.school
    if school.network_id is None:
        school.network = SchoolNetworkFactory()
        school.save(update_fields=["network"])
    network = school.network
    created = NetworkAssociation.objects.create(
        network=network, name=name, subject_name="Русский язык", lead_association=lead, school=school
    )
    NetworkAssociationMember.objects.create(network_association=created, association=lead)
    for association in others:
        if association.school.network_id != network.pk:
            association.school.network = network
            association.school.save(update_fields=["network"])
        NetworkAssociationMember.objects.create(network_association=created, association=association)
    return created
