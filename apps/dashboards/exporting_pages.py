"""XLSX of the dashboard pages: the table behind each chart, as on screen."""

from django.utils.translation import gettext as _

from apps.core.spreadsheets import add_sheet, new_workbook, workbook_bytes


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


def participation_xlsx(*, school, period, previous, summary, **_context):
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


def network_xlsx(*, network, year_label, rows, pairs, leader, leader_rows, **_context):
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
