"""Files prepared in the background: asked for on the report page, built once by a
worker, announced once to the requester, downloaded by the requester only, and
never holding lesson feedback."""

import io
import time
import zipfile

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from apps.accounts.models import Role
from apps.accounts.tests.factories import MembershipFactory, UserFactory
from apps.dashboards.models import ReportExport
from apps.dashboards.report_exports import report_export_build, report_export_request, report_exports_sweep
from apps.dashboards.tasks import report_export_build_task
from apps.dashboards.tests.test_report import YEAR, build_school_year
from apps.notifications.models import Notification
from apps.visits.tests.factories import FeedbackFactory
from conftest import client_for

ANNUAL, MATRIX = ReportExport.Kind.ANNUAL_REPORT, ReportExport.Kind.PARTICIPATION_MATRIX
SECRET = "Секретный-отзыв-7Q: урок провален"

prepare_url = reverse("dashboards:export_request")


def download_url(export):
    return reverse("dashboards:export_download", args=[export.pk])


def ready_notifications():
    return Notification.objects.filter(kind=Notification.Kind.EXPORT_READY)


def xml_parts(content):
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        return {name: archive.read(name).decode("utf-8") for name in archive.namelist()}


@pytest.mark.django_db
class TestRequest:
    def test_administrator_asks_and_the_build_is_enqueued_after_commit(
        self, school, administrator, django_capture_on_commit_callbacks
    ):
        client = client_for(administrator)  # signing in has its own commit work
        with django_capture_on_commit_callbacks(execute=False) as callbacks:
            response = client.post(prepare_url, {"year": YEAR, "kind": ANNUAL}, follow=True)
        assert response.redirect_chain[-1][0] == f"{reverse('dashboards:annual_report')}?year={YEAR}"
        assert "The file is being prepared" in response.content.decode() or "готовится" in response.content.decode()
        export = ReportExport.objects.get()
        assert (export.school, export.requested_by, export.kind) == (school, administrator, ANNUAL)
        assert export.params == {"year": YEAR} and export.status == ReportExport.Status.QUEUED
        assert len(callbacks) == 1  # enqueued once, on commit
        assert response.context["exports"] == [export]

    def test_deputy_head_may_ask_for_the_yearly_report(self, deputy_head, django_capture_on_commit_callbacks):
        with django_capture_on_commit_callbacks(execute=False):
            response = client_for(deputy_head).post(prepare_url, {"year": YEAR, "kind": ANNUAL})
        assert response.status_code == 302
        assert ReportExport.objects.filter(requested_by=deputy_head).count() == 1

    def test_deputy_head_gets_403_on_the_per_teacher_table(self, deputy_head):
        response = client_for(deputy_head).post(prepare_url, {"year": YEAR, "kind": MATRIX})
        assert response.status_code == 403
        assert not ReportExport.objects.exists()

    @pytest.mark.parametrize("persona", ["teacher", "curator"])
    def test_teacher_and_curator_get_403(self, request, persona):
        user = request.getfixturevalue(persona)
        assert client_for(user).post(prepare_url, {"year": YEAR, "kind": ANNUAL}).status_code == 403
        assert not ReportExport.objects.exists()

    @pytest.mark.parametrize(
        "data", [{"year": "abc", "kind": ANNUAL}, {"year": "1999", "kind": ANNUAL}, {"year": YEAR, "kind": "feedback"}]
    )
    def test_invalid_year_or_kind_is_400_not_500(self, administrator, data):
        assert client_for(administrator).post(prepare_url, data).status_code == 400
        assert not ReportExport.objects.exists()

    def test_get_is_not_allowed(self, administrator):
        assert client_for(administrator).get(prepare_url).status_code == 405


