"""Two-factor sign-in: mandatory for administrators and network coordinators, optional
for everyone else, with single-use recovery codes and a bounded number of tries."""

import datetime
import re

import pytest
import time_machine
from django.conf import settings
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from apps.accounts import twofactor
from apps.accounts.models import Membership, Role
from apps.accounts.tests.factories import (
    SchoolNetworkFactory,
    TOTPDeviceFactory,
    UserFactory,
    totp_code,
    totp_code_for_secret,
)
from apps.accounts.twofactor import twofactor_code_check, twofactor_recovery_codes_regenerate
from conftest import client_for

PASSWORD = "correct-horse-42"


def sign_in(client, user, next_url=None):
    data = {"username": user.email, "password": PASSWORD}
    if next_url:
        data["next"] = next_url
    response = client.post(reverse("login"), data)
    assert response.status_code == 302, "the password step failed"
    return response


def session_key(client):
    return client.cookies[settings.SESSION_COOKIE_NAME].value


def verified(client):
    return DEVICE_ID_SESSION_KEY in client.session


# --- Mandatory set-up ----------------------------------------------------------------


def test_administrator_without_an_app_sets_it_up_at_first_sign_in(administrator, client):
    assert sign_in(client, administrator)["Location"] == reverse("home")
    home = client.get(reverse("home"))
    setup_url = f"{reverse('two_factor_setup')}?next=/"
    assert home.status_code == 302 and home["Location"] == setup_url

    page = client.get(setup_url)
    assert page.status_code == 200
    html = page.content.decode()
    assert "<svg" in html and "<script" not in html.split("<main", 1)[1].split("</main>")[0]
    secret = page.context["secret"]
    assert re.fullmatch(r"[A-Z2-7]{4}( [A-Z2-7]{4})+", secret)
    assert client.get(setup_url).context["secret"] == secret  # a reload shows the same key

    wrong = client.post(setup_url, {"code": "000000" if totp_code_for_secret(secret) != "000000" else "111111"})
    assert wrong.status_code == 200 and wrong.context["form"].errors
    assert not verified(client)
    assert client.get(reverse("staff:list"))["Location"].startswith(reverse("two_factor_setup"))

    before = session_key(client)
    # A second later: after a wrong code the app waits a moment before the next.
    with time_machine.travel(datetime.datetime.now(tz=datetime.UTC) + datetime.timedelta(seconds=2), tick=False):
        done = client.post(setup_url, {"code": totp_code_for_secret(secret), "next": "/"})
    assert done.status_code == 302
    assert done["Location"] == f"{reverse('two_factor_recovery_codes')}?next=%2F"
    assert verified(client) and session_key(client) != before
    device = TOTPDevice.objects.get(user=administrator)
    assert device.confirmed

    codes_page = client.get(done["Location"])
    codes = codes_page.context["codes"]
    assert len(codes) == len(set(codes)) == 10
    assert sorted(StaticToken.objects.filter(device__user=administrator).values_list("token", flat=True)) == sorted(
        codes
    )
    for code in codes:
        assert code in codes_page.content.decode()
    # Shown once: the page does not show them again.
    again = client.get(reverse("two_factor_recovery_codes"))
    assert again.status_code == 302 and again["Location"] == reverse("two_factor")
    assert client.get(reverse("home")).status_code == 200


def test_network_coordinator_must_set_up_too(db):
    coordinator = UserFactory()
    SchoolNetworkFactory().coordinators.add(coordinator)
    client = Client()
    sign_in(client, coordinator)
    response = client.get(reverse("home"))
    assert response["Location"].startswith(reverse("two_factor_setup"))


def test_setup_page_never_replaces_an_app_nor_skips_its_code(administrator, client):
    device = TOTPDeviceFactory(user=administrator)
    sign_in(client, administrator)
    response = client.get(reverse("two_factor_setup"))
    assert response["Location"].startswith(reverse("two_factor_verify"))
    client.post(reverse("two_factor_setup"), {"code": totp_code(device)})
    assert not verified(client)
    assert list(TOTPDevice.objects.filter(user=administrator)) == [device]


def test_teacher_is_not_asked_for_a_code(teacher, client):
    sign_in(client, teacher)
    assert client.get(reverse("home")).status_code == 200
    assert client.get(reverse("two_factor_verify"))["Location"] == reverse("home")


