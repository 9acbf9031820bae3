"""The Django admin of task teams: for looking up only.

Joining and leaving a team is written to the audit trail by the services
(`team_member_add`/`team_member_remove` in apps/teams/services.py); the team's
pages also check its school, status and deadline and check an outcome's file by
content (apps/core/uploads.py). A plain ModelAdmin save would skip all of that
(and deleting a team would drop its members unrecorded), so neither the teams
with their members nor their milestones, meetings and outcomes are changed here.
"""

from django.contrib import admin

from apps.core.admin import ReadOnlyAdminMixin

from .models import Milestone, TaskTeam, TeamMeeting, TeamMember, TeamOutcome


class TeamMemberInline(ReadOnlyAdminMixin, admin.TabularInline):
    model = TeamMember
    extra = 0
    raw_id_fields = ["staff"]


@admin.register(TaskTeam)
class TaskTeamAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["title", "school", "kind", "status", "deadline"]
    list_filter = ["status", "kind"]
    search_fields = ["title", "task"]
    list_select_related = ["school"]
    raw_id_fields = ["predecessor"]
    inlines = [TeamMemberInline]


@admin.register(Milestone, TeamMeeting, TeamOutcome)
class TeamRecordAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    pass
