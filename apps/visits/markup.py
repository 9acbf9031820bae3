"""The lines of the visit lists (the deadline board, «My visits»), written in Python as
their templates wrote them: a list of some twenty lines of a dozen template nodes each
was most of those pages' work. Every value is escaped as `{{ value }}` would escape it;
links (digits and slashes from apps.core.links.row_link), numbers and the pages' own
translated words (as `{% translate %}` prints them) go in as they are."""

from django.utils.safestring import mark_safe

from apps.core.form_rendering import escaped


def _visit_line(line, observers_label):
    """The board's line of a visit: its link, title, details and observers."""
    return (
        f'<div class="fw-semibold"><a href="{line.url}">{escaped(line.title)}</a></div>\n'
        f'<div class="small">{escaped(line.details)}</div>\n'
        f'<div class="small text-body-secondary">{observers_label}: {escaped(line.observer_names)}</div>'
    )


_AWAITING_CLASSES = "list-group-item px-0 d-flex flex-wrap justify-content-between align-items-start gap-2"


def board_awaiting_html(lines, *, words):
    """The board's visits awaiting a debrief (templates/visits/deadlines/board.html)."""
    observers, due = escaped(words["observers"]), escaped(words["due"])
    parts = []
    for line in lines:
        late = line.is_late
        classes = f"{_AWAITING_CLASSES} list-group-item-danger px-2" if late else _AWAITING_CLASSES
        parts.append(
            f"\n"
            f'    <li class="{classes}" data-testid="awaiting-visit">\n'
            f"      <div>{_visit_line(line, observers)}</div>\n"
            f'      <div class="text-end">\n'
            f'<span class="badge {"text-bg-danger" if late else "text-bg-warning"}">{escaped(line.badge)}</span>\n'
            f'        <div class="small">{due} {escaped(line.due)}</div>\n'
            f'        <div class="small text-body-secondary">{escaped(line.feedback_text)}</div>\n'
            f"      </div>\n"
            f"    </li>\n"
            f"    "
        )
    return mark_safe("".join(parts))  # nosec B308 B703 - every value escaped above


def board_missing_reverse_html(lines, *, words, create_url):
    """The board's debriefed pair visits that wait for their reverse visit."""
    observers, plan = escaped(words["observers"]), words["plan_reverse"]
    return mark_safe(  # nosec B308 B703 - every value escaped
        "".join(
            (
                f'<li class="list-group-item px-0 d-flex flex-wrap justify-content-between gap-2">\n'
                f"        <div>{_visit_line(line, observers)}</div>\n"
                f'<a class="btn btn-sm btn-outline-primary'
                f' align-self-start" href="{create_url}?answers={line.pk}">{plan}</a>\n'
                f"      </li>"
            )
            for line in lines
        )
    )


def board_upcoming_html(lines, *, words):
    """The board's visits of the next two weeks."""
    observers = escaped(words["observers"])
    return mark_safe(  # nosec B308 B703 - every value escaped
        "".join(f'<li class="list-group-item px-0">{_visit_line(line, observers)}</li>' for line in lines)
    )


def board_next_steps_html(lines, *, words, create_url):
    """The next steps agreed in the groups the user curates (feedback content: only ever
    handed the curator's own, apps.visits.access)."""
    plan, look = words["plan_next"], words["look_at_progress"]
    parts = []
    for line in lines:
        follow_up = f" · {look} {escaped(line.follow_up_text)}" if line.follow_up_text else ""
        link = f"{create_url}?from_visit={line.visit_id}"
        parts.append(
            f'<li class="list-group-item px-0 d-flex flex-wrap justify-content-between gap-2">\n'
            f"        <div>\n"
            f'          <div class="fw-semibold">{escaped(line.title)}</div>\n'
            f'          <div class="text-pre-line">{escaped(line.next_step)}</div>\n'
            f'          <div class="small text-body-secondary">{escaped(line.observer_name)}{follow_up}</div>\n'
            f"        </div>\n"
            f'        <a class="btn btn-sm btn-outline-primary align-self-start" href="{link}">{plan}</a>\n'
            f"      </li>"
        )
    return mark_safe("".join(parts))  # nosec B308 B703 - every value escaped above


def _my_line(line, aspect_label):
    """A line of «My visits»: when, the kind, who and what, the observed aspect."""
    return (
        f'<div class="d-flex justify-content-between gap-2"><strong>{escaped(line.when)}</strong>'
        f'<span class="small text-body-secondary">{escaped(line.kind_label)}</span></div>\n'
        f"<div>{escaped(line.summary)}</div>\n"
        f'<div class="small text-body-secondary">{aspect_label}: {escaped(line.observed_aspect)}</div>'
    )


