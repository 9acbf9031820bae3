import datetime
import io

import pytest
from django.apps import apps as django_apps
from django.core.management import call_command

from apps.accounts.models import Membership, Role, School, User
from apps.audit.models import AuditEvent
from apps.core.dates import academic_year_of, school_today
from apps.core.shares import percent
from apps.dashboards.aggregates import category_counts
from apps.dashboards.models import YearSummary
from apps.demo.staff import CATEGORY_SHARES
from apps.demo.tests.fixtures import DEMO_TEST_PASSWORD
from apps.mentoring.models import DevelopmentRoute, GroupEvent, MentorGroup
from apps.staff.models import ErasureRecord, StaffMember
from apps.staff.selectors import staff_overview


def _shares(demo, month, day):
    """{year: (highest %, first %)} on the day of each reported year, by the dashboards' statement."""
    dates = {year: datetime.date(year, month, day) for year in CATEGORY_SHARES}
    return {
        row["year"]: (
            percent(row["highest"], row["headcount"], places=1),
            percent(row["first"], row["headcount"], places=1),
        )
        for row in category_counts(schools=[demo.pk], dates=dates)
    }


@pytest.mark.parametrize("month,day", [(9, 1), (12, 31)])
def test_demo_reproduces_the_seeds_category_shares(demo, month, day):
    """On the dashboards' default reference day (1 September) and at the year's end."""
    shares = _shares(demo, month, day)
    for year, (highest, first) in CATEGORY_SHARES.items():
        assert abs(shares[year][0] - highest) <= 1.0, (year, shares[year])
        assert abs(shares[year][1] - first) <= 1.0, (year, shares[year])
    # The shares grow year by year, as in the report.
    series = [shares[year][0] for year in sorted(_shares(demo, 12, 31))]
    assert series == sorted(series)


def test_demo_school_has_about_28_teachers_and_a_partner(demo):
    overview = staff_overview(school=demo)
    assert 26 <= overview["active"] <= 30
    assert overview["early_career"] >= 2
    assert overview["attestations_due"] >= 1
    partner = School.objects.exclude(pk=demo.pk).get()
    assert partner.network == demo.network and demo.is_network_leader
    assert StaffMember.objects.for_school(partner).count() >= 10


def test_every_role_has_a_demo_login_in_both_schools(demo):
    for school in School.objects.all():
        roles = {role for m in Membership.objects.filter(school=school) for role in m.roles}
        assert roles == set(Role.values), school
    curator = User.objects.get(email="curator@berezovka.demo")
    assert curator.memberships.count() == 2
    assert curator.check_password(DEMO_TEST_PASSWORD)


def test_demo_has_pairs_triads_a_network_pair_and_routes(demo):
    groups = MentorGroup.objects.for_school(demo)
    assert groups.filter(kind="pair", status="active").count() >= 2
    assert groups.filter(kind="triad").exists()
    network = groups.get(partner_school__isnull=False)
    assert network.results.count() >= 1 or network.starts_on.month <= 3
    assert {m.staff.school_id for m in network.members.all()} == {demo.pk, network.partner_school_id}
    assert GroupEvent.objects.filter(group__school=demo, status="planned").exists()
    assert DevelopmentRoute.objects.for_school(demo).count() >= 2


def _row_counts():
    """Rows of every table of the project's apps and of the two-factor devices."""
    return {
        model._meta.label: model._base_manager.count()
        for model in django_apps.get_models()
        if model._meta.app_config.name.startswith(("apps.", "django_otp."))
    }


def test_seeding_twice_duplicates_nothing(demo):
    """Seeding again reuses every demo object, the erasure and the past years' history
    included, and sets the logins' password again."""
    last_year = academic_year_of(school_today(demo)) - 1
    history = YearSummary.objects.get(school=demo, association=None, year=last_year)
    counts = _row_counts()
    assert ErasureRecord.objects.count() == 1 and AuditEvent.objects.exists()

    call_command("seed_demo", password="demo-pass-2", stdout=io.StringIO())

    assert _row_counts() == counts
    again = YearSummary.objects.get(school=demo, association=None, year=last_year)
    assert (again.visits_held, again.covered, again.ties) == (history.visits_held, history.covered, history.ties)
    assert User.objects.get(email="teacher@berezovka.demo").check_password("demo-pass-2")
