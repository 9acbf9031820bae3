"""The load scenario of `make loadtest` (bin/loadtest.sh runs it headless).

Demo users sign in (those who owe a second factor with their code from the demo's
authenticator key), browse their lists and dashboards, plan lesson visits they
observe and submit feedback on them and on demo visits awaiting theirs. Every save
the site confirms is logged for tests/load/check.py; 5xx answers are counted per page.
Environment: LOADTEST_PLAN (JSON from tests/load/prepare.py), LOADTEST_SUBMISSIONS
(the log of confirmed saves), LOADTEST_STATUS (JSON written at the end). Runs in its
own virtualenv (requirements-loadtest.txt): it imports locust and django_otp's TOTP,
never the project. See docs/testing.md#load-test.
"""

import base64
import datetime
import itertools
import json
import os
import random
import re
import time
import uuid
import zoneinfo
from collections import Counter
from http.cookiejar import DefaultCookiePolicy

from django_otp.oath import TOTP
from locust import HttpUser, between, events, task

with open(os.environ["LOADTEST_PLAN"], encoding="utf-8") as plan_file:
    PLAN = json.load(plan_file)
SUBMISSIONS = os.environ["LOADTEST_SUBMISSIONS"]
STATUS = os.environ["LOADTEST_STATUS"]
TOTP_KEY = base64.b32decode(PLAN["totp_secret"])

EVERYONE_PAGES = [
    "/",
    "/visits/my/",
    "/notifications/",
    "/mentoring/calendar/",
    "/dashboards/my-participation/",
    "/teams/mine/",
    "/surveys/mine/",
    "/problem-days/mine/",
]
CURATOR_PAGES = ["/mentoring/board/", "/mentoring/groups/"]
MANAGER_PAGES = [
    "/staff/",
    "/dashboards/categories/",
    "/dashboards/participation/",
    "/dashboards/timeliness/",
    "/dashboards/collaboration/",
    "/visits/deadlines/",
    "/mentoring/board/",
]
VISIT_LOCATION = re.compile(r"/visits/(\d+)/$")


def _slots():
    """Every login once (so each one, those with two-factor sign-in included, is
    used), then the others over and over: one session a login that owes a
    code, since a TOTP code is accepted once."""
    users = PLAN["users"]
    yield from users
    yield from itertools.cycle([user for user in users if not user["two_factor"]] or users)


SLOTS = _slots()
FIVE_XX = Counter()
# Demo visits whose feedback a session of the observer has taken on: (visit id,
# staff id). Two sessions of one login never submit on the same visit (the
# second would be refused with 409: submitted feedback is never replaced).
CLAIMED = set()


def _send_secure_cookies_over_loopback(policy, cookie, request):
    return True


# The site runs with its production settings (Secure cookies) over plain HTTP on
# 127.0.0.1, as behind a TLS proxy: this process sends its cookies all the same.
# (On the policy class, since requests copies cookies into fresh jars.)
DefaultCookiePolicy.return_ok_secure = _send_secure_cookies_over_loopback


def log_saved(*fields):
    with open(SUBMISSIONS, "a", encoding="utf-8") as log:
        log.write(" ".join(str(field) for field in fields) + "\n")


@events.request.add_listener
def count_5xx(name, response=None, **kwargs):
    if response is not None and getattr(response, "status_code", 0) >= 500:
        FIVE_XX[name] += 1


@events.quitting.add_listener
def write_status(environment, **kwargs):
    """Per page: requests, failures, 5xx answers and the 95th percentile, once
    every user has stopped (locust's own CSV may lag the last requests)."""
    pages = [
        {
            "method": entry.method,
            "name": entry.name,
            "requests": entry.num_requests,
            "failures": entry.num_failures,
            "5xx": FIVE_XX[entry.name],
            "p95": entry.get_response_time_percentile(0.95) if entry.num_requests else 0,
        }
        for entry in sorted(environment.stats.entries.values(), key=lambda entry: entry.name)
    ]
    total = environment.stats.total
    p95 = total.get_response_time_percentile(0.95) if total.num_requests else 0
    with open(STATUS, "w", encoding="utf-8") as out:
        json.dump({"pages": pages, "p95": p95}, out, ensure_ascii=False, indent=1)


