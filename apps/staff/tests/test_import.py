"""Import of a staff list: preview with per-row errors, then all rows or none."""

import datetime
import io
import zipfile

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation
from openpyxl import Workbook, load_workbook
from openpyxl.chart import BarChart, Reference
from openpyxl.utils.datetime import to_excel

from apps.staff.importing import MAX_COLUMNS, MAX_ROWS, read_table, staff_rows_parse
from apps.staff.models import CategoryAward, QualificationCategory, StaffImport, StaffMember, Subject
from apps.staff.selectors import staff_list
from apps.staff.services import ImportNotValid, staff_import_confirm, staff_import_create
from apps.staff.tests.factories import StaffMemberFactory, SubjectFactory
from conftest import client_for

HEADER = [
    "Фамилия",
    "Имя",
    "Отчество",
    "Должность",
    "Преподаваемые предметы",
    "Методическое объединение",
    "Начало педагогической деятельности",
    "Дата приёма",
    "E-mail",
    "Категория",
    "Дата присвоения категории",
    "Номер приказа",
]
GOOD_ROWS = [
    [
        "Орлова",
        "Вера",
        "Михайловна",
        "учитель",
        "Химия, Биология",
        "ШМО естественников",
        "01.09.2011",
        "30.08.2012",
        "orlova@school.test",
        "первая",
        "21.12.2021",
        "№ 5-к",
    ],
    ["Титов", "Кирилл", "", "", "История", "", "01.09.2024", "01.09.2024", "", "", "", ""],
]


def xlsx(rows):
    workbook = Workbook()
    for row in rows:
        workbook.active.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def csv_bytes(rows, delimiter=";", encoding="utf-8"):
    return "\n".join(delimiter.join(row) for row in rows).encode(encoding)


def upload(client, name, content):
    return client.post(reverse("staff:import"), {"file": SimpleUploadedFile(name, content)})


def test_xlsx_import_previews_then_saves_every_row(school, administrator):
    client = client_for(administrator)
    response = upload(client, "staff.xlsx", xlsx([HEADER, *GOOD_ROWS]))
    preview_url = response["Location"]
    assert StaffMember.objects.count() == 0  # nothing saved by the preview

    page = client.get(preview_url)
    assert page.status_code == 200
    assert page.context["preview"].is_valid
    assert "Орлова Вера Михайловна" in page.content.decode()

    pk = StaffImport.objects.get().pk
    response = client.post(reverse("staff:import_confirm", args=[pk]))
    assert response.status_code == 302
    orlova = StaffMember.objects.get(last_name="Орлова")
    assert orlova.school == school
    assert orlova.teaching_since == datetime.date(2011, 9, 1)
    assert sorted(s.name for s in orlova.subjects.all()) == ["Биология", "Химия"]
    assert orlova.association.name == "ШМО естественников"
    award = CategoryAward.objects.get(staff=orlova)
    assert (award.category, award.valid_until) == (QualificationCategory.FIRST, datetime.date(2026, 12, 21))
    assert StaffMember.objects.get(last_name="Титов").position == "учитель"
    # Confirming twice does not import twice.
    client.post(reverse("staff:import_confirm", args=[pk]))
    assert StaffMember.objects.count() == 2


def test_csv_in_windows_1251_with_commas_imports(school, administrator):
    rows = [HEADER[:8], GOOD_ROWS[1][:8]]
    staff_import = staff_import_create(
        school=school, user=administrator, file_name="list.csv", content=csv_bytes(rows, ",", "cp1251")
    )
    created = staff_import_confirm(staff_import=staff_import)
    assert [s.last_name for s in created] == ["Титов"]


