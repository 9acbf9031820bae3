"""The e-mail sweep: a backlog of any size goes out in one run, each letter once,
within the run's time budget; and /healthz fails on a letter left unsent too long."""

import datetime
import smtplib
from collections import Counter

import pytest
from django.core import mail
from django.core.mail import EmailMultiAlternatives
from django.urls import reverse
from django.utils import timezone

from apps.accounts.tests.factories import MembershipFactory
from apps.core.health import WORKER, health_report, heartbeat_touch, sweep_intervals
from apps.notifications import tasks
from apps.notifications.models import MAX_EMAIL_ATTEMPTS, Delivery, Notification
from apps.notifications.selectors import notifications_email_backlog_since
from conftest import client_for

SWEEP = "notifications-email-sweep"


@pytest.fixture(autouse=True)
def _locmem_mail(settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.NOTIFICATION_EMAIL_SWEEP_BATCH = 2
    settings.NOTIFICATION_EMAIL_SWEEP_AFTER_SECONDS = 30
    settings.NOTIFICATION_EMAIL_LEASE_SECONDS = 45


@pytest.fixture
def no_enqueue(monkeypatch):
    """The tasks the sweep sends (to itself), recorded instead of sent."""
    sent = []
    monkeypatch.setattr(tasks, "enqueue", lambda task, **kwargs: sent.append(task.name) or True)
    return sent


def unsent(school, count, *, ago=datetime.timedelta(minutes=1), **fields):
    """`count` notifications made `ago`, each to a person of its own, their letters unsent."""
    made = Notification.objects.bulk_create(
        Notification(
            user=MembershipFactory(school=school).user,
            school=school,
            kind=Notification.Kind.DEBRIEF_OVERDUE,
            key=f"visit:{i}",
            title=f"Обсуждение просрочено №{i}",
            **fields,
        )
        for i in range(count)
    )
    Notification.objects.filter(pk__in=[n.pk for n in made]).update(created_at=timezone.now() - ago)
    return made


def test_one_run_sends_a_backlog_of_several_batches_each_letter_once(school, no_enqueue):
    unsent(school, 5)
    assert tasks.notifications_email_sweep() == 5
    assert Counter(letter.subject for letter in mail.outbox) == Counter(f"Обсуждение просрочено №{i}" for i in range(5))
    assert not Notification.objects.filter(email_sent_at__isnull=True).exists()
    assert set(Notification.objects.values_list("email_attempts", flat=True)) == {1}
    assert no_enqueue == []
    # Nothing is left for the next run.
    assert tasks.notifications_email_sweep() == 0
    assert len(mail.outbox) == 5


def test_the_run_leaves_a_living_workers_lease_and_takes_an_expired_one(school, no_enqueue):
    now = timezone.now()
    [held] = unsent(school, 1, email_claimed_at=now - datetime.timedelta(seconds=10), email_attempts=1)
    [dead] = unsent(school, 1, email_claimed_at=now - datetime.timedelta(seconds=50), email_attempts=1)
    [young] = unsent(school, 1, ago=datetime.timedelta(seconds=5))
    [spent] = unsent(school, 1, email_attempts=MAX_EMAIL_ATTEMPTS)
    assert tasks.notifications_email_sweep() == 1
    [letter] = mail.outbox
    assert letter.to == [dead.user.email]
    dead.refresh_from_db()
    assert dead.email_attempts == 2 and dead.email_sent_at is not None
    for other in (held, young, spent):
        other.refresh_from_db()
        assert other.email_sent_at is None


def test_a_run_past_its_budget_stops_and_sends_itself_again_at_once(school, settings, monkeypatch, no_enqueue):
    settings.NOTIFICATION_EMAIL_SWEEP_SECONDS = 60  # a budget of 45 s
    clock = iter(range(0, 1000, 20))  # every look at the clock: 20 s later
    monkeypatch.setattr(tasks.time, "monotonic", lambda: next(clock))
    unsent(school, 5)
    # Started at 0; letters at 20 and 40; at 60 the budget is spent.
    assert tasks.notifications_email_sweep() == 2
    assert no_enqueue == [tasks.notifications_email_sweep.name]
    assert Notification.objects.filter(email_sent_at__isnull=True).count() == 3
    # Nothing is leased that was not sent: the next run takes the rest.
    assert not Notification.objects.filter(email_sent_at__isnull=True, email_claimed_at__isnull=False).exists()


def test_a_refusing_mail_server_ends_the_run_and_gives_the_lease_back(school, monkeypatch, no_enqueue):
    unsent(school, 3)

    def refuse(*args, **kwargs):
        raise smtplib.SMTPServerDisconnected("mail server went away")

    monkeypatch.setattr(EmailMultiAlternatives, "send", refuse)
    assert tasks.notifications_email_sweep() == 0
    tried = Counter(Notification.objects.values_list("email_attempts", "email_claimed_at"))
    assert tried == {(1, None): 1, (0, None): 2}
    assert no_enqueue == []


def test_the_letters_own_task_after_the_sweep_sent_it_sends_nothing(school, no_enqueue):
    [notification] = unsent(school, 1)
    assert tasks.notifications_email_sweep() == 1
    tasks.notification_email_send.run(notification_id=notification.pk)
    assert len(mail.outbox) == 1


# /healthz: the mail backlog


def all_beating(at):
    heartbeat_touch(name=WORKER, now=at)
    for name in sweep_intervals():
        heartbeat_touch(name=name, now=at)


def test_backlog_is_the_oldest_letter_still_owed(school):
    assert notifications_email_backlog_since() is None
    unsent(school, 1, ago=datetime.timedelta(minutes=3))
    unsent(school, 1, ago=datetime.timedelta(minutes=9), email_attempts=MAX_EMAIL_ATTEMPTS)  # given up
    Notification.objects.create(
        user=MembershipFactory(school=school).user, school=school, kind="visit_planned", key="visit:99", title="x"
    )
    Notification.objects.filter(key="visit:99").update(
        created_at=timezone.now() - datetime.timedelta(hours=1), email_sent_at=timezone.now()
    )
    since = notifications_email_backlog_since()
    assert timezone.now() - since == pytest.approx(datetime.timedelta(minutes=3), abs=datetime.timedelta(seconds=5))


def test_a_letter_unsent_past_the_interval_and_margin_fails_healthz(school, settings, django_assert_num_queries):
    settings.HEALTH_SWEEP_MARGIN = 300
    all_beating(timezone.now())
    limit = settings.NOTIFICATION_EMAIL_SWEEP_SECONDS + 300
    [notification] = unsent(school, 1, ago=datetime.timedelta(seconds=limit - 30))
    # SELECT 1, the heartbeats, the oldest unsent letter, the oldest unsent digest
    with django_assert_num_queries(4):
        response = client_for(None).get(reverse("health"))
    assert response.status_code == 200
    assert response.json()["checks"]["backlogs"][SWEEP]["status"] == "ok"

    Notification.objects.filter(pk=notification.pk).update(
        created_at=timezone.now() - datetime.timedelta(seconds=limit + 30)
    )
    response = client_for(None).get(reverse("health"))
    assert response.status_code == 503
    body = response.json()
    assert body["failing"] == [f"backlogs.{SWEEP}"]
    check = body["checks"]["backlogs"][SWEEP]
    assert check["status"] == "late" and check["max_age_seconds"] == limit
    assert limit + 30 <= check["oldest_seconds"] < limit + 40

    Notification.objects.filter(pk=notification.pk).update(email_sent_at=timezone.now())
    assert health_report()[0]


def test_the_backlog_query_uses_the_partial_index_of_unsent_letters(school):
    from django.db import connection

    unsent(school, 3)
    query = (
        Notification.objects.filter(
            email_sent_at__isnull=True, email_attempts__lt=MAX_EMAIL_ATTEMPTS, delivery=Delivery.IMMEDIATE
        )
        .order_by("created_at")
        .values_list("created_at", flat=True)[:1]
    )
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        plan = query.explain()
    assert "notification_email_unsent" in plan
