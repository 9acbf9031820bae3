"""The protocol's table body on the period page, written in Python as its template wrote
it: a school's teachers × criteria are some hundreds of cells, each a number through
`points.number`. Every name is escaped as `{{ value }}` would escape it; links are digits
and slashes from apps.core.links.row_link."""

from django.utils.html import escape
from django.utils.safestring import mark_safe

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
    return mark_safe("\n".join(lines))
