"""Notifications: exactly once, e-mailed once, robust to a broker that is down;
the list, opening one, marking all read, and the navbar's unread count."""

import datetime
import smtplib

import pytest
import time_machine
from django.core import mail
from django.core.mail import EmailMultiAlternatives
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from kombu.exceptions import OperationalError

from apps.accounts.services import CURRENT_SCHOOL_SESSION_KEY
from apps.accounts.tests.factories import MembershipFactory
from apps.notifications import tasks
from apps.notifications.models import Notification
from apps.notifications.services import notification_send
from collabschool.celery import app as celery_app
from conftest import client_for


@pytest.fixture(autouse=True)
def _locmem_mail(settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"


def _send(user, school, key="visit:1", **fields):
    return notification_send(
        user=user,
        school=school,
        kind=fields.pop("kind", Notification.Kind.DEBRIEF_OVERDUE),
        key=key,
        title=fields.pop("title", "Обсуждение просрочено: Белова А. С., 7Б"),
        body=fields.pop("body", "Обсуждение урока проводится не позднее 48 часов после него."),
        url=fields.pop("url", "/visits/1/"),
    )


@pytest.fixture
def enqueued(monkeypatch):
    """The e-mail tasks sent to the broker, instead of sending them."""
    calls = []
    monkeypatch.setattr(tasks.notification_email_send, "apply_async", lambda *a, **kw: calls.append(kw))
    return calls


# Exactly once


def test_sending_twice_makes_one_notification_and_enqueues_one_email(
    school, teacher, enqueued, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        first = _send(teacher, school)
        second = _send(teacher, school, title="Другой заголовок")

    assert first is not None and second is None
    assert Notification.objects.filter(user=teacher).count() == 1
    assert len(callbacks) == 2  # the letter's task, and the bell counted afresh: for the first only
    assert enqueued == [{"kwargs": {"notification_id": first.pk}}]


def test_email_is_enqueued_only_after_commit(school, teacher, enqueued, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        _send(teacher, school)
        assert enqueued == []
    assert len(callbacks) == 2  # the letter's task and the bell's count


def test_another_kind_or_key_or_person_is_another_notification(school, teacher, curator, enqueued):
    _send(teacher, school)
    _send(teacher, school, kind=Notification.Kind.DEBRIEF_REMINDER_24H)
    _send(teacher, school, key="visit:2")
    _send(curator, school)
    assert Notification.objects.count() == 4


# The e-mail task


def test_email_task_run_twice_sends_one_letter(school, teacher, enqueued, settings):
    notification = _send(teacher, school)

    tasks.notification_email_send.run(notification_id=notification.pk)
    tasks.notification_email_send.run(notification_id=notification.pk)

    assert len(mail.outbox) == 1
    letter = mail.outbox[0]
    assert letter.to == [teacher.email]
    assert letter.subject == notification.title
    assert f"{settings.SITE_URL}/visits/1/" in letter.body
    notification.refresh_from_db()
    assert notification.email_sent_at is not None


def test_email_task_applied_twice_sends_one_letter(school, teacher, enqueued):
    notification = _send(teacher, school)
    for _attempt in range(2):
        tasks.notification_email_send.apply(kwargs={"notification_id": notification.pk}).get()
    assert len(mail.outbox) == 1


def test_failing_send_releases_the_claim_and_a_retry_sends_once(school, teacher, enqueued, monkeypatch):
    notification = _send(teacher, school)

    def refuse(*args, **kwargs):
        raise smtplib.SMTPServerDisconnected("mail server went away")

    with monkeypatch.context() as patched:
        patched.setattr(EmailMultiAlternatives, "send", refuse)
        with pytest.raises(smtplib.SMTPServerDisconnected):
            tasks.notification_email_send.run(notification_id=notification.pk)
    notification.refresh_from_db()
    assert notification.email_sent_at is None
    assert mail.outbox == []

    tasks.notification_email_send.run(notification_id=notification.pk)
    tasks.notification_email_send.run(notification_id=notification.pk)
    assert len(mail.outbox) == 1


def test_no_letter_to_a_person_without_an_address(school, teacher, enqueued):
    teacher.email = ""
    teacher.save()
    notification = _send(teacher, school)
    tasks.notification_email_send.run(notification_id=notification.pk)
    assert mail.outbox == []


@pytest.mark.django_db(transaction=True)
def test_with_redis_down_the_notification_is_kept_and_the_sweep_sends_it_later(school, teacher, monkeypatch):
    def broker_down(*args, **kwargs):
        raise OperationalError("Error 111 connecting to 127.0.0.1:26379. Connection refused.")

    with monkeypatch.context() as patched:
        patched.setattr(tasks.notification_email_send, "apply_async", broker_down)
        with transaction.atomic():  # commits: the enqueue fails after it, and is swallowed
            notification = _send(teacher, school)

    notification.refresh_from_db()
    assert notification.email_sent_at is None
    assert mail.outbox == []

    # Redis is back; beat runs the e-mail sweep a while later (eagerly here).
    monkeypatch.setitem(celery_app.conf, "task_always_eager", True)
    with time_machine.travel(timezone.now() + datetime.timedelta(minutes=6)):
        assert tasks.notifications_email_sweep() == 1
        assert tasks.notifications_email_sweep() == 0

    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == [teacher.email]


def test_sweep_leaves_fresh_notifications_to_their_own_task(school, teacher, enqueued):
    _send(teacher, school)
    assert tasks.notifications_email_sweep() == 0


# Pages


def _notification(user, school, *, read=False, minutes_ago=0, **fields):
    notification = Notification.objects.create(
        user=user,
        school=school,
        kind=fields.pop("kind", Notification.Kind.VISIT_PLANNED),
        key=fields.pop("key", f"visit:{Notification.objects.count() + 1}"),
        title=fields.pop("title", "Посещение урока"),
        url=fields.pop("url", "/mentoring/board/"),
        read_at=timezone.now() if read else None,
        **fields,
    )
    Notification.objects.filter(pk=notification.pk).update(
        created_at=timezone.now() - datetime.timedelta(minutes=minutes_ago)
    )
    return notification


def test_list_shows_my_notifications_of_this_school_unread_first(school, other_school, teacher, curator):
    old_unread = _notification(teacher, school, minutes_ago=60, title="Старое непрочитанное")
    new_read = _notification(teacher, school, read=True, minutes_ago=1, title="Новое прочитанное")
    newest_unread = _notification(teacher, school, minutes_ago=0, title="Новое непрочитанное")
    _notification(curator, school, title="Уведомление куратора")
    _notification(teacher, other_school, title="Из другой школы")

    client = client_for(teacher)
    unread_first = client.get(reverse("notifications:list"))
    newest_first = client.get(reverse("notifications:list"), {"order": "newest"})

    assert list(unread_first.context["page"].object_list) == [newest_unread, old_unread, new_read]
    assert list(newest_first.context["page"].object_list) == [newest_unread, new_read, old_unread]
    html = unread_first.content.decode()
    assert "Уведомление куратора" not in html and "Из другой школы" not in html


def test_list_is_paginated(school, teacher):
    for minutes in range(30):
        _notification(teacher, school, minutes_ago=minutes)
    first = client_for(teacher).get(reverse("notifications:list"))
    second = client_for(teacher).get(reverse("notifications:list"), {"page": 2, "order": "newest"})
    assert len(first.context["page"].object_list) == 25
    assert len(second.context["page"].object_list) == 5


def test_opening_marks_read_and_goes_to_its_page(school, teacher):
    notification = _notification(teacher, school, url="/mentoring/board/")
    other = _notification(teacher, school)

    response = client_for(teacher).get(reverse("notifications:open", args=[notification.pk]))

    assert response.status_code == 302
    assert response["Location"] == "/mentoring/board/"
    notification.refresh_from_db()
    other.refresh_from_db()
    assert notification.read_at is not None
    assert other.read_at is None


def test_opening_never_redirects_off_the_site(school, teacher):
    notification = _notification(teacher, school, url="https://evil.example/phish")
    response = client_for(teacher).get(reverse("notifications:open", args=[notification.pk]))
    assert response["Location"] == reverse("notifications:list")


@pytest.mark.parametrize("owner", ["curator", "administrator"])
def test_another_person_s_notification_is_not_found_and_stays_unread(request, school, teacher, owner):
    notification = _notification(request.getfixturevalue(owner), school)
    response = client_for(teacher).get(reverse("notifications:open", args=[notification.pk]))
    assert response.status_code == 404
    notification.refresh_from_db()
    assert notification.read_at is None


def test_my_notification_of_another_school_is_not_found_here(school, other_school, teacher):
    MembershipFactory(school=other_school, user=teacher)
    client = client_for(teacher)
    session = client.session
    session[CURRENT_SCHOOL_SESSION_KEY] = school.pk
    session.save()
    notification = _notification(teacher, other_school)
    assert client.get(reverse("notifications:open", args=[notification.pk])).status_code == 404


def test_mark_all_read_covers_only_my_notifications_of_this_school(school, other_school, teacher, curator):
    mine = [_notification(teacher, school) for _ in range(3)]
    elsewhere = _notification(teacher, other_school)
    colleague_s = _notification(curator, school)
    client = client_for(teacher)

    assert client.get(reverse("notifications:read_all")).status_code == 405
    response = client.post(reverse("notifications:read_all"))

    assert response.status_code == 302
    assert all(Notification.objects.get(pk=n.pk).read_at for n in mine)
    assert Notification.objects.get(pk=elsewhere.pk).read_at is None
    assert Notification.objects.get(pk=colleague_s.pk).read_at is None


def test_bell_shows_the_unread_count(school, teacher):
    client = client_for(teacher)
    page = client.get(reverse("home"), follow=True).content.decode()
    assert 'data-testid="notifications-bell"' in page
    assert 'data-testid="unread-count"' not in page

    for _ in range(3):
        _notification(teacher, school)
    _notification(teacher, school, read=True)
    page = client.get(reverse("notifications:list")).content.decode()
    assert 'data-testid="unread-count">3<' in page


def test_bell_caps_the_count_at_99(school, teacher):
    Notification.objects.bulk_create(
        Notification(user=teacher, school=school, kind="visit_planned", key=f"visit:{i}", title="Посещение")
        for i in range(120)
    )
    page = client_for(teacher).get(reverse("notifications:list")).content.decode()
    assert 'data-testid="unread-count">99+<' in page


def _unread_count_queries(captured):
    return [q["sql"] for q in captured if 'FROM "notifications_notification"' in q["sql"] and "COUNT(" in q["sql"]]


def test_unread_count_is_one_query_per_page(school, teacher):
    for _ in range(5):
        _notification(teacher, school)
    with CaptureQueriesContext(connection) as captured:
        response = client_for(teacher).get(reverse("mentoring:board"))
    assert response.status_code == 200
    assert len(_unread_count_queries(captured)) == 1


def test_list_runs_a_fixed_number_of_queries(school, teacher):
    client = client_for(teacher)

    def count():
        with CaptureQueriesContext(connection) as captured:
            assert client.get(reverse("notifications:list")).status_code == 200
        return len(captured)

    for minutes in range(3):
        _notification(teacher, school, minutes_ago=minutes)
    small = count()
    for minutes in range(20):
        _notification(teacher, school, minutes_ago=minutes)
    assert count() == small
