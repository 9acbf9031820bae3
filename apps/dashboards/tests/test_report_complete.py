"""The yearly report complete: the staff's age and readiness to interact on hand-built
data, the PDF rendered on the server agreeing with the XLSX number for number (its
text read back with pypdf), the PDF's download audited like the XLSX, and the report's
pages and files at a fixed number of queries whatever the size."""

import datetime
import io
import re
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone, translation
from openpyxl import load_workbook
from pypdf import PdfReader

from apps.audit.models import AuditEvent
from apps.dashboards.models import ReportExport
from apps.dashboards.report import annual_report
from apps.dashboards.report_exports import report_export_build
from apps.dashboards.report_pdf import annual_report_pdf
from apps.dashboards.tests.test_report import YEAR, build_school_year
from apps.dashboards.xlsx import annual_report_xlsx
from apps.staff.tests.factories import StaffMemberFactory
from apps.surveys.models import SurveyAnalysis
from apps.surveys.tests.factories import SurveyRoundFactory
from conftest import client_for

pytestmark = pytest.mark.django_db

D = datetime.date
PDF_KIND = ReportExport.Kind.ANNUAL_REPORT_PDF


def build_ages(school):
    """Eight people of the academic year 2025/26 and one who left before it; ages on
    1 September 2025: 30 (a birthday that very day), 29 (the day after), 40, 49, 59, 65,
    one without a date of birth, and one hired on the year's last day (not yet at work
    on 1 September)."""
    born = [D(1995, 9, 1), D(1995, 9, 2), D(1985, 3, 10), D(1975, 12, 31), D(1966, 1, 1), D(1960, 6, 15)]
    people = [StaffMemberFactory(school=school, birth_date=day) for day in born]
    people.append(StaffMemberFactory(school=school, birth_date=D(2000, 1, 1), hired_on=D(2026, 8, 31)))
    people.append(StaffMemberFactory(school=school, birth_date=None))
    StaffMemberFactory(
        school=school, birth_date=D(1950, 1, 1), is_active=False, left_on=D(2025, 6, 30)
    )  # gone before the year: not counted
    return people


def figures(report):
    return {table.key: {line.key: line.values for line in table.lines} for table in report.tables}


def test_average_age_and_bands_on_the_reports_day(school):
    build_ages(school)
    report = annual_report(school=school, year=YEAR)
    ages = report.ages
    # The table is titled «на 01.09.2025»: the people at work that day, so not the one hired
    # on the year's last day, whom the year's staff counts.
    assert (ages.on, ages.staff, ages.known) == (D(2025, 9, 1), 7, 6)
    assert report.criterion("staff").count == 8
    # (30 + 29 + 40 + 49 + 59 + 65) / 6 = 45.33
    assert ages.average == Decimal("45.3")
    assert figures(report)["ages"] == {
        "average_age": (Decimal("45.3"), None),
        "under_30": (1, 14),
        "30_39": (1, 14),
        "40_49": (2, 29),  # 28.57 %
        "50_59": (1, 14),
        "60_plus": (1, 14),
        "age_unknown": (1, 14),
    }


def test_an_average_rounds_half_up_in_sql(school):
    # 30 and 31 on 1 September 2025, and three of 40: 181 / 5 = 36.2; with a 33: 214 / 6 = 35.67.
    for day in (D(1995, 8, 31), D(1994, 8, 31), D(1985, 1, 1), D(1985, 1, 2), D(1985, 1, 3)):
        StaffMemberFactory(school=school, birth_date=day)
    assert annual_report(school=school, year=YEAR).ages.average == Decimal("36.2")
    StaffMemberFactory(school=school, birth_date=D(1992, 5, 5))
    assert annual_report(school=school, year=YEAR).ages.average == Decimal("35.7")