@pytest.mark.parametrize(
    "name,content,expected",
    [
        ("staff.csv", csv_bytes([["Фамилия", "Имя", "Возраст"], ["Орлов", "Иван", "40"]]), "Unknown column «Возраст»"),
        ("staff.csv", csv_bytes([["Фамилия", "Имя"], ["Орлов", "Иван"]]), "Required columns are missing"),
        ("staff.csv", csv_bytes([HEADER]), "no rows"),
        ("staff.csv", b"\n;;\n\n", "The file is empty"),
    ],
)
def test_malformed_files_and_wrong_headers_save_nothing(school, administrator, name, content, expected):
    client = client_for(administrator)
    client.cookies.load({"django_language": "en"})
    response = upload(client, name, content)
    page = client.get(response["Location"])
    assert page.context["preview"].is_valid is False
    assert expected in " ".join(page.context["preview"].file_errors)
    confirm = client.post(reverse("staff:import_confirm", args=[StaffImport.objects.get().pk]))
    assert confirm.status_code == 302
    assert StaffMember.objects.count() == 0


def test_bad_dates_give_row_errors_and_nothing_is_saved(school, administrator):
    rows = [
        HEADER,
        GOOD_ROWS[0],
        ["Иванов", "Пётр", "", "", "", "", "31.02.2015", "01.09.2016", "", "", "", ""],
        ["Сидоров", "", "", "", "", "", "01.09.2015", "вчера", "", "", "", ""],
        ["Петров", "Иван", "", "", "", "", "01.09.2030", "01.09.2016", "bad-mail", "высшая", "", ""],
        ["Котов", "Ян", "", "", "", "", "01.09.2016", "01.09.2015", "", "золотая", "01.01.2020", ""],
    ]
    client = client_for(administrator)
    client.cookies.load({"django_language": "en"})
    page = client.get(upload(client, "staff.xlsx", xlsx(rows))["Location"])
    preview = page.context["preview"]
    errors = {row.line: " | ".join(row.errors) for row in preview.rows}
    assert errors[2] == ""
    assert "«31.02.2015» is not a date" in errors[3]
    assert "«First name» is empty" in errors[4] and "«вчера» is not a date" in errors[4]
    assert "in the future" in errors[5] and "not an e-mail" in errors[5]
    assert "needs the date it was awarded" in errors[5]
    assert "earlier than the start of teaching" in errors[6] and "Unknown category «золотая»" in errors[6]
    assert "table-danger" in page.content.decode()

    response = client.post(reverse("staff:import_confirm", args=[StaffImport.objects.get().pk]))
    assert response.status_code == 302
    assert StaffMember.objects.count() == 0
    assert Subject.objects.count() == 0


def test_duplicates_in_file_and_registry_are_row_errors(school, administrator):
    StaffMemberFactory(school=school, last_name="Орлова", first_name="Вера", patronymic="Михайловна")
    rows = [HEADER, GOOD_ROWS[1], GOOD_ROWS[1], GOOD_ROWS[0]]
    staff_import = staff_import_create(school=school, user=administrator, file_name="a.xlsx", content=xlsx(rows))
    with pytest.raises(ImportNotValid) as caught:
        staff_import_confirm(staff_import=staff_import)
    errors = [" ".join(row.errors) for row in caught.value.preview.rows]
    assert errors[0] == ""
    assert errors[1] and errors[2]
    assert StaffMember.objects.count() == 1


def test_a_clash_appearing_after_the_preview_still_stops_the_whole_import(school, administrator):
    staff_import = staff_import_create(
        school=school, user=administrator, file_name="a.xlsx", content=xlsx([HEADER, *GOOD_ROWS])
    )
    StaffMemberFactory(school=school, last_name="Титов", first_name="Кирилл", patronymic="")
    with pytest.raises(ImportNotValid):
        staff_import_confirm(staff_import=staff_import)
    assert not StaffMember.objects.filter(last_name="Орлова").exists()


def test_upload_form_refuses_other_file_types(administrator):
    client = client_for(administrator)
    response = upload(client, "staff.pdf", b"%PDF-1.4")
    assert response.status_code == 200
    assert response.context["form"].errors["file"]
    assert StaffImport.objects.count() == 0


