"""The letters as a mail client reads them: text and HTML from one template, a
one-line subject, marked as sent by a machine, a Message-ID and links on the site's
own address; and each person's choice of letters per kind of notification."""

import email
import re
from email import policy

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from apps.notifications import tasks
from apps.notifications.forms import NotificationPreferencesForm
from apps.notifications.models import (
    DIGEST_HOUR_DEFAULT,
    Delivery,
    DigestSchedule,
    Notification,
    NotificationPreference,
)
from apps.notifications.services import notification_preferences_set, notification_send
from conftest import client_for

SITE = "https://school.example.org"
URL = re.compile(r"""https?://[^\s"'<>]+""")


@pytest.fixture(autouse=True)
def _mail(settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.SITE_URL = SITE


@pytest.fixture
def enqueued(monkeypatch):
    """The letter tasks sent to the broker, by task name, instead of being sent."""
    calls = []
    for task in (tasks.notification_email_send, tasks.notification_digest_send):
        monkeypatch.setattr(task, "apply_async", lambda *a, _name=task.name, **kw: calls.append((_name, kw["kwargs"])))
    return calls


def _notify(user, school, kind=Notification.Kind.DEBRIEF_OVERDUE, key="visit:1"):
    return notification_send(
        user=user,
        school=school,
        kind=kind,
        key=key,
        # Long and Russian: Django folds such a subject before its first word.
        title="Обсуждение урока просрочено: Белова Анна Сергеевна, 7Б, математика, 48 часов прошло",
        body="Обсуждение урока проводится не позднее 48 часов после него.\nФакты — до интерпретаций.",
        url="/visits/1/",
    )


def parsed(letter):
    return email.message_from_bytes(letter.message().as_bytes(), policy=policy.default)


def parts(message):
    return {part.get_content_type(): part.get_content() for part in message.walk() if not part.is_multipart()}


def assert_a_proper_letter(letter):
    message = parsed(letter)
    assert message.get_content_type() == "multipart/alternative"
    body = parts(message)
    assert set(body) == {"text/plain", "text/html"}
    html = body["text/html"]
    assert "<style" not in html and 'style="' in html  # the CSS is inlined
    assert message["Subject"] == message["Subject"].strip() and "\n" not in message["Subject"]
    assert message["Auto-Submitted"] == "auto-generated"
    assert message["Message-ID"].strip("<>").rsplit("@", 1)[1] == "school.example.org"
    links = URL.findall(body["text/plain"]) + re.findall(r'href="([^"]+)"', html)
    assert links and all(link.startswith(SITE + "/") for link in links)
    return message, body


def test_a_notification_letter_is_text_and_html_with_a_clean_subject_and_the_sites_links(school, teacher, enqueued):
    notification = _notify(teacher, school)
    tasks.notification_email_send.run(notification_id=notification.pk)

    [letter] = mail.outbox
    message, body = assert_a_proper_letter(letter)
    assert message["Subject"] == notification.title
    # The same words in both parts, from the one template.
    for part in body.values():
        assert "Белова Анна Сергеевна" in part and "не позднее 48 часов" in part
    assert f"{SITE}/visits/1/" in body["text/plain"]
    assert f'href="{SITE}/visits/1/"' in body["text/html"]
    assert f"{SITE}{reverse('notifications:preferences')}" in body["text/plain"]


def test_a_subject_template_with_line_breaks_still_gives_one_line(school, teacher, enqueued):
    notification = _notify(teacher, school)
    Notification.objects.filter(pk=notification.pk).update(title="Обсуждение\n  просрочено:\r\n Белова А. С.")
    tasks.notification_email_send.run(notification_id=notification.pk)
    assert parsed(mail.outbox[0])["Subject"] == "Обсуждение просрочено: Белова А. С."


@pytest.mark.django_db
def test_the_password_reset_letter_is_a_proper_letter(client, teacher, monkeypatch, django_capture_on_commit_callbacks):
    from apps.accounts import tasks as account_tasks

    monkeypatch.setattr(account_tasks.password_reset_email_send, "apply_async", lambda *a, **kw: None)
    account_tasks.password_reset_email_send.run(user_id=teacher.pk)
    [letter] = mail.outbox
    message, body = assert_a_proper_letter(letter)
    assert "/accounts/reset/" in body["text/plain"]


# Each choice honoured


def _choose(user, school, kind, delivery, hour=DIGEST_HOUR_DEFAULT):
    notification_preferences_set(user=user, school=school, deliveries={kind: delivery}, digest_hour=hour)


def test_no_choice_means_a_letter_at_once(school, teacher, enqueued, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        notification = _notify(teacher, school)
    assert notification.delivery == Delivery.IMMEDIATE
    assert enqueued == [(tasks.notification_email_send.name, {"notification_id": notification.pk})]


def test_e_mail_at_once_sends_a_letter(school, teacher, enqueued, django_capture_on_commit_callbacks):
    _choose(teacher, school, Notification.Kind.DEBRIEF_OVERDUE, Delivery.IMMEDIATE)
    with django_capture_on_commit_callbacks(execute=True):
        notification = _notify(teacher, school)
    [(name, kwargs)] = enqueued
    getattr(tasks, name.rsplit(".", 1)[1]).run(**kwargs)
    assert [letter.to for letter in mail.outbox] == [[teacher.email]]
    notification.refresh_from_db()
    assert notification.email_sent_at is not None


def test_in_app_only_makes_the_notification_and_no_letter_ever(
    school, teacher, enqueued, django_capture_on_commit_callbacks, settings
):
    settings.NOTIFICATION_EMAIL_SWEEP_AFTER_SECONDS = 0
    _choose(teacher, school, Notification.Kind.DEBRIEF_OVERDUE, Delivery.IN_APP, hour=0)
    with django_capture_on_commit_callbacks(execute=True):
        notification = _notify(teacher, school)
    assert Notification.objects.filter(pk=notification.pk, user=teacher).exists()
    assert enqueued == []
    tasks.notifications_email_sweep()
    tasks.notifications_digest_sweep()
    assert mail.outbox == []


def test_digest_keeps_the_letter_for_the_days_digest(
    school, teacher, enqueued, django_capture_on_commit_callbacks, settings
):
    settings.NOTIFICATION_EMAIL_SWEEP_AFTER_SECONDS = 0
    _choose(teacher, school, Notification.Kind.DEBRIEF_OVERDUE, Delivery.DIGEST, hour=0)  # any hour has come
    with django_capture_on_commit_callbacks(execute=True):
        notification = _notify(teacher, school)
    assert enqueued == []  # no letter at once
    tasks.notifications_email_sweep()
    assert mail.outbox == []  # nor from the e-mail sweep

    with django_capture_on_commit_callbacks(execute=True):
        tasks.notifications_digest_sweep()
    [(name, kwargs)] = enqueued
    assert name == tasks.notification_digest_send.name
    tasks.notification_digest_send.run(**kwargs)
    [letter] = mail.outbox
    message, body = assert_a_proper_letter(letter)
    assert notification.title in body["text/plain"] and notification.title in body["text/html"]
    notification.refresh_from_db()
    assert notification.email_sent_at is not None


def test_the_choice_of_one_kind_leaves_the_others_at_once(
    school, teacher, enqueued, django_capture_on_commit_callbacks
):
    _choose(teacher, school, Notification.Kind.DEBRIEF_OVERDUE, Delivery.IN_APP)
    with django_capture_on_commit_callbacks(execute=True):
        other = _notify(teacher, school, kind=Notification.Kind.VISIT_PLANNED)
    assert enqueued == [(tasks.notification_email_send.name, {"notification_id": other.pk})]


def test_a_choice_in_one_school_is_not_made_in_another(school, other_school, teacher, enqueued):
    _choose(teacher, school, Notification.Kind.DEBRIEF_OVERDUE, Delivery.IN_APP)
    assert _notify(teacher, other_school).delivery == Delivery.IMMEDIATE


# The preferences page


def test_the_page_lists_every_kind_of_notification(school, teacher):
    response = client_for(teacher).get(reverse("notifications:preferences"))
    assert response.status_code == 200
    page = response.content.decode()
    for kind, label in Notification.Kind.choices:
        assert f'name="kind_{kind}"' in page
        assert str(label) in page


def test_each_radio_reads_as_the_radio_widget_writes_it(school, teacher):
    _choose(teacher, school, "visit_planned", Delivery.DIGEST)
    page = client_for(teacher).get(reverse("notifications:preferences")).content.decode()
    form = NotificationPreferencesForm(deliveries={"visit_planned": Delivery.DIGEST}, digest_hour=DIGEST_HOUR_DEFAULT)
    for field in form.kind_fields():
        for radio in field:
            assert str(radio.tag()) in page
    chosen = 'name="kind_visit_planned" value="digest" class="form-check-input" id="id_kind_visit_planned_1"'
    assert f"{chosen} required checked" in page


def test_the_notifications_page_and_the_account_menu_lead_to_the_preferences(school, teacher):
    page = client_for(teacher).get(reverse("notifications:list")).content.decode()
    assert page.count(f'href="{reverse("notifications:preferences")}"') == 2


def test_saving_the_page_records_each_choice_and_the_hour(school, teacher):
    data = {f"kind_{kind}": Delivery.IMMEDIATE for kind in Notification.Kind.values}
    data |= {"kind_debrief_overdue": Delivery.DIGEST, "kind_visit_planned": Delivery.IN_APP, "digest_hour": "8"}
    response = client_for(teacher).post(reverse("notifications:preferences"), data)
    assert response.status_code == 302
    chosen = dict(NotificationPreference.objects.filter(user=teacher, school=school).values_list("kind", "delivery"))
    assert chosen["debrief_overdue"] == Delivery.DIGEST
    assert chosen["visit_planned"] == Delivery.IN_APP
    assert chosen["survey_open"] == Delivery.IMMEDIATE
    assert DigestSchedule.objects.get(user=teacher, school=school).hour == 8
    # Saved again with other choices: still one row per kind.
    data["kind_debrief_overdue"] = Delivery.IN_APP
    client_for(teacher).post(reverse("notifications:preferences"), data)
    assert NotificationPreference.objects.filter(user=teacher, school=school).count() == len(Notification.Kind.values)
    assert NotificationPreference.objects.get(user=teacher, kind="debrief_overdue").delivery == Delivery.IN_APP


@pytest.mark.parametrize(
    "field,value", [("digest_hour", "25"), ("digest_hour", "nine"), ("kind_survey_open", "pigeon")]
)
def test_a_bad_value_is_a_form_error_that_keeps_the_rest(school, teacher, field, value):
    data = {f"kind_{kind}": Delivery.IMMEDIATE for kind in Notification.Kind.values}
    data |= {"kind_debrief_overdue": Delivery.DIGEST, "digest_hour": "8", field: value}
    response = client_for(teacher).post(reverse("notifications:preferences"), data)
    assert response.status_code == 200
    assert response.context["form"].errors[field]
    # What was chosen stays chosen on the page shown again.
    assert re.search(r'name="kind_debrief_overdue" value="digest"[^>]*checked', response.content.decode())
    assert not NotificationPreference.objects.exists()


def test_the_service_refuses_an_unknown_kind_or_hour(school, teacher):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        notification_preferences_set(user=teacher, school=school, deliveries={"pigeon_post": "digest"}, digest_hour=9)
    with pytest.raises(ValidationError):
        notification_preferences_set(user=teacher, school=school, deliveries={}, digest_hour=24)
    with pytest.raises(ValidationError):
        notification_preferences_set(
            user=teacher, school=school, deliveries={"survey_open": "carrier_pigeon"}, digest_hour=9
        )
    assert not NotificationPreference.objects.exists() and not DigestSchedule.objects.exists()


def test_the_preferences_page_runs_the_same_queries_with_no_choice_and_every_kind_chosen(school, teacher):
    client = client_for(teacher)
    url = reverse("notifications:preferences")

    def count():
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        return len(queries)

    none_chosen = count()
    notification_preferences_set(
        user=teacher,
        school=school,
        deliveries=dict.fromkeys(Notification.Kind.values, Delivery.DIGEST),
        digest_hour=7,
    )
    assert count() == none_chosen
