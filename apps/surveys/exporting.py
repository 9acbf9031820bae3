"""The results of a round as XLSX: what the results page shows, no more
(apps/surveys/disclosure.py): aggregates, and for the administrator how many
named each person, banded. Never who named whom."""

import io

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font

from .models import SurveyAnswer, SurveyNodeMetric


def named_text(metric):
    """How often a person was named, as the results page words it."""
    if metric.named == SurveyNodeMetric.Named.COUNT:
        return metric.named_by
    if metric.named == SurveyNodeMetric.Named.FEW:
        return "1–3"
    return ""


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
    ]
    if analysis.ties_shown:
        rows += [
            [_("Density"), round(analysis.density, 3)],
            [_("Ties"), analysis.ties],
            [_("Named by no one"), analysis.isolates],
        ]
    else:
        rows.append([_("How often each was named"), _("not shown: the answers are too few or too alike")])
    rows.append([_("Ties made by the programme in the year"), len(analysis.programme_ties)])
    for item, label in SurveyAnswer.READINESS_ITEMS.items():
        value = analysis.readiness.get(item)
        rows.append([str(label), value if value is not None else "—"])
    if analysis.compared_with_id:
        rows += [
            [_("Compared with"), analysis.compared_with.name],
            [_("Isolates who became connected"), len(analysis.comparison.get("isolates_connected", []))],
            [_("Density before"), round(analysis.comparison.get("density_before") or 0, 3)],
        ]
    _sheet(workbook, _("Aggregates"), [_("Measure"), _("Value")], rows, first=True)
    if metrics is not None and analysis.ties_shown:
        _sheet(
            workbook,
            _("People"),
            [_("Name"), _("Named by colleagues (1–3 when fewer than 4)"), _("Named by no one")],
            [
                [
                    m.staff.full_name,
                    named_text(m),
                    _("yes") if m.named == SurveyNodeMetric.Named.NOBODY else "",
                ]
                for m in metrics
            ],
        )
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