def test_administrator_role_granted_during_a_session_asks_for_setup_at_once(teacher, school):
    client = client_for(teacher)
    assert client.get(reverse("home")).status_code == 200
    Membership.objects.filter(user=teacher, school=school).update(roles=[Role.TEACHER, Role.ADMINISTRATOR])
    assert client.get(reverse("home"))["Location"].startswith(reverse("two_factor_setup"))


def test_with_the_requirement_off_an_administrator_without_an_app_is_let_in(administrator, teacher, settings):
    settings.TWO_FACTOR_REQUIRED = False
    client = Client()
    sign_in(client, administrator)
    assert client.get(reverse("home")).status_code == 200
    # Whoever has an app is still asked for its code.
    TOTPDeviceFactory(user=teacher)
    other = Client()
    sign_in(other, teacher)
    assert other.get(reverse("home"))["Location"].startswith(reverse("two_factor_verify"))


# --- The code at sign-in -------------------------------------------------------------


def test_sign_in_with_a_code_keeps_the_page_asked_for_and_rotates_the_session(administrator, client):
    device = TOTPDeviceFactory(user=administrator)
    login = sign_in(client, administrator, next_url="/staff/")
    assert login["Location"] == "/staff/"
    ask = client.get("/staff/")
    assert ask["Location"] == f"{reverse('two_factor_verify')}?next=/staff/"
    before = session_key(client)
    response = client.post(ask["Location"], {"code": totp_code(device), "next": "/staff/"})
    assert response.status_code == 302 and response["Location"] == "/staff/"
    assert session_key(client) != before
    assert client.get("/staff/").status_code == 200
    # The old session key opens nothing any more.
    stale = Client()
    stale.cookies[settings.SESSION_COOKIE_NAME] = before
    assert stale.get("/staff/")["Location"].startswith(reverse("login"))


def test_a_code_is_accepted_once(administrator):
    device = TOTPDeviceFactory(user=administrator)
    first, second = Client(), Client()
    sign_in(first, administrator)
    sign_in(second, administrator)
    code = totp_code(device)
    first.post(reverse("two_factor_verify"), {"code": code})
    assert verified(first)
    with time_machine.travel(datetime.datetime.now(tz=datetime.UTC) + datetime.timedelta(seconds=2), tick=False):
        replay = second.post(reverse("two_factor_verify"), {"code": code})
    assert replay.status_code == 200 and not verified(second)


def test_recovery_code_signs_in_once(administrator):
    TOTPDeviceFactory(user=administrator)
    code = twofactor_recovery_codes_regenerate(user=administrator)[0]
    client = Client()
    sign_in(client, administrator)
    response = client.post(reverse("two_factor_verify"), {"code": f" {code.upper()[:5]}-{code[5:]} "}, follow=True)
    assert verified(client)
    assert response.status_code == 200
    assert StaticToken.objects.filter(device__user=administrator).count() == 9
    assert not StaticToken.objects.filter(token=code).exists()

    again = Client()
    sign_in(again, administrator)
    with time_machine.travel(datetime.datetime.now(tz=datetime.UTC) + datetime.timedelta(minutes=1)):
        assert again.post(reverse("two_factor_verify"), {"code": code}).status_code == 200
    assert not verified(again)


def test_five_wrong_codes_end_the_session(administrator, client, settings):
    device = TOTPDeviceFactory(user=administrator)
    sign_in(client, administrator)
    right = totp_code(device)
    wrong = f"{(int(right) + 500000) % 1000000:06d}"
    start = datetime.datetime.now(tz=datetime.UTC)
    for attempt in range(settings.TWO_FACTOR_MAX_ATTEMPTS - 1):
        # Past the device's own growing pause after each failure (1, 2, 4, 8 s).
        with time_machine.travel(start + datetime.timedelta(seconds=20 * attempt), tick=False):
            response = client.post(reverse("two_factor_verify"), {"code": wrong})
        assert response.status_code == 200 and response.context["form"].errors["code"]
    with time_machine.travel(start + datetime.timedelta(seconds=100), tick=False):
        response = client.post(reverse("two_factor_verify"), {"code": wrong})
    assert response.status_code == 302 and response["Location"] == reverse("login")
    assert client.get(reverse("home"))["Location"].startswith(reverse("login"))
    assert not verified(client)


