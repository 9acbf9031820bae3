"""The yearly report's tables as HTML, for the page, the print page and the PDF.

Drawn once per table in Python from `AnnualReport.tables` (as the XLSX is), in the
language active when called: the page's, or Russian for the print page and the PDF.
"""

from .markup import number, safe, text


def _value(value, *, share, percent_sign, blank):
    if value is None:
        return text(blank)
    shown = number(value)
    return f"{shown}%" if share and percent_sign else shown


_END = ' class="text-end"'
_INDENT = ' class="ps-4"'


def _table(table, *, percent_sign):
    heading = "".join(
        f'<th scope="col"{_END if index else ""}>{text(title)}</th>' for index, title in enumerate(table.header)
    )
    rows = "".join(
        f'\n        <tr data-criterion="{text(line.key)}">'
        f"<td{_INDENT if line.indent else ''}>{text(line.label)}</td>"
        + "".join(
            f'<td class="text-end">'
            f"{_value(value, share=index in table.shares, percent_sign=percent_sign, blank=table.blank)}</td>"
            for index, value in enumerate(line.values)
        )
        + "</tr>"
        for line in table.lines
    )
    grid = (
        '\n  <div class="table-responsive">\n    <table class="table table-sm table-bordered align-middle bg-body">\n'
        f'      <thead class="table-light"><tr>{heading}</tr></thead>\n      <tbody>{rows}\n      </tbody>\n'
        "    </table>\n  </div>"
        if table.lines
        else ""
    )
    notes = "".join(f'\n  <p class="small text-body-secondary">{text(note)}</p>' for note in table.notes)
    return (
        f'<section class="mb-4" data-testid="report-{text(table.key)}">\n'
        f'  <h2 class="h5">{text(table.title)}</h2>{grid}{notes}\n</section>\n'
    )


def report_tables_html(report, *, percent_sign=True):
    """Every table of `report` as one block of markup; shares with a percent sign on
    the pages, bare under the «Доля, %» heading in the PDF (as in the XLSX)."""
    return safe("".join(_table(table, percent_sign=percent_sign) for table in report.tables))
