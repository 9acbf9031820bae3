import datetime

import factory
from django.db import transaction
from django.utils import timezone

from apps.accounts.tests.factories import SchoolFactory
from apps.mentoring.models import GroupEvent, GroupEventParticipant, MentorGroup, MentorGroupMember, ProblemTag
from apps.staff.tests.factories import StaffMemberFactory


class ProblemTagFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ProblemTag

    school = factory.SubFactory(SchoolFactory)
    name = factory.Sequence(lambda n: f"Проблема {n}")


class MentorGroupFactory(factory.django.DjangoModelFactory):
    """A pair (or, with kind=TRIAD, a triad) with its members.

    `members=[staff, ...]` sets them (first is the mentor); otherwise new teachers
    of the school are made.
    """

    class Meta:
        model = MentorGroup
        skip_postgeneration_save = True

    school = factory.SubFactory(SchoolFactory)
    kind = MentorGroup.Kind.PAIR
    curator = factory.LazyAttribute(lambda o: StaffMemberFactory(school=o.school))
    task = "Научить учеников формулировать вопросы к тексту"
    observed_aspect = "Вопросы учителя на этапе целеполагания"
    starts_on = datetime.date(2026, 9, 1)
    planned_end_on = datetime.date(2027, 5, 31)
    status = MentorGroup.Status.ACTIVE

    @classmethod
    def create(cls, **kwargs):
        # The group and its members commit together (the composition trigger is deferred).
        with transaction.atomic():
            return super().create(**kwargs)

    @factory.post_generation
    def members(self, create, extracted, **kwargs):
        if not create:
            return
        staff = list(extracted or [])
        while len(staff) < self.size:
            staff.append(StaffMemberFactory(school=self.school))
        for slot, person in enumerate(staff, start=1):
            role = MentorGroupMember.Role.MENTOR if slot == 1 else MentorGroupMember.Role.MENTEE
            MentorGroupMember.objects.create(group=self, staff=person, role=role, slot=slot)


class GroupEventFactory(factory.django.DjangoModelFactory):
    """An event of a group's schedule; its participants are the members and the curator."""

    class Meta:
        model = GroupEvent
        skip_postgeneration_save = True

    group = factory.SubFactory(MentorGroupFactory)
    kind = GroupEvent.Kind.MEETING
    title = "Встреча пары"
    starts_at = factory.LazyFunction(lambda: timezone.now().replace(microsecond=0) + datetime.timedelta(days=1))
    ends_at = factory.LazyAttribute(lambda o: o.starts_at + datetime.timedelta(minutes=45))

    @factory.post_generation
    def with_participants(self, create, extracted, **kwargs):
        if not create:
            return
        people = [m.staff for m in self.group.members.all()] + [self.group.curator]
        for person in people:
            GroupEventParticipant.objects.create(event=self, staff=person)