def _status(line):
    return (
        f'<span class="badge {escaped(line.status_badge)}" data-status="{escaped(line.status)}">'
        f"{escaped(line.status_label)}</span>"
    )


def my_awaiting_html(lines, *, words):
    """The lessons waiting for the user's feedback (templates/visits/pages/my.html)."""
    aspect, visit_word = words["observed_aspect"], words["the_visit"]
    parts = []
    for line in lines:
        left = escaped(line.time_left_text)
        left = (
            f'<span class="text-danger fw-semibold" data-overdue="1">{left}</span>'
            if line.overdue
            else f"<span>{left}</span>"
        )
        action = words["continue_draft"] if line.has_draft else words["give_feedback"]
        parts.append(
            f"\n"
            f'        <li class="list-group-item px-0">\n'
            f"          {_my_line(line, aspect)}\n"
            f'<div class="my-1">{left} <span class="small'
            f' text-body-secondary">({escaped(line.due_label)})</span></div>\n'
            f'          <div class="d-flex flex-wrap gap-2">\n'
            f'<a class="btn btn-primary" href="{line.feedback_url}"'
            f' data-testid="give-feedback-{line.pk}">{action}</a>\n'
            f'<a class="btn btn-outline-secondary" href="{line.url}"'
            f' data-testid="open-visit-{line.pk}">{visit_word}</a>\n'
            f"          </div>\n"
            f"        </li>\n"
            f"        "
        )
    return mark_safe("".join(parts))  # nosec B308 B703 - every value escaped above


def my_upcoming_html(lines, *, words, me_id):
    """The user's lessons ahead: her own and those she observes."""
    aspect, mine, observe = words["observed_aspect"], words["my_lesson"], words["i_observe"]
    return mark_safe(  # nosec B308 B703 - every value escaped
        "".join(
            (
                f"\n"
                f'        <li class="list-group-item px-0">\n'
                f'<a class="text-reset text-decoration-none d-block" href="{line.url}">{_my_line(line, aspect)}</a>\n'
                f'<span class="badge text-bg-light border">{mine if line.observed_id == me_id else observe}</span>\n'
                f"        </li>\n"
                f"        "
            )
            for line in lines
        )
    )


def my_next_steps_html(steps):
    """The next steps agreed on the user's own lessons (her content to read)."""
    parts = []
    for step in steps:
        follow_up = f" · {escaped(step['follow_up_label'])}" if step["follow_up_label"] else ""
        visit = f'<a href="{step["visit_url"]}">{escaped(step["grade"])} · {escaped(step["topic"])}</a>'
        parts.append(
            f"\n"
            f'        <li class="list-group-item px-0">\n'
            f"          <div>{escaped(step['next_step'])}</div>\n"
            f'<div class="small text-body-secondary">{visit} · {escaped(step["observer_name"])}{follow_up}</div>\n'
            f"        </li>\n"
            f"        "
        )
    return mark_safe("".join(parts))  # nosec B308 B703 - every value escaped above


def my_received_html(lines, *, words):
    """The debriefed lessons of the user's own, with how much feedback came (a count)."""
    aspect = words["observed_aspect"]
    parts = []
    for line in lines:
        debriefed = f" · {escaped(line.debriefed_label)}" if line.debriefed_label else ""
        parts.append(
            f"\n"
            f'        <li class="list-group-item px-0">\n'
            f'<a class="text-reset text-decoration-none d-block" href="{line.url}">{_my_line(line, aspect)}</a>\n'
            f'          <div class="small">{_status(line)} · {escaped(line.feedback_text)}{debriefed}</div>\n'
            f"        </li>\n"
            f"        "
        )
    return mark_safe("".join(parts))  # nosec B308 B703 - every value escaped above


def my_planned_html(lines, *, words):
    """The visits the user planned for colleagues without taking part (facts only)."""
    aspect = words["observed_aspect"]
    return mark_safe(  # nosec B308 B703 - every value escaped
        "".join(
            (
                f"\n"
                f'    <li class="list-group-item px-0">\n'
                f'<a class="text-reset text-decoration-none d-block" href="{line.url}">{_my_line(line, aspect)}</a>\n'
                f'      <div class="small">{_status(line)}</div>\n'
                f"    </li>\n"
                f"    "
            )
            for line in lines
        )
    )
