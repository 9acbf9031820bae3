"""The Django admin of task teams only looks up (apps/teams/admin.py)."""

import datetime

import pytest

from apps.audit.models import AuditEvent
from apps.core.tests.admin_checks import assert_looked_up_not_changed, superuser_client
from apps.staff.tests.factories import StaffMemberFactory
from apps.teams.models import TeamMeeting, TeamMember

from .factories import MilestoneFactory, TaskTeamFactory

pytestmark = pytest.mark.django_db


def test_team_membership_is_not_changed_in_the_admin():
    team = TaskTeamFactory(title="Команда по ФГОС")
    lead = team.members.get()
    newcomer = StaffMemberFactory(school=team.school)
    client = superuser_client()
    events = AuditEvent.objects.count()
    members_post = {
        "school": team.school_id,
        "kind": team.kind,
        "title": team.title,
        "task": team.task,
        "expected_result": team.expected_result,
        "deadline": team.deadline.isoformat(),
        "status": team.status,
        "members-TOTAL_FORMS": "2",
        "members-INITIAL_FORMS": "1",
        "members-0-id": lead.pk,
        "members-0-team": team.pk,
        "members-0-DELETE": "on",
        "members-1-team": team.pk,
        "members-1-staff": newcomer.pk,
        "members-1-role": TeamMember.Role.LEAD,
        "members-1-joined_on": datetime.date.today().isoformat(),
    }
    assert_looked_up_not_changed(client, team, members_post)
    assert list(team.members.values_list("staff_id", "role")) == [(lead.staff_id, TeamMember.Role.LEAD)]
    assert AuditEvent.objects.count() == events


def test_the_team_page_lists_its_members_without_forms():
    team = TaskTeamFactory()
    page = superuser_client().get(f"/admin/teams/taskteam/{team.pk}/change/").content.decode()
    assert team.members.get().staff.last_name in page
    assert 'name="members-0-staff"' not in page


def test_milestones_and_meetings_are_looked_up_only():
    client = superuser_client()
    milestone = MilestoneFactory(title="Сценарий готов")
    milestone_post = {"team": milestone.team_id, "title": "Другое", "due_on": "2030-01-01"}
    assert_looked_up_not_changed(client, milestone, milestone_post)
    meeting = TeamMeeting.objects.create(team=milestone.team, held_on=datetime.date(2025, 10, 1), agenda="План")
    assert_looked_up_not_changed(client, meeting, {"team": meeting.team_id, "held_on": "2025-10-02", "agenda": "Иной"})
    milestone.refresh_from_db()
    meeting.refresh_from_db()
    assert (milestone.title, meeting.agenda) == ("Сценарий готов", "План")
