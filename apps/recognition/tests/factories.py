import factory
from django.utils import timezone

from apps.accounts.tests.factories import SchoolFactory
from apps.core.dates import academic_year_of, school_today
from apps.recognition.models import Recognition, RecognitionRecipient
from apps.staff.tests.factories import StaffMemberFactory


class RecognitionFactory(factory.django.DjangoModelFactory):
    """A recognition written now in its school. `recipients=[staff, ...]` names the
    people (one new colleague of the school when not given)."""

    class Meta:
        model = Recognition
        skip_postgeneration_save = True

    school = factory.SubFactory(SchoolFactory)
    author = factory.LazyAttribute(lambda o: StaffMemberFactory(school=o.school))
    text = factory.Sequence(lambda n: f"За открытый урок по смысловому чтению №{n} и разбор после него")
    created_at = factory.LazyFunction(timezone.now)
    year = factory.LazyAttribute(lambda o: academic_year_of(school_today(o.school, o.created_at)))

    @factory.post_generation
    def recipients(self, create, extracted, **kwargs):
        if not create:
            return
        people = extracted if extracted is not None else [StaffMemberFactory(school=self.school)]
        for person in people:
            RecognitionRecipient.objects.create(recognition=self, staff=person, school_id=person.school_id)
        if any(person.school_id != self.school_id for person in people) and not self.is_network:
            self.is_network = True
            self.save(update_fields=["is_network"])
