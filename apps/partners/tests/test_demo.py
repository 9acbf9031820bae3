"""The demo partners build on the demo staff and can be seeded twice."""

import io

from django.core.management import call_command
from django.utils import timezone

from apps.accounts import demo as accounts_demo
from apps.core.dates import academic_year_of, school_today
from apps.partners.demo import seed_partners
from apps.partners.models import Agreement, JointActivity, PartnerOrganisation
from apps.partners.selectors import agreements_expiring, directions_overview


def test_demo_partners_are_seeded_once(db):
    call_command("seed_demo", password="demo-pass-123", stdout=io.StringIO())
    _network, schools = accounts_demo.demo_schools()
    users = accounts_demo.demo_users(schools=schools, password="demo-pass-123")
    main = schools["main"]
    today = school_today(main)
    with timezone.override(main.tzinfo):
        # True until seed_demo seeds them itself; either way a second run adds nothing.
        seed_partners(schools=schools, users=users, today=today)
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