def test_after_a_wrong_code_the_app_pauses_for_every_session(administrator):
    """Brute force from many sessions at once meets the device's own throttle."""
    device = TOTPDeviceFactory(user=administrator)
    attacker, owner = Client(), Client()
    sign_in(attacker, administrator)
    sign_in(owner, administrator)
    now = datetime.datetime.now(tz=datetime.UTC).replace(microsecond=0)
    with time_machine.travel(now, tick=False):
        right = totp_code(device)
        attacker.post(reverse("two_factor_verify"), {"code": f"{(int(right) + 1) % 1000000:06d}"})
        owner.post(reverse("two_factor_verify"), {"code": right})
        assert not verified(owner)
    with time_machine.travel(now + datetime.timedelta(seconds=2), tick=False):
        owner.post(reverse("two_factor_verify"), {"code": totp_code(device)})
    assert verified(owner)


@pytest.mark.parametrize(
    "code",
    ["", " ", "12345", "1234567", "abc", "<script>alert(1)</script>", "١٢٣٤٥٦", "x" * 5000, "12 34 56", "--", "²²²²²²"],
)
def test_bad_codes_are_form_errors(administrator, client, code):
    TOTPDeviceFactory(user=administrator)
    sign_in(client, administrator)
    response = client.post(reverse("two_factor_verify"), {"code": code})
    assert response.status_code == 200
    assert not verified(client)
    setup = Client()
    sign_in(setup, UserFactory())
    assert setup.post(reverse("two_factor_setup"), {"code": code}).status_code == 200


@pytest.mark.parametrize("code", ["١٢٣٤٥٦", "²²²²²²", "１２３４５６"])
def test_digits_of_other_scripts_are_no_app_code_and_do_not_pause_the_app(administrator, code):
    device = TOTPDeviceFactory(user=administrator)
    assert twofactor_code_check(user=administrator, code=code) is None
    device.refresh_from_db()
    assert device.throttling_failure_count == 0


def test_next_leaving_the_site_is_ignored(administrator, client):
    device = TOTPDeviceFactory(user=administrator)
    sign_in(client, administrator)
    response = client.post(f"{reverse('two_factor_verify')}?next=https://evil.example/", {"code": totp_code(device)})
    assert response["Location"] == reverse("home")


def test_unverified_user_can_sign_out_switch_language_and_reach_health(administrator, client):
    TOTPDeviceFactory(user=administrator)
    sign_in(client, administrator)
    assert client.post(reverse("set_language"), {"language": "en", "next": "/"})["Location"] == "/"
    assert client.get(reverse("health")).status_code in (200, 503)
    assert client.post(reverse("logout"))["Location"] == reverse("login")
    assert client.get(reverse("home"))["Location"].startswith(reverse("login"))


# --- The account's two-factor page -----------------------------------------------------


def test_teacher_turns_two_factor_on_and_is_asked_for_a_code_next_time(teacher):
    client = client_for(teacher)
    page = client.get(reverse("two_factor"))
    assert page.status_code == 200 and page.context["device"] is None
    setup = client.get(reverse("two_factor_setup"))
    assert setup.status_code == 200 and not setup.context["mandatory"]
    done = client.post(reverse("two_factor_setup"), {"code": totp_code_for_secret(setup.context["secret"])})
    assert done["Location"].startswith(reverse("two_factor_recovery_codes"))
    assert client.get(reverse("home")).status_code == 200

    other = Client()
    sign_in(other, teacher)
    assert other.get(reverse("home"))["Location"].startswith(reverse("two_factor_verify"))


def test_a_session_opened_before_two_factor_was_turned_on_elsewhere_must_type_a_code(teacher):
    earlier = Client()
    sign_in(earlier, teacher)
    assert earlier.get(reverse("home")).status_code == 200

    phone = Client()
    sign_in(phone, teacher)
    setup = phone.get(reverse("two_factor_setup"))
    phone.post(reverse("two_factor_setup"), {"code": totp_code_for_secret(setup.context["secret"])})
    assert phone.get(reverse("home")).status_code == 200  # the session that turned it on is verified

    assert earlier.get(reverse("home"))["Location"].startswith(reverse("two_factor_verify"))
    assert earlier.post(reverse("home"))["Location"] == reverse("two_factor_verify")


def test_turning_it_off_again_frees_the_earlier_session_and_costs_no_query_after(teacher):
    earlier = Client()
    sign_in(earlier, teacher)
    client = client_for(teacher)
    setup = client.get(reverse("two_factor_setup"))
    client.post(reverse("two_factor_setup"), {"code": totp_code_for_secret(setup.context["secret"])})
    assert earlier.get(reverse("home"))["Location"].startswith(reverse("two_factor_verify"))
    client.post(reverse("two_factor"), {"password": PASSWORD})
    assert not TOTPDevice.objects.filter(user=teacher).exists()
    assert earlier.get(reverse("home")).status_code == 200  # decided again, once
    fresh = Client()
    sign_in(fresh, teacher)
    fresh.get(reverse("home"))
    with CaptureQueriesContext(connection) as after_deciding_again:
        earlier.get(reverse("home"))
    with CaptureQueriesContext(connection) as untouched:
        fresh.get(reverse("home"))
    assert len(after_deciding_again) == len(untouched)


