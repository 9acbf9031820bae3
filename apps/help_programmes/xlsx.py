"""The programmes of help as XLSX: one programme whole, and the network's list
(status and counts only)."""

from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from apps.core.dates import academic_year_span
from apps.core.spreadsheets import add_sheet, new_workbook, workbook_bytes


def programme_xlsx(programme):
    workbook = new_workbook()
    add_sheet(
        workbook,
        _("Programme"),
        [_("Field"), _("Value")],
        [
            (_("Title"), programme.title),
            (_("Academic year"), academic_year_span(programme.year)),
            (_("Leader school"), programme.leader_school.short_name),
            (_("Supported school"), programme.supported_school.short_name),
            (_("Status"), programme.get_status_display()),
            (_("Agreed on"), programme.agreed_on),
            (_("Goal"), programme.goal),
            (_("The leader school's analysis"), programme.review_leader),
            (_("The supported school's analysis"), programme.review_supported),
            (_("Results of the year"), programme.results),
            (_("Reviewed on"), programme.reviewed_on),
        ],
        widths={1: 30, 2: 80},
    )
    add_sheet(
        workbook,
        _("Difficulties"),
        [_("Professional difficulty"), _("Problem")],
        [(d.text, d.tag.name if d.tag else "") for d in programme.difficulties.all()],
        widths={1: 70, 2: 30},
    )
    add_sheet(
        workbook,
        _("Forms of help"),
        [_("Form of help"), _("What is done"), _("For the difficulty"), _("Network pair or team")],
        [
            (
                f.get_kind_display(),
                f.description,
                f.difficulty.text if f.difficulty else "",
                str(f.group or f.team or ""),
            )
            for f in programme.help_forms.all()
        ],
        widths={1: 25, 2: 60, 3: 40, 4: 40},
    )
    add_sheet(
        workbook,
        _("Responsible"),
        [_("Person"), _("School"), _("Responsible for")],
        [(r.staff.full_name, r.staff.school.short_name, r.role) for r in programme.responsibles.all()],
        widths={1: 40, 2: 30, 3: 50},
    )
    add_sheet(
        workbook,
        _("Milestones"),
        [_("Milestone"), _("Due on"), _("Responsible"), _("Done on"), _("Note")],
        [
            (m.title, m.due_on, m.responsible.full_name if m.responsible else "", m.done_on, m.note)
            for m in programme.milestones.all()
        ],
        widths={1: 50, 3: 35, 5: 50},
    )
    return workbook_bytes(workbook)


def network_xlsx(network, programmes):
    header = [
        _("Academic year"),
        _("Leader school"),
        _("Supported school"),
        _("Programme"),
        _("Status"),
        _("Milestones"),
        pgettext("milestones", "done"),
        pgettext("milestones", "overdue"),
        _("next due on"),
    ]
    rows = [
        (
            academic_year_span(p.year),
            p.leader_school.short_name,
            p.supported_school.short_name,
            p.title,
            p.get_status_display(),
            p.milestones_total,
            p.milestones_done,
            p.milestones_overdue,
            p.next_due_on,
        )
        for p in programmes
    ]
    workbook = new_workbook()
    add_sheet(workbook, _("Programmes of help"), header, rows, widths={4: 50}, freeze=True)
    return workbook_bytes(workbook)
