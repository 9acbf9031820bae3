"""The dashboards' spreadsheets: the table behind each page's chart, as on screen;
the yearly report; the per-teacher participation table; and the response that
sends one. The collaboration network's workbook is built with its picture
(collaboration.py).

The yearly report and the per-teacher table are in Russian whatever the interface
language: both builders render inside `in_school_format()` (the yearly
report is a Russian document; the per-teacher table is built by the worker, which
has no requester's language, so it is in the site's language, Russian, too).
Numbers as numbers, every string a text cell. Counts and names only: no
spreadsheet holds lesson feedback.
"""

from decimal import Decimal

from django.http import HttpResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl import Workbook
from openpyxl.styles import Alignment
from openpyxl.utils import get_column_letter

from apps.core.documents import in_school_format
from apps.core.spreadsheets import add_sheet, append_row, new_workbook, workbook_bytes

from . import report as annual

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PDF = "application/pdf"


def _sheet(workbook, title, header, rows):
    return add_sheet(workbook, title, header, rows, width_range=(12, 45))


def categories_xlsx(*, school, series, labels, breakdown, due, reference, **_context):
    workbook = new_workbook()
    header = [_("Year"), _("Staff")]
    for key in ("highest", "first", "fits_post", "no_category"):
        header += [labels[key], "%"]
    rows = [
        [row["year"], row["headcount"]]
        + [
            value
            for key in ("highest", "first", "fits_post", "no_category")
            for value in (row[key], row[f"{key}_share"])
        ]
        for row in series
    ]
    _sheet(workbook, _("Categories by year"), header, rows)
    for title, key in ((_("By association"), "associations"), (_("By experience"), "bands")):
        _sheet(
            workbook,
            title,
            [
                f"{reference:%d.%m.%Y}",
                _("Staff"),
                labels["highest"],
                labels["first"],
                labels["fits_post"],
                labels["no_category"],
            ],
            [
                [
                    row["name"],
                    row["headcount"],
                    *(row.get(key, 0) for key in ("highest", "first", "fits_post", "no_category")),
                ]
                for row in breakdown[key]
            ],
        )
    _sheet(
        workbook,
        _("Attestations due"),
        [_("Staff member"), _("Category"), _("Valid until")],
        [[award.staff.full_name, award.get_category_display(), award.valid_until] for award in due],
    )
    return workbook_bytes(workbook)


def _shown(value):
    """A figure of a group too small to show (None) is «—», as on the page."""
    return "—" if value is None else value


def _with_note(rows, note):
    """The rows, and the disclosure rule under them when it hid a figure."""
    if any(cell == "—" for row in rows for cell in row):
        rows.append([note])
    return rows


def participation_xlsx(*, school, period, previous, summary, disclosure_note, **_context):
    workbook = new_workbook()
    _sheet(
        workbook,
        _("Participation"),
        [_("Form"), period.label, "%", previous.label, "%", _("change, points")],
        [[_("Staff of the period"), summary["staff"], 100, summary["previous_staff"], 100, None]]
        + [
            [line.label, line.count, line.share, line.previous_count, line.previous_share, line.change]
            for line in summary["lines"]
        ],
    )
    # The community's count-only forms: people and items of the school, never by teacher.
    _sheet(
        workbook,
        _("Network community"),
        [
            _("Form"),
            _("%(period)s: people") % {"period": period.label},
            _("items"),
            _("%(period)s: people") % {"period": previous.label},
            _("items"),
        ],
        _with_note(
            [
                [line.label, *map(_shown, (line.people, line.items, line.previous_people, line.previous_items))]
                for line in summary["community"]
            ],
            disclosure_note,
        ),
    )
    return workbook_bytes(workbook)


def timeliness_xlsx(*, school, period, by_curator, by_group, totals, **_context):
    header = [
        _("Visits held"),
        _("Debriefed on time"),
        _("Debriefed late"),
        _("Overdue now"),
        _("Median hours to the debrief"),
        _("Reverse visits done"),
        _("Reverse visits due"),
    ]

    def figures(row):
        return [
            row["visits_held"],
            row["on_time"],
            row["late"],
            row["overdue"],
            row.get("median_debrief_hours"),
            row["reverse_done"],
            row["reverse_due"],
        ]

    workbook = new_workbook()
    _sheet(
        workbook,
        _("By curator"),
        [_("Curator"), *header],
        [[row["curator"].full_name if row["curator"] else _("no group"), *figures(row)] for row in by_curator]
        + [[_("Total"), *figures(totals | {"median_debrief_hours": None})]],
    )
    _sheet(
        workbook,
        _("By pair or triad"),
        [_("Pair or triad"), *header],
        [[str(row["group"]) if row["group"] else _("no group"), *figures(row)] for row in by_group],
    )
    return workbook_bytes(workbook)


NETWORK_COMMUNITY_COLUMNS = (
    "in_network_events",
    "in_association_meetings",
    "shared_materials",
    "shared_materials_items",
    "commented",
    "commented_items",
    "answered",
    "answered_items",
)


