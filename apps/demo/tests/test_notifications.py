"""The demo's choices of letters: the curator reads hers in a daily digest."""

from apps.accounts.models import User
from apps.demo import accounts as accounts_demo
from apps.demo.notifications import DIGEST_HOUR, DIGEST_LOGIN
from apps.notifications.models import Delivery, DigestSchedule, Notification


def test_the_demo_curator_gets_her_visit_notifications_in_a_daily_digest(demo_database, db):
    _network, schools = accounts_demo.demo_schools()
    curator = User.objects.get(email=DIGEST_LOGIN)
    assert DigestSchedule.objects.get(user=curator, school=schools["main"]).hour == DIGEST_HOUR
    hers = Notification.objects.filter(user=curator, school=schools["main"], kind=Notification.Kind.DEBRIEF_OVERDUE)
    assert hers.exists()
    assert set(hers.values_list("delivery", flat=True)) == {Delivery.DIGEST}
    # Her colleagues keep a letter at once.
    others = Notification.objects.filter(school=schools["main"]).exclude(user=curator)
    assert set(others.values_list("delivery", flat=True)) == {Delivery.IMMEDIATE}
