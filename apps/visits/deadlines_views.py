"""The deadline board: visits awaiting their debrief, upcoming ones, missing reverse
visits and, for a curator, the next steps agreed in the groups they curate."""

from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.core.dates import short_date
from apps.core.tenancy import school_view

from . import deadlines_selectors

PAGE_SIZE = 25


def duration_text(delta):
    """A short, human duration: «2 d 5 h», «3 h 20 min», «15 min»."""
    minutes = int(abs(delta).total_seconds() // 60)
    days, rest = divmod(minutes, 24 * 60)
    hours, minutes = divmod(rest, 60)
    if days:
        return _("%(days)s d %(hours)s h") % {"days": days, "hours": hours}
    if hours:
        return _("%(hours)s h %(minutes)s min") % {"hours": hours, "minutes": minutes}
    return _("%(minutes)s min") % {"minutes": minutes}


def _with_time_left(visits, now):
    """The badge, the deadline and the feedback count of each awaiting visit, as its line shows them."""
    for visit in visits:
        left = duration_text(visit.debrief_due_at - now)
        visit.is_late = visit.overdue_now
        visit.time_left = left
        badge = _("overdue by %(left)s") if visit.is_late else _("%(left)s left")
        visit.badge = badge % {"left": left}
        visit.due = short_date(visit.debrief_due_at, "D d.m H:i")
        visit.feedback_text = _("feedback: %(done)s of %(total)s") % {
            "done": visit.feedback_submitted,
            "total": visit.observer_count,
        }
    return visits


@school_view("visits.view_deadlines")
def deadline_board(request):
    """Visits of the curator's groups (the whole school for the administration)
    with the time left until their debrief, missing reverse visits, and, for the
    groups the user curates only, the agreed next steps."""
    now = timezone.now()
    see_all = request.membership.can("visits.oversee")
    # The school's candidate visits, read once for the three lists.
    page, upcoming, missing_reverse = deadlines_selectors.board_lists(
        school=request.school,
        user=request.user,
        see_all=see_all,
        now=now,
        page=request.GET.get("page"),
        per_page=PAGE_SIZE,
    )
    deadlines_selectors.visits_lines_prepare([*page.object_list, *upcoming, *missing_reverse])
    _with_time_left(page.object_list, now)
    # Feedback content: only ever the groups this user curates (apps.visits.access).
    next_steps = deadlines_selectors.next_steps_prepare(
        deadlines_selectors.next_steps_agreed(school=request.school, curator_user=request.user, now=now)
    )
    return render(
        request,
        "visits/deadlines/board.html",
        {
            "page": page,
            "see_all": see_all,
            "upcoming": upcoming,
            "missing_reverse": missing_reverse,
            "next_steps": next_steps,
            "show_next_steps": bool(next_steps) or request.membership.can("mentoring.curate"),
            "debrief_hours": request.school.debrief_hours,
            "recent_days": deadlines_selectors.RECENT_DAYS,
            "now": now,
            # Said once for the fifty lines.
            "observers_label": _("Observers"),
            "due_label": _("due"),
        },
    )
