import datetime

import factory
from django.utils import timezone

from apps.accounts.tests.factories import SchoolFactory
from apps.network_events.models import Event, Invitation, Registration
from apps.staff.tests.factories import StaffMemberFactory


def in_days(days, hour=15, *, school):
    """An aware moment `days` from the school's today at `hour`, the school's own time."""
    today = timezone.localtime(timezone.now(), school.tzinfo).date()
    return datetime.datetime.combine(today + datetime.timedelta(days=days), datetime.time(hour), tzinfo=school.tzinfo)


class EventFactory(factory.django.DjangoModelFactory):
    """A planned school-circle seminar in ten days, 15:00–16:30 the organiser's time.
    `leads=[staff, ...]` names its leads."""

    class Meta:
        model = Event
        skip_postgeneration_save = True

    school = factory.SubFactory(SchoolFactory)
    created_by = factory.LazyAttribute(lambda o: StaffMemberFactory(school=o.school))
    kind = Event.Kind.SEMINAR
    title = factory.Sequence(lambda n: f"Семинар «Смысловое чтение» №{n}")
    starts_at = factory.LazyAttribute(lambda o: in_days(10, 15, school=o.school))
    ends_at = factory.LazyAttribute(lambda o: o.starts_at + datetime.timedelta(minutes=90))
    place = "Актовый зал"
    circle = "school"

    @factory.post_generation
    def leads(self, create, extracted, **kwargs):
        if create and extracted:
            self.leads.set(extracted)


class InvitationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Invitation

    event = factory.SubFactory(EventFactory)


class RegistrationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Registration

    event = factory.SubFactory(EventFactory)
    staff = factory.LazyAttribute(lambda o: StaffMemberFactory(school=o.event.school))
    school = factory.LazyAttribute(lambda o: o.staff.school)
    created_at = factory.LazyFunction(timezone.now)
