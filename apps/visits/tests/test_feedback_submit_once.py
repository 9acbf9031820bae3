"""Submitted feedback is what the observed teacher received: a second submit (a
double tap, a retried request on a phone, another tab) or a late automatic draft
never changes it. The later request is told why, and its text comes back to be
copied."""

import datetime
import threading
import time

import pytest
from django.core import mail
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from apps.accounts.models import Role
from apps.accounts.tests.factories import MembershipFactory, UserFactory
from apps.mentoring.tests.factories import MentorGroupFactory
from apps.notifications.models import Notification
from apps.staff.tests.factories import StaffMemberFactory
from apps.visits import services
from apps.visits.models import Feedback, LessonVisit
from apps.visits.tests.factories import LessonVisitFactory
from collabschool.celery import app as celery_app
from conftest import client_for

H = datetime.timedelta(hours=1)
WAIT = 30  # seconds: generous on a busy machine, reached only when something hangs
# The Russian of the refusal, as the observer reads it.
REFUSAL = "Ваша обратная связь по этому уроку уже отправлена"
NOT_CHANGED = "Исправить или заменить отправленную обратную связь нельзя"


def person(school):
    user = UserFactory()
    MembershipFactory(user=user, school=school, roles=[Role.TEACHER])
    return user, StaffMemberFactory(school=school, user=user, last_name=user.last_name)


@pytest.fixture
def visit(school):
    """A pair's lesson that ended an hour ago, observed by one colleague."""
    _curator_user, curator = person(school)
    _observed_user, observed = person(school)
    _observer_user, observer = person(school)
    group = MentorGroupFactory(school=school, curator=curator, members=[observed, observer])
    ends_at = timezone.now().replace(microsecond=0) - H
    return LessonVisitFactory(
        school=school,
        group=group,
        observed=observed,
        observers=[observer],
        starts_at=ends_at - datetime.timedelta(minutes=45),
        ends_at=ends_at,
    )


def observer_of(visit):
    return visit.observer_links.get().staff


def form_data(visit, facts, **overrides):
    held = timezone.localtime(visit.ends_at + H, visit.school.tzinfo)
    data = {
        "facts": facts,
        "toward_goal": "Ученики сами сформулировали цель.",
        "next_step": "Дать 10 минут на работу в парах.",
        "debrief_held_at": held.strftime("%Y-%m-%dT%H:%M"),
        "debrief_format": "in_person",
        "action": "submit",
    }
    data.update(overrides)
    return data


def received_notifications(visit):
    return Notification.objects.filter(kind=Notification.Kind.FEEDBACK_RECEIVED, user=visit.observed.user)


@pytest.mark.django_db(transaction=True)
def test_two_submits_at_once_keep_the_first_text_and_tell_the_second_why(visit, monkeypatch):
    observer = observer_of(visit)
    url = reverse("visits:feedback", args=[visit.pk])
    texts = ("Первый отправленный текст: 9 вопросов к тексту.", "Второй текст, пришедший одновременно: 12 вопросов.")
    monkeypatch.setitem(celery_app.conf, "task_always_eager", True)  # the e-mail is really sent, once

    # Both requests are held until each has passed the view's own checks, so that
    # only the service, under the visit's lock, can tell which one came first.
    barrier = threading.Barrier(2, timeout=WAIT)
    real_submit = services.feedback_submit
    committed = {}

    def submit_after_both_arrived(**kwargs):
        barrier.wait()
        feedback = real_submit(**kwargs)
        committed[kwargs["facts"]] = feedback.submitted_at
        return feedback

    monkeypatch.setattr(services, "feedback_submit", submit_after_both_arrived)
    clients = {text: client_for(observer.user) for text in texts}
    responses, failures = {}, []

    def post(text):
        try:
            responses[text] = clients[text].post(url, form_data(visit, text))
        except Exception as error:  # reported by the main thread
            failures.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=post, args=(text,)) for text in texts]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(WAIT)
    assert not failures and len(responses) == 2

    assert len(committed) == 1, "both submits were taken"
    [(first, submitted_at)] = committed.items()
    [second] = [text for text in texts if text != first]

    feedback = Feedback.objects.get(visit=visit, observer=observer)
    assert feedback.facts == first and feedback.submitted_at == submitted_at
    assert responses[first].status_code == 302
    assert responses[first]["Location"] == reverse("visits:detail", args=[visit.pk])

    refused = responses[second]
    assert refused.status_code == 409
    html = refused.content.decode()
    assert REFUSAL in html and NOT_CHANGED in html
    assert second in html  # the text it carried, to copy
    assert 'data-testid="refused-text"' in html and "readonly" in html

    assert received_notifications(visit).count() == 1
    assert [letter.to for letter in mail.outbox] == [[visit.observed.user.email]]
    visit.refresh_from_db()
    assert visit.status == LessonVisit.Status.DEBRIEFED