@pytest.mark.django_db
class TestBuild:
    def test_build_makes_the_file_ready_and_notifies_once(self, school, administrator):
        build_school_year(school)
        export = ReportExport.objects.create(
            school=school, requested_by=administrator, kind=ANNUAL, params={"year": YEAR}
        )
        assert report_export_build(export_id=export.pk) is True
        export.refresh_from_db()
        assert export.status == ReportExport.Status.READY and export.finished_at
        assert export.file_name == "annual-report-2025-26.xlsx"
        sheet = load_workbook(io.BytesIO(bytes(export.content))).active
        values = [v for row in sheet.iter_rows(values_only=True) for v in row if v is not None]
        assert "Годовой отчёт: 2025/26 учебный год" in values
        [notification] = ready_notifications()
        assert notification.user == administrator and notification.school == school
        assert notification.url == reverse("dashboards:export_download", args=[export.pk])

        finished, content = export.finished_at, bytes(export.content)
        assert report_export_build(export_id=export.pk) is False
        export.refresh_from_db()
        assert (export.finished_at, bytes(export.content)) == (finished, content)
        assert ready_notifications().count() == 1

    def test_a_build_that_cannot_run_fails_once_and_notifies_nobody(self, school, administrator):
        export = ReportExport.objects.create(
            school=school, requested_by=administrator, kind=ANNUAL, params={"year": "x"}
        )
        assert report_export_build(export_id=export.pk) is False
        export.refresh_from_db()
        assert export.status == ReportExport.Status.FAILED and export.content is None
        assert report_export_build(export_id=export.pk) is False
        assert not ready_notifications().exists()

    def test_request_service_checks_the_kind(self, school, administrator):
        from django.core.exceptions import ValidationError

        with pytest.raises(ValidationError):
            report_export_request(school=school, user=administrator, kind="feedback", params={"year": YEAR})

    def test_sweep_builds_exports_whose_task_was_lost(self, school, administrator):
        export = ReportExport.objects.create(
            school=school, requested_by=administrator, kind=ANNUAL, params={"year": YEAR}
        )
        ReportExport.objects.filter(pk=export.pk).update(created_at=export.created_at.replace(year=2020))
        fresh = ReportExport.objects.create(
            school=school, requested_by=administrator, kind=ANNUAL, params={"year": YEAR}
        )
        assert report_exports_sweep() == 1
        assert ReportExport.objects.get(pk=export.pk).status == ReportExport.Status.READY
        assert ReportExport.objects.get(pk=fresh.pk).status == ReportExport.Status.QUEUED

    def test_per_teacher_table_has_names_and_ticks(self, school, administrator):
        people = build_school_year(school)
        export = ReportExport.objects.create(
            school=school, requested_by=administrator, kind=MATRIX, params={"year": YEAR}
        )
        report_export_build(export_id=export.pk)
        export.refresh_from_db()
        sheet = load_workbook(io.BytesIO(bytes(export.content))).active
        rows = {row[0]: row for row in sheet.iter_rows(values_only=True) if row and row[0]}
        assert rows["ФИО"][:4] == ("ФИО", "Работает сейчас", "В парах и триадах", "Курировал(а) пары и триады")
        a = rows[people["a"].full_name]
        assert a[1] == "да" and a[5] == "✓" and a[6] == "✓" and a[11] == "✓"  # observed, was observed, covered
        d = rows[people["d"].full_name]
        assert d[11] is None  # a publication is an achievement, not a form of collaboration
        assert rows[people["c"].full_name][1] == "нет"
        assert people["e"].full_name not in rows  # left before the year
        assert rows["Итого"][11] == 3

    def test_no_export_holds_feedback_text(self, school, administrator):
        people = build_school_year(school)
        FeedbackFactory(visit=people["visit"], observer=people["a"], facts=SECRET, next_step=SECRET)
        for kind in (ANNUAL, MATRIX):
            export = ReportExport.objects.create(
                school=school, requested_by=administrator, kind=kind, params={"year": YEAR}
            )
            report_export_build(export_id=export.pk)
            export.refresh_from_db()
            parts = xml_parts(bytes(export.content))
            assert any("sheet" in name for name in parts)
            for name, text in parts.items():
                assert SECRET not in text, f"feedback text in {name} of {kind}"
                assert "Секретный" not in text


@pytest.mark.django_db
class TestDownload:
    @pytest.fixture
    def ready(self, school, administrator):
        export = ReportExport.objects.create(
            school=school, requested_by=administrator, kind=ANNUAL, params={"year": YEAR}
        )
        report_export_build(export_id=export.pk)
        export.refresh_from_db()
        return export

    def test_requester_downloads_the_xlsx(self, administrator, ready):
        response = client_for(administrator).get(download_url(ready))
        assert response.status_code == 200
        assert response["Content-Type"].startswith("application/vnd.openxmlformats")
        assert response["Content-Disposition"] == 'attachment; filename="annual-report-2025-26.xlsx"'
        assert response.content == bytes(ready.content)

    def test_another_administrator_of_the_school_gets_403(self, school, ready):
        colleague = MembershipFactory(school=school, roles=[Role.ADMINISTRATOR], user=UserFactory()).user
        assert client_for(colleague).get(download_url(ready)).status_code == 403

    def test_deputy_head_of_the_school_gets_403(self, deputy_head, ready):
        assert client_for(deputy_head).get(download_url(ready)).status_code == 403

    def test_outsider_gets_404(self, outsider, ready):
        assert client_for(outsider).get(download_url(ready)).status_code == 404

    def test_teacher_gets_403(self, teacher, ready):
        assert client_for(teacher).get(download_url(ready)).status_code == 403

    def test_not_ready_says_it_is_being_prepared(self, school, administrator):
        export = ReportExport.objects.create(
            school=school, requested_by=administrator, kind=ANNUAL, params={"year": YEAR}
        )
        response = client_for(administrator).get(download_url(export))
        assert response.status_code == 200
        assert 'data-testid="export-pending"' in response.content.decode()
        assert "Content-Disposition" not in response


def wait_for(condition, timeout=30):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.2)
    return False


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_worker_builds_the_export_and_notifies_exactly_once(celery_worker_process, school, administrator):
    build_school_year(school)
    client = client_for(administrator)
    assert client.post(prepare_url, {"year": YEAR, "kind": ANNUAL}).status_code == 302
    export = ReportExport.objects.get()

    def ready():
        export.refresh_from_db()
        return export.status == ReportExport.Status.READY

    assert wait_for(ready), "the worker did not build the export"
    assert wait_for(lambda: ready_notifications().count() == 1)
    finished = export.finished_at

    # Again, and twice at once: nothing changes.
    for _ in range(3):
        report_export_build_task.delay(export.pk)
    time.sleep(3)
    export.refresh_from_db()
    assert export.finished_at == finished
    assert ready_notifications().count() == 1
    response = client.get(download_url(export))
    assert response.status_code == 200 and response.content == bytes(export.content)
