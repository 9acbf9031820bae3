"""The results of a round as XLSX: aggregates, and for the administrator the
per-person metrics. Never who named whom."""

import io

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font

from .models import SurveyAnswer


def _sheet(workbook, title, header, rows, first=False):
    sheet = workbook.active if first else workbook.create_sheet()
    sheet.title = title[:31]
    sheet.append(header)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in rows:
        sheet.append(row)
        # A name starting with "=" stays text, never a formula.
        for cell in sheet[sheet.max_row]:
            if isinstance(cell.value, str):
                cell.data_type = "s"
    for column in sheet.columns:
        sheet.column_dimensions[column[0].column_letter].width = 24
    return sheet


def results_xlsx(*, survey_round, analysis, metrics=None):
    workbook = Workbook()
    rows = [
        [_("Survey"), survey_round.name],
        [_("Closes on"), survey_round.closes_on.strftime("%d.%m.%Y")],
        [_("Participants"), analysis.participants],
        [_("Answered"), analysis.respondents],
        [_("Density"), round(analysis.density, 3)],
        [_("Ties"), analysis.ties],
        [_("Reciprocity"), round(analysis.reciprocity, 3)],
        [_("Named by no one"), analysis.isolates],
        [_("Closed groups"), len(analysis.closed_groups)],
        [_("Communities"), analysis.communities],
        [_("Ties made by the programme in the year"), len(analysis.programme_ties)],
    ]
    for item, label in SurveyAnswer.READINESS_ITEMS.items():
        rows.append([str(label), analysis.readiness.get(item)])
    if analysis.compared_with_id:
        rows += [
            [_("Compared with"), analysis.compared_with.name],
            [_("New ties"), analysis.comparison.get("new_ties")],
            [_("Lost ties"), analysis.comparison.get("lost_ties")],
            [_("Isolates who became connected"), len(analysis.comparison.get("isolates_connected", []))],
            [_("Density before"), round(analysis.comparison.get("density_before") or 0, 3)],
        ]
    _sheet(workbook, _("Aggregates"), [_("Measure"), _("Value")], rows, first=True)
    if metrics is not None:
        _sheet(
            workbook,
            _("People"),
            [
                _("Name"),
                _("Bridge (betweenness)"),
                _("Community"),
                _("Named by no one"),
                _("In a closed group"),
            ],
            [
                [
                    m.staff.full_name,
                    round(m.betweenness, 3),
                    m.community + 1,
                    _("yes") if m.is_isolate else "",
                    _("yes") if m.in_closed_group else "",
                ]
                for m in metrics
            ],
        )
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
