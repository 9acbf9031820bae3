import datetime

import factory

from apps.accounts.tests.factories import SchoolFactory
from apps.staff.tests.factories import StaffMemberFactory
from apps.teams.models import Milestone, TaskTeam, TeamMember


class TaskTeamFactory(factory.django.DjangoModelFactory):
    """A working team. `lead=staff` names its lead, `members=[staff, ...]` its
    members; otherwise a new lead of the school is made."""

    class Meta:
        model = TaskTeam
        skip_postgeneration_save = True

    school = factory.SubFactory(SchoolFactory)
    kind = TaskTeam.Kind.TASK_TEAM
    title = factory.Sequence(lambda n: f"Команда {n}")
    task = "Подготовить проблемно-тематический день"
    expected_result = "Сценарий дня и методические материалы"
    deadline = factory.LazyFunction(lambda: datetime.date.today() + datetime.timedelta(days=90))
    status = TaskTeam.Status.WORKING

    @factory.post_generation
    def lead(self, create, extracted, **kwargs):
        if create:
            TeamMember.objects.create(
                team=self,
                staff=extracted or StaffMemberFactory(school=self.school),
                role=TeamMember.Role.LEAD,
                joined_on=datetime.date.today(),
            )

    @factory.post_generation
    def members(self, create, extracted, **kwargs):
        if create:
            for person in extracted or []:
                TeamMember.objects.create(
                    team=self, staff=person, role=TeamMember.Role.MEMBER, joined_on=datetime.date.today()
                )


class MilestoneFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Milestone

    team = factory.SubFactory(TaskTeamFactory)
    title = factory.Sequence(lambda n: f"Этап {n}")
    due_on = factory.LazyAttribute(lambda o: o.team.deadline - datetime.timedelta(days=10))
