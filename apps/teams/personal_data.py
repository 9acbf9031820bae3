"""What the task teams hold about a person (see apps/core/personal_data.py).

The export lists the teams the person was in, with their role and dates. Erasure
leaves the memberships pointing at the anonymised card (the team's history stays
whole); the name sweep removes the person from the teams' texts. Who changed a
status or recorded a meeting or outcome stays as the (anonymised) account.
"""

from django.utils.translation import gettext as _

from apps.core.personal_data import PersonalDataSource, Section

from .models import TeamMeeting, TeamMember, TeamOutcome, TeamStatusChange


def collect(*, staff, local_time):
    section = Section(
        "teams",
        _("Task teams"),
        [
            ("team", _("team number")),
            ("kind", _("kind")),
            ("title", _("title")),
            ("status", _("status")),
            ("role", _("role")),
            ("joined_on", _("joined on")),
            ("left_on", _("left on")),
            ("deadline", _("deadline")),
        ],
        [
            {
                "team": m.team_id,
                "kind": m.team.get_kind_display(),
                "title": m.team.title,
                "status": m.team.get_status_display(),
                "role": m.get_role_display(),
                "joined_on": m.joined_on,
                "left_on": m.left_on,
                "deadline": m.team.deadline,
            }
            for m in TeamMember.objects.filter(staff=staff).select_related("team").order_by("joined_on", "pk")
        ],
    )
    return [section]


SOURCE = PersonalDataSource(
    app_label="teams",
    order=40,
    person_models=(TeamMember, TeamStatusChange, TeamMeeting, TeamOutcome),
    collect=collect,
)
