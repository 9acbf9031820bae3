"""Access rules of the methodical associations routes, for the URL walk (apps/core/tests/world.py).

The association is built around the personas: the teacher persona heads this
year's plan (so the matrix checks "the head manages"), and the curator persona is
a plain member (sees the minutes, changes nothing).
"""

import itertools

from apps.associations.models import YearPlan
from apps.associations.tests.factories import (
    DecisionFactory,
    HeldMeetingFactory,
    MeetingFactory,
    YearPlanFactory,
    network_association,
)
from apps.core.tests.world import ANY_MEMBER, C, T
from apps.staff.tests.factories import SubjectAssociationFactory

HEAD_AND_MANAGERS = ("associations.manage", T)


def _plan(w):
    # One association for all the routes of a world: a page built later must not move the
    # personas out of the association an earlier page was built in (the browser walk builds
    # every page before opening any). A walk that rolled its objects back makes it again.
    plan = getattr(w, "_association_plan", None)
    if plan is not None and YearPlan.objects.filter(pk=plan.pk).exists():
        return plan
    association = SubjectAssociationFactory(school=w.school)
    for role in (T, C):
        person = w.staff_of(role)
        person.association = association
        person.save(update_fields=["association"])
    w._association_plan = YearPlanFactory(association=association, head=w.staff_of(T))
    return w._association_plan


def _held(w):
    return HeldMeetingFactory(plan=_plan(w))


_NETWORKS = itertools.count(1)


def _network(w):
    # Named apart from one another and from the demo's own network association of Russian.
    return network_association(lead=_plan(w).association, name=f"Сетевое МО обхода страниц № {next(_NETWORKS)}")


OBJECTS = {
    "association_workspace": lambda w: {"pk": _plan(w).association_id},
    "association_meeting": lambda w: {"pk": MeetingFactory(plan=_plan(w)).pk},
    "association_held_meeting": lambda w: {"pk": _held(w).pk},
    "association_decision": lambda w: {"pk": DecisionFactory(meeting=_held(w), responsible=w.staff_of(T)).pk},
    "network_association": lambda w: {"pk": _network(w).pk},
}

ROUTES = {
    "associations:list": ("get", None, ANY_MEMBER),
    "associations:detail": ("get", "association_workspace", ANY_MEMBER),
    "associations:plan_edit": ("get", "association_workspace", HEAD_AND_MANAGERS),
    "associations:meeting_create": ("get", "association_workspace", HEAD_AND_MANAGERS),
    "associations:meeting_detail": ("get", "association_meeting", ANY_MEMBER),
    "associations:meeting_edit": ("get", "association_meeting", HEAD_AND_MANAGERS),
    "associations:meeting_cancel": ("post", "association_meeting", HEAD_AND_MANAGERS),
    "associations:attendance": ("get", "association_held_meeting", HEAD_AND_MANAGERS),
    "associations:minutes": ("get", "association_held_meeting", HEAD_AND_MANAGERS),
    "associations:decision_create": ("get", "association_held_meeting", HEAD_AND_MANAGERS),
    "associations:decision_done": ("post", "association_decision", HEAD_AND_MANAGERS),  # the teacher is responsible
    "associations:network_create": ("get", None, "associations.manage"),
    # Members of the member associations (the teacher and the curator), and who manages associations.
    "associations:network_detail": ("get", "network_association", ("associations.manage", T, C)),
    "associations:network_members": ("get", "network_association", "associations.manage"),
}
