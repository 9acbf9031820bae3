"""The demo community: both schools' materials in every circle, versions,
comments with «помогло», an answered question and the persona's waiting one."""

from django.db.models import Count
from django.urls import reverse
from django.utils import timezone

from apps.accounts.models import Membership, User
from apps.community.models import Answer, Material, MaterialComment, Question
from apps.core.dates import school_today
from apps.core.tenancy import Circle
from apps.core.todos import todo_items, todo_scope
from apps.demo import accounts as accounts_demo
from apps.demo.community import seed_community
from conftest import client_for


def test_demo_community_in_both_schools(demo_database, db):
    _network, schools = accounts_demo.demo_schools()
    for school in schools.values():
        materials = Material.objects.filter(school=school)
        circles = dict(materials.values_list("circle").annotate(n=Count("pk")))
        assert circles == {Circle.DRAFT: 6, Circle.ASSOCIATION: 10, Circle.SCHOOL: 10, Circle.NETWORK: 10}
        assert set(materials.values_list("kind", flat=True)) == set(Material.Kind.values)
        assert materials.filter(current_version__gte=2).count() >= 8
        comments = MaterialComment.objects.filter(material__school=school)
        assert comments.filter(parent__isnull=False).exists()
        assert comments.filter(helped_at__isnull=False).exists()
        questions = Question.objects.filter(school=school)
        assert questions.filter(answers__is_accepted=True).exists()
        assert questions.filter(answers__isnull=True).exists()
    assert Answer.objects.filter(is_accepted=True).count() >= 2


def test_the_teacher_persona_has_an_answer_to_mark_and_the_pages_open(demo_database, db):
    _network, schools = accounts_demo.demo_schools()
    main = schools["main"]
    teacher = User.objects.get(email="teacher@berezovka.demo")
    scope = todo_scope(school=main, user=teacher, membership=Membership.objects.get(user=teacher, school=main))
    assert [item.kind for item in todo_items(scope=scope)].count("community_answer_accept") == 1
    client = client_for(teacher)
    assert client.get(reverse("community:material_list")).status_code == 200
    material = Material.objects.filter(school=main, comments__isnull=False, circle=Circle.SCHOOL).first()
    assert client.get(reverse("community:material_detail", args=[material.pk])).status_code == 200


def test_demo_community_is_seeded_once(demo_database, db):
    _network, schools = accounts_demo.demo_schools()
    users = accounts_demo.demo_users(schools=schools, password=demo_database.password)
    count = Material.objects.count()
    with timezone.override(schools["main"].tzinfo):
        assert seed_community(schools=schools, users=users, today=school_today(schools["main"])) is False
    assert Material.objects.count() == count
