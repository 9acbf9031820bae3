import datetime

import factory

from apps.accounts.tests.factories import SchoolFactory, SchoolNetworkFactory
from apps.core.dates import academic_year_of, school_today
from apps.help_programmes.models import Difficulty, HelpForm, HelpMilestone, Programme, Responsible


def leader_and_supported(leader=None, supported=None):
    """A leader school and a school of its network (made, or put into one network)."""
    leader = leader or SchoolFactory()
    if leader.network_id is None:
        leader.network = SchoolNetworkFactory()
    leader.is_network_leader = True
    leader.save()
    supported = supported or SchoolFactory()
    supported.network_id = leader.network_id
    supported.save()
    return leader, supported


class ProgrammeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Programme
        skip_postgeneration_save = True

    leader_school = factory.LazyFunction(lambda: leader_and_supported()[0])
    supported_school = factory.LazyAttribute(lambda o: leader_and_supported(o.leader_school)[1])
    network = factory.LazyAttribute(lambda o: o.leader_school.network)
    year = factory.LazyAttribute(lambda o: academic_year_of(school_today(o.leader_school)))
    title = factory.Sequence(lambda n: f"Программа взаимодействия и помощи №{n}")
    goal = "Повысить качество обучения через сетевое взаимодействие."
    status = Programme.Status.AGREED
    agreed_on = factory.LazyAttribute(
        lambda o: None if o.status == Programme.Status.DRAFT else school_today(o.leader_school)
    )


class DifficultyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Difficulty

    programme = factory.SubFactory(ProgrammeFactory)
    text = "Формирующее оценивание на уроке"


class HelpFormFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = HelpForm

    programme = factory.SubFactory(ProgrammeFactory)
    kind = HelpForm.Kind.TUTORING
    description = "Тьюторское сопровождение молодых педагогов"


class ResponsibleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Responsible

    programme = factory.SubFactory(ProgrammeFactory)
    side = Responsible.Side.LEADER
    role = "координатор программы"


class HelpMilestoneFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = HelpMilestone

    programme = factory.SubFactory(ProgrammeFactory)
    title = factory.Sequence(lambda n: f"Контрольная точка №{n}")
    due_on = factory.LazyAttribute(lambda o: school_today(o.programme.leader_school) + datetime.timedelta(days=30))
