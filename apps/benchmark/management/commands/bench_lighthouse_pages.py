"""The pages bin/lighthouse.sh measures on the seeded demo, and a session to reach them.

Prints JSON: the session cookie of the demo teacher (signed in as after a real
sign-in, without typing a password) and the pages, each with its path and
whether it is opened signed in: the login page, the teacher's home (her to-dos)
and the lesson-feedback form of a visit she observed whose debrief is due.
"""

import json

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.test import Client
from django.urls import reverse

from apps.accounts.models import User
from apps.accounts.selectors import membership_current
from apps.accounts.services import CURRENT_SCHOOL_SESSION_KEY
from apps.accounts.twofactor import twofactor_needed
from apps.staff.models import StaffMember
from apps.visits.selectors import visits_awaiting_my_feedback


class Command(BaseCommand):
    help = "The demo pages (and a signed-in session) that bin/lighthouse.sh measures, as JSON."

    def add_arguments(self, parser):
        parser.add_argument("--email", default="teacher@berezovka.demo", help="whose pages (a demo teacher)")
        parser.add_argument("--host", default="127.0.0.1", help="the host name the server is reached by")

    def handle(self, *args, **options):
        user = User.objects.filter(email=options["email"]).first()
        if user is None:
            raise CommandError(f"No user {options['email']}: run manage.py seed_demo first.")
        if twofactor_needed(user=user):
            raise CommandError(f"{user.email} signs in with a second factor: pick a teacher who does not.")
        _memberships, membership = membership_current(user=user)
        if membership is None:
            raise CommandError(f"{user.email} works in no school.")
        staff = StaffMember.objects.filter(school=membership.school, user=user, is_active=True).first()
        visit = None
        if staff is not None:
            visit = visits_awaiting_my_feedback(school=membership.school, staff=staff).first()
        if visit is None:
            raise CommandError(f"{user.email} owes no lesson feedback in the demo: nothing to open the form of.")

        client = Client(SERVER_NAME=options["host"])
        client.force_login(user)
        session = client.session
        session[CURRENT_SCHOOL_SESSION_KEY] = membership.school.pk
        session.save()
        cookie = (
            f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value};"
            f" {settings.LANGUAGE_COOKIE_NAME}=ru"
        )
        pages = [
            {"name": "login", "path": reverse("login"), "signed_in": False},
            {"name": "teacher_home", "path": reverse("home"), "signed_in": True},
            {"name": "feedback_form", "path": reverse("visits:feedback", args=[visit.pk]), "signed_in": True},
        ]
        language = f"{settings.LANGUAGE_COOKIE_NAME}=ru"
        self.stdout.write(json.dumps({"cookie": cookie, "language_cookie": language, "pages": pages}))