def test_ages_are_not_shown_until_half_of_the_staff_and_five_people_have_a_date(school):
    for index in range(4):
        StaffMemberFactory(school=school, birth_date=D(1980, 1, 1 + index))
    StaffMemberFactory(school=school)
    report = annual_report(school=school, year=YEAR)
    assert report.ages.known == 4 and not report.ages.shown  # four of five: fewer than five people
    [ages] = [table for table in report.tables if table.key == "ages"]
    assert ages.lines == ()
    with translation.override("ru"):
        assert "указана у 4 из 5" in str(ages.notes[0])
    StaffMemberFactory(school=school, birth_date=D(1980, 2, 2))
    assert annual_report(school=school, year=YEAR).ages.shown  # five of six
    for _ in range(5):
        StaffMemberFactory(school=school)
    assert not annual_report(school=school, year=YEAR).ages.shown  # five of eleven: under half


def readiness_round(school, *, closes_on, respondents=20, minimum=10, above=15, analysed=True, name="Опрос"):
    """A closed round with its stored analysis (what the report reads)."""
    survey_round = SurveyRoundFactory(
        school=school,
        name=name,
        opens_on=closes_on - datetime.timedelta(days=14),
        closes_on=closes_on,
        min_respondents=minimum,
        people=[],
    )
    closed_at = timezone.make_aware(datetime.datetime.combine(closes_on, datetime.time(23)))
    survey_round.closed_at = closed_at
    survey_round.save(update_fields=["closed_at"])
    if analysed:
        SurveyAnalysis.objects.create(
            round=survey_round,
            computed_at=closed_at,
            participants=max(respondents, minimum) + 2,
            respondents=respondents,
            above_midpoint=above,
        )
        survey_round.analysed_at = closed_at
        survey_round.save(update_fields=["analysed_at"])
    return survey_round


def readiness_note(report):
    with translation.override("ru"):
        return str(report.tables[0].notes[0])


def test_readiness_is_the_share_above_the_midpoint_in_the_latest_round_closed_that_year(school):
    readiness_round(school, closes_on=D(2025, 10, 15), respondents=20, above=5, name="Осенний")
    readiness_round(school, closes_on=D(2026, 4, 20), respondents=20, above=15, name="Весенний")
    readiness_round(school, closes_on=D(2026, 9, 20), respondents=20, above=2, name="Следующий год")
    SurveyRoundFactory(school=school, closes_on=D(2026, 5, 30), opens_on=D(2026, 5, 1))  # not closed
    report = annual_report(school=school, year=YEAR)
    assert figures(report)["criteria"]["readiness"] == (15, 75)
    assert "«Весенний»" in readiness_note(report) and "20.04.2026" in readiness_note(report)
    with translation.override("ru"):
        [line] = [line for line in report.tables[0].lines if line.key == "readiness"]
        assert "из 20 ответивших" in str(line.label)


def test_readiness_is_not_shown_when_the_latest_round_fell_short_of_its_minimum(school):
    readiness_round(school, closes_on=D(2025, 10, 15), respondents=20, above=15)
    readiness_round(school, closes_on=D(2026, 4, 20), respondents=9, minimum=10, above=4, name="Весенний")
    report = annual_report(school=school, year=YEAR)
    # An older round that met its minimum does not stand in for the latest.
    assert figures(report)["criteria"]["readiness"] == (None, None)
    assert "ответов 9" in readiness_note(report) and "(10)" in readiness_note(report)


@pytest.mark.parametrize(
    ("setup", "words"),
    [
        (lambda school: None, "не закрыт ни один опрос"),
        (lambda school: readiness_round(school, closes_on=D(2026, 4, 20), analysed=False), "обрабатывается"),
        (lambda school: readiness_round(school, closes_on=D(2026, 4, 20), above=None), "слишком похожи"),
    ],
    ids=["no round", "not analysed", "withheld"],
)
def test_readiness_says_why_it_is_not_shown(school, setup, words):
    setup(school)
    report = annual_report(school=school, year=YEAR)
    assert figures(report)["criteria"]["readiness"] == (None, None)
    assert words in readiness_note(report)


