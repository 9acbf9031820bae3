"""The demo partners build on the demo staff and can be seeded twice."""

from django.utils import timezone

from apps.core.dates import academic_year_of, school_today
from apps.demo import accounts as accounts_demo
from apps.demo.partners import seed_partners
from apps.partners.models import Agreement, JointActivity, PartnerOrganisation
from apps.partners.selectors import agreements_expiring, directions_overview


def test_demo_partners_are_seeded_once(demo_database, db):
    _network, schools = accounts_demo.demo_schools()
    users = accounts_demo.demo_users(schools=schools, password=demo_database.password)
    main = schools["main"]
    today = school_today(main)
    with timezone.override(main.tzinfo):
        # seed_demo has seeded them; seeding again adds nothing.
        assert seed_partners(schools=schools, users=users, today=today) is False
    partners = PartnerOrganisation.objects.filter(school=main)
    assert partners.count() == 16
    assert partners.get(name="Областная детская библиотека").stage == "partnership"
    assert partners.get(name="Областная детская библиотека").stage_changes.count() == 3
    assert [a.number for a in agreements_expiring(on=today, school=main)] == ["12/СП"]
    assert Agreement.objects.filter(partner__school=main).count() == 5
    activities = JointActivity.objects.filter(school=main)
    assert activities.count() == 13
    assert activities.filter(status="planned").count() == 1
    assert {row.name for row in directions_overview(school=main, year=academic_year_of(today))} == {
        "социально-педагогическое",
        "гражданско-патриотическое",
        "спортивно-оздоровительное",
        "профилактическое",
    }
