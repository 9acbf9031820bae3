"""A group's parts as its pages show them (status badge, members, the cards'
facts), made once in Python: a template drawing them per group and per member
spent more on its nodes than the page on its queries. Every part is escaped
markup (format_html)."""

import functools

from django.utils import timezone, translation
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from apps.core.choices import translated_labels
from apps.core.form_rendering import escaped
from apps.core.links import fixed_link

from .models import GroupEvent, MentorGroup, MentorGroupMember

_BADGE_LOOK = {
    MentorGroup.Status.ACTIVE: "success",
    MentorGroup.Status.FORMING: "info",
    MentorGroup.Status.PAUSED: "warning",
}


def status_badge(group):
    """The status as a badge; a curator's proposal still forming says it awaits activation."""
    if group.status == MentorGroup.Status.FORMING and group.is_proposal:
        label = _("proposal, awaits activation")
    else:
        label = translated_labels(MentorGroup.Status)[group.status]
    look = _BADGE_LOOK.get(group.status, "secondary")
    return mark_safe(f'<span class="badge text-bg-{look}">{escaped(str(label))}</span>')  # nosec B308 B703 - escaped


def members_line(group):
    """The members by name and role (their school in a network pair); one who left
    the school is struck through. Reads `group.member_rows`
    (`selectors.group_member_rows`) or else `group.members.all()` with their
    staff (and the staff's school in a network pair)."""
    network = group.is_network
    rows = getattr(group, "member_rows", None)
    if rows is None:
        rows = [
            (m.staff.short_name, m.staff.school.short_name if network else "", m.role, m.staff.is_active)
            for m in group.members.all()
        ]
    else:
        rows = [(m.short_name, m.school_name, m.role, m.is_active) for m in rows]
    roles = translated_labels(MentorGroupMember.Role)
    parts = []
    last = len(rows) - 1
    for index, (name, school_name, role, is_active) in enumerate(rows):
        struck, left = "", ""
        if not is_active:
            struck = " text-decoration-line-through"
            left = f' <span class="badge text-bg-warning">{escape(_("left the school"))}</span>'
        school = f' <small class="text-body-secondary">({escaped(school_name)})</small>' if network else ""
        # The comma inside its member's block: a long name never leaves it alone on a line.
        comma = "," if index < last else ""
        parts.append(
            f'<span class="d-inline-block{struck}">{escaped(name)}{school} '
            f'<small class="text-body-secondary">— {escaped(roles[role])}</small>{left}{comma}</span>'
        )
    return mark_safe(" ".join(parts))  # nosec B308 B703 - every value in it is escaped


def group_parts(group):
    """Set on `group` what every page of it shows: `title`, `badge`, `members_line`."""
    group.title = f"{capfirst(translated_labels(MentorGroup.Kind)[group.kind])} №{group.pk}"
    group.badge = status_badge(group)
    group.members_line = members_line(group)
    return group


def _when(moment, fmt):
    return timezone.localtime(moment).strftime(fmt) if moment else ""


@functools.cache
def _card_words(language):
    """The cards' own words in `language` (the active one when asked), escaped."""
    return {
        key: escape(word)
        for key, word in (
            ("network", _("network pair")),
            ("curator", _("Curator")),
            ("next", _("Next planned")),
            ("nothing", _("nothing planned")),
            ("last", _("Last debrief")),
            ("reverse", _("Reverse visit")),
            ("held", _("held")),
            ("not_yet", _("not yet")),
            ("plan", _("Plan a lesson visit")),
            ("meeting", _("Arrange a meeting")),
        )
    }


