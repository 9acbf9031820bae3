import datetime
import io

from django.utils.translation import gettext_lazy
from openpyxl import load_workbook

from apps.core.spreadsheets import add_sheet, new_workbook, sheet_title, table_xlsx, workbook_bytes


def _read(content):
    return load_workbook(io.BytesIO(content))


def test_a_value_typed_as_a_formula_comes_back_as_text():
    content = table_xlsx("Сотрудники", ["Фамилия", "Дата"], [['=HYPERLINK("http://x")', datetime.date(2025, 9, 1)]])
    sheet = _read(content).active
    assert sheet["A2"].data_type == "s"
    assert sheet["A2"].value == '=HYPERLINK("http://x")'
    assert sheet["B2"].number_format == "DD.MM.YYYY"
    assert sheet.freeze_panes == "A2"


def test_sheet_names_are_ones_excel_accepts_and_unique():
    workbook = new_workbook()
    add_sheet(workbook, "2025/26 учебный год", ["Год"], [])
    add_sheet(workbook, "2025/26 учебный год", ["Год"], [])
    assert workbook.sheetnames == ["2025-26 учебный год", "2025-26 учебный год 2"]
    assert len(sheet_title("x" * 40)) == 31


def test_lazy_labels_become_text_and_headers_are_bold():
    workbook = new_workbook()
    add_sheet(workbook, "Лист", [gettext_lazy("Staff")], [[gettext_lazy("Staff")]], widths={1: 33})
    sheet = _read(workbook_bytes(workbook)).active
    assert sheet["A1"].font.bold and isinstance(sheet["A2"].value, str)
    assert sheet.column_dimensions["A"].width == 33
