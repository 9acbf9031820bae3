"""The deadline board: visits awaiting their debrief, upcoming ones, missing reverse
visits and, for a curator, the next steps agreed in the groups they curate."""

import functools

from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import get_language, gettext_lazy, ngettext

from apps.core.dates import short_dates
from apps.core.links import fixed_link
from apps.core.tenancy import school_view

from . import deadlines_selectors, markup

PAGE_SIZE = 25


def duration_text(delta, *, patterns=None):
    """A short, human duration: «2 d 5 h», «3 h 20 min», «15 min»; `patterns`: the three
    patterns already translated (`_duration_patterns()`), for a list."""
    minutes = int(abs(delta).total_seconds() // 60)
    days, rest = divmod(minutes, 24 * 60)
    hours, minutes = divmod(rest, 60)
    in_days, in_hours, in_minutes = patterns or _duration_patterns()
    if days:
        return in_days % {"days": days, "hours": hours}
    if hours:
        return in_hours % {"hours": hours, "minutes": minutes}
    return in_minutes % {"minutes": minutes}


def _duration_patterns():
    return _words()["durations"]


def _with_time_left(lines, now, *, words):
    """The badge, the deadline and the feedback count of each awaiting visit, as its line shows them."""
    overdue, left_pattern, feedback = words["overdue_by"], words["left"], words["feedback"]
    due = short_dates("D d.m H:i")
    patterns = words["durations"]
    for line in lines:
        left = duration_text(line.debrief_due_at - now, patterns=patterns)
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
    "durations": (
        gettext_lazy("%(days)s d %(hours)s h"),
        gettext_lazy("%(hours)s h %(minutes)s min"),
        gettext_lazy("%(minutes)s min"),
    ),
}


def _words():
    """The board's words said on its lines, translated once per language and process."""
    return _words_in(get_language())


@functools.cache
def _words_in(language):
    words = {key: word if isinstance(word, tuple) else str(word) for key, word in _WORDS.items()}
    words["durations"] = tuple(map(str, words["durations"]))
    days = deadlines_selectors.RECENT_DAYS
    words["missing_reverse_rule"] = ngettext(
        "Pair visits of active groups debriefed in the last %(days)s day that no reverse visit answers yet: "
        "the observed teacher visits back.",
        "Pair visits of active groups debriefed in the last %(days)s days that no reverse visit answers yet: "
        "the observed teacher visits back.",
        days,
    ) % {"days": days}
    return words


def _debrief_rule(hours):
    return ngettext(
        "The debrief of a visited lesson is held no later than %(hours)s hour after it.",
        "The debrief of a visited lesson is held no later than %(hours)s hours after it.",
        hours,
    ) % {"hours": hours}


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
            # The page's rules, said here rather than by a plural translation tag each.
            "debrief_rule": _debrief_rule(request.school.debrief_hours),
            "missing_reverse_rule": words["missing_reverse_rule"],
            "awaiting_total": page.paginator.count,
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
