"""The rating's pages: the teacher's sheet and remark, the commission's period page,
compute, answer and approve by form, the protocol as XLSX and PDF agreeing number for
number (and audited), the dashboard's totals by criterion, and fixed query counts."""

import datetime
import io
import re
from decimal import Decimal

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook
from pypdf import PdfReader

from apps.accounts.models import Role
from apps.accounts.tests.factories import MembershipFactory
from apps.audit.models import AuditEvent
from apps.core.dates import add_months
from apps.ratings import services
from apps.ratings.models import CommissionMember, ManualEntry, Remark, Sheet
from apps.ratings.points import number
from apps.ratings.tests.factories import (
    CommissionMemberFactory,
    CriterionFactory,
    ManualEntryFactory,
    PeriodFactory,
    StubIndicator,
    approve,
    computed_period,
    evidence,
    on_commission_day,
)
from apps.staff.tests.factories import StaffMemberFactory
from conftest import client_for

pytestmark = pytest.mark.django_db


def _card(school, user=None, **fields):
    if user is None:
        user = MembershipFactory(school=school, roles=[Role.TEACHER]).user
    return StaffMemberFactory(school=school, user=user, **fields)


@pytest.fixture
def anna(school, teacher):
    return _card(school, teacher, last_name="Яковлева", first_name="Анна")


def test_the_teacher_sees_their_sheet_with_evidence_and_files_a_remark(school, teacher, anna):
    period = PeriodFactory(school=school)
    with StubIndicator(evidence=[evidence(anna, period.starts_on, label="Семинар «Читаем вместе»")]) as indicator:
        CriterionFactory(school=school, indicator_key=indicator.key, title="Семинары", points_per_unit=3)
        services.period_compute(period=period)
    sheet = Sheet.objects.get(period=period, staff=anna)
    client = client_for(teacher)
    page = client.get(reverse("ratings:my")).content.decode()
    assert reverse("ratings:sheet", args=[sheet.pk]) in page
    page = client.get(reverse("ratings:sheet", args=[sheet.pk])).content.decode()
    assert "Семинар «Читаем вместе»" in page and 'href="/events/1/"' in page
    assert "1 × 3 = 3" in page
    response = client.post(reverse("ratings:remark_new", args=[sheet.pk]), {"text": "Не учтён семинар 12-го"})
    assert response.status_code == 302
    assert Remark.objects.get(sheet=sheet).text == "Не учтён семинар 12-го"
    # An empty remark keeps the form with an error, never a 500.
    response = client.post(reverse("ratings:remark_new", args=[sheet.pk]), {"text": ""})
    assert response.status_code == 200 and "text" in response.context["form"].errors


def test_the_commission_computes_answers_and_approves_by_form(school, administrator, anna):
    CriterionFactory(school=school, title="Открытые занятия")
    period = PeriodFactory(school=school)
    client = client_for(administrator)
    assert client.post(reverse("ratings:period_compute", args=[period.pk])).status_code == 302
    sheet = Sheet.objects.get(period=period, staff=anna)
    remark = services.remark_file(sheet=sheet, author=anna, text="Вопрос к комиссии")
    # Before the commission's date teachers may still file remarks: no approval yet.
    page = client.get(reverse("ratings:period", args=[period.pk])).content.decode()
    assert 'data-testid="approve-from"' in page and 'data-testid="period-approve"' not in page
    response = client.post(reverse("ratings:period_approve", args=[period.pk]), follow=True)
    assert period.remarks_until.strftime("%d.%m.%Y") in response.content.decode()
    period.refresh_from_db()
    assert not period.is_approved
    with time_machine.travel(on_commission_day(period), tick=False):
        client = client_for(administrator)  # weeks later: a new session
        page = client.get(reverse("ratings:period", args=[period.pk])).content.decode()
        assert 'data-testid="period-approve"' in page
        response = client.post(reverse("ratings:period_approve", args=[period.pk]), follow=True)
        assert "Answer every remark" in response.content.decode() or "Ответьте" in response.content.decode()
        client.post(reverse("ratings:remark_answer", args=[remark.pk]), {"answer": "Учтём в следующем квартале"})
        client.post(reverse("ratings:period_approve", args=[period.pk]))
    period.refresh_from_db()
    assert period.is_approved
    page = client.get(reverse("ratings:period", args=[period.pk])).content.decode()
    assert reverse("ratings:protocol_pdf", args=[period.pk]) in page
    assert reverse("ratings:period_compute", args=[period.pk]) not in page


