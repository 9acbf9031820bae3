"""The board's lists (templates/mentoring/board.html), written in Python as their
template wrote them: a dozen template nodes a line were most of the page's own work.
Every value is escaped as `{{ value }}` would escape it; links (digits and slashes
from apps.core.links.row_link) and the page's own translated words (escaped once per
language) go in as they are."""

import functools

from django.utils.safestring import mark_safe
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _

from apps.core.choices import translated_labels
from apps.core.dates import short_dates
from apps.core.form_rendering import escaped
from apps.core.links import row_link
from apps.staff.models import short_name

from .models import GroupEvent, MentorGroup

_WORDS = {
    # The lists' words.
    "mark": gettext_lazy("mark"),
    "everything_marked": gettext_lazy("Everything past is marked."),
    "nothing_planned": gettext_lazy("Nothing planned."),
    "no_steps": gettext_lazy("No overdue steps."),
    # The page's headings, said once per language here rather than by a translation tag each.
    "my_board": gettext_lazy("My board"),
    "my_calendar": gettext_lazy("My calendar"),
    "calendar_on_the_phone": gettext_lazy("Calendar on the phone"),
    "groups_i_curate": gettext_lazy("Groups I curate"),
    "due_heading": gettext_lazy("Due: past events not marked as held"),
    "curated_steps_heading": gettext_lazy("Overdue steps of development routes in my groups"),
    "coming_up": gettext_lazy("Coming up in the next two weeks"),
    "groups_i_am_in": gettext_lazy("Groups I am in"),
    "not_in_a_group": gettext_lazy("You are not in a pair or a triad now."),
    "my_steps_heading": gettext_lazy("Overdue steps I answer for as a mentor"),
    "my_route": gettext_lazy("My development route"),
    "open_my_route": gettext_lazy("Open my route"),
}


def board_words():
    """The board's words in the active language, escaped (safe to print as they are):
    translated once per language and process."""
    return _board_words(get_language())


@functools.cache
def _board_words(language):
    return {key: mark_safe(escaped(str(word))) for key, word in _WORDS.items()}  # nosec B308 B703 - escaped


def _event_lines(events, fmt):
    """Each event row (`selectors.BOARD_EVENT_COLUMNS`) as (row, its time in `fmt`, its
    kind, its group's name (as «пара №2»), the group's link), escaped."""
    kinds, group_kinds = translated_labels(GroupEvent.Kind), translated_labels(MentorGroup.Kind)
    when, group_link = short_dates(fmt), row_link("mentoring:group_detail").pattern()
    return [
        (
            event,
            escaped(when(event.starts_at)),
            escaped(kinds[event.kind]),
            escaped(f"{group_kinds[event.group__kind]} №{event.group_id}"),
            group_link.format(pk=event.group_id),
        )
        for event in events
    ]


def board_due_html(events, *, words):
    """The groups' past events still planned, each with its link to mark it."""
    if not events:
        return mark_safe(f'<p class="text-body-secondary small mb-0">{words["everything_marked"]}</p>')  # nosec B308 B703 - our own words, escaped
    edit, mark = row_link("mentoring:event_edit").pattern(), words["mark"]
    lines = [
        f'<li class="list-group-item px-0 d-flex justify-content-between"><span>{when} · {escaped(event.title)}'
        f' ({group_label})</span><a href="{edit.format(pk=event.pk)}">{mark}</a></li>'
        for event, when, _kind, group_label, _link in _event_lines(events, "d.m H:i")
    ]
    return mark_safe(f'<ul class="list-group list-group-flush">{"".join(lines)}</ul>')  # nosec B308 B703 - every value escaped


def board_upcoming_html(events, *, words):
    """The people's next two weeks: when, the kind, the title and the group's link."""
    if not events:
        return mark_safe(f'<p class="text-body-secondary small mb-0">{words["nothing_planned"]}</p>')  # nosec B308 B703 - our own words, escaped
    lines = [
        f'<li class="list-group-item px-0">\n'
        f'  <div class="d-flex justify-content-between gap-2"><strong>{when}</strong>'
        f'<span class="small text-body-secondary">{kind}</span></div>\n'
        f'  <div>{escaped(event.title)} · <a href="{link}">{group_label}</a></div>\n'
        f"</li>"
        for event, when, kind, group_label, link in _event_lines(events, "D d.m H:i")
    ]
    return mark_safe(f'<ul class="list-group list-group-flush" data-testid="upcoming">{"".join(lines)}</ul>')  # nosec B308 B703 - every value escaped


def board_steps_html(steps, *, words):
    """Overdue steps of development routes: the due date, the step with its route's
    link, the route's teacher."""
    if not steps:
        return mark_safe(f'<p class="text-body-secondary small mb-0">{words["no_steps"]}</p>')  # nosec B308 B703 - our own words, escaped
    route, due = row_link("mentoring:route_detail").pattern(), _("due %(date)s")
    lines = []
    for step in steps:
        teacher = short_name(
            step.route__teacher__last_name, step.route__teacher__first_name, step.route__teacher__patronymic
        )
        lines.append(
            f"\n"
            f'  <li class="list-group-item px-0"><span class="badge text-bg-danger">'
            f"{escaped(due % {'date': f'{step.due_on:%d.%m.%Y}'})}</span>\n"
            f'  <a href="{route.format(pk=step.route_id)}">{escaped(step.title)}</a>'
            f' <span class="small text-body-secondary">· {escaped(teacher)}</span></li>\n'
        )
    return mark_safe(f'<ul class="list-group list-group-flush">{"".join(lines)}</ul>')  # nosec B308 B703 - every value escaped


def board_mine_html(groups, *, words):
    """The groups the user is in (`cards.group_parts` made): the link, the status badge
    and the members."""
    if not groups:
        return mark_safe(f'<p class="text-body-secondary small mb-0">{words["not_in_a_group"]}</p>')  # nosec B308 B703 - our own words, escaped
    lines = [
        f'<li class="mb-2"><a href="{escaped(group.url)}">{escaped(group.title)}</a> {group.badge}'
        f'<div class="small text-body-secondary">{group.members_line}</div></li>'
        for group in groups
    ]
    return mark_safe(f'<ul class="list-unstyled mb-0">{"".join(lines)}</ul>')  # nosec B308 B703 - escaped or our markup
