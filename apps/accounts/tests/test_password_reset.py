"""Password reset by e-mail, sent by a real Celery worker after the request commits."""

import re
import time

import pytest
from django.conf import settings
from django.urls import reverse

from apps.accounts.tests.factories import MembershipFactory


def wait_for_mail(mail_dir, timeout=30):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        letters = sorted(mail_dir.glob("*.log"))
        if letters:
            return letters[0].read_text(encoding="utf-8")
        time.sleep(0.2)
    raise AssertionError("no letter arrived")


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_password_reset_letter_is_sent_by_the_worker_and_its_link_works(celery_worker_process, client):
    user = MembershipFactory().user
    for old in celery_worker_process["mail_dir"].glob("*.log"):
        old.unlink()
    response = client.post(reverse("password_reset"), {"email": user.email.upper()})
    assert response["Location"] == reverse("password_reset_done")

    letter = wait_for_mail(celery_worker_process["mail_dir"])
    assert user.email in letter
    # On SITE_URL, not on the Host the request came with.
    link = re.search(re.escape(settings.SITE_URL) + r"(/accounts/reset/\S+/)", letter).group(1)

    form_page = client.get(link, follow=True)
    assert form_page.context["validlink"] is True
    done = client.post(
        form_page.redirect_chain[-1][0], {"new_password1": "Nov-pass-2026!", "new_password2": "Nov-pass-2026!"}
    )
    assert done["Location"] == reverse("password_reset_complete")
    assert client.post(reverse("login"), {"username": user.email, "password": "Nov-pass-2026!"}).status_code == 302


@pytest.mark.django_db
def test_unknown_email_gets_the_same_answer_and_no_letter(client, mailoutbox, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks() as callbacks:
        response = client.post(reverse("password_reset"), {"email": "nobody@school.test"})
    assert response["Location"] == reverse("password_reset_done")
    assert callbacks == []
