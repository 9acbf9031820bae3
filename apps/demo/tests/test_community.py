"""The demo community: both schools' materials in every circle, versions,
comments with «помогло», an answered question and the persona's waiting one."""

from django.urls import reverse
from django.utils import timezone

from apps.accounts.models import Membership, User
from apps.community.models import Answer, Material, MaterialComment, MaterialVersion, Question
from apps.core.dates import school_today
from apps.core.tenancy import Circle
from apps.core.todos import todo_items, todo_scope
from apps.demo import accounts as accounts_demo
from apps.demo.community import course_topics, seed_community
from conftest import client_for

PERSONAS = {"teacher@berezovka.demo", "teacher@olkhovka.demo"}


def test_demo_community_in_both_schools(demo_database, db):
    _network, schools = accounts_demo.demo_schools()
    for school in schools.values():
        materials = Material.objects.filter(school=school)
        for circle in (Circle.ASSOCIATION, Circle.SCHOOL, Circle.NETWORK):
            in_circle = materials.filter(circle=circle)
            assert in_circle.count() >= 30, (school, circle)
            assert set(in_circle.values_list("kind", flat=True)) == set(Material.Kind.values), (school, circle)
        drafts = materials.filter(circle=Circle.DRAFT)
        assert drafts.exists() and {m.author.user.email for m in drafts} <= set(PERSONAS)
        assert materials.filter(current_version__gte=2).count() >= 8
        # The demo walk opens a school-wide material with versions and comments.
        assert materials.filter(circle=Circle.SCHOOL, current_version__gte=2, comments__isnull=False).exists()
        assert MaterialVersion.objects.filter(material__school=school, number__gte=2).exclude(change_note="").exists()
        comments = MaterialComment.objects.filter(material__school=school)
        assert comments.filter(parent__isnull=False).exists()
        assert not comments.filter(parent__parent__isnull=False).exists()
        assert comments.filter(helped_at__isnull=False).exists()
        questions = Question.objects.filter(school=school)
        assert questions.filter(answers__is_accepted=True).exists()
        assert questions.filter(answers__isnull=True).exists()
    assert Answer.objects.filter(is_accepted=True).count() >= 2


def test_demo_materials_are_their_authors_subjects_and_differ_between_schools(demo_database, db):
    """A material's subject is one its author teaches, association materials are by
    the association's members, tags are the school's, and no title repeats."""
    _network, schools = accounts_demo.demo_schools()
    known = {(subject, topic) for subject, rows in course_topics().items() for topic, _grades in rows}
    titles, topics = {}, {}
    for key, school in schools.items():
        materials = Material.objects.filter(school=school).select_related("author", "subject")
        for material in materials.prefetch_related("author__subjects", "tags"):
            assert material.subject in set(material.author.subjects.all()), material.title
            assert (material.subject.name, material.topic) in known, material.title
            assert all(tag.school_id == school.pk for tag in material.tags.all())
            assert material.grades and all(1 <= g <= 11 for g in material.grades)
            if material.circle == Circle.ASSOCIATION:
                assert material.association_id == material.author.association_id is not None
        titles[key] = list(materials.values_list("title", flat=True))
        assert len(titles[key]) == len(set(titles[key])), key
        topics[key] = set(materials.values_list("topic", flat=True))
    assert not set(titles["main"]) & set(titles["partner"])
    assert not topics["main"] & topics["partner"]
    # A primary-school topic is taught in the primary grades, a chemistry one from the 8th.
    assert not Material.objects.filter(subject__name="Начальные классы", grades__overlap=list(range(5, 12))).exists()
    assert not Material.objects.filter(subject__name="Химия", grades__overlap=list(range(1, 8))).exists()


def test_the_teacher_persona_has_an_answer_to_mark_and_the_pages_open(demo_database, db):
    _network, schools = accounts_demo.demo_schools()
    main = schools["main"]
    teacher = User.objects.get(email="teacher@berezovka.demo")
    scope = todo_scope(school=main, user=teacher, membership=Membership.objects.get(user=teacher, school=main))
    assert [item.kind for item in todo_items(scope=scope)].count("community_answer_accept") == 1
    client = client_for(teacher)
    assert client.get(reverse("community:material_list")).status_code == 200
    partner_teacher = User.objects.get(email="teacher@olkhovka.demo")
    page = client_for(partner_teacher).get(reverse("community:material_list"))
    assert page.status_code == 200 and page.context["page"].paginator.count >= 90
    material = Material.objects.filter(school=main, comments__isnull=False, circle=Circle.SCHOOL).first()
    assert client.get(reverse("community:material_detail", args=[material.pk])).status_code == 200


def test_demo_community_is_seeded_once(demo_database, db):
    _network, schools = accounts_demo.demo_schools()
    users = accounts_demo.demo_users(schools=schools, password=demo_database.password)
    count = Material.objects.count()
    with timezone.override(schools["main"].tzinfo):
        assert seed_community(schools=schools, users=users, today=school_today(schools["main"])) is False
    assert Material.objects.count() == count
