"""The demo teams build on the demo staff and can be seeded twice."""

from django.utils import timezone

from apps.core.dates import school_today
from apps.demo import accounts as accounts_demo
from apps.demo.teams import seed_teams
from apps.teams.models import TaskTeam


def test_demo_teams_are_seeded_once(demo_database, db):
    _network, schools = accounts_demo.demo_schools()
    users = accounts_demo.demo_users(schools=schools, password=demo_database.password)
    today = school_today(schools["main"])
    # seed_demo has seeded them; seeding again adds nothing.
    count = TaskTeam.objects.count()
    with timezone.override(schools["main"].tzinfo):
        assert seed_teams(schools=schools, users=users, today=today) is False
    assert TaskTeam.objects.count() == count
    teams = TaskTeam.objects.filter(school=schools["main"])
    assert teams.filter(status="working").count() == 2
    dissolved = teams.get(status="dissolved")
    assert dissolved.outcome.kind == "model_concept"
    assert teams.get(predecessor=dissolved).title == "Внедрение модели наставничества"
    assert (
        teams.get(title="Подготовка к проблемно-тематическому дню").members.get(role="lead").staff.last_name
        == "Миронова"
    )
