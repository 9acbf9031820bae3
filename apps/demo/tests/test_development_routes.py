"""The demo development routes, seeded on the demo staff of a bare school."""

from apps.accounts.models import Role
from apps.accounts.tests.factories import MembershipFactory, UserFactory
from apps.core.dates import school_today
from apps.demo.development_routes import seed_development_routes
from apps.demo.staff import seed_main_school
from apps.mentoring.models import DevelopmentRoute, RouteStep


def test_demo_gives_every_early_career_teacher_a_route(school):
    today = school_today(school)
    curator_user = UserFactory(last_name="Соколова", first_name="Наталья")
    MembershipFactory(school=school, user=curator_user, roles=[Role.CURATOR, Role.TEACHER])
    seed_main_school(school=school, users_by_name={("Соколова", "Наталья"): curator_user}, today=today)

    routes = seed_development_routes(school=school, today=today)

    assert sorted(r.teacher.last_name for r in routes) == ["Белова", "Осипова", "Титов"]
    assert len({r.mentor_id for r in routes}) == 3
    for route in routes:
        assert route.mentor.user_id != curator_user.pk
        assert route.mentor.position.startswith("учитель")
        steps = list(route.steps.all())
        assert 3 <= len(steps) <= 5
        overdue = [s for s in steps if s.status in ("planned", "in_progress") and s.due_on < today]
        done = [s for s in steps if s.status == RouteStep.Status.DONE]
        assert len(overdue) == 1
        assert len(done) == 1 and done[0].evidence_link and done[0].completed_on <= today
    assert seed_development_routes(school=school, today=today) == []
    assert DevelopmentRoute.objects.count() == 3
