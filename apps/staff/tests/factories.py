import datetime

import factory

from apps.accounts.tests.factories import SchoolFactory
from apps.core.dates import add_years
from apps.staff.models import (
    Achievement,
    CategoryAward,
    QualificationCategory,
    StaffImport,
    StaffMember,
    Subject,
    SubjectAssociation,
)


class SubjectFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Subject

    school = factory.SubFactory(SchoolFactory)
    name = factory.Sequence(lambda n: f"Предмет {n}")


class SubjectAssociationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SubjectAssociation

    school = factory.SubFactory(SchoolFactory)
    name = factory.Sequence(lambda n: f"ШМО №{n}")


class StaffMemberFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = StaffMember
        skip_postgeneration_save = True

    school = factory.SubFactory(SchoolFactory)
    last_name = factory.Sequence(lambda n: f"Петрова{n}")
    first_name = "Мария"
    patronymic = "Ивановна"
    position = "учитель"
    teaching_since = datetime.date(2010, 9, 1)
    hired_on = datetime.date(2012, 8, 30)
    association = factory.LazyAttribute(lambda o: SubjectAssociationFactory(school=o.school))

    @factory.post_generation
    def subjects(self, create, extracted, **kwargs):
        if create:
            self.subjects.set(extracted if extracted is not None else [SubjectFactory(school=self.school)])


class CategoryAwardFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CategoryAward

    staff = factory.SubFactory(StaffMemberFactory)
    category = QualificationCategory.FIRST
    awarded_on = datetime.date(2022, 12, 20)
    valid_until = factory.LazyAttribute(lambda o: add_years(o.awarded_on, 5))
    order_number = "№ 1-к"


class AchievementFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Achievement

    staff = factory.SubFactory(StaffMemberFactory)
    kind = Achievement.Kind.CONTEST
    title = "«Учитель года»"
    date = datetime.date(2024, 3, 1)
    level = Achievement.Level.MUNICIPAL
    result = Achievement.Result.PRIZE_WINNER


class StaffImportFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = StaffImport

    school = factory.SubFactory(SchoolFactory)
    file_name = "staff.csv"
    content = "Фамилия;Имя;Начало педагогической деятельности;Дата приёма\nОрлов;Иван;01.09.2015;01.09.2016\n".encode()
