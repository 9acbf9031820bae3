"""Import of a staff list: preview with per-row errors, then all rows or none."""

import datetime
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from apps.staff.models import CategoryAward, QualificationCategory, StaffImport, StaffMember, Subject
from apps.staff.selectors import staff_list
from apps.staff.services import ImportNotValid, staff_import_confirm, staff_import_create
from apps.staff.tests.factories import StaffMemberFactory
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
        ("staff.xlsx", b"PK\x03\x04 this is not a workbook", "not a readable Excel workbook"),
        ("staff.csv", b"\x00\x01\x02\xff\xfe", "CSV"),
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
