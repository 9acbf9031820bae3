"""What the methodical associations hold about a person (see apps/core/personal_data.py).

The export lists the plans the person heads, the meetings they attended or took the
minutes of, and the decisions they answer for. Erasure leaves every row pointing at
the anonymised card: the association's record of its year stays whole, and the name
sweep removes the person's name from the minutes, agendas and decisions (each of
these rows has its `school`).
"""

from django.db.models import Q
from django.utils.translation import gettext as _

from apps.core.dates import academic_year_span
from apps.core.personal_data import PersonalDataSource, Section

from .models import Decision, Meeting, MeetingAttendance, YearPlan


def collect(*, staff, local_time):
    plans = Section(
        "association_plans",
        _("Year plans of the associations"),
        [("association", _("association")), ("year", _("academic year")), ("theme", _("methodical theme"))],
    )
    for plan in YearPlan.objects.filter(head=staff).select_related("association").order_by("year", "pk"):
        plans.rows.append(
            {
                "association": str(plan.association),
                "year": academic_year_span(plan.year),
                "theme": plan.theme,
            }
        )
    meetings = Section(
        "association_meetings",
        _("Meetings of the associations"),
        [
            ("association", _("association")),
            ("number", _("meeting number")),
            ("date", _("date")),
            ("role", _("role")),
            ("present", _("present")),
        ],
    )
    attended = {
        row.meeting_id: row.present for row in MeetingAttendance.objects.filter(staff=staff).only("meeting", "present")
    }
    for meeting in (
        Meeting.objects.filter(Q(pk__in=attended) | Q(minutes_by=staff))
        .select_related("plan__association")
        .order_by("planned_on", "pk")
    ):
        plan = meeting.plan
        roles = []
        if meeting.pk in attended:
            roles.append(_("on the attendance list"))
        if meeting.minutes_by_id == staff.pk:
            roles.append(_("took the minutes"))
        meetings.rows.append(
            {
                "association": str(plan.association),
                "number": meeting.number,
                "date": meeting.held_on or meeting.planned_on,
                "role": ", ".join(str(role) for role in roles),
                "present": attended.get(meeting.pk),
            }
        )
    decisions = Section(
        "association_decisions",
        _("Decisions of the associations"),
        [("decision", _("decision")), ("due_on", _("due on")), ("done_on", _("done on"))],
    )
    for decision in Decision.objects.filter(responsible=staff).order_by("due_on", "pk"):
        decisions.rows.append({"decision": decision.text, "due_on": decision.due_on, "done_on": decision.done_on})
    return [plans, meetings, decisions]


SOURCE = PersonalDataSource(
    app_label="associations",
    order=54,
    # Every row stays on the anonymised card; the name sweep cleans the texts.
    person_models=(YearPlan, Meeting, MeetingAttendance, Decision),
    collect=collect,
)
