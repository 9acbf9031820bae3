"""The results of a round as XLSX: aggregates, and for the administrator the
per-person metrics. Never who named whom."""

from django.utils.translation import gettext as _

from apps.core.spreadsheets import add_sheet, new_workbook, workbook_bytes

from .models import SurveyAnswer

# Every column of the results is this wide.
COLUMN_WIDTH = 24


def results_xlsx(*, survey_round, analysis, metrics=None):
    workbook = new_workbook()
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
    add_sheet(workbook, _("Aggregates"), [_("Measure"), _("Value")], rows, width_range=(COLUMN_WIDTH, COLUMN_WIDTH))
    if metrics is not None:
        add_sheet(
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
            width_range=(COLUMN_WIDTH, COLUMN_WIDTH),
        )
    return workbook_bytes(workbook)
