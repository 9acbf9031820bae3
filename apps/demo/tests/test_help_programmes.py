"""The demo programme of help: this year's with its parts, last year's reviewed; seeded once."""

from django.utils import timezone

from apps.core.dates import academic_year_of, school_today
from apps.demo import accounts as accounts_demo
from apps.demo.help_programmes import seed_help_programmes
from apps.help_programmes.models import HelpForm, Programme


def test_demo_programme_of_help(demo_database, db):
    _network, schools = accounts_demo.demo_schools()
    main, partner = schools["main"], schools["partner"]
    today = school_today(main)
    count = Programme.objects.count()
    with timezone.override(main.tzinfo):
        assert seed_help_programmes(schools=schools, today=today) is False
    assert Programme.objects.count() == count

    this_year = Programme.objects.get(leader_school=main, supported_school=partner, year=academic_year_of(today))
    assert this_year.status == Programme.Status.AGREED
    assert this_year.difficulties.count() == 3 and this_year.help_forms.count() == 5
    pair_form = this_year.help_forms.get(kind=HelpForm.Kind.NETWORK_PAIR)
    assert pair_form.group.partner_school == partner
    # The shared materials form links the leader school's materials shared with the network.
    shared = this_year.help_forms.get(kind=HelpForm.Kind.SHARED_MATERIALS).materials.all()
    assert len(shared) == 3 and all(m.school == main and m.circle == "network" for m in shared)
    assert {r.side for r in this_year.responsibles.all()} == {"leader", "supported"}
    milestones = list(this_year.milestones.all())
    assert len(milestones) == 6
    assert any(m.done_on for m in milestones)
    assert any(not m.done_on and m.due_on < today for m in milestones)
    assert any(m.due_on > today for m in milestones)

    last_year = Programme.objects.get(leader_school=main, supported_school=partner, year=this_year.year - 1)
    assert last_year.status == Programme.Status.REVIEWED
    assert last_year.review_leader and last_year.review_supported and last_year.results
