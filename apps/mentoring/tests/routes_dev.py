"""Access rules of development routes, for the URL walk
(apps/core/tests/world.py); merged into apps/mentoring/tests/routes.py.

Routes are built around the personas: the teacher persona (made early-career) is
the route's teacher and the curator persona its mentor, so the matrix checks the
relations: the route's teacher sees the route and reports progress on its steps,
the mentor manages it.
"""

import datetime

from django.core.files.base import ContentFile

from apps.core.dates import add_years, school_today
from apps.core.tests.world import ANY_MEMBER, C, T
from apps.mentoring.models import RouteStep
from apps.mentoring.tests.route_factories import DevelopmentRouteFactory, RouteStepFactory

# The route of the matrix has the curator persona as its mentor, who manages it.
ROUTE_MANAGERS = ("mentoring.manage", C)
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


OBJECTS_DEV = {
    "route": lambda w: {"pk": _route(w).pk},
    "route_step": lambda w: {"pk": RouteStepFactory(route=_route(w)).pk},
    "route_step_file": lambda w: {"pk": _step_with_file(w).pk},
}

ROUTES_DEV = {
    # Administration and curators see every route; a teacher their own (an empty list is still 200).
    "mentoring:route_list": ("get", None, ANY_MEMBER),
    "mentoring:route_create": ("get", None, "mentoring.plan"),
    "mentoring:route_detail": ("get", "route", ANY_MEMBER),  # the teacher is the route's
    "mentoring:route_edit": ("get", "route", ROUTE_MANAGERS),  # the curator is the mentor
    "mentoring:route_step_add": ("get", "route", ROUTE_MANAGERS),
    "mentoring:route_step_edit": ("get", "route_step", ANY_MEMBER),  # the teacher reports progress
    "mentoring:route_step_evidence": ("get", "route_step_file", ANY_MEMBER),
}
