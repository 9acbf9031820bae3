"""The date of birth on a staff card: optional personal data, checked by one rule on the
card form, in the services and in the registry import; its changes written to the audit
trail like every card field; shown on the card, never to those who may not see cards."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse

from apps.audit.models import AuditEvent
from apps.core.dates import add_years, school_today
from apps.staff import services
from apps.staff.importing import staff_rows_parse
from apps.staff.models import StaffMember
from apps.staff.services import staff_import_confirm, staff_import_create
from apps.staff.tests.factories import StaffMemberFactory
from apps.staff.tests.test_import import HEADER, xlsx
from conftest import client_for

pytestmark = pytest.mark.django_db

D = datetime.date
CARD = {
    "last_name": "Орлова",
    "first_name": "Вера",
    "patronymic": "Михайловна",
    "position": "учитель",
    "teaching_since": "2011-09-01",
    "hired_on": "2012-08-30",
}


def create(client, **fields):
    return client.post(reverse("staff:create"), {**CARD, **fields})


def test_a_card_is_saved_without_a_date_of_birth_and_with_one(school, administrator):
    client = client_for(administrator)
    assert create(client).status_code == 302
    assert StaffMember.objects.get(last_name="Орлова").birth_date is None
    assert create(client, last_name="Белова", birth_date="1988-04-26").status_code == 302
    card = StaffMember.objects.get(last_name="Белова")
    assert card.birth_date == D(1988, 4, 26)
    page = client.get(reverse("staff:detail", args=[card.pk])).content.decode()
    assert 'data-testid="birth-date">26.04.1988<' in page


def wrong_dates(school):
    today = school_today(school)
    return {
        "in the future": (today + datetime.timedelta(days=1)).isoformat(),
        "too young": (add_years(today, -18) + datetime.timedelta(days=1)).isoformat(),
        "too old": (add_years(today, -100) - datetime.timedelta(days=1)).isoformat(),
        "teaching at 15": "1996-09-02",  # teaching since 2011-09-01
        "not a date": "31.02.1990",
    }


@pytest.mark.parametrize("case", ["in the future", "too young", "too old", "teaching at 15", "not a date"])
def test_an_implausible_date_is_a_form_error_that_keeps_what_was_typed(school, administrator, case):
    typed = wrong_dates(school)[case]
    response = create(client_for(administrator), birth_date=typed)
    assert response.status_code == 200
    assert response.context["form"].errors["birth_date"]
    assert f'value="{typed}"' in response.content.decode()
    assert not StaffMember.objects.exists()


def test_the_edges_of_working_age_are_accepted(school, administrator):
    today = school_today(school)
    client = client_for(administrator)
    eighteen = add_years(today, -18)
    assert (
        create(
            client, birth_date=eighteen.isoformat(), teaching_since=today.isoformat(), hired_on=today.isoformat()
        ).status_code
        == 302
    )
    assert create(client, last_name="Старова", birth_date="1995-09-01").status_code == 302  # teaching at 16


@pytest.mark.parametrize("case", ["in the future", "too young", "too old", "teaching at 15"])
def test_the_services_refuse_what_the_form_refuses(school, case):
    day = D.fromisoformat(wrong_dates(school)[case])
    fields = {**CARD, "teaching_since": D(2011, 9, 1), "hired_on": D(2012, 8, 30), "birth_date": day}
    with pytest.raises(ValidationError) as error:
        services.staff_member_create(school=school, **fields)
    assert "birth_date" in error.value.message_dict
    card = StaffMemberFactory(school=school)
    with pytest.raises(ValidationError):
        services.staff_member_update(staff=card, birth_date=day)
    card.refresh_from_db()
    assert card.birth_date is None


def test_the_database_refuses_a_birth_after_teaching_began(school):
    card = StaffMemberFactory(school=school)
    with pytest.raises(IntegrityError), transaction.atomic():
        StaffMember.objects.filter(pk=card.pk).update(birth_date=D(2011, 1, 1))


def test_an_old_card_with_a_stored_date_stays_editable(school, administrator):
    """A date valid when typed is not asked again when other fields change."""
    card = StaffMemberFactory(
        school=school, birth_date=D(1920, 5, 5), teaching_since=D(1940, 9, 1), hired_on=D(1941, 9, 1)
    )
    services.staff_member_update(staff=card, position="учитель истории")
    card.refresh_from_db()
    assert card.position == "учитель истории" and card.birth_date == D(1920, 5, 5)


def test_changes_of_the_date_are_in_the_audit_trail(school, administrator):
    client = client_for(administrator)
    create(client, birth_date="1988-04-26")
    card = StaffMember.objects.get()
    created = AuditEvent.objects.get(action=AuditEvent.Action.STAFF_CREATED, target_id=str(card.pk))
    assert created.changes["birth_date"] == [None, "1988-04-26"]
    data = {**CARD, "birth_date": "1987-04-26"}
    assert client.post(reverse("staff:edit", args=[card.pk]), data).status_code == 302
    updated = AuditEvent.objects.filter(action=AuditEvent.Action.STAFF_UPDATED, target_id=str(card.pk)).get()
    assert updated.changes == {"birth_date": ["1988-04-26", "1987-04-26"]}
    client.post(reverse("staff:edit", args=[card.pk]), {**CARD, "birth_date": ""})
    cleared = AuditEvent.objects.filter(action=AuditEvent.Action.STAFF_UPDATED, target_id=str(card.pk)).order_by("-pk")
    assert cleared.first().changes == {"birth_date": ["1987-04-26", None]}


# --- The registry's import and export ------------------------------------------------------

ROW = ["Титов", "Кирилл", "", "", "История", "", "01.09.2014", "01.09.2014", "", "", "", ""]


def parse(school, header, rows):
    return staff_rows_parse(
        school=school, file_name="a.xlsx", content=xlsx([header, *rows]), today=school_today(school)
    )


def test_a_list_without_the_column_imports_as_before(school):
    preview = parse(school, HEADER, [ROW])
    assert preview.is_valid and preview.rows[0].birth_date is None


def test_the_column_is_read_checked_and_saved(school, administrator):
    header = [*HEADER, "Дата рождения"]
    preview = parse(school, header, [[*ROW, "12.03.1990"], [*ROW[:1], "Анна", *ROW[2:], ""]])
    assert preview.is_valid, [row.errors for row in preview.rows]
    assert [row.birth_date for row in preview.rows] == [D(1990, 3, 12), None]
    staff_import = staff_import_create(
        school=school, user=administrator, file_name="a.xlsx", content=xlsx([header, [*ROW, "12.03.1990"]])
    )
    [card] = staff_import_confirm(staff_import=staff_import)
    card.refresh_from_db()
    assert card.birth_date == D(1990, 3, 12)
    created = AuditEvent.objects.get(action=AuditEvent.Action.STAFF_CREATED, target_id=str(card.pk))
    assert created.changes["birth_date"] == [None, "1990-03-12"]


@pytest.mark.parametrize(
    ("value", "words"),
    [("12.13.1990", "не дата"), ("12.03.2999", "в будущем"), ("12.03.2000", "раньше 16 лет")],
)
def test_an_implausible_date_in_the_file_is_a_row_error(school, value, words):
    preview = parse(school, [*HEADER, "Date of birth"], [[*ROW, value]])
    assert not preview.is_valid
    assert any(words in error for error in preview.rows[0].errors), preview.rows[0].errors


def test_the_registry_export_carries_the_date_for_those_who_may_export_it(school, administrator):
    from io import BytesIO

    from openpyxl import load_workbook

    StaffMemberFactory(school=school, last_name="Белова", birth_date=D(1988, 4, 26))
    sheet = load_workbook(BytesIO(client_for(administrator).get(reverse("staff:export")).content)).active
    header = [cell.value for cell in sheet[1]]
    column = header.index("Дата рождения")
    assert sheet.cell(row=2, column=column + 1).value.date() == D(1988, 4, 26)


@pytest.mark.parametrize("persona", ["teacher"])
def test_those_who_may_not_see_cards_see_no_date(request, school, persona):
    user = request.getfixturevalue(persona)
    card = StaffMemberFactory(school=school, birth_date=D(1988, 4, 26))
    client = client_for(user)
    assert client.get(reverse("staff:detail", args=[card.pk])).status_code == 403
    assert client.get(reverse("staff:list")).status_code == 403
    assert client.get(reverse("staff:export")).status_code == 403
    assert "26.04.1988" not in client.get(reverse("home")).content.decode()