def test_teacher_turns_it_off_with_the_password(teacher):
    TOTPDeviceFactory(user=teacher)
    twofactor_recovery_codes_regenerate(user=teacher)
    client = client_for(teacher)
    page = client.get(reverse("two_factor"))
    assert page.context["codes_left"] == 10
    wrong = client.post(reverse("two_factor"), {"password": "not-it"})
    assert wrong.status_code == 200 and wrong.context["form"].errors["password"]
    assert TOTPDevice.objects.filter(user=teacher).exists()
    assert client.post(reverse("two_factor"), {"password": PASSWORD})["Location"] == reverse("two_factor")
    assert not TOTPDevice.objects.filter(user=teacher).exists()
    assert not StaticToken.objects.filter(device__user=teacher).exists()
    assert client.get(reverse("home")).status_code == 200
    fresh = Client()
    sign_in(fresh, teacher)
    assert fresh.get(reverse("home")).status_code == 200


def test_administrator_cannot_turn_it_off(administrator):
    client = client_for(administrator)
    page = client.get(reverse("two_factor"))
    assert page.context["mandatory"] and "two-factor-disable" not in page.content.decode()
    client.post(reverse("two_factor"), {"password": PASSWORD})
    assert TOTPDevice.objects.filter(user=administrator, confirmed=True).exists()
    assert verified(client)


def test_new_recovery_codes_replace_the_old_ones(administrator):
    client = client_for(administrator)
    old = twofactor_recovery_codes_regenerate(user=administrator)
    response = client.post(reverse("two_factor_recovery_codes"))
    assert response["Location"] == reverse("two_factor_recovery_codes")
    new = client.get(response["Location"]).context["codes"]
    assert len(new) == 10 and not set(new) & set(old)
    assert sorted(StaticToken.objects.filter(device__user=administrator).values_list("token", flat=True)) == sorted(new)


def test_the_account_menu_links_to_the_two_factor_page(teacher):
    assert reverse("two_factor") in client_for(teacher).get(reverse("home")).content.decode()


def test_wrong_codes_and_turning_it_on_or_off_are_in_the_audit_trail(teacher):
    from apps.audit.models import AuditEvent

    client = client_for(teacher)
    setup = client.get(reverse("two_factor_setup"))
    client.post(reverse("two_factor_setup"), {"code": totp_code_for_secret(setup.context["secret"])})
    client.post(reverse("two_factor"), {"password": PASSWORD})
    changes = AuditEvent.objects.filter(action="two_factor_changed", target_id=str(teacher.pk)).order_by("pk")
    assert [event.changes for event in changes] == [
        {"two_factor": ["false", "true"]},
        {"two_factor": ["true", "false"]},
    ]

    device = TOTPDeviceFactory(user=teacher)
    other = Client()
    sign_in(other, teacher)
    other.post(reverse("two_factor_verify"), {"code": f"{(int(totp_code(device)) + 1) % 1000000:06d}"})
    failed = AuditEvent.objects.get(action="two_factor_failed")
    assert (failed.actor, failed.target_id, failed.changes) == (teacher, str(teacher.pk), {"attempt": "1"})


def test_setup_page_reload_shows_the_same_code_drawn_once_in_a_fixed_few_queries(teacher, monkeypatch):
    twofactor._qr_svg.cache_clear()
    drawn = []
    make = twofactor.segno.make
    monkeypatch.setattr(twofactor.segno, "make", lambda *args, **kwargs: drawn.append(args) or make(*args, **kwargs))
    client = client_for(teacher)
    first = client.get(reverse("two_factor_setup"))
    with CaptureQueriesContext(connection) as captured:
        again = client.get(reverse("two_factor_setup"))
    assert first.context["qr_svg"] == again.context["qr_svg"]
    assert first.context["secret"] == again.context["secret"]
    assert len(drawn) == 1
    # the session, the user with their memberships, their authenticators (read once, with
    # their user known: seven queries before) and whether they coordinate a network
    assert len(captured) == 5
