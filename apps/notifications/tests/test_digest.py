"""The daily digest: one letter per person a day, at the hour they chose in their
school's time, listing the notifications of the kinds they get in a digest; exactly
once, with two sweeps at once, a task run twice or retried, and across the hour in
two time zones."""

import datetime
import smtplib
import threading

import pytest
import time_machine
from django.core import mail
from django.core.mail import EmailMultiAlternatives
from django.db import connection

from apps.accounts.tests.factories import MembershipFactory, SchoolFactory
from apps.core.sweeps import sweeps_registered
from apps.notifications import tasks
from apps.notifications.models import Delivery, Notification, NotificationDigest
from apps.notifications.services import notification_preferences_set, notification_send

UTC = datetime.UTC
KIND = Notification.Kind.DEBRIEF_OVERDUE


@pytest.fixture(autouse=True)
def _mail(settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.NOTIFICATION_EMAIL_SWEEP_AFTER_SECONDS = 30


@pytest.fixture
def digest_tasks(monkeypatch):
    """The digest tasks sent to the broker (their digest ids), instead of being sent."""
    ids = []
    monkeypatch.setattr(tasks.notification_digest_send, "apply_async", lambda *a, **kw: ids.append(kw["kwargs"]))
    monkeypatch.setattr(tasks.notification_email_send, "apply_async", lambda *a, **kw: None)
    return ids


def digest_reader(school, hour):
    """A person of `school` who gets KIND in a digest at `hour`, school time."""
    user = MembershipFactory(school=school).user
    notification_preferences_set(user=user, school=school, deliveries={KIND: Delivery.DIGEST}, digest_hour=hour)
    return user


def notify(user, school, key):
    return notification_send(user=user, school=school, kind=KIND, key=key, title=f"Обсуждение просрочено {key}")


def sweep_and_send(run_on_commit, digest_tasks):
    """One sweep, then the digest tasks it enqueued, each run twice (a duplicate task)."""
    with run_on_commit(execute=True):
        tasks.notifications_digest_sweep()
    while digest_tasks:
        kwargs = digest_tasks.pop()
        tasks.notification_digest_send.run(**kwargs)
        tasks.notification_digest_send.run(**kwargs)


def letters_to(user):
    return [letter for letter in mail.outbox if letter.to == [user.email]]


def test_the_digest_sweep_is_registered():
    assert "notifications-digest-sweep" in {sweep.name for sweep in sweeps_registered()}


def test_across_the_hour_in_two_time_zones_each_person_gets_one_digest_a_day(
    db, django_capture_on_commit_callbacks, digest_tasks
):
    moscow = SchoolFactory(time_zone="Europe/Moscow")  # UTC+3
    vladivostok = SchoolFactory(time_zone="Asia/Vladivostok")  # UTC+10
    muscovite, easterner = digest_reader(moscow, 9), digest_reader(vladivostok, 9)

    def at(*when):
        return time_machine.travel(datetime.datetime(*when, tzinfo=UTC), tick=False)

    def run():
        sweep_and_send(django_capture_on_commit_callbacks, digest_tasks)

    # 9 March, 20:00 UTC: 23:00 in Moscow, 06:00 on the 10th in Vladivostok.
    with at(2026, 3, 9, 20, 0):
        notify(muscovite, moscow, "a1")
        notify(easterner, vladivostok, "b1")
    with at(2026, 3, 9, 22, 59):  # 08:59 in Vladivostok: not yet
        run()
    assert mail.outbox == []
    with at(2026, 3, 9, 23, 0):  # 09:00 in Vladivostok, 02:00 in Moscow
        run()
    assert len(letters_to(easterner)) == 1 and letters_to(muscovite) == []
    with at(2026, 3, 10, 5, 59):  # 08:59 in Moscow; 15:59 in Vladivostok, its digest made
        run()
    assert len(letters_to(easterner)) == 1 and letters_to(muscovite) == []
    with at(2026, 3, 10, 6, 0):  # 09:00 in Moscow
        run()
        run()
    assert len(letters_to(muscovite)) == 1 and len(letters_to(easterner)) == 1
    assert {(d.user_id, d.day) for d in NotificationDigest.objects.all()} == {
        (muscovite.pk, datetime.date(2026, 3, 10)),
        (easterner.pk, datetime.date(2026, 3, 10)),
    }

    # Later that day: both wait for the next day's digest (17:00 in Vladivostok, 10:00 in Moscow).
    with at(2026, 3, 10, 7, 0):
        notify(muscovite, moscow, "a2")
        notify(easterner, vladivostok, "b2")
        run()
    assert len(mail.outbox) == 2
    with at(2026, 3, 10, 23, 0):  # 09:00 on the 11th in Vladivostok, 02:00 in Moscow
        run()
    assert len(letters_to(easterner)) == 2 and len(letters_to(muscovite)) == 1
    with at(2026, 3, 11, 6, 0):  # 09:00 on the 11th in Moscow
        run()
    assert len(letters_to(easterner)) == 2 and len(letters_to(muscovite)) == 2
    # Each notification in exactly one digest, marked as e-mailed.
    assert not Notification.objects.filter(digest__isnull=True).exists()
    assert not Notification.objects.filter(email_sent_at__isnull=True).exists()
    second = letters_to(muscovite)[1].body
    assert "a2" in second and "a1" not in second


def test_a_day_without_notifications_sends_no_digest(school, django_capture_on_commit_callbacks, digest_tasks):
    digest_reader(school, 0)
    sweep_and_send(django_capture_on_commit_callbacks, digest_tasks)
    assert mail.outbox == [] and not NotificationDigest.objects.exists()


def test_other_kinds_and_other_peoples_notifications_stay_out_of_the_digest(
    school, django_capture_on_commit_callbacks, digest_tasks
):
    reader, colleague = digest_reader(school, 0), MembershipFactory(school=school).user
    notify(reader, school, "mine")
    notification_send(user=reader, school=school, kind=Notification.Kind.VISIT_PLANNED, key="v", title="Посещение")
    notify(colleague, school, "theirs")
    sweep_and_send(django_capture_on_commit_callbacks, digest_tasks)
    [letter] = letters_to(reader)
    assert "mine" in letter.body and "Посещение" not in letter.body and "theirs" not in letter.body


@pytest.mark.django_db(transaction=True)
def test_two_sweeps_at_once_make_one_digest_and_one_letter(digest_tasks):
    school = SchoolFactory()
    readers = [digest_reader(school, 0) for _ in range(4)]
    for number, reader in enumerate(readers):
        notify(reader, school, f"k{number}")
    results, errors, barrier = [], [], threading.Barrier(2, timeout=30)

    def sweep():
        try:
            barrier.wait()
            results.append(tasks.notifications_digest_sweep())
        except Exception as error:  # pragma: no cover - shown by the assertion below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=sweep) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    assert sum(made for made, _sent in results) == len(readers)
    assert NotificationDigest.objects.count() == len(readers)
    # Their tasks, each enqueued once on commit, and run twice by a duplicate delivery.
    assert sorted(kwargs["digest_id"] for kwargs in digest_tasks) == sorted(
        NotificationDigest.objects.values_list("pk", flat=True)
    )
    for kwargs in digest_tasks:
        tasks.notification_digest_send.run(**kwargs)
        tasks.notification_digest_send.run(**kwargs)
    assert sorted(letter.to[0] for letter in mail.outbox) == sorted(reader.email for reader in readers)


def test_a_failed_send_is_retried_and_sends_once(school, django_capture_on_commit_callbacks, digest_tasks, monkeypatch):
    reader = digest_reader(school, 0)
    notify(reader, school, "k")
    with django_capture_on_commit_callbacks(execute=True):
        tasks.notifications_digest_sweep()
    [kwargs] = digest_tasks
    real_send = EmailMultiAlternatives.send

    def refuse(self, *args, **kwargs):
        raise smtplib.SMTPServerDisconnected("mail server went away")

    monkeypatch.setattr(EmailMultiAlternatives, "send", refuse)
    with pytest.raises(smtplib.SMTPServerDisconnected):
        tasks._digest_deliver(kwargs["digest_id"])
    digest = NotificationDigest.objects.get()
    assert digest.claimed_at is None and digest.sent_at is None and digest.attempts == 1

    monkeypatch.setattr(EmailMultiAlternatives, "send", real_send)
    tasks.notification_digest_send.run(**kwargs)
    tasks.notification_digest_send.run(**kwargs)
    assert len(letters_to(reader)) == 1


def test_the_sweep_sends_a_digest_whose_task_was_lost(school, django_capture_on_commit_callbacks, digest_tasks):
    reader = digest_reader(school, 0)
    notify(reader, school, "k")
    with django_capture_on_commit_callbacks(execute=True):
        tasks.notifications_digest_sweep()
    digest_tasks.clear()  # the broker lost it
    later = datetime.datetime.now(UTC) + datetime.timedelta(minutes=5)
    with time_machine.travel(later, tick=False):
        assert tasks.notifications_digest_sweep() == (0, 1)
        assert tasks.notifications_digest_sweep() == (0, 0)
    assert len(letters_to(reader)) == 1


def test_a_digest_left_unsent_is_its_sweeps_backlog_found_by_the_partial_index(school):
    from django.db import connection as db

    from apps.notifications.selectors import notification_digests_backlog_since

    reader = digest_reader(school, 0)
    made = datetime.datetime.now(UTC) - datetime.timedelta(hours=1)
    digest = NotificationDigest.objects.create(user=reader, school=school, day=made.date())
    NotificationDigest.objects.filter(pk=digest.pk).update(created_at=made)
    assert notification_digests_backlog_since() == made
    query = (
        NotificationDigest.objects.filter(sent_at__isnull=True, attempts__lt=5)
        .order_by("created_at")
        .values_list("created_at", flat=True)[:1]
    )
    with db.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        plan = query.explain()
    assert "notification_digest_unsent" in plan
    NotificationDigest.objects.filter(pk=digest.pk).update(sent_at=datetime.datetime.now(UTC))
    assert notification_digests_backlog_since() is None


def test_people_whose_hour_has_not_come_cost_the_sweep_no_query_each(school, digest_tasks):
    from django.test.utils import CaptureQueriesContext

    def sweep_queries():
        with CaptureQueriesContext(connection) as queries:
            tasks.notifications_digest_sweep()
        return len(queries)

    noon = datetime.datetime(2026, 3, 10, 9, 0, tzinfo=UTC)  # 12:00 in Moscow
    with time_machine.travel(noon, tick=False):
        for number in range(2):
            notify(digest_reader(school, 23), school, f"a{number}")
        few = sweep_queries()
        for number in range(8):
            notify(digest_reader(school, 23), school, f"b{number}")
        assert sweep_queries() == few
    assert not NotificationDigest.objects.exists()
