"""The demo logins: the directors, the coordinator and root sign in with the key and
the recovery codes that seed_demo prints."""

import io
import re

from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from apps.accounts.tests.factories import totp_code_for_secret
from apps.demo import accounts as accounts_demo


def verified(client):
    return DEVICE_ID_SESSION_KEY in client.session


def test_demo_directors_and_coordinator_sign_in_with_the_printed_key_and_codes(demo_database, db):
    printed, password = demo_database.output, demo_database.password
    secret = re.search(r"^  ((?:[A-Z2-7]{4} ?)+)$", printed, re.MULTILINE).group(1)
    assert all(code in printed for code in accounts_demo.DEMO_RECOVERY_CODES)

    director = Client()
    director.post(reverse("login"), {"username": "director@berezovka.demo", "password": password})
    director.post(reverse("two_factor_verify"), {"code": totp_code_for_secret(secret)})
    assert verified(director) and director.get(reverse("staff:list")).status_code == 200

    coordinator = Client()
    coordinator.post(reverse("login"), {"username": "coordinator@network.demo", "password": password})
    coordinator.post(reverse("two_factor_verify"), {"code": accounts_demo.DEMO_RECOVERY_CODES[0]})
    assert verified(coordinator)

    root = Client()  # a superuser must use it too: the same key lets a newcomer into /admin/
    root.post(reverse("login"), {"username": accounts_demo.SUPERUSER_EMAIL, "password": password})
    assert root.get(reverse("admin:index"))["Location"].startswith(reverse("two_factor_verify"))
    root.post(reverse("two_factor_verify"), {"code": totp_code_for_secret(secret)})
    assert verified(root) and root.get(reverse("admin:index")).status_code == 200

    teacher = Client()
    teacher.post(reverse("login"), {"username": "teacher@berezovka.demo", "password": password})
    assert teacher.get(reverse("home")).status_code == 200

    call_command("seed_demo", password=password, stdout=io.StringIO())
    coordinator_user = TOTPDevice.objects.get(user__email="coordinator@network.demo").user
    assert StaticToken.objects.filter(device__user=coordinator_user).count() == 2  # the used code is back
    assert TOTPDevice.objects.filter(user__email__endswith=".demo").count() == 4  # and the superuser