# --- The PDF and the XLSX agree ------------------------------------------------------------

NUMBER = re.compile(r"^-?\d+(\.\d+)?$")
# The PDF's footer, «1 / 2».
PAGE_NUMBER = re.compile(r"\b\d+ / \d+\b")


def pdf_text(content):
    """The PDF's text in reading order, whitespace collapsed and dashes left out (a missing
    figure is a dash in §6 and empty in §5, where the XLSX has an empty cell either way)."""
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)
    # A label wrapped after a hyphen («интернет-|ресурсах») is one word.
    text = re.sub(r"(\w-)\s*\n\s*", r"\1", text)
    return " ".join(text.replace("—", " ").split())


def xlsx_lines(content):
    """Every row of the XLSX as the PDF should write it: its label (or a heading or a
    note), then its figures, decimals with a comma, missing ones left out."""
    sheet = load_workbook(io.BytesIO(content)).active
    lines = []
    for row in sheet.iter_rows(values_only=True):
        cells = [value for value in row if value is not None]
        if not cells:
            continue
        written = []
        for value in cells:
            if isinstance(value, float):
                written.append(f"{value:.1f}".replace(".", ","))
            else:
                written.append(str(value))
        lines.append(" ".join(" ".join(written).replace("—", " ").split()))
    return lines


def the_numbers(line):
    return [token for token in line.split() if NUMBER.match(token.replace(",", "."))]


@pytest.fixture
def full_year(school):
    build_school_year(school)
    build_ages(school)
    readiness_round(school, closes_on=D(2026, 4, 20), respondents=20, above=15, name="Весенний")


def test_the_pdf_agrees_with_the_xlsx_figure_for_figure(school, full_year):
    report = annual_report(school=school, year=YEAR)
    pdf, xlsx = pdf_text(annual_report_pdf(report)), xlsx_lines(annual_report_xlsx(report))
    assert school.name in pdf
    missing = [line for line in xlsx if line not in pdf]
    assert missing == [], "rows of the XLSX not found in the PDF's text"
    # Figure for figure, in the same order: every number of the XLSX, and no other in the
    # PDF (its page numbers aside).
    assert the_numbers(" ".join(xlsx)) == the_numbers(PAGE_NUMBER.sub(" ", pdf))
    # The new figures are among them.
    for expected in ("Средний возраст, лет 45,3", "до 30 лет 1 9", "не указан 5 45", "из 20 ответивших 15 75"):
        assert expected in pdf


def test_the_ages_count_the_same_people_as_the_staff_on_1_september(school, full_year):
    report = annual_report(school=school, year=YEAR)
    on_the_day = next(year for year in report.categories if year.year == YEAR)
    assert report.ages.on == on_the_day.on and report.ages.staff == on_the_day.headcount == 11


def test_the_pdf_is_russian_with_cyrillic_text_whatever_the_language(school, full_year):
    with translation.override("en"):
        content = annual_report_pdf(annual_report(school=school, year=YEAR))
    assert content.startswith(b"%PDF")
    text = pdf_text(content)
    assert "Годовой отчёт: 2025/26 учебный год" in text
    assert "5. Измерение и оценка качества инновации" in text and "Возраст педагогов на 01.09.2025" in text
    assert "Yearly report" not in text


def test_an_empty_year_renders_too(school):
    content = annual_report_pdf(annual_report(school=school, year=2001))
    text = pdf_text(content)
    assert "Готовность к взаимодействию не показана" in text and "указана у 0 из 0" in text


# --- Prepared, downloaded and audited --------------------------------------------------------


