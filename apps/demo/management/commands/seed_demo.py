"""Build the demo: two schools of one network, a login for every role, their staff.

Safe to run again: existing demo objects are reused, never duplicated (the demo
logins get their password set again, so the printed logins always work).
"""

from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from apps.audit.services import audit_backdated
from apps.core.dates import school_today
from apps.demo import accounts as accounts_demo
from apps.demo import associations as associations_demo
from apps.demo import audit as audit_demo
from apps.demo import community as community_demo
from apps.demo import dashboards as dashboards_demo
from apps.demo import development_routes
from apps.demo import erasure as erasure_demo
from apps.demo import help_programmes as help_programmes_demo
from apps.demo import mentoring as mentoring_demo
from apps.demo import network_events as network_events_demo
from apps.demo import notifications as notifications_demo
from apps.demo import partners as partners_demo
from apps.demo import problemdays as problemdays_demo
from apps.demo import ratings as ratings_demo
from apps.demo import recognition as recognition_demo
from apps.demo import staff as staff_demo
from apps.demo import surveys as surveys_demo
from apps.demo import teams as teams_demo
from apps.demo import visits as visits_demo


class Command(BaseCommand):
    help = "Create or refresh the demo schools, logins and staff registry."

    def add_arguments(self, parser):
        parser.add_argument(
            "--password",
            default=settings.DEMO_PASSWORD,
            help="Password of every demo login (default: DEMO_PASSWORD, now %(default)s).",
        )

    def _seed(self, *, schools, password):
        users = accounts_demo.demo_users(schools=schools, password=password)
        by_name = {(u.last_name, u.first_name): u for u in users.values()}
        today = school_today(schools["main"])
        created = staff_demo.seed_main_school(school=schools["main"], users_by_name=by_name, today=today)
        staff_demo.seed_partner_school(school=schools["partner"], users_by_name=by_name, today=today)
        notifications_demo.seed_notification_preferences(schools=schools, users=users)
        with timezone.override(schools["main"].tzinfo):
            mentoring_demo.seed_mentoring(schools=schools, users=users, today=today)
            for school in schools.values():
                development_routes.seed_development_routes(school=school, today=today)
            visits_demo.seed_visits(schools=schools, users=users, today=today, now=timezone.now())
            teams_demo.seed_teams(schools=schools, users=users, today=today)
            partners_demo.seed_partners(schools=schools, users=users, today=today)
            problemdays_demo.seed_problem_days(schools=schools, users=users, today=today)
            community_demo.seed_community(schools=schools, users=users, today=today)
            associations_demo.seed_associations(schools=schools, users=users, today=today)
            help_programmes_demo.seed_help_programmes(schools=schools, today=today)
            network_events_demo.seed_network_events(schools=schools, today=today)
            dashboards_demo.seed_dashboards(schools=schools, today=today)
            surveys_demo.seed_surveys(schools=schools, users=users, today=today)
            recognition_demo.seed_recognition(schools=schools, today=today)
            ratings_demo.seed_ratings(schools=schools, users=users, today=today)  # after the records it counts
        return users, created

    @transaction.atomic
    def handle(self, *args, password, **options):
        network, schools = accounts_demo.demo_schools()
        now = timezone.now()
        # What building the demo writes to the audit trail (the registry, accounts,
        # pairs and teams it creates) is dated on a "set-up day" before the demo
        # trail, so the trail's first page shows people's doings, not the loading.
        with audit_backdated(audit_demo.setup_time(school=schools["main"], now=now)):
            users, created = self._seed(schools=schools, password=password)
        with timezone.override(schools["main"].tzinfo):
            # The trail first, then the erasure it leads up to: the erasure blanks the
            # name in the rows about the erased card, as it would have then.
            audit_demo.seed_audit(schools=schools, users=users, now=now)
            erased_at = audit_demo.workday(now=now, tz=schools["main"].tzinfo, back=2, at="15:14")
            with audit_backdated(erased_at):
                erasure_demo.seed_erasure(
                    school=schools["main"], erased_by=users["director@berezovka.demo"], now=erased_at
                )

        self.stdout.write(self.style.SUCCESS("Demo data created." if created else "Demo data already present: reused."))
        self.stdout.write(f"Network: {network.name}")
        for school in schools.values():
            self.stdout.write(f"  {school.short_name} ({school.time_zone})")
        self.stdout.write("")
        self.stdout.write(f"Demo logins (password for all: {password}):")
        for login in accounts_demo.LOGINS:
            schools_text = ", ".join(schools[key].short_name for key in login.school_roles) or network.name[:34]
            self.stdout.write(f"  {login.email:<28} {schools_text:<34} {login.note}")
        self.stdout.write(f"  {accounts_demo.SUPERUSER_EMAIL:<28} {'Django admin':<34} суперпользователь")
        secret = " ".join(
            accounts_demo.DEMO_TOTP_SECRET[i : i + 4] for i in range(0, len(accounts_demo.DEMO_TOTP_SECRET), 4)
        )
        self.stdout.write("")
        codes = ", ".join(accounts_demo.DEMO_RECOVERY_CODES)
        self.stdout.write(
            "Two-factor sign-in of the directors, the coordinator and root: add this key to an authenticator"
        )
        self.stdout.write(f"  {secret}")
        self.stdout.write(f"app, or type a recovery code: {codes} (each works once, until seed_demo runs again).")
