"""The workspace's and the list's rows (templates/associations/), written in Python as
their templates wrote them: a link, a date, a label and a translation tag a row were
most of those pages' own work. Every value is escaped as `{{ value }}` would escape
it; links (digits and slashes from apps.core.links.row_link) and counts go in as
they are."""

from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.text import Truncator
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from apps.community.models import MaterialKind
from apps.core.choices import translated_labels
from apps.core.dates import short_dates
from apps.core.form_rendering import escaped
from apps.core.links import row_link
from apps.core.tenancy import Circle
from apps.staff.models import full_name

from .models import Meeting

_BADGES = {Meeting.Status.HELD: "text-bg-success", Meeting.Status.CANCELLED: "text-bg-secondary"}


def meeting_lines(meetings, *, can_see_minutes):
    """The plan's meetings (`selectors.workspace`) as the workspace's list items."""
    link, when = row_link("associations:meeting_detail").pattern(), short_dates("D d.m")
    statuses = translated_labels(Meeting.Status)
    lines = []
    for meeting in meetings:
        time = f" {meeting.starts_at:%H:%M}" if meeting.starts_at else ""
        decisions = ""
        if can_see_minutes and meeting.decisions_count:
            counts = {"all": meeting.decisions_count, "open": meeting.open_decisions}
            decisions = '<div class="small text-body-secondary">%s</div>' % (
                _("decisions: %(all)s, open: %(open)s") % counts
            )
        lines.append(
            "\n        "
            '<li class="list-group-item px-0">\n'
            '          <div class="d-flex flex-wrap justify-content-between gap-2">\n'
            f'            <a class="fw-semibold" href="{link.format(pk=meeting.pk)}">'
            f"{_('Meeting No. %(number)s') % {'number': meeting.number}}</a>\n"
            f'            <span class="small">{when(meeting.held_on or meeting.planned_on)}{time}\n'
            f'              <span class="badge {_BADGES.get(meeting.status, "text-bg-light border")}">'
            f"{escaped(statuses.get(meeting.status, meeting.status))}</span></span>\n"
            "          </div>\n"
            f'          <div class="small text-pre-line">{escape(Truncator(meeting.agenda).chars(240))}</div>\n'
            f"          {decisions}\n"
            "        </li>\n        "
        )
    return mark_safe("".join(lines))  # nosec B308 B703 - every value above is escaped


def member_lines(members, *, head_id):
    """The association's members (pk and the name's parts), its head marked."""
    head = escape(_("head"))
    badge = f' <span class="badge text-bg-light border">{head}</span>'
    return mark_safe(  # nosec B308 B703 - names escaped, the badge's word escaped
        "".join(
            f"<li>{escaped(full_name(last, first, patronymic))}{badge if pk == head_id else ''}</li>"
            for pk, last, first, patronymic in members
        )
    )


def network_lines(networks):
    """The network associations the association belongs to, as links."""
    link = row_link("associations:network_detail").pattern()
    return mark_safe(  # nosec B308 B703 - names escaped
        "".join(f'<li><a href="{link.format(pk=n.pk)}">{escaped(n.name)}</a></li>' for n in networks)
    )


def panel_materials(rows):
    """The panel's materials (`selectors.association_shared`)."""
    link = row_link("community:material_detail").pattern()
    kinds, circles = translated_labels(MaterialKind), translated_labels(Circle)
    return mark_safe(  # nosec B308 B703 - every value escaped
        "".join(
            f'\n        <li class="mb-1"><a href="{link.format(pk=pk)}">{escaped(title)}</a> '
            f'<span class="small text-body-secondary">{escaped(kinds.get(kind, kind))} · '
            f"{escaped(full_name(last, first, patronymic))} · "
            f"{escaped(circles.get(circle, circle))}</span></li>\n      "
            for pk, title, kind, circle, last, first, patronymic in rows
        )
    )


def panel_questions(rows):
    """The panel's questions with their counts of answers."""
    link = row_link("community:question_detail").pattern()
    return mark_safe(  # nosec B308 B703 - every value escaped
        "".join(
            f'\n        <li class="mb-1"><a href="{link.format(pk=pk)}">{escaped(title)}</a> '
            f'<span class="small text-body-secondary">{escaped(full_name(last, first, patronymic))} · '
            f"{ngettext('%(n)s answer', '%(n)s answers', n) % {'n': n}}</span></li>\n      "
            for pk, title, last, first, patronymic, n in rows
        )
    )


def association_lines(associations):
    """The school's associations (`selectors.associations_of_school`) with their counts."""
    link = row_link("associations:detail").pattern()
    lines = []
    for association in associations:
        theme = f'<div class="small">{escaped(association.theme)}</div>' if association.theme else ""
        members = ngettext("%(counter)s member", "%(counter)s members", association.members_count) % {
            "counter": association.members_count
        }
        meetings = _("meetings: %(held)s held, %(planned)s planned") % {
            "held": association.held_count,
            "planned": association.planned_count,
        }
        decisions = _("open decisions: %(open)s") % {"open": association.open_decisions}
        lines.append(
            '\n  <li class="list-group-item">\n'
            f'    <a class="fw-semibold" href="{link.format(pk=association.pk)}">{escaped(association.name)}</a>\n'
            f"    {theme}\n"
            f'    <div class="small text-body-secondary" data-testid="association-counts-{association.pk}">\n'
            f"      {members}\n"
            f"      · {meetings}\n"
            f"      · {decisions}\n"
            "    </div>\n"
            "  </li>\n  "
        )
    return mark_safe("".join(lines))  # nosec B308 B703 - every value above is escaped


def network_list_lines(networks):
    """The network associations of the list page, with their subject and lead school."""
    link = row_link("associations:network_detail").pattern()
    lead = escape(_("lead association"))
    return mark_safe(  # nosec B308 B703 - every value escaped
        "".join(
            f'\n  <li class="list-group-item"><a href="{link.format(pk=n.pk)}">{escaped(n.name)}</a>\n'
            f'    <div class="small text-body-secondary">{escaped(n.subject_name)} · {lead}: '
            f"{escaped(n.lead_association.school.short_name)}</div></li>\n  "
            for n in networks
        )
    )