def cards_ready(groups, *, heading="h3", schedule_button=False):
    """Set on each group (rows of `selectors.mentor_group_queryset` with
    `member_rows`, and its `url`; `event_create_url` with `schedule_button`) its
    parts and its `card`: the card's markup, `heading` the level of its title,
    with the buttons to plan a visit and a meeting if `schedule_button`."""
    words = _card_words(translation.get_language())
    plan_url = fixed_link("visits:create")
    for group in groups:
        group_parts(group)
        next_event = _when(group.next_event_at, "%d.%m.%Y %H:%M")
        last_debrief = _when(group.last_debrief_at, "%d.%m.%Y")
        count = group.overdue_events
        overdue = (
            ngettext("%(counter)s past event not marked as held", "%(counter)s past events not marked as held", count)
            % {"counter": count}
            if count
            else ""
        )
        network = f'<span class="badge text-bg-primary">{words["network"]}</span>' if group.is_network else ""
        reverse_visit = (
            f'<span class="text-success">{words["held"]}</span>'
            if group.reverse_visit_held
            else f'<span class="text-warning-emphasis">{words["not_yet"]}</span>'
        )
        buttons = ""
        if schedule_button:
            buttons = (
                f'<div class="d-flex flex-wrap gap-2 mt-2">\n'
                f'      <a class="btn btn-sm btn-primary" href="{plan_url}?group={group.pk}"'
                f' data-testid="plan-visit-{group.pk}">{words["plan"]}</a>\n'
                f'      <a class="btn btn-sm btn-outline-primary" href="{escaped(group.event_create_url)}"'
                f' data-testid="arrange-meeting-{group.pk}">{words["meeting"]}</a>\n'
                f"    </div>"
            )
        if next_event:
            next_event = escaped(next_event)
        else:
            next_event = f'<span class="text-body-secondary">{words["nothing"]}</span>'
        last_debrief = escaped(last_debrief) if last_debrief else '<span class="text-body-secondary">—</span>'
        overdue = f'<li class="text-danger">{escaped(overdue)}</li>' if overdue else ""
        group.card = mark_safe(  # nosec B308 B703 - every value in it is escaped or our own markup
            f'<div class="col-md-6 col-xl-4">\n<div class="card shadow-sm h-100">\n  <div class="card-body">\n'
            f'    <div class="d-flex justify-content-between align-items-start gap-2">\n'
            f'      <{heading} class="h6 mb-1"><a href="{escaped(group.url)}">{escaped(group.title)}</a>\n'
            f"        {network}</{heading}>\n      {group.badge}\n    </div>\n"
            f'    <p class="small mb-1">{group.members_line}</p>\n'
            f'    <p class="small text-body-secondary mb-2">{words["curator"]}: {escaped(group.curator.short_name)}'
            f" · {escaped(group.observed_aspect)}</p>\n"
            f'    <ul class="list-unstyled small mb-0">\n'
            f"      <li>{words['next']}: {next_event}</li>\n"
            f"      <li>{words['last']}: {last_debrief}</li>\n"
            f"      <li>{words['reverse']}: {reverse_visit}</li>\n"
            f"      {overdue}\n"
            f"    </ul>\n    {buttons}\n  </div>\n</div>\n</div>"
        )
    return groups


_EVENT_LOOK = {GroupEvent.Status.HELD: "text-bg-success", GroupEvent.Status.CANCELLED: "text-bg-secondary"}


def schedule_rows(events, *, now, edit_link=None):
    """Set on each event of the group's schedule (`selectors.group_events_shown`)
    its `row`: the list item's markup with the day and start–end, kind, title,
    place, participants and a status badge (a past event still planned asks to be
    marked as held), and, given `edit_link` (for those who manage the group), the
    link to change it."""
    kinds, statuses = translated_labels(GroupEvent.Kind), translated_labels(GroupEvent.Status)
    ask = escape(_("mark as held?"))
    change = escape(_("change"))
    for event in events:
        starts, ends = timezone.localtime(event.starts_at), timezone.localtime(event.ends_at)
        if event.status in _EVENT_LOOK:
            badge = f'<span class="badge {_EVENT_LOOK[event.status]}">{escape(statuses[event.status])}</span>'
        elif event.ends_at < now:
            badge = f'<span class="badge text-bg-danger">{ask}</span>'
        else:
            badge = f'<span class="badge text-bg-light border">{escape(statuses[event.status])}</span>'
        place = f' <span class="text-body-secondary">· {escape(event.place)}</span>' if event.place else ""
        edit = ""
        if edit_link is not None:
            edit = f'\n            <div><a class="small" href="{edit_link(pk=event.pk)}">{change}</a></div>'
        event.row = mark_safe(  # nosec B308 B703 - every value in it is escaped or our own markup
            '<li class="list-group-item px-0 d-flex justify-content-between align-items-start gap-2">\n'
            f"          <div>\n"
            f"            <div><strong>{starts:%d.%m.%Y %H:%M}–{ends:%H:%M}</strong>"
            f" · {escape(kinds[event.kind])}</div>\n"
            f"            <div>{escape(event.title)}{place}</div>\n"
            f'            <div class="small text-body-secondary">{escape(event.people)}</div>\n'
            f"          </div>\n"
            f'          <div class="text-end">\n            {badge}{edit}\n          </div>\n'
            f"        </li>"
        )
    return events


def history_ready(changes):
    """Set on each status change its `when`, `from_label` and `to_label`."""
    statuses = translated_labels(MentorGroup.Status)
    for change in changes:
        change.when = f"{timezone.localtime(change.changed_at):%d.%m.%Y %H:%M}"
        change.from_label = statuses.get(change.from_status, "")
        change.to_label = statuses[change.to_status]
    return changes