def test_the_pdf_is_prepared_in_the_background_and_its_download_audited(school, administrator, full_year):
    client = client_for(administrator)
    page = client.get(f"{reverse('dashboards:annual_report')}?year={YEAR}").content.decode()
    assert 'data-testid="report-prepare-pdf"' in page
    assert client.post(reverse("dashboards:export_request"), {"year": YEAR, "kind": PDF_KIND}).status_code == 302
    export = ReportExport.objects.get(kind=PDF_KIND)
    assert report_export_build(export_id=export.pk) is True
    export.refresh_from_db()
    assert export.file_name == "annual-report-2025-26.pdf"
    before = AuditEvent.objects.filter(action=AuditEvent.Action.EXPORT_MADE).count()
    response = client.get(reverse("dashboards:export_download", args=[export.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'attachment; filename="annual-report-2025-26.pdf"'
    assert response.content == bytes(export.content)
    events = AuditEvent.objects.filter(action=AuditEvent.Action.EXPORT_MADE).order_by("-pk")
    assert events.count() == before + 1
    assert "annual-report-2025-26.pdf" in str(events.first().changes)


def test_a_colleague_cannot_download_someone_elses_pdf(school, administrator, deputy_head, full_year):
    export = ReportExport.objects.create(
        school=school, requested_by=administrator, kind=PDF_KIND, params={"year": YEAR}
    )
    report_export_build(export_id=export.pk)
    assert client_for(deputy_head).get(reverse("dashboards:export_download", args=[export.pk])).status_code == 403


def test_the_xlsx_holds_the_new_figures(school, full_year):
    sheet = load_workbook(io.BytesIO(annual_report_xlsx(annual_report(school=school, year=YEAR)))).active
    rows = {row[0]: row[1:3] for row in sheet.iter_rows(values_only=True) if row and row[0]}
    assert rows["Средний возраст, лет"] == (45.3, None)
    assert rows["60 лет и старше"] == (1, 9)  # of the eleven at work on 1 September
    readiness = [label for label in rows if str(label).startswith("Готовность к взаимодействию: ответивших")]
    assert [rows[label] for label in readiness] == [(15, 75)]


# --- A fixed number of queries -------------------------------------------------------------

# The four aggregates of §5–6 with the ages in one of them, and the survey round with its
# analysis.
REPORT_QUERIES = 5


def grow(school):
    build_school_year(school)
    build_ages(school)
    readiness_round(school, closes_on=D(2026, 3, 1), respondents=30, above=20)


def test_the_report_is_five_statements_at_two_sizes(school, full_year, django_assert_num_queries):
    with django_assert_num_queries(REPORT_QUERIES):
        annual_report(school=school, year=YEAR)
    grow(school)
    with django_assert_num_queries(REPORT_QUERIES):
        annual_report(school=school, year=YEAR)


# The user with their memberships (the session comes from the cache); the report's five
# statements; the audit row of the printed report.
PRINT_QUERIES = 7


def test_the_print_page_takes_the_same_queries_at_two_sizes(
    school, administrator, full_year, django_assert_num_queries
):
    client = client_for(administrator)
    url = f"{reverse('dashboards:annual_report_print')}?year={YEAR}"
    with django_assert_num_queries(PRINT_QUERIES):
        assert client.get(url).status_code == 200
    grow(school)
    with django_assert_num_queries(PRINT_QUERIES):
        html = client.get(url).content.decode()
    assert "Средний возраст, лет" in html and "Готовность к взаимодействию: ответивших" in html


# The export's row, locked; the report's five statements; the file saved; the requester's
# delivery preference and the notification; six savepoints (the build's transactions).
BUILD_QUERIES = 15


@pytest.mark.parametrize("kind", [ReportExport.Kind.ANNUAL_REPORT, PDF_KIND])
def test_building_a_file_takes_the_same_queries_at_two_sizes(
    school, administrator, full_year, kind, django_assert_num_queries
):
    for size in ("small", "grown"):
        if size == "grown":
            grow(school)
        export = ReportExport.objects.create(
            school=school, requested_by=administrator, kind=kind, params={"year": YEAR}
        )
        with django_assert_num_queries(BUILD_QUERIES):
            assert report_export_build(export_id=export.pk) is True
