"""Access rules of the teams' routes, for the URL walk (apps/core/tests/world.py).

Teams are built around the personas: the teacher persona leads the team (so the
matrix checks "the lead edits"), the curator persona is a plain member (sees and
records meetings, changes nothing else).
"""

from django.core.files.uploadedfile import SimpleUploadedFile

from apps.core.tests.world import ANY_MEMBER, C, T
from apps.teams.models import TeamOutcome
from apps.teams.tests.factories import MilestoneFactory, TaskTeamFactory

LEAD_AND_MANAGERS = ("teams.manage", T)


def _team(w):
    return TaskTeamFactory(school=w.school, lead=w.staff_of(T), members=[w.staff_of(C)])


def _outcome(w):
    return TeamOutcome.objects.create(
        team=_team(w),
        kind=TeamOutcome.Kind.DOCUMENT,
        title="Положение о проектной неделе",
        file=SimpleUploadedFile("rules.pdf", b"%PDF-1.4 demo"),
        file_size=13,
    )


OBJECTS = {
    "team": lambda w: {"pk": _team(w).pk},
    "team_member": lambda w: {"pk": _team(w).members.get(staff=w.staff_of(C)).pk},
    "milestone": lambda w: {"pk": MilestoneFactory(team=_team(w)).pk},
    "team_outcome": lambda w: {"pk": _outcome(w).pk},
}

ROUTES = {
    "teams:team_list": ("get", None, ANY_MEMBER),
    "teams:my_teams": ("get", None, ANY_MEMBER),
    "teams:archive": ("get", None, ANY_MEMBER),
    "teams:team_create": ("get", None, "teams.manage"),
    "teams:team_detail": ("get", "team", ANY_MEMBER),
    "teams:team_edit": ("get", "team", LEAD_AND_MANAGERS),  # the teacher is the lead
    "teams:team_status": ("post", "team", LEAD_AND_MANAGERS),
    "teams:member_add": ("get", "team", LEAD_AND_MANAGERS),
    "teams:member_remove": ("post", "team_member", LEAD_AND_MANAGERS),
    "teams:milestone_create": ("get", "team", LEAD_AND_MANAGERS),
    "teams:milestone_done": ("post", "milestone", LEAD_AND_MANAGERS),
    "teams:meeting_create": ("get", "team", ANY_MEMBER),  # the curator is a member
    "teams:outcome_record": ("get", "team", LEAD_AND_MANAGERS),
    "teams:outcome_file": ("get", "team_outcome", ANY_MEMBER),
    "teams:team_reform": ("get", "team", "teams.manage"),
}