def test_the_service_refuses_a_second_submit(visit):
    observer = observer_of(visit)
    first = services.feedback_submit(visit=visit, observer=observer, facts="Первый текст")

    with pytest.raises(services.FeedbackAlreadySubmitted):
        services.feedback_submit(
            visit=visit,
            observer=observer,
            facts="Другой текст",
            next_step="Другой шаг",
            now=first.submitted_at + H,
        )

    feedback = Feedback.objects.get()
    assert (feedback.facts, feedback.next_step, feedback.submitted_at) == ("Первый текст", "", first.submitted_at)
    assert received_notifications(visit).count() == 1


def test_a_second_submit_is_refused_even_when_its_own_fields_are_wrong(visit):
    """Whether it was already submitted is the answer that matters, not the late text's errors."""
    observer = observer_of(visit)
    services.feedback_submit(visit=visit, observer=observer, facts="Первый текст")
    with pytest.raises(services.FeedbackAlreadySubmitted):
        services.feedback_submit(visit=visit, observer=observer, facts="")


def test_a_draft_never_changes_submitted_feedback(visit):
    observer = observer_of(visit)
    first = services.feedback_submit(visit=visit, observer=observer, facts="Первый текст")
    with pytest.raises(services.FeedbackAlreadySubmitted):
        services.feedback_save_draft(visit=visit, observer=observer, facts="Черновик после отправки")
    feedback = Feedback.objects.get()
    assert feedback.facts == "Первый текст" and feedback.updated_at == first.updated_at


def test_a_submit_after_the_first_comes_back_with_its_text_and_the_reason(visit):
    """A retried request, or a second tab, after the first submit has finished."""
    observer = observer_of(visit)
    client = client_for(observer.user)
    url = reverse("visits:feedback", args=[visit.pk])
    assert client.post(url, form_data(visit, "Первый текст")).status_code == 302

    late = "Текст <из второй вкладки> & с правкой"
    response = client.post(url, form_data(visit, late, questions="Поздний вопрос учителю"))
    assert response.status_code == 409
    html = response.content.decode()
    assert REFUSAL in html and NOT_CHANGED in html
    assert "Текст &lt;из второй вкладки&gt; &amp; с правкой" in html
    assert "Поздний вопрос учителю" in html
    # What stands is shown beside it, and the visit is a link away.
    assert "Первый текст" in html
    assert reverse("visits:detail", args=[visit.pk]) in html
    assert Feedback.objects.get().facts == "Первый текст"
    assert received_notifications(visit).count() == 1


def test_the_draft_button_after_a_submit_comes_back_with_its_text(visit):
    observer = observer_of(visit)
    client = client_for(observer.user)
    url = reverse("visits:feedback", args=[visit.pk])
    client.post(url, form_data(visit, "Первый текст"))
    response = client.post(url, form_data(visit, "Черновик из старой вкладки", action="draft"))
    assert response.status_code == 409
    assert "Черновик из старой вкладки" in response.content.decode()
    assert Feedback.objects.get().facts == "Первый текст"


