"""Writing the registry to XLSX: the export of a list, and the import template."""

from django.utils.translation import gettext as _

from apps.core.dates import years_between
from apps.core.spreadsheets import table_xlsx

from .importing import COLUMNS, EXPORT_ONLY_COLUMNS
from .models import QualificationCategory


def staff_export_xlsx(*, staff_rows, on) -> bytes:
    """The registry rows (from `selectors.staff_list` with `award_details`) as a workbook; dates are real dates."""
    categories = dict(QualificationCategory.choices)
    # The first columns are the import's own, so an export can be edited and imported elsewhere.
    header = [str(label) for label, _aliases in COLUMNS.values()] + [str(label) for label in EXPORT_ONLY_COLUMNS]
    rows = []
    for staff in staff_rows:
        has_category = staff.current_category != QualificationCategory.NONE
        rows.append(
            [
                staff.last_name,
                staff.first_name,
                staff.patronymic,
                staff.position,
                ", ".join(staff.subject_names),
                staff.association.name if staff.association else "",
                staff.teaching_since,
                staff.hired_on,
                staff.email,
                str(categories[staff.current_category]) if has_category else "",
                staff.category_awarded_on if has_category else None,
                staff.category_order_number or "" if has_category else "",
                staff.birth_date,
                years_between(staff.teaching_since, on),
                _("yes") if staff.is_early_career else _("no"),
                staff.category_valid_until,
                _("yes") if staff.is_active else _("no"),
                staff.left_on,
            ]
        )
    return table_xlsx(_("Staff"), header, rows)


def staff_import_template_xlsx() -> bytes:
    """An empty list with the expected headers and one example row."""
    header = [str(label) for label, _aliases in COLUMNS.values()]
    example = [
        "Иванова",
        "Мария",
        "Петровна",
        "учитель",
        "Русский язык, Литература",
        "ШМО учителей гуманитарного цикла",
        "01.09.2015",
        "15.08.2018",
        "ivanova@example.ru",
        "первая",
        "25.12.2021",
        "№ 123-к",
        "14.03.1990",
    ]
    return table_xlsx(_("Staff"), header, [example])
