import datetime

import factory
from django.utils import timezone

from apps.accounts.tests.factories import SchoolFactory
from apps.staff.tests.factories import StaffMemberFactory
from apps.visits.models import Feedback, LessonVisit, VisitObserver


class LessonVisitFactory(factory.django.DjangoModelFactory):
    """A visit with one observer (pass `observers=[...]` for others).

    By default the lesson ended an hour ago and awaits its debrief."""

    class Meta:
        model = LessonVisit
        skip_postgeneration_save = True

    school = factory.SubFactory(SchoolFactory)
    kind = LessonVisit.Kind.PAIR_VISIT
    observed = factory.LazyAttribute(lambda o: StaffMemberFactory(school=o.school))
    starts_at = factory.LazyFunction(lambda: timezone.now().replace(microsecond=0) - datetime.timedelta(hours=2))
    ends_at = factory.LazyAttribute(lambda o: o.starts_at + datetime.timedelta(minutes=45))
    debrief_due_at = factory.LazyAttribute(lambda o: o.ends_at + datetime.timedelta(hours=o.school.debrief_hours))
    grade = "7Б"
    topic = "Причастный оборот"
    observed_aspect = "Вопросы учителя после объяснения"
    status = LessonVisit.Status.HELD

    @factory.post_generation
    def observers(self, create, extracted, **kwargs):
        if not create:
            return
        for person in extracted or [StaffMemberFactory(school=self.school)]:
            VisitObserver.objects.create(visit=self, staff=person)


class FeedbackFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Feedback

    visit = factory.SubFactory(LessonVisitFactory)
    observer = factory.LazyAttribute(lambda o: o.visit.observer_links.first().staff)
    facts = "Из 24 учеников 9 задали вопросы к тексту; учитель записал их на доске."
    toward_goal = "Ученики сами сформулировали цель после вопроса «Что нам нужно узнать?»"
    reconsider = "Время на самостоятельную работу — 4 минуты вместо запланированных 10."
    questions = "Что изменится, если дать ученикам выбрать вопрос для обсуждения?"
    next_step = "На следующем уроке дать 10 минут на работу в парах."
    debrief_held_at = factory.LazyAttribute(lambda o: o.visit.ends_at + datetime.timedelta(hours=3))
    submitted_at = factory.LazyAttribute(lambda o: o.debrief_held_at)
