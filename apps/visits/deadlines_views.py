"""The deadline board: visits awaiting their debrief, upcoming ones, missing reverse
visits and, for a curator, the next steps agreed in the groups they curate."""

import functools

from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _

from apps.core.dates import short_dates
from apps.core.links import fixed_link
from apps.core.tenancy import school_view

from . import deadlines_selectors, markup

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


def _with_time_left(lines, now, *, words):
    """The badge, the deadline and the feedback count of each awaiting visit, as its line shows them."""
    overdue, left_pattern, feedback = words["overdue_by"], words["left"], words["feedback"]
    due = short_dates("D d.m H:i")
    for line in lines:
        left = duration_text(line.debrief_due_at - now)
        line.time_left = left
        line.badge = (overdue if line.is_late else left_pattern) % {"left": left}
        line.due = due(line.debrief_due_at)
        line.feedback_text = feedback % {"done": line.feedback_submitted, "total": line.observer_count}
    return lines


_WORDS = {
    "observers": gettext_lazy("Observers"),
    "due": gettext_lazy("due"),
    "overdue_by": gettext_lazy("overdue by %(left)s"),
    "left": gettext_lazy("%(left)s left"),
    "feedback": gettext_lazy("feedback: %(done)s of %(total)s"),
    "plan_reverse": gettext_lazy("Plan the reverse visit"),
    "plan_next": gettext_lazy("Plan the next visit"),
    "look_at_progress": gettext_lazy("look at progress on"),
}


def _words():
    """The board's words said on its lines, translated once per language and process."""
    return _words_in(get_language())


@functools.cache
def _words_in(language):
    return {key: str(word) for key, word in _WORDS.items()}


@school_view("visits.view_deadlines")
def deadline_board(request):
    """Visits of the curator's groups (the whole school for the administration)
    with the time left until their debrief, missing reverse visits, and, for the
    groups the user curates only, the agreed next steps."""
    now = timezone.now()
    see_all = request.membership.can("visits.oversee")
    # The three lists from one query over the school's candidate visits.
    page, upcoming, missing_reverse = deadlines_selectors.board_lists(
        school=request.school,
        user=request.user,
        see_all=see_all,
        now=now,
        page=request.GET.get("page"),
        per_page=PAGE_SIZE,
    )
    words = _words()
    page.object_list, upcoming, missing_reverse = deadlines_selectors.visits_lines_prepare(
        page.object_list, upcoming, missing_reverse
    )
    _with_time_left(page.object_list, now, words=words)
    # Feedback content: only ever the groups this user curates (apps.visits.access).
    next_steps = deadlines_selectors.next_steps_prepare(
        deadlines_selectors.next_steps_agreed(school=request.school, curator_user=request.user, now=now)
    )
    create_url = fixed_link("visits:create")
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
            # The lists' lines, written in Python (apps.visits.markup).
            "awaiting_html": markup.board_awaiting_html(page.object_list, words=words),
            "upcoming_html": markup.board_upcoming_html(upcoming, words=words),
            "missing_reverse_html": markup.board_missing_reverse_html(
                missing_reverse, words=words, create_url=create_url
            ),
            "next_steps_html": markup.board_next_steps_html(next_steps, words=words, create_url=create_url),
        },
    )
