from django.contrib import admin

from .models import Milestone, TaskTeam, TeamMeeting, TeamMember, TeamOutcome


class TeamMemberInline(admin.TabularInline):
    model = TeamMember
    extra = 0
    raw_id_fields = ["staff"]


@admin.register(TaskTeam)
class TaskTeamAdmin(admin.ModelAdmin):
    list_display = ["title", "school", "kind", "status", "deadline"]
    list_filter = ["status", "kind"]
    search_fields = ["title", "task"]
    raw_id_fields = ["predecessor"]
    inlines = [TeamMemberInline]


admin.site.register([Milestone, TeamMeeting, TeamOutcome])