class DemoUser(HttpUser):
    wait_time = between(0.5, 2.0)

    def on_start(self):
        self.me = next(SLOTS)
        self.zone = zoneinfo.ZoneInfo(self.me.get("time_zone") or "Europe/Moscow")
        can = set(self.me["can"])  # capabilities (apps/accounts/capabilities.py)
        self.pages = list(EVERYONE_PAGES) if self.me["roles"] else []
        if "mentoring.curate" in can:
            self.pages += CURATOR_PAGES
        if "dashboards.view_school" in can:
            self.pages += MANAGER_PAGES
        if self.me["network_id"]:
            self.pages.append(f"/dashboards/network/{self.me['network_id']}/")
        self.sign_in()

    # --- signing in -------------------------------------------------------------------

    def csrf(self):
        return self.client.cookies.get("csrftoken", "")

    def sign_in(self):
        self.client.get("/accounts/login/", name="/accounts/login/")
        with self.client.post(
            "/accounts/login/",
            data={"username": self.me["email"], "password": PLAN["password"], "csrfmiddlewaretoken": self.csrf()},
            allow_redirects=False,
            name="/accounts/login/",
            catch_response=True,
        ) as response:
            if response.status_code != 302:
                response.failure(f"sign-in refused ({response.status_code})")
                return
        if self.me["two_factor"]:
            self.two_factor()

    def two_factor(self):
        self.client.get("/accounts/two-factor/verify/", name="/accounts/two-factor/verify/")
        for _attempt in range(2):
            code = f"{TOTP(TOTP_KEY).token():06d}"
            with self.client.post(
                "/accounts/two-factor/verify/",
                data={"code": code, "csrfmiddlewaretoken": self.csrf()},
                allow_redirects=False,
                name="/accounts/two-factor/verify/",
                catch_response=True,
            ) as response:
                if response.status_code == 302:
                    return
                response.success()  # a code used this period already: wait for the next one
            time.sleep(31 - time.time() % 30)
        raise RuntimeError(f"{self.me['email']}: two-factor code refused twice")

    # --- browsing ---------------------------------------------------------------------

    @task(6)
    def browse(self):
        if self.pages:
            page = random.choice(self.pages)
            name = re.sub(r"/\d+/", "/[id]/", page)
            self.client.get(page, name=name)

    # --- planning a visit and giving feedback on it ------------------------------------

    @task(2)
    def plan_and_debrief(self):
        if not (self.me["staff_id"] and self.me["colleagues"]):
            return self.browse()
        token = uuid.uuid4().hex[:12]
        now = datetime.datetime.now(self.zone)
        start = (now - datetime.timedelta(hours=3)).replace(second=0, microsecond=0)
        if start.hour >= 23:
            start = start.replace(hour=22, minute=0)
        end = start + datetime.timedelta(minutes=45)
        self.client.get("/visits/new/", name="/visits/new/")
        with self.client.post(
            "/visits/new/",
            data={
                "kind": "pair_visit",
                "group": "",
                "observed": random.choice(self.me["colleagues"]),
                "observers": [self.me["staff_id"]],
                "day": start.date().isoformat(),
                "start": start.strftime("%H:%M"),
                "end": end.strftime("%H:%M"),
                "grade": random.choice(["5А", "6Б", "7В", "8А", "9Б"]),
                "subject": "",
                "topic": f"Нагрузочный урок {token}",
                "observed_aspect": "Вопросы учеников после объяснения",
                "protocol": "",
                "answers_visit": "",
                "csrfmiddlewaretoken": self.csrf(),
            },
            allow_redirects=False,
            name="/visits/new/",
            catch_response=True,
        ) as response:
            found = VISIT_LOCATION.search(response.headers.get("Location", ""))
            if response.status_code != 302 or not found:
                response.failure(f"visit not planned ({response.status_code})")
                return
        visit_id = int(found.group(1))
        log_saved("visit", visit_id, token)
        self.debrief(visit_id, token)

    @task(1)
    def debrief_a_demo_visit(self):
        """Feedback on a demo visit that awaited it when the run began (the
        visits this run plans are debriefed by the session that planned them)."""
        if not self.me["staff_id"]:
            return self.browse()
        self.client.get("/visits/my/", name="/visits/my/")
        staff_id = self.me["staff_id"]
        waiting = [pk for pk in self.me["awaiting"] if (pk, staff_id) not in CLAIMED]
        if not waiting:
            return None
        visit_id = random.choice(waiting)
        CLAIMED.add((visit_id, staff_id))
        self.debrief(visit_id, uuid.uuid4().hex[:12])
        return None

    def debrief(self, visit_id, token):
        self.client.get(f"/visits/{visit_id}/feedback/", name="/visits/[id]/feedback/")
        now = datetime.datetime.now(self.zone)
        with self.client.post(
            f"/visits/{visit_id}/feedback/",
            data={
                "facts": f"Из 24 учеников 9 задали вопросы к тексту ({token}).",
                "toward_goal": "Ученики сами сформулировали цель урока.",
                "reconsider": "Самостоятельная работа — 4 минуты вместо 10.",
                "questions": "Что изменится, если ученики выберут вопрос сами?",
                "next_step": "Дать 10 минут на работу в парах.",
                "follow_up_on": "",
                "debrief_held_at": now.strftime("%Y-%m-%dT%H:%M"),
                "debrief_format": "in_person",
                "action": "submit",
                "csrfmiddlewaretoken": self.csrf(),
            },
            allow_redirects=False,
            name="/visits/[id]/feedback/",
            catch_response=True,
        ) as response:
            if response.status_code != 302 or not response.headers.get("Location", "").endswith(f"/{visit_id}/"):
                response.failure(f"feedback not saved ({response.status_code})")
                return
        log_saved("feedback", visit_id, self.me["staff_id"], token)
        self.client.get(f"/visits/{visit_id}/", name="/visits/[id]/")
