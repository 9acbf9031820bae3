import datetime

from django.core import mail
from django.utils import timezone

from apps.accounts.tests.factories import MembershipFactory
from apps.notifications.models import Notification
from apps.notifications.tasks import MAX_EMAIL_ATTEMPTS, notification_email_send


def _notification(school, **fields):
    user = MembershipFactory(school=school).user
    fields = {"kind": "debrief_overdue", "key": "visit:1", "title": "Обсуждение просрочено", **fields}
    return Notification.objects.create(user=user, school=school, **fields)


def test_a_worker_that_died_mid_send_is_taken_over_after_the_lease(school):
    stale = _notification(school, email_claimed_at=timezone.now() - datetime.timedelta(minutes=11), email_attempts=1)
    fresh = _notification(school, email_claimed_at=timezone.now(), email_attempts=1, key="visit:2")
    notification_email_send.run(notification_id=stale.pk)
    notification_email_send.run(notification_id=fresh.pk)
    assert len(mail.outbox) == 1
    stale.refresh_from_db()
    assert stale.email_sent_at is not None and stale.email_attempts == 2


def test_sending_stops_after_the_last_attempt(school):
    spent = _notification(school, email_attempts=MAX_EMAIL_ATTEMPTS)
    notification_email_send.run(notification_id=spent.pk)
    assert mail.outbox == []
