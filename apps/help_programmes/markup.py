"""The programme page's four lists (templates/help_programmes/programme_detail.html),
written in Python as their template loops wrote them: the loops' template nodes were
most of the page's own work. Every value is escaped as `{{ value }}` would escape it;
links (digits and slashes from apps.core.links.row_link) go in as they are."""

from django.middleware.csrf import get_token
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from apps.core.choices import translated_labels
from apps.core.form_rendering import escaped, text
from apps.core.links import row_link
from apps.core.typography import quoted

from .models import HelpForm


def _safe(html):
    return mark_safe(html)  # nosec B308 B703 - every value in it is escaped


def difficulties_html(difficulties):
    """The items of the difficulties' list."""
    if not difficulties:
        return _safe(f'<li class="list-unstyled text-body-secondary">{escaped(_("Not named yet."))}</li>')
    parts = []
    for d in difficulties:
        tag = f' <span class="badge text-bg-light border">{text(d.tag.name)}</span>' if d.tag else ""
        parts.append(f"<li>{text(d.text)}{tag}</li>")
    return _safe("".join(parts))


def help_forms_html(help_forms):
    """The items of the forms of help, each with its pair, team or linked materials."""
    if not help_forms:
        return _safe(f'<li class="text-body-secondary">{escaped(_("Not agreed yet."))}</li>')
    kinds = translated_labels(HelpForm.Kind)
    for_difficulty = escaped(_("for the difficulty"))
    group_link = row_link("mentoring:group_detail").pattern()
    team_link = row_link("teams:team_detail").pattern()
    material_link = row_link("community:material_detail").pattern()
    parts = []
    for f in help_forms:
        line = [f'<li class="mb-2"><strong>{text(kinds.get(f.kind, f.kind))}</strong>']
        if f.description:
            line.append(f": {text(f.description)}")
        if f.difficulty:
            said = text(quoted(f.difficulty.text))
            line.append(f'<div class="small text-body-secondary">{for_difficulty} {said}</div>')
        if f.group:
            line.append(
                f'<div class="small"><a href="{group_link.format(pk=f.group_id)}" data-testid="form-group">'
                f"{text(f.group)}</a></div>"
            )
        if f.team:
            line.append(
                f'<div class="small"><a href="{team_link.format(pk=f.team_id)}" data-testid="form-team">'
                f"{text(f.team)}</a></div>"
            )
        if f.kind == HelpForm.Kind.SHARED_MATERIALS and f.linked_materials:
            line.append('<ul class="small mb-0" data-testid="form-materials">')
            for material in f.linked_materials:
                line.append(
                    f'<li><a href="{material_link.format(pk=material.pk)}">{text(material.title)}</a>'
                    f' <span class="text-body-secondary">· {text(material.author.full_name)}, '
                    f"{text(material.school.short_name)}</span></li>"
                )
            line.append("</ul>")
        line.append("</li>")
        parts.append("".join(line))
    return _safe("".join(parts))


def responsibles_html(responsibles):
    """The items of the responsible people's list."""
    if not responsibles:
        return _safe(f'<li class="text-body-secondary">{escaped(_("Nobody named yet."))}</li>')
    parts = []
    for r in responsibles:
        role = f" · {text(r.role)}" if r.role else ""
        parts.append(
            f'<li>{text(r.staff.full_name)} <span class="small text-body-secondary">· '
            f"{text(r.staff.school.short_name)}{role}</span></li>"
        )
    return _safe("".join(parts))


def milestones_html(request, milestones):
    """The milestones' items, each with its state or the button that marks it done
    (`overdue` and `can_mark` set by the view)."""
    if not milestones:
        return _safe(f'<li class="list-group-item px-0 text-body-secondary">{escaped(_("No milestones yet."))}</li>')
    done_link = row_link("help_programmes:milestone_done").pattern()
    done = escaped(pgettext("milestone", "done"))
    overdue = escaped(pgettext("milestone", "overdue"))
    state_open = escaped(pgettext("milestone", "open"))
    mark = escaped(_("Mark as done"))
    token = None
    parts = []
    for m in milestones:
        who = ""
        if m.responsible:
            who = (
                f'<div class="small text-body-secondary">{text(m.responsible.short_name)} · '
                f"{text(m.responsible.school.short_name)}</div>"
            )
        note = f'<div class="small">{text(m.note)}</div>' if m.note else ""
        if m.done_on:
            state = f'<span class="badge text-bg-success">{done} {m.done_on:%d.%m.%Y}</span>\n            '
        elif m.can_mark:
            if token is None:
                token = escaped(get_token(request))
            late = f'<div><span class="badge text-bg-danger">{overdue}</span></div>' if m.overdue else ""
            state = (
                f'<form method="post" action="{done_link.format(pk=m.pk)}">'
                f'<input type="hidden" name="csrfmiddlewaretoken" value="{token}">'
                f'<button class="btn btn-sm btn-outline-success" type="submit" data-testid="milestone-done-{m.pk}">'
                f"{mark}</button></form>{late}\n            "
            )
        elif m.overdue:
            state = f'<span class="badge text-bg-danger">{overdue}</span>\n            '
        else:
            state = f'<span class="badge text-bg-light border">{state_open}</span>'
        parts.append(
            '\n        <li class="list-group-item px-0 d-flex flex-column flex-sm-row justify-content-between'
            ' align-items-sm-start gap-1 gap-sm-2">\n'
            f'          <div class="text-break"><strong>{m.due_on:%d.%m.%Y}</strong> · {text(m.title)}'
            f"{who}{note}</div>\n"
            '          <div class="text-sm-end flex-shrink-0">\n'
            f"            {state}\n"
            "          </div>\n"
            "        </li>\n        "
        )
    return _safe("".join(parts))


def part_rows_html(request, rows, *, removable):
    """The rows of a part's page (text, detail, its removal's route or None, pk), each
    with its «Remove» button while the programme may change (`removable`)."""
    if not rows:
        return _safe(f'\n  <li class="list-group-item text-body-secondary">{escaped(_("Nothing yet."))}</li>\n  ')
    remove = escaped(_("Remove"))
    token = None
    parts = []
    for row_text, detail, delete_url, pk in rows:
        button = ""
        if delete_url and removable:
            if token is None:
                token = escaped(get_token(request))
            button = (
                f'<form method="post" action="{row_link(delete_url).pattern().format(pk=pk)}">'
                f'<input type="hidden" name="csrfmiddlewaretoken" value="{token}">'
                f'<button class="btn btn-sm btn-outline-danger" type="submit">{remove}</button></form>'
            )
        small = f'<div class="small text-body-secondary">{text(detail)}</div>' if detail else ""
        parts.append(
            '\n  <li class="list-group-item d-flex justify-content-between align-items-start gap-2">\n'
            f'    <div class="text-break"><div>{text(row_text)}</div>{small}</div>\n'
            f"    {button}\n"
            "  </li>\n  "
        )
    return _safe("".join(parts))