def test_a_member_who_left_is_shown_apart_and_can_be_removed(school, administrator):
    member = CommissionMemberFactory(school=school, staff=_card(school, last_name="Ушедшая"))
    member.staff.is_active, member.staff.left_on = False, datetime.date(2026, 9, 1)
    member.staff.save()
    client = client_for(administrator)
    page = client.get(reverse("ratings:commission")).content.decode()
    departed = page[page.index('data-testid="commission-departed"') :]
    assert "Ушедшая" in departed and "Ушедшая" not in page[: page.index('data-testid="commission-departed"')]
    client.post(reverse("ratings:commission_remove", args=[member.pk]))
    assert not CommissionMember.objects.filter(pk=member.pk).exists()
    assert 'data-testid="commission-departed"' not in client.get(reverse("ratings:commission")).content.decode()


def test_a_wrong_commission_date_is_shown_with_what_was_typed(school, administrator):
    CriterionFactory(school=school)
    period = PeriodFactory(school=school)
    client = client_for(administrator)
    url = reverse("ratings:period_dates", args=[period.pk])
    too_late = period.ends_on + datetime.timedelta(days=200)
    response = client.post(url, {"remarks_until": too_late.isoformat()})
    assert response.status_code == 200
    page = response.content.decode()
    assert f'value="{too_late.isoformat()}"' in page and "is-invalid" in page
    period.refresh_from_db()
    assert period.remarks_until != too_late
    response = client.post(url, {"remarks_until": "31.02.2027"})
    assert response.status_code == 200 and 'value="31.02.2027"' in response.content.decode()
    later = period.ends_on + datetime.timedelta(days=20)
    assert client.post(url, {"remarks_until": later.isoformat()}).status_code == 302
    period.refresh_from_db()
    assert period.remarks_until == later
    # Approved meanwhile (another tab): the page says so, as the form is no longer on it.
    services.period_compute(period=period)
    approve(period, by=administrator)
    response = client.post(url, {"remarks_until": later.isoformat()}, follow=True)
    page = response.content.decode()
    assert response.status_code == 200
    assert "reopen it to change anything" in page or "откройте его повторно" in page


def test_a_manual_entry_with_a_file_goes_through_the_upload_checks(school, administrator, anna):
    criterion = CriterionFactory(school=school)
    period = PeriodFactory(school=school)
    client = client_for(administrator)
    data = {
        "criterion": criterion.pk,
        "staff": anna.pk,
        "units": "2",
        "on": period.starts_on.isoformat(),
        "note": "Провела мастер-класс для молодых специалистов",
    }
    page = client.post(
        reverse("ratings:manual_new", args=[period.pk]),
        {**data, "file": SimpleUploadedFile("evidence.pdf", b"<html><script>alert(1)</script>")},
    )
    assert page.status_code == 200 and "file" in page.context["form"].errors
    assert page.context["form"]["note"].value() == data["note"]  # what was typed is kept
    response = client.post(
        reverse("ratings:manual_new", args=[period.pk]),
        {**data, "file": SimpleUploadedFile("evidence.pdf", b"%PDF-1.4 a scan\n")},
    )
    assert response.status_code == 302
    entry = ManualEntry.objects.get(period=period)
    download = client.get(reverse("ratings:manual_file", args=[entry.pk]))
    assert download.status_code == 200 and download["Content-Type"] == "application/pdf"


def _approved_protocol(school, administrator, people=3):
    cards = [_card(school, last_name=name) for name in ("Волкова", "Абрамов", "Петрова", "Егоров")[:people]]
    CommissionMemberFactory(school=school, staff=_card(school, last_name="Комиссарова", first_name="Ирина"))
    first = CriterionFactory(school=school, title="Семинары", points_per_unit=Decimal("2.5"), cap=Decimal("6"))
    second = CriterionFactory(school=school, title="Открытые занятия", points_per_unit=Decimal("1.25"))
    period = PeriodFactory(school=school)
    for index, card in enumerate(cards):
        ManualEntryFactory(period=period, criterion=first, staff=card, units=Decimal(index + 1))
        ManualEntryFactory(period=period, criterion=second, staff=card, units=Decimal("0.5") * (index + 1))
    services.period_compute(period=period)
    approve(period, by=administrator)
    period.refresh_from_db()
    return period


