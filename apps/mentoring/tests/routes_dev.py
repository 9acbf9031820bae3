"""Access rules of development routes and the calendar feed, for the URL walk
(apps/core/tests/world.py); merged into apps/mentoring/tests/routes.py.

Routes are built around the personas: the teacher persona (made early-career) is
the route's teacher and the curator persona its mentor, so the matrix checks the
relations: the route's teacher sees the route and reports progress on its steps,
the mentor manages it.
"""

import datetime

from django.core.files.base import ContentFile

from apps.accounts.tests.factories import MembershipFactory
from apps.core.dates import add_years, school_today
from apps.core.tests.world import ANY_MEMBER, A, C, D, T
from apps.mentoring.models import CalendarFeed, RouteStep
from apps.mentoring.tests.route_factories import DevelopmentRouteFactory, RouteStepFactory

PLANNERS = (C, D, A)
WALK_EVIDENCE = "mentoring/evidence/url-walk/evidence.txt"


def _route(w):
    teacher = w.staff_of(T)
    today = school_today(w.school)
    if teacher.teaching_since <= add_years(today, -3):
        teacher.teaching_since = teacher.hired_on = today - datetime.timedelta(days=365)
        teacher.save(update_fields=["teaching_since", "hired_on"])
    return DevelopmentRouteFactory(school=w.school, teacher=teacher, mentor=w.staff_of(C))


def _step_with_file(w):
    """A step with an evidence file; the file is written once and shared by every run."""
    storage = RouteStep._meta.get_field("evidence_file").storage
    if not storage.exists(WALK_EVIDENCE):
        storage.save(WALK_EVIDENCE, ContentFile(b"protocol of a visited lesson\n"))
    step = RouteStepFactory(route=_route(w))
    step.evidence_file.name = WALK_EVIDENCE
    step.save(update_fields=["evidence_file"])
    return step


class _WalkFeedToken:
    """The token of a calendar feed that exists when the walk reverses the URL.

    PUBLIC entries give fixed URL kwargs, and an unknown token answers 404; the
    feed is made (once, idempotently) when `reverse` turns the token into text.
    """

    TOKEN = "url-walk-calendar-feed-token"

    def __str__(self):
        if not CalendarFeed.objects.filter(token=self.TOKEN).exists():
            # A person who works in a school: only they have a feed.
            CalendarFeed.objects.create(user=MembershipFactory().user, token=self.TOKEN)
        return self.TOKEN


OBJECTS_DEV = {
    "route": lambda w: {"pk": _route(w).pk},
    "route_step": lambda w: {"pk": RouteStepFactory(route=_route(w)).pk},
    "route_step_file": lambda w: {"pk": _step_with_file(w).pk},
}

ROUTES_DEV = {
    # Administration and curators see every route; a teacher their own (an empty list is still 200).
    "mentoring:route_list": ("get", None, ANY_MEMBER),
    "mentoring:route_create": ("get", None, PLANNERS),
    "mentoring:route_detail": ("get", "route", ANY_MEMBER),  # the teacher is the route's
    "mentoring:route_edit": ("get", "route", PLANNERS),  # the curator is the mentor
    "mentoring:route_step_add": ("get", "route", PLANNERS),
    "mentoring:route_step_edit": ("get", "route_step", ANY_MEMBER),  # the teacher reports progress
    "mentoring:route_step_evidence": ("get", "route_step_file", ANY_MEMBER),
    "mentoring:feed": ("get", None, ANY_MEMBER),
    "mentoring:feed_reset": ("post", None, ANY_MEMBER),
}

PUBLIC_DEV = {"mentoring:ical": ("get", {"token": _WalkFeedToken()})}
