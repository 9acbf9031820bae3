"""The protocol's table body on the period page, written in Python as its template wrote
it: a school's teachers × criteria are some hundreds of cells, each a number through
`points.number`. Every name is escaped as `{{ value }}` would escape it; links are digits
and slashes from apps.core.links.row_link."""

from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from apps.core.links import row_link

from .points import number


def protocol_rows(protocol):
    """The rows of `selectors.protocol`, by name, each teacher's name a link to the sheet."""
    link = row_link("ratings:sheet").pattern()
    lines = []
    for position, row in enumerate(protocol.rows, 1):
        cells = "".join(f'<td class="text-end">{number(value)}</td>' for value in row.points)
        lines.append(
            f'<tr data-testid="protocol-row"><td>{position}</td><th scope="row" class="fw-normal">'
            f'<a href="{link.format(pk=row.sheet_id)}">{escape(row.name)}</a></th>{cells}'
            f'<td class="text-end fw-bold">{number(row.total)}</td></tr>'
        )
    # Every value above is escaped or a number.
    return mark_safe("\n".join(lines))  # nosec B308 B703 - every value in it is escaped or a number


def sheet_lines(lines):
    """The sheet's lines (`selectors.sheet_detail`) with their evidence, as the sheet's
    template wrote them: a teacher's quarter is some dozens of traced items, each a date,
    a link and a number. Labels, titles and links are escaped; numbers are `number`'s."""
    if not lines:
        return mark_safe(f'\n<p class="text-body-secondary">{escape(_("The sheet has no lines."))}</p>\n')  # nosec B308 B703 - escaped
    parts = []
    for line in lines:
        criterion = line.criterion
        sum_text = escape(
            _("%(units)s × %(each)s = %(points)s")
            % {"units": number(line.units), "each": number(criterion.points_per_unit), "points": number(line.points)}
        )
        if criterion.cap is not None:
            sum_text += " · " + escape(_("at most %(cap)s") % {"cap": number(criterion.cap)})
        items = []
        for item in line.items:
            label = escape(item.label)
            shown = f'<a href="{escape(item.url)}">{label}</a>' if item.url else label
            items.append(f'<li class="text-break">{item.on:%d.%m.%Y} · {shown} · {number(item.units)}</li>')
        evidence = f'\n    <ul class="small mb-0 mt-1 ps-3">\n      {"".join(items)}\n    </ul>\n    ' if items else ""
        parts.append(
            f'\n<section class="card shadow-sm mb-2" data-testid="line-{criterion.pk}">\n'
            f'  <div class="card-body py-2">\n'
            f'    <div class="d-flex flex-wrap justify-content-between gap-2">\n'
            f'      <h2 class="h6 mb-0">{escape(criterion.title)}</h2>\n'
            f'      <span class="small">{sum_text}</span>\n'
            f"    </div>\n    {evidence}\n  </div>\n</section>\n"
        )
    # Every value above is escaped or a number.
    return mark_safe("".join(parts))  # nosec B308 B703 - every value in it is escaped
