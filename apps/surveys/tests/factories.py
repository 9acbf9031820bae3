import datetime

import factory

from apps.accounts.tests.factories import SchoolFactory
from apps.staff.tests.factories import StaffMemberFactory
from apps.surveys.models import SurveyParticipant, SurveyRound


class SurveyRoundFactory(factory.django.DjangoModelFactory):
    """An open round (today inside its dates). `people=[staff, ...]` are its
    participants; otherwise `size` new staff of the school are made."""

    class Meta:
        model = SurveyRound
        skip_postgeneration_save = True

    school = factory.SubFactory(SchoolFactory)
    name = factory.Sequence(lambda n: f"Опрос {n}")
    opens_on = factory.LazyFunction(lambda: datetime.date.today() - datetime.timedelta(days=7))
    closes_on = factory.LazyFunction(lambda: datetime.date.today() + datetime.timedelta(days=7))
    max_choices = 5
    min_respondents = 5

    @factory.post_generation
    def people(self, create, extracted, size=3, **kwargs):
        if not create:
            return
        people = extracted if extracted is not None else [StaffMemberFactory(school=self.school) for _ in range(size)]
        SurveyParticipant.objects.bulk_create([SurveyParticipant(round=self, staff=p) for p in people])