def test_the_automatic_draft_after_a_submit_says_it_was_not_saved(visit):
    observer = observer_of(visit)
    client = client_for(observer.user)
    client.post(reverse("visits:feedback", args=[visit.pk]), form_data(visit, "Первый текст"))
    response = client.post(
        reverse("visits:feedback_draft", args=[visit.pk]),
        {"facts": "Автосохранение из старой вкладки"},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200  # htmx shows the fragment
    html = response.content.decode()
    assert REFUSAL in html and "Черновик сохранён" not in html
    assert Feedback.objects.get().facts == "Первый текст"


def _sessions_waiting_on_a_lock():
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'"
        )
        return cursor.fetchone()[0]


def _wait_until(condition, what):
    deadline = time.monotonic() + WAIT
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"waited in vain: {what}")
        time.sleep(0.05)


@pytest.mark.django_db(transaction=True)
def test_an_automatic_draft_racing_a_submit_waits_and_leaves_it_alone(visit, monkeypatch):
    """A draft that arrives while the submit's transaction is still open waits for
    the row's lock, then finds the feedback submitted: it writes nothing, and says so."""
    observer = observer_of(visit)
    services.feedback_save_draft(visit=visit, observer=observer, facts="Черновик")
    in_submit, release = threading.Event(), threading.Event()
    real_notify = services._notify_feedback

    def notify_then_hold(*args):
        real_notify(*args)
        in_submit.set()  # the row is written, the transaction still open
        assert release.wait(WAIT)

    monkeypatch.setattr(services, "_notify_feedback", notify_then_hold)
    outcome = {}

    def submit():
        try:
            outcome["submit"] = services.feedback_submit(visit=visit, observer=observer, facts="Отправленный текст")
        finally:
            connection.close()

    def draft():
        try:
            services.feedback_save_draft(visit=visit, observer=observer, facts="Автосохранение")
        except services.FeedbackAlreadySubmitted:
            outcome["draft"] = "refused"
        else:
            outcome["draft"] = "saved"
        finally:
            connection.close()

    submitter = threading.Thread(target=submit)
    submitter.start()
    assert in_submit.wait(WAIT)
    drafter = threading.Thread(target=draft)
    drafter.start()
    _wait_until(_sessions_waiting_on_a_lock, "the draft waits for the submit's lock")
    release.set()
    submitter.join(WAIT)
    drafter.join(WAIT)

    assert outcome["draft"] == "refused"
    feedback = Feedback.objects.get()
    assert feedback.facts == "Отправленный текст" and feedback.submitted_at == outcome["submit"].submitted_at


@pytest.mark.django_db(transaction=True)
def test_a_first_draft_racing_the_first_submit_never_deadlocks(visit, monkeypatch):
    """No row yet: the submit holds the visit while the draft creates the row. The
    draft's new row must not wait for the visit (its foreign key) while the submit
    waits for that row: the database would end one of them with an error."""
    observer = observer_of(visit)
    holding, release = threading.Event(), threading.Event()
    real_locked = services._feedback_locked
    gate = [True]

    def hold_the_visit_first(**kwargs):
        if gate and gate.pop():  # the submit, which comes first: it holds the visit's lock now
            holding.set()
            assert release.wait(WAIT)
        return real_locked(**kwargs)

    monkeypatch.setattr(services, "_feedback_locked", hold_the_visit_first)
    failures = []

    def run(call, **kwargs):
        try:
            call(visit=visit, observer=observer, **kwargs)
        except Exception as error:  # reported by the main thread
            failures.append(error)
        finally:
            connection.close()

    submitter = threading.Thread(target=run, args=(services.feedback_submit,), kwargs={"facts": "Отправленный текст"})
    drafter = threading.Thread(target=run, args=(services.feedback_save_draft,), kwargs={"facts": "Черновик"})
    submitter.start()
    assert holding.wait(WAIT)
    drafter.start()
    _wait_until(
        lambda: not drafter.is_alive() or _sessions_waiting_on_a_lock(), "the draft is saved or waits for a lock"
    )
    release.set()
    submitter.join(WAIT)
    drafter.join(WAIT)

    assert failures == []
    feedback = Feedback.objects.get()
    assert feedback.is_submitted and feedback.facts == "Отправленный текст"