def _pdf_text(content):
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)


def test_the_protocol_pdf_agrees_with_the_xlsx_number_for_number(school, administrator):
    period = _approved_protocol(school, administrator)
    client = client_for(administrator)
    xlsx = client.get(reverse("ratings:protocol_xlsx", args=[period.pk]))
    pdf = client.get(reverse("ratings:protocol_pdf", args=[period.pk]))
    assert xlsx.status_code == pdf.status_code == 200
    assert pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF-")

    sheet = load_workbook(io.BytesIO(xlsx.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    header_at = next(i for i, row in enumerate(rows) if row[:2] == ("№", "Педагог") or row[:2] == ("No.", "Teacher"))
    table = []
    for row in rows[header_at + 1 :]:
        if row[1] is None:
            break
        table.append(row)
    # The table by name; the last row is the totals.
    names = [row[1] for row in table[:-1]]
    assert names == sorted(names) and names[0].startswith("Абрамов")
    text = _pdf_text(pdf.content)
    flat = re.sub(r"\s+", " ", text)
    assert school.name in flat and period.label in flat and "Комиссарова Ирина" in flat
    # Every line of the table reads in the PDF as in the XLSX: the name, each criterion's
    # points and the total, in order.
    for row in table:
        numbers = [number(Decimal(str(value))) for value in row[2:]]
        label = row[1]
        pattern = re.escape(label) + r"\s+" + r"\s+".join(re.escape(n) for n in numbers)
        assert re.search(pattern, flat), (label, numbers, flat)
    assert [number(Decimal(str(v))) for v in table[-1][2:]] == ["13,5", "3,76", "17,26"]


def test_the_protocol_files_are_in_the_school_s_format_whatever_the_reader_s_language(school, administrator):
    period = _approved_protocol(school, administrator, people=1)
    client = client_for(administrator)
    client.cookies.load({"django_language": "en"})
    assert "Protocol" in client.get(reverse("ratings:period", args=[period.pk])).content.decode()
    rows = list(
        load_workbook(
            io.BytesIO(client.get(reverse("ratings:protocol_xlsx", args=[period.pk])).content)
        ).active.iter_rows(values_only=True)
    )
    assert ("№", "Педагог") in [row[:2] for row in rows]
    assert not any(row[:2] == ("No.", "Teacher") for row in rows)
    text = re.sub(r"\s+", " ", _pdf_text(client.get(reverse("ratings:protocol_pdf", args=[period.pk])).content))
    assert "Протокол" in text and "Педагог" in text and "Teacher" not in text
    assert "квартал " + period.starts_on.strftime("%d.%m.%Y") in text  # not «quarter …»


def test_protocol_exports_are_written_to_the_audit_trail_and_only_for_an_approved_period(school, administrator):
    period = _approved_protocol(school, administrator, people=1)
    client = client_for(administrator)
    client.get(reverse("ratings:protocol_xlsx", args=[period.pk]))
    client.get(reverse("ratings:protocol_pdf", args=[period.pk]))
    files = sorted(e.changes["file"] for e in AuditEvent.objects.filter(action="export_made"))
    assert files == [f"rating-{period.starts_on:%Y-%m}-quarter.pdf", f"rating-{period.starts_on:%Y-%m}-quarter.xlsx"]
    services.period_reopen(period=period, reason="Исправление")
    assert client.get(reverse("ratings:protocol_pdf", args=[period.pk])).status_code == 404


def test_the_dashboard_shows_the_latest_approved_totals_by_criterion_without_names(school, administrator):
    period = _approved_protocol(school, administrator)
    page = client_for(administrator).get(reverse("dashboards:participation")).content.decode()
    section = page[page.index('data-testid="rating-totals"') :]
    assert period.label in section and "Семинары" in section and "Открытые занятия" in section
    assert "Волкова" not in section and "Абрамов" not in section
    assert ">13,5<" in section and ">3,76<" in section


def test_the_dashboard_hides_a_criterion_s_points_earned_by_fewer_than_three(school, administrator):
    """Two people's points by a criterion would be their own lines: «—», and the total with them."""
    _approved_protocol(school, administrator, people=2)
    page = client_for(administrator).get(reverse("dashboards:participation")).content.decode()
    section = page[page.index('data-testid="rating-totals"') :].split("</section>", 1)[0]
    assert "Семинары" in section and "Открытые занятия" in section
    assert section.count(">—<") == 3  # both criteria and the total
    assert ">7,5<" not in section and ">1,88<" not in section
    assert "не показаны" in section or "are not shown" in section


# Query counts at two sizes ---------------------------------------------------------------------------


def _grow(school, period, criterion, count):
    for _ in range(count):
        person = _card(school)
        ManualEntryFactory(period=period, criterion=criterion, staff=person, units=Decimal("2"))


def _queries(client, url, status=200):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == status, url
    return len(queries)


def test_the_pages_take_the_same_queries_at_two_sizes(school, administrator, teacher, anna):
    criterion = CriterionFactory(school=school)
    CriterionFactory(school=school, title="Второй критерий")
    period = PeriodFactory(school=school)
    ManualEntryFactory(period=period, criterion=criterion, staff=anna, units=Decimal("1"))
    with_file = ManualEntryFactory(
        period=period, criterion=criterion, staff=anna, link="", file=SimpleUploadedFile("e.pdf", b"%PDF-1.4 e\n")
    )
    admin, own = client_for(administrator), client_for(teacher)

    def approved(months_back, people):
        """An approved quarter with `people` sheets (an approved period grows no more)."""
        quarter = PeriodFactory(school=school, starts_on=add_months(period.starts_on, -months_back))
        _grow(school, quarter, criterion, people)
        services.period_compute(period=quarter)
        return approve(quarter, by=administrator)

    def counts(last_quarter):
        services.period_compute(period=period)
        sheet = Sheet.objects.get(period=period, staff=anna)
        remark = Remark.objects.filter(sheet=sheet).order_by("pk").first() or services.remark_file(
            sheet=sheet, author=anna, text="Вопрос"
        )
        pages = [
            (admin, "ratings:period", [period.pk]),
            (admin, "ratings:periods", []),
            (admin, "ratings:sheet", [sheet.pk]),
            (own, "ratings:sheet", [sheet.pk]),
            (own, "ratings:my", []),
            (admin, "ratings:criteria", []),
            (admin, "ratings:commission", []),
            (admin, "ratings:criterion_new", []),
            (admin, "ratings:criterion_edit", [criterion.pk]),
            (admin, "ratings:period_new", []),
            (admin, "ratings:period_reopen", [last_quarter.pk]),
            (admin, "ratings:manual_new", [period.pk]),
            (own, "ratings:remark_new", [sheet.pk]),
            (admin, "ratings:remark_answer", [remark.pk]),
            (admin, "ratings:manual_file", [with_file.pk]),
            (admin, "ratings:protocol_xlsx", [last_quarter.pk]),
            (admin, "ratings:protocol_pdf", [last_quarter.pk]),
        ]
        return {(name, client is own): _queries(client, reverse(name, args=args)) for client, name, args in pages}

    _grow(school, period, criterion, 2)
    small = counts(approved(3, 2))
    _grow(school, period, criterion, 12)
    ManualEntryFactory(period=period, criterion=criterion, staff=anna, units=Decimal("3"))
    services.remark_file(sheet=Sheet.objects.get(period=period, staff=anna), author=anna, text="Ещё вопрос")
    CommissionMemberFactory(school=school)
    CommissionMemberFactory(school=school)
    CriterionFactory(school=school, title="Третий критерий")
    assert counts(approved(6, 14)) == small


def test_the_protocol_is_by_name_never_by_points(school, administrator):
    period = _approved_protocol(school, administrator, people=4)
    page = client_for(administrator).get(reverse("ratings:period", args=[period.pk])).content.decode()
    names = re.findall(
        r'data-testid="protocol-row"><td>\d+</td><th scope="row" class="fw-normal"><a [^>]+>([^<]+)<', page
    )
    assert names == sorted(names) and len(names) == 5  # four teachers and the commission's member


def test_a_name_in_the_protocols_rows_is_escaped(school, administrator):
    card = _card(school, last_name="<b>Жирнова</b>")
    period = computed_period(school, [card])
    page = client_for(administrator).get(reverse("ratings:period", args=[period.pk])).content.decode()
    assert "&lt;b&gt;Жирнова&lt;/b&gt;" in page and "<b>Жирнова" not in page
