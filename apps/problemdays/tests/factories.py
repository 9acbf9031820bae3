import datetime

import factory

from apps.accounts.tests.factories import SchoolFactory
from apps.problemdays.models import DayActivity, ProblemDay, ThemeIdea


def at(day, hour, minute=0):
    """An aware datetime on `day.date` at local time in the day's school."""
    return datetime.datetime.combine(day.date, datetime.time(hour, minute), tzinfo=day.school.tzinfo)


class ProblemDayFactory(factory.django.DjangoModelFactory):
    """A day in planning. `organisers=[staff, ...]` names its organisers."""

    class Meta:
        model = ProblemDay
        skip_postgeneration_save = True

    school = factory.SubFactory(SchoolFactory)
    date = factory.LazyFunction(lambda: datetime.date.today() + datetime.timedelta(days=30))
    working_title = factory.Sequence(lambda n: f"Проблемный день {n}")
    problem_question = "Что значит помнить?"
    status = ProblemDay.Status.PLANNING

    @factory.post_generation
    def organisers(self, create, extracted, **kwargs):
        if create and extracted:
            self.organisers.set(extracted)


class ThemeIdeaFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ThemeIdea

    day = factory.SubFactory(ProblemDayFactory)
    title = factory.Sequence(lambda n: f"Тема {n}")
    proposed_by_kind = ThemeIdea.ProposedBy.CLASS
    proposed_by = "7 «Б»"
    votes = 3


class DayActivityFactory(factory.django.DjangoModelFactory):
    """An activity from 10:00 to 10:45 of its day. `responsible=[staff, ...]`."""

    class Meta:
        model = DayActivity
        skip_postgeneration_save = True

    day = factory.SubFactory(ProblemDayFactory)
    title = factory.Sequence(lambda n: f"Классный час {n}")
    kind = DayActivity.Kind.CLASS_HOUR
    starts_at = factory.LazyAttribute(lambda o: at(o.day, 10))
    ends_at = factory.LazyAttribute(lambda o: at(o.day, 10, 45))
    place = factory.Sequence(lambda n: f"Кабинет {n}")

    @factory.post_generation
    def responsible(self, create, extracted, **kwargs):
        if create and extracted:
            self.responsible.set(extracted)
