"""The results of a round as XLSX: what the results page shows, no more
(apps/surveys/disclosure.py): aggregates, and for the administrator how many
named each person, banded. Never who named whom."""

from django.utils.translation import gettext as _

from apps.core.spreadsheets import add_sheet, new_workbook, workbook_bytes

from .models import SurveyAnswer, SurveyNodeMetric


def named_text(metric):
    """How often a person was named, as the results page words it."""
    if metric.named == SurveyNodeMetric.Named.COUNT:
        return metric.named_by
    if metric.named == SurveyNodeMetric.Named.FEW:
        return "1–3"
    return ""


# Every column of the results is this wide.
COLUMN_WIDTH = 24


def results_xlsx(*, survey_round, analysis, metrics=None):
    workbook = new_workbook()
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
    add_sheet(workbook, _("Aggregates"), [_("Measure"), _("Value")], rows, width_range=(COLUMN_WIDTH, COLUMN_WIDTH))
    if metrics is not None and analysis.ties_shown:
        add_sheet(
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
            width_range=(COLUMN_WIDTH, COLUMN_WIDTH),
        )
    return workbook_bytes(workbook)