def network_xlsx(*, network, year_label, rows, pairs, leader, leader_rows, disclosure_note, **_context):
    workbook = new_workbook()
    _sheet(
        workbook,
        year_label,
        [
            _("School"),
            _("Staff"),
            _("Highest category, %"),
            _("First category, %"),
            _("Coverage, %"),
            _("Change, points"),
            _("Visits held"),
            _("Debriefed on time, %"),
            _("Overdue now"),
            _("Median hours to the debrief"),
        ],
        [
            [
                row["school"].short_name,
                row["staff"],
                row["highest_share"],
                row["first_share"],
                row["coverage"],
                row["coverage_change"],
                row["visits_held"],
                row["on_time_share"],
                row["overdue"],
                row["median_debrief_hours"],
            ]
            for row in rows
        ],
    )
    _sheet(
        workbook,
        _("Network community"),
        [
            _("School"),
            _("Network events, people"),
            _("Association meetings, people"),
            _("Shared materials, people"),
            _("Shared materials, items"),
            _("Comments, people"),
            _("Comments, items"),
            _("Answers, people"),
            _("Answers, items"),
        ],
        _with_note(
            [[row["school"].short_name, *[_shown(row[key]) for key in NETWORK_COMMUNITY_COLUMNS]] for row in rows],
            disclosure_note,
        ),
    )
    _sheet(
        workbook,
        _("Network pairs"),
        [_("School"), _("Partner school"), _("Kind"), _("Status"), _("Starts on"), _("People")],
        [
            [
                group.school.short_name,
                group.partner_school.short_name,
                group.get_kind_display(),
                group.get_status_display(),
                group.starts_on,
                group.people,
            ]
            for group in pairs
        ],
    )
    if leader:
        _sheet(
            workbook,
            _("Leader school"),
            [_("School"), _("Network pairs"), _("active"), _("Teams"), _("open")],
            [
                [row["school"].short_name, row["groups"], row["active_groups"], row["teams"], row["open_teams"]]
                for row in leader_rows
            ],
        )
    return workbook_bytes(workbook)


# --- The yearly report and the per-teacher participation table -------------------

CHECK = "✓"

# The per-teacher table's columns: the forms of collaboration of `aggregates.PARTICIPATION_FORMS`.
MATRIX_COLUMNS = (
    ("in_groups", gettext_lazy("In pairs and triads")),
    ("curators", gettext_lazy("Curated pairs and triads")),
    ("in_teams", gettext_lazy("In task teams")),
    ("observers", gettext_lazy("Visited colleagues' lessons")),
    ("observed", gettext_lazy("Lessons visited by colleagues")),
    ("in_events", gettext_lazy("Problem-theme days, activities with partners")),
    ("in_network_events", gettext_lazy("Led or attended network events")),
    ("in_association_meetings", gettext_lazy("Meetings of methodical associations")),
    ("achievers", gettext_lazy("Contests, publications, network projects")),
    ("covered", gettext_lazy("At least one form of collaboration")),
)


def annual_report_xlsx(report: annual.AnnualReport) -> bytes:
    """The report's §5 (criteria) and §6 (categories over four years) on one sheet, in
    Russian whatever the active language (the report's labels are lazy)."""
    with in_school_format():
        return _annual_report_xlsx(report)


def _annual_report_xlsx(report):
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = str(annual.TITLE)
    append_row(sheet, [report.title], bold=True)
    append_row(sheet, [report.school_name])
    for table in report.tables:
        sheet.append([])
        append_row(sheet, [table.title], bold=True)
        if table.lines:
            append_row(sheet, list(table.header), bold=True)
        for line in table.lines:
            # A decimal (the average age) as a number Excel reads, not as text.
            append_row(sheet, [line.label, *[float(v) if isinstance(v, Decimal) else v for v in line.values]])
        for note in table.notes:
            append_row(sheet, [note])
    sheet.column_dimensions["A"].width = 70
    for index in range(2, 2 + len(report.categories)):
        sheet.column_dimensions[get_column_letter(index)].width = 14
    for row in sheet.iter_rows(min_col=1, max_col=1):
        row[0].alignment = Alignment(wrap_text=True, vertical="top")
    return workbook_bytes(workbook)


def participation_matrix_xlsx(*, rows, title, school_name) -> bytes:
    """The rows of `aggregates.participation_matrix`: a name and a ✓ per form.

    In Russian whatever the active language, like the yearly report: the worker
    builds it, and Russian is the site's language."""
    with in_school_format():
        return _participation_matrix_xlsx(rows=rows, title=title, school_name=school_name)


def _participation_matrix_xlsx(*, rows, title, school_name):
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = _("Teachers' participation")
    append_row(sheet, [title], bold=True)
    append_row(sheet, [school_name])
    sheet.append([])
    append_row(sheet, [_("Full name"), _("Currently employed"), *[label for _key, label in MATRIX_COLUMNS]], bold=True)
    header_row = sheet.max_row
    for row in rows:
        name = " ".join(part for part in (row["last_name"], row["first_name"], row["patronymic"]) if part)
        flags = [CHECK if row[key] else "" for key, _label in MATRIX_COLUMNS]
        append_row(sheet, [name, _("yes") if row["is_active"] else _("no"), *flags])
    totals = [sum(1 for row in rows if row[key]) for key, _label in MATRIX_COLUMNS]
    append_row(sheet, [_("Total"), sum(1 for row in rows if row["is_active"]), *totals], bold=True)
    sheet.column_dimensions["A"].width = 40
    for index in range(2, 3 + len(MATRIX_COLUMNS)):
        sheet.column_dimensions[get_column_letter(index)].width = 18
    for cell in sheet[header_row]:
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    sheet.freeze_panes = sheet.cell(row=header_row + 1, column=2)
    return workbook_bytes(workbook)


def xlsx_response(content: bytes, file_name: str) -> HttpResponse:
    response = HttpResponse(content, content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="{file_name}"'
    return response


def file_response(content: bytes, file_name: str) -> HttpResponse:
    """A prepared file as an attachment, typed by its name (the yearly report is XLSX or PDF)."""
    response = xlsx_response(content, file_name)
    if file_name.endswith(".pdf"):
        response["Content-Type"] = PDF
    return response
