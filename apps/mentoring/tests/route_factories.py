"""Factories of development routes and their steps."""

import datetime

import factory

from apps.accounts.tests.factories import SchoolFactory
from apps.mentoring.models import CalendarFeed, DevelopmentRoute, RouteStep
from apps.staff.tests.factories import StaffMemberFactory


def _a_year_ago():
    return datetime.date.today() - datetime.timedelta(days=365)


class EarlyCareerTeacherFactory(StaffMemberFactory):
    """A teacher in their second year of teaching (early-career, under three years)."""

    teaching_since = factory.LazyFunction(_a_year_ago)
    hired_on = factory.LazyAttribute(lambda o: o.teaching_since)


class DevelopmentRouteFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = DevelopmentRoute

    school = factory.SubFactory(SchoolFactory)
    teacher = factory.LazyAttribute(lambda o: EarlyCareerTeacherFactory(school=o.school))
    mentor = factory.LazyAttribute(lambda o: StaffMemberFactory(school=o.school))
    goals = "Освоить приёмы формирующего оценивания; выстроить дисциплину на уроке."
    starts_on = factory.LazyFunction(lambda: datetime.date.today() - datetime.timedelta(days=60))


class RouteStepFactory(factory.django.DjangoModelFactory):
    """A planned step due a month after its route starts; the route's mentor answers for it."""

    class Meta:
        model = RouteStep

    route = factory.SubFactory(DevelopmentRouteFactory)
    title = factory.Sequence(lambda n: f"Посетить урок наставника №{n}")
    due_on = factory.LazyAttribute(lambda o: o.route.starts_on + datetime.timedelta(days=30))
    responsible = factory.LazyAttribute(lambda o: o.route.mentor)
    status = RouteStep.Status.PLANNED
    completed_on = factory.LazyAttribute(lambda o: o.due_on if o.status == RouteStep.Status.DONE else None)


class CalendarFeedFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CalendarFeed
