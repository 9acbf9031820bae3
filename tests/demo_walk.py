"""The URL walk in the seeded demo school: every GET page each demo persona may
open, with objects made around the demo's logins so that pages carry a school's
worth of real-looking data. Shared by the browser suite (widths and axe-core,
tests/browser/test_every_page.py) and the page timings of `make bench`
(tests/speed/test_page_speed.py).
"""

from django.urls import reverse

from apps.accounts.models import Role, SchoolNetwork
from apps.associations.models import Meeting, YearPlan
from apps.community.models import Material, Question
from apps.core.tests.test_url_walk import ACCOUNT_ROUTES, NETWORK_ROUTES, OBJECTS, PUBLIC_ROUTES, SCHOOL_ROUTES
from apps.core.tests.world import World, route_roles
from apps.help_programmes.models import Programme
from apps.mentoring.models import DevelopmentRoute, MentorGroup
from apps.network_events.models import Event
from apps.partners.models import PartnerOrganisation
from apps.problemdays.models import ProblemDay
from apps.ratings.models import RatingPeriod, Sheet
from apps.recognition.models import Recognition
from apps.staff.models import StaffMember
from apps.teams.models import TaskTeam
from apps.visits.models import LessonVisit


# The walk makes its own objects, with a factory's short texts. These pages are
# opened on the demo's own object too, with a real programme's long names and many
# rows, by the administration (who may open every one of the school's).
def _demo_object(model):
    return lambda school: {"pk": model.objects.filter(school=school).order_by("pk").values_list("pk", flat=True)[0]}


def _shared_object(model, versions=False):
    """The demo's first school-wide material or question with the most to show (every
    member may open it: a draft or an association's would be another person's)."""

    def kwargs(school):
        rows = model.objects.filter(school=school, circle="school")
        if versions:
            rows = rows.filter(current_version__gte=2, comments__isnull=False)
        return {"pk": rows.order_by("pk").values_list("pk", flat=True)[0]}

    return kwargs


def _first(rows):
    return rows.order_by("pk").values_list("pk", flat=True)[0]


def _demo_association(school):
    """The association with this year's plan (the demo's humanities ШМО)."""
    plans = YearPlan.objects.filter(school=school, association__isnull=False).order_by("pk")
    return {"pk": plans.values_list("association", flat=True)[0]}


DEMO_OBJECTS = {
    "associations:detail": _demo_association,
    "associations:meeting_detail": _demo_object(Meeting),
    "mentoring:route_detail": _demo_object(DevelopmentRoute),
    "mentoring:group_detail": _demo_object(MentorGroup),
    "teams:team_detail": _demo_object(TaskTeam),
    "problemdays:day_detail": _demo_object(ProblemDay),
    "partners:partner_detail": _demo_object(PartnerOrganisation),
    "staff:detail": _demo_object(StaffMember),
    "visits:detail": _demo_object(LessonVisit),
    "community:material_detail": _shared_object(Material, versions=True),
    "community:question_detail": _shared_object(Question),
    # A programme belongs to both of its schools: the school's newest.
    "help_programmes:detail": lambda school: {
        "pk": Programme.objects.for_school(school).order_by("-year", "pk").values_list("pk", flat=True)[0]
    },
    "network_events:detail": _demo_object(Event),
    # The approved quarter, with its answered remark, and that remark's sheet.
    "ratings:period": lambda school: {"pk": _first(RatingPeriod.objects.filter(school=school, status="approved"))},
    "ratings:sheet": lambda school: {"pk": _first(Sheet.objects.filter(school=school, remarks__isnull=False))},
    "recognition:detail": lambda school: {"pk": _first(Recognition.objects.filter(school=school, hidden_at=None))},
}
ADMINISTRATION = {Role.DEPUTY_HEAD, Role.ADMINISTRATOR}

# The demo's logins, one per persona (apps/demo/accounts.py).
DEMO_PERSONAS = {
    Role.TEACHER: "teacher@berezovka.demo",
    Role.CURATOR: "curator@berezovka.demo",
    Role.DEPUTY_HEAD: "zavuch@berezovka.demo",
    Role.ADMINISTRATOR: "director@berezovka.demo",
}
COORDINATOR = "coordinator@network.demo"
VISITORS = [*DEMO_PERSONAS, "coordinator", "anonymous"]


class DemoWorld(World):
    """The walk's world in the demo school: a persona's registry card is the demo's own."""

    def staff_of(self, role):
        if role not in self._staff:
            card = StaffMember.objects.filter(school=self.school, user=self.users[role]).first()
            if card is not None:
                self._staff[role] = card
        return super().staff_of(role)


def pages_for(visitor, world):
    """(route name, URL) of every GET page the visitor may open, objects made now."""
    pages = []
    if visitor == "anonymous":
        for name, (method, kwargs) in sorted(PUBLIC_ROUTES.items()):
            if method == "get":
                pages.append((name, reverse(name, kwargs=kwargs)))
        return pages
    if visitor == "coordinator":
        network = SchoolNetwork.objects.get(coordinators__email=COORDINATOR)
        for name, method in sorted(NETWORK_ROUTES.items()):
            if method == "get":
                pages.append((name, reverse(name, kwargs={"network_id": network.pk})))
    else:
        for name, (method, kind, who) in sorted(SCHOOL_ROUTES.items()):
            if method == "get" and visitor in route_roles(who):
                pages.append((name, reverse(name, kwargs=OBJECTS[kind](world) if kind else {})))
                if name in DEMO_OBJECTS and visitor in ADMINISTRATION:
                    pages.append((name, reverse(name, kwargs=DEMO_OBJECTS[name](world.school))))
    for name, method in sorted(ACCOUNT_ROUTES.items()):
        if method == "get":
            pages.append((name, reverse(name)))
    return pages
