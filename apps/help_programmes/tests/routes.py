"""Access rules of the programmes of help routes, for the URL walk (apps/core/tests/world.py).

The walk's school is made the leader school of a network with a supported
school; the teacher persona answers for a milestone (so the matrix checks "the
responsible marks it done").
"""

from apps.core.tests.world import ANY_MEMBER, T
from apps.help_programmes.tests.factories import (
    DifficultyFactory,
    HelpFormFactory,
    HelpMilestoneFactory,
    ProgrammeFactory,
    ResponsibleFactory,
    leader_and_supported,
)

MANAGE = "help_programmes.manage"


def _programme(w):
    # Read afresh: a walk that rolled back an earlier object also rolled back the network it made.
    w.school.refresh_from_db(fields=["network", "is_network_leader"])
    leader, supported = leader_and_supported(w.school)
    return ProgrammeFactory(leader_school=leader, supported_school=supported)


OBJECTS = {
    "help_programme": lambda w: {"pk": _programme(w).pk},
    "help_difficulty": lambda w: {"pk": DifficultyFactory(programme=_programme(w)).pk},
    "help_form": lambda w: {"pk": HelpFormFactory(programme=_programme(w)).pk},
    "help_responsible": lambda w: {"pk": ResponsibleFactory(programme=_programme(w), staff=w.staff_of(T)).pk},
    "help_milestone": lambda w: {"pk": HelpMilestoneFactory(programme=_programme(w), responsible=w.staff_of(T)).pk},
}

ROUTES = {
    "help_programmes:list": ("get", None, ANY_MEMBER),
    "help_programmes:create": ("get", None, MANAGE),
    "help_programmes:detail": ("get", "help_programme", ANY_MEMBER),
    "help_programmes:xlsx": ("get", "help_programme", ANY_MEMBER),
    "help_programmes:edit": ("get", "help_programme", MANAGE),
    "help_programmes:agree": ("post", "help_programme", MANAGE),
    "help_programmes:difficulties": ("get", "help_programme", MANAGE),
    "help_programmes:difficulty_delete": ("post", "help_difficulty", MANAGE),
    "help_programmes:forms": ("get", "help_programme", MANAGE),
    "help_programmes:form_delete": ("post", "help_form", MANAGE),
    "help_programmes:people": ("get", "help_programme", MANAGE),
    "help_programmes:responsible_remove": ("post", "help_responsible", MANAGE),
    "help_programmes:milestones": ("get", "help_programme", MANAGE),
    "help_programmes:milestone_done": ("post", "help_milestone", (MANAGE, T)),
    "help_programmes:review": ("get", "help_programme", MANAGE),
}

NETWORK_ROUTES = {
    "help_programmes:network": "get",
    "help_programmes:network_xlsx": "get",
}
