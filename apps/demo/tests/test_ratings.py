"""The demo's collective-work rating: the criteria on collective work, last quarter approved
with the demo teacher's remark answered, this quarter open and computed."""

from apps.accounts.models import School
from apps.core.indicators import INDICATORS
from apps.demo.accounts import MAIN_SCHOOL
from apps.demo.ratings import CRITERIA
from apps.ratings.models import CommissionMember, Criterion, RatingPeriod, Remark, Sheet


def test_demo_has_an_approved_quarter_with_an_answered_remark_and_an_open_quarter(demo):
    school = School.objects.get(short_name=MAIN_SCHOOL["short_name"])
    criteria = Criterion.objects.filter(school=school, is_active=True)
    assert criteria.filter(indicator_key="").count() == 1
    # One criterion for each indicator of the demo's set that the catalogue holds.
    registered = {key for key, *_rest in CRITERIA if key and INDICATORS.get(key) is not None}
    assert set(criteria.exclude(indicator_key="").values_list("indicator_key", flat=True)) == registered
    assert CommissionMember.objects.filter(school=school, staff__user__email="zavuch@berezovka.demo").exists()
    approved, current = RatingPeriod.objects.filter(school=school, kind="quarter").order_by("starts_on")
    assert approved.is_approved and approved.approved_at <= current.computed_at
    assert not current.is_approved and current.computed_at is not None
    remark = Remark.objects.get(period=approved)
    assert remark.is_answered and remark.sheet.staff.user.email == "teacher@berezovka.demo"
    assert remark.filed_at < remark.answered_at <= approved.approved_at
    assert Sheet.objects.filter(period=approved, total__gt=0).count() >= 1
    deputy = CommissionMember.objects.get(school=school).staff
    assert deputy.full_name in approved.commission_names.splitlines()
