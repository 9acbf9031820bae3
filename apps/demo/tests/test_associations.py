"""The demo associations: the main school's ШМО year plan, its held meeting and the network association."""

import datetime

from django.utils import timezone

from apps.associations.models import Decision, Meeting, NetworkAssociation, YearPlan
from apps.core.dates import academic_year_of, school_today
from apps.demo import accounts as accounts_demo
from apps.demo.associations import ASSOCIATION, NETWORK_ASSOCIATION, seed_associations


def test_demo_associations_are_seeded_once(demo_database, db):
    _network, schools = accounts_demo.demo_schools()
    users = accounts_demo.demo_users(schools=schools, password=demo_database.password)
    main, partner = schools["main"], schools["partner"]
    today = school_today(main)
    with timezone.override(main.tzinfo):
        assert seed_associations(schools=schools, users=users, today=today) is False
    plan = YearPlan.objects.get(association__school=main, association__name=ASSOCIATION)
    assert plan.year == academic_year_of(today) and plan.head.last_name == "Соколова"
    meetings = list(plan.meetings.order_by("number"))
    assert len(meetings) == 5
    held, following = meetings[0], meetings[1]
    assert held.status == Meeting.Status.HELD and held.minutes and held.attendance.filter(present=True).count() >= 3
    assert following.status == Meeting.Status.PLANNED and following.planned_on > today
    decisions = Decision.objects.filter(meeting=held)
    assert decisions.count() == 3
    assert decisions.filter(done_on__isnull=False).count() == 1
    tomorrow = decisions.get(due_on=today + datetime.timedelta(days=1))
    assert tomorrow.done_on is None and tomorrow.responsible.user.email == "teacher@berezovka.demo"
    assert decisions.filter(done_on__isnull=True, due_on__lt=today).count() == 1
    assert YearPlan.objects.filter(association__school=partner, year=plan.year).exists()
    network_association = NetworkAssociation.objects.get(name=NETWORK_ASSOCIATION)
    assert set(network_association.members.values_list("association__school", flat=True)) == {main.pk, partner.pk}