def test_export_can_be_imported_again_elsewhere(school, other_school, administrator, outsider):
    client = client_for(administrator)
    upload(client, "staff.xlsx", xlsx([HEADER, *GOOD_ROWS]))
    client.post(reverse("staff:import_confirm", args=[StaffImport.objects.get().pk]))

    export = client.get(reverse("staff:export"))
    assert export["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = load_workbook(io.BytesIO(export.content)).active
    assert [cell.value for cell in sheet[1]][:12] == HEADER
    assert sheet.max_row == 3

    staff_import = staff_import_create(school=other_school, user=outsider, file_name="e.xlsx", content=export.content)
    created = staff_import_confirm(staff_import=staff_import)
    assert sorted(s.last_name for s in created) == ["Орлова", "Титов"]
    orlova = staff_list(school=other_school).get(last_name="Орлова")
    assert orlova.current_category == QualificationCategory.FIRST


def test_export_follows_the_filters(school, administrator):
    StaffMemberFactory(school=school, last_name="Альфа")
    StaffMemberFactory(school=school, last_name="Бета")
    response = client_for(administrator).get(reverse("staff:export"), {"q": "Альф"})
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert [row[0].value for row in sheet.iter_rows(min_row=2)] == ["Альфа"]


# --- Damaged and hostile files ----------------------------------------------------------


def _rewrite_zip(content, name, change):
    source, buffer = zipfile.ZipFile(io.BytesIO(content)), io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as target:
        for item in source.infolist():
            data = source.read(item.filename)
            target.writestr(item, change(data) if item.filename == name else data)
    return buffer.getvalue()


def _truncated_sheet():
    content = xlsx([HEADER, *GOOD_ROWS * 100])
    return _rewrite_zip(content, "xl/worksheets/sheet1.xml", lambda data: data[: len(data) // 2])


def _corrupt_workbook_xml():
    return _rewrite_zip(xlsx([HEADER, *GOOD_ROWS]), "xl/workbook.xml", lambda data: b"<workbook><sheets><sheet")


def _chart_sheet_only():
    workbook = Workbook()
    sheet = workbook.active
    sheet.append([1, 2])
    chart = BarChart()
    chart.add_data(Reference(sheet, min_col=1, max_col=2, min_row=1))
    workbook.create_chartsheet().add_chart(chart)
    workbook.remove(sheet)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


UNREADABLE = [
    ("staff.xlsx", lambda: b"PK\x03\x04 this is not a workbook", "not a readable Excel workbook"),
    ("staff.xlsx", _corrupt_workbook_xml, "not a readable Excel workbook"),
    ("staff.xlsx", _truncated_sheet, "damaged"),
    ("staff.xlsx", _chart_sheet_only, "no worksheet"),
    ("staff.csv", lambda: b"\x00\x01\x02\xff\xfe", "CSV"),
    ("staff.csv", lambda: 'Фамилия;Имя\n"Орлов;'.encode() + b"x" * 140_000, "The CSV file is malformed"),
]


@pytest.mark.parametrize("name,make,expected", UNREADABLE)
def test_unreadable_files_are_refused_right_at_upload(school, administrator, name, make, expected):
    client = client_for(administrator)
    client.cookies.load({"django_language": "en"})
    response = upload(client, name, make())
    assert response.status_code == 200
    assert expected in " ".join(response.context["form"].errors["file"])
    assert StaffImport.objects.count() == 0


@pytest.mark.parametrize("name,make,expected", UNREADABLE)
def test_a_stored_unreadable_file_previews_as_a_file_error_not_a_500(school, administrator, name, make, expected):
    staff_import = staff_import_create(school=school, user=administrator, file_name=name, content=make())
    client = client_for(administrator)
    client.cookies.load({"django_language": "en"})
    page = client.get(reverse("staff:import_preview", args=[staff_import.pk]))
    assert page.status_code == 200
    assert expected in " ".join(page.context["preview"].file_errors)
    with pytest.raises(ImportNotValid):
        staff_import_confirm(staff_import=staff_import)


def test_csv_errors_do_not_show_pythons_own_text(school):
    content = 'Фамилия;Имя\n"Орлов;'.encode() + b"x" * 140_000
    with translation.override("en"):
        errors = " ".join(staff_rows_parse(school=school, file_name="a.csv", content=content).file_errors)
    assert "The CSV file is malformed" in errors
    assert "field limit" not in errors and "131072" not in errors


def test_a_cell_in_column_xfd_does_not_widen_every_row(school):
    workbook = Workbook()
    for row in [HEADER, *GOOD_ROWS]:
        workbook.active.append(row)
    workbook.active["XFD2"] = "far away"
    buffer = io.BytesIO()
    workbook.save(buffer)
    table = read_table("a.xlsx", buffer.getvalue())
    assert [line for line, _values in table.rows] == [1, 2, 3]
    assert all(len(values) <= MAX_COLUMNS for _line, values in table.rows)
    assert staff_rows_parse(school=school, file_name="a.xlsx", content=buffer.getvalue()).is_valid


def _sparse_xlsx(people):
    """A header and `people` rows, each followed by an empty row."""
    workbook = Workbook()
    sheet = workbook.active
    for column, title in enumerate(HEADER[:8], start=1):
        sheet.cell(row=1, column=column, value=title)
    for index in range(people):
        values = [f"Фамилия{index}", "Имя", "", "", "", "", "01.09.2011", "01.09.2012"]
        for column, value in enumerate(values, start=1):
            sheet.cell(row=3 + 2 * index, column=column, value=value)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def test_empty_rows_do_not_count_and_no_row_is_dropped_silently(school):
    preview = staff_rows_parse(school=school, file_name="a.xlsx", content=_sparse_xlsx(MAX_ROWS))
    assert preview.is_valid
    assert len(preview.rows) == MAX_ROWS
    assert preview.rows[-1].line == 1 + 2 * MAX_ROWS

    with translation.override("en"):
        preview = staff_rows_parse(school=school, file_name="a.xlsx", content=_sparse_xlsx(MAX_ROWS + 1))
    assert not preview.is_valid
    assert "Too many rows" in " ".join(preview.file_errors)


# --- Lengths: what the preview passes, the save accepts ---------------------------------


def test_texts_longer_than_their_fields_are_row_errors_not_cut_short(school, administrator):
    long_email = "a" * 60 + "@" + ".".join(["b" * 60] * 4) + ".ru"
    row = [
        "Ф" * 101,
        "Имя",
        "О" * 101,
        "д" * 151,
        "Химия, " + "П" * 101,
        "Ш" * 201,
        "01.09.2011",
        "30.08.2012",
        long_email,
        "первая",
        "21.12.2021",
        "№" * 65,
    ]
    with translation.override("en"):
        preview = staff_rows_parse(school=school, file_name="a.xlsx", content=xlsx([HEADER, row]))
    errors = " | ".join(preview.rows[0].errors)
    for column, limit in [
        ("Surname", 100),
        ("Patronymic", 100),
        ("Position", 150),
        ("Subject association", 200),
        ("E-mail", 254),
        ("Order number", 64),
    ]:
        assert f"«{column}» is longer than {limit} characters" in errors
    assert "«Subjects taught»: a subject name is longer than 100 characters" in errors
    assert preview.rows[0].last_name == "Ф" * 101  # shown as it is, never truncated
    content = xlsx([HEADER, row])
    staff_import = staff_import_create(school=school, user=administrator, file_name="a.xlsx", content=content)
    with pytest.raises(ImportNotValid):
        staff_import_confirm(staff_import=staff_import)


def test_texts_exactly_as_long_as_their_fields_are_saved(school, administrator):
    row = ["Ф" * 100, "Имя", "", "д" * 150, "П" * 100, "Ш" * 200, "01.09.2011", "30.08.2012", "", "первая"]
    row += ["21.12.2021", "№" * 64]
    content = xlsx([HEADER, row])
    staff_import = staff_import_create(school=school, user=administrator, file_name="a.xlsx", content=content)
    [staff] = staff_import_confirm(staff_import=staff_import)
    assert staff.last_name == "Ф" * 100
    assert CategoryAward.objects.get(staff=staff).order_number == "№" * 64


# --- The confirm uses the school's date, as the preview does ----------------------------


def test_confirm_checks_dates_against_the_schools_today_like_the_preview(school, administrator):
    # 20:30 UTC: already 24.11 in Samara (the school), still 23.11 in Moscow (the server).
    rows = [HEADER[:8], ["Новикова", "Ольга", "", "", "", "", "24.11.2026", "24.11.2026"]]
    with time_machine.travel(datetime.datetime(2026, 11, 23, 20, 30, tzinfo=datetime.UTC), tick=False):
        assert datetime.date.today() == datetime.date(2026, 11, 23)
        client = client_for(administrator)
        page = client.get(upload(client, "a.xlsx", xlsx(rows))["Location"])
        assert page.context["preview"].is_valid
        staff_import = StaffImport.objects.get()
        [staff] = staff_import_confirm(staff_import=staff_import)
    assert staff.hired_on == datetime.date(2026, 11, 24)


# --- Excel serial dates and formulas ----------------------------------------------------


def test_excel_serial_numbers_in_date_cells_are_dates(school, administrator):
    row = [
        "Орлова",
        "Вера",
        "",
        "",
        "",
        "",
        int(to_excel(datetime.date(2011, 9, 1))),
        str(int(to_excel(datetime.date(2012, 8, 30)))),
        "",
        "первая",
        to_excel(datetime.date(2021, 12, 21)) + 0.5,
        "",
    ]
    preview = staff_rows_parse(school=school, file_name="a.xlsx", content=xlsx([HEADER, row]))
    assert preview.is_valid, preview.rows[0].errors
    parsed = preview.rows[0]
    assert (parsed.teaching_since, parsed.hired_on, parsed.category_awarded_on) == (
        datetime.date(2011, 9, 1),
        datetime.date(2012, 8, 30),
        datetime.date(2021, 12, 21),
    )


def test_numbers_that_are_not_plausible_dates_stay_errors(school):
    row = ["Орлова", "Вера", "", "", "", "", 2011, 42000, "", "", "", ""]
    with translation.override("en"):
        preview = staff_rows_parse(school=school, file_name="a.xlsx", content=xlsx([HEADER, row]))
    errors = " | ".join(preview.rows[0].errors)
    assert "«2011» is not a date" in errors
    assert preview.rows[0].hired_on == datetime.date(2014, 12, 27)


def _with_formula():
    row = list(GOOD_ROWS[1])
    row[7] = "=DATE(2024,9,1)"
    return xlsx([HEADER, row])


def test_a_formula_without_a_calculated_value_is_a_row_error(school):
    with translation.override("en"):
        preview = staff_rows_parse(school=school, file_name="a.xlsx", content=_with_formula())
    errors = preview.rows[0].errors
    assert errors == [
        "«Hired on»: the cell holds a formula without a calculated value; "
        "open the file in Excel, save it and upload it again."
    ]


def test_a_formula_with_a_saved_value_reads_that_value(school):
    serial = int(to_excel(datetime.date(2024, 9, 1)))
    content = _rewrite_zip(
        _with_formula(),
        "xl/worksheets/sheet1.xml",
        lambda data: data.replace(b"<f>DATE(2024,9,1)</f><v />", f"<f>DATE(2024,9,1)</f><v>{serial}</v>".encode()),
    )
    preview = staff_rows_parse(school=school, file_name="a.xlsx", content=content)
    assert preview.is_valid, preview.rows[0].errors
    assert preview.rows[0].hired_on == datetime.date(2024, 9, 1)


# --- The export writes text, never formulas ---------------------------------------------

HOSTILE = ['=HYPERLINK("http://evil.example","x")', "+7(900)1234567", "-1+2", "@SUM(A1)"]


def test_export_writes_every_string_as_text_never_as_a_formula(school, administrator):
    subject = SubjectFactory(school=school, name='=cmd|" /C calc"!A0')
    for index, text in enumerate(HOSTILE):
        StaffMemberFactory(school=school, last_name=text, first_name=f"Имя{index}", position=text, subjects=[subject])
    export = client_for(administrator).get(reverse("staff:export"))
    sheet = load_workbook(io.BytesIO(export.content)).active
    cells = [cell for row in sheet.iter_rows() for cell in row if isinstance(cell.value, str)]
    assert [cell.coordinate for cell in cells if cell.data_type != "s"] == []
    assert sorted(row[0].value for row in sheet.iter_rows(min_row=2)) == sorted(HOSTILE)
    raw = zipfile.ZipFile(io.BytesIO(export.content)).read("xl/worksheets/sheet1.xml")
    assert b"<f>" not in raw


# --- Saving runs a fixed number of queries -----------------------------------------------


def _people(count, prefix):
    rows = [HEADER]
    for index in range(count):
        rows.append(
            [
                f"{prefix}{index}",
                "Имя",
                "Отчество",
                "учитель",
                f"Химия, {prefix} предмет {index}",
                f"ШМО {prefix} {index % 3}",
                "01.09.2011",
                "30.08.2012",
                f"t{len(prefix)}-{index}@school.test",
                "первая" if index % 2 else "высшая",
                "21.12.2021",
                f"№ {index}-к",
            ]
        )
    return xlsx(rows)


def _confirm_queries(school, user, content):
    staff_import = staff_import_create(school=school, user=user, file_name="a.xlsx", content=content)
    with CaptureQueriesContext(connection) as captured:
        created = staff_import_confirm(staff_import=staff_import)
    return len(created), len(captured)


def test_import_save_runs_the_same_number_of_queries_for_5_and_50_rows(school, administrator):
    small_rows, small = _confirm_queries(school, administrator, _people(5, "Малый"))
    large_rows, large = _confirm_queries(school, administrator, _people(50, "Большой"))
    assert (small_rows, large_rows) == (5, 50)
    assert small == large
    assert small <= 20
    orlov = StaffMember.objects.get(last_name="Большой7")
    assert sorted(s.name for s in orlov.subjects.all()) == ["Большой предмет 7", "Химия"]
    assert orlov.association.name == "ШМО Большой 1"
    award = CategoryAward.objects.get(staff=orlov)
    assert (award.category, award.valid_until) == (QualificationCategory.FIRST, datetime.date(2026, 12, 21))
    assert Subject.objects.filter(name="Химия").count() == 1


def test_confirm_saves_all_or_nothing_even_in_bulk(school, administrator, monkeypatch):
    from apps.staff import services

    staff_import = staff_import_create(school=school, user=administrator, file_name="a.xlsx", content=_people(5, "Т"))

    def fail(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(services.CategoryAward.objects, "bulk_create", fail)
    with pytest.raises(RuntimeError):
        staff_import_confirm(staff_import=staff_import)
    assert StaffMember.objects.count() == 0 and Subject.objects.count() == 0
    assert StaffImport.objects.get().status == StaffImport.Status.PREVIEW


# --- ё and е ------------------------------------------------------------------------------


def test_import_matches_subjects_and_associations_ignoring_yo(school, administrator):
    accounting = SubjectFactory(school=school, name="Учёт")
    rows = [HEADER, ["Орлов", "Иван", "", "", "учет, Химия", "ШМО учёных", "01.09.2011", "30.08.2012", "", "", "", ""]]
    rows.append(["Титов", "Иван", "", "", "Учет", "шмо ученых", "01.09.2011", "30.08.2012", "", "", "", ""])
    staff_import = staff_import_create(school=school, user=administrator, file_name="a.xlsx", content=xlsx(rows))
    preview = staff_rows_parse(school=school, file_name="a.xlsx", content=xlsx(rows))
    assert (preview.new_subjects, preview.new_associations) == (["Химия"], ["ШМО учёных"])
    orlov, titov = staff_import_confirm(staff_import=staff_import)
    assert sorted(Subject.objects.for_school(school).values_list("name", flat=True)) == ["Учёт", "Химия"]
    assert accounting in titov.subjects.all() and accounting in orlov.subjects.all()
    assert orlov.association == titov.association
