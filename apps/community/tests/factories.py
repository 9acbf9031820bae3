import factory
from django.utils import timezone

from apps.accounts.tests.factories import SchoolFactory
from apps.community.models import Answer, Material, MaterialComment, MaterialVersion, Question
from apps.core.tenancy import Circle
from apps.staff.tests.factories import StaffMemberFactory


class MaterialFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Material
        skip_postgeneration_save = True

    school = factory.SubFactory(SchoolFactory)
    author = factory.SubFactory(StaffMemberFactory, school=factory.SelfAttribute("..school"))
    circle = Circle.SCHOOL
    kind = Material.Kind.LESSON_PLAN
    title = factory.Sequence(lambda n: f"Конспект урока {n}")
    topic = "Смысловое чтение"
    description = "Приёмы смыслового чтения на уроках литературы."
    grades = factory.List([5, 6])
    association = factory.LazyAttribute(lambda o: o.author.association if o.circle == Circle.ASSOCIATION else None)
    published_at = factory.LazyAttribute(lambda o: None if o.circle == Circle.DRAFT else timezone.now())

    @factory.post_generation
    def first_version(obj, create, extracted, **kwargs):
        if create:
            MaterialVersion.objects.create(
                material=obj, number=1, link="https://example.org/plan", title=obj.title, description=obj.description
            )


class MaterialCommentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = MaterialComment

    material = factory.SubFactory(MaterialFactory)
    version = factory.LazyAttribute(lambda o: o.material.versions.order_by("-number").first())
    school = factory.LazyAttribute(lambda o: o.material.school)
    author = factory.SubFactory(StaffMemberFactory, school=factory.SelfAttribute("..school"))
    text = "Опишите, как вы проверяете понимание текста на этапе рефлексии."


class QuestionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Question

    school = factory.SubFactory(SchoolFactory)
    author = factory.SubFactory(StaffMemberFactory, school=factory.SelfAttribute("..school"))
    circle = Circle.SCHOOL
    title = factory.Sequence(lambda n: f"Как организовать работу в парах? ({n})")
    body = "В 6 классе ученики не слышат друг друга при работе в парах."
    association = factory.LazyAttribute(lambda o: o.author.association if o.circle == Circle.ASSOCIATION else None)
    published_at = factory.LazyAttribute(lambda o: None if o.circle == Circle.DRAFT else timezone.now())


class AnswerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Answer

    question = factory.SubFactory(QuestionFactory)
    school = factory.LazyAttribute(lambda o: o.question.school)
    author = factory.SubFactory(StaffMemberFactory, school=factory.SelfAttribute("..school"))
    text = "Попробуйте роли в паре: говорящий и слушающий, с карточкой-опорой."
