"""The collective-work rating's sheets are seen by their teacher and the commission only,
proved page by page.

A teacher sees their own sheet (its evidence, their remark and its answer) and nobody
else's; a curator or a deputy head who is not on the commission sees no sheet (403 in
the school), a person of another school nothing (404); the commission (the
administrator, and a teacher the school named) sees every sheet, remark and the protocol.
The participation dashboard shows totals by criterion, never a person's figure. Every
GET page and export of the app is taken from the URL walk's routes, so a page added
later must be listed here. See docs/testing.md#the-confidentiality-matrix.
"""

import datetime
import io
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from pypdf import PdfReader

from apps.accounts.models import Role
from apps.accounts.tests.factories import MembershipFactory, UserFactory
from apps.core.tests.test_url_walk import SCHOOL_ROUTES
from apps.ratings import services
from apps.ratings.models import Sheet
from apps.ratings.tests.factories import (
    CommissionMemberFactory,
    CriterionFactory,
    ManualEntryFactory,
    PeriodFactory,
    StubIndicator,
    approve,
    evidence,
    quarter_start,
)
from apps.staff.tests.factories import StaffMemberFactory
from apps.visits.tests.test_confidentiality import archive_text
from conftest import client_for

pytestmark = pytest.mark.django_db

T, C, D, A = Role.TEACHER, Role.CURATOR, Role.DEPUTY_HEAD, Role.ADMINISTRATOR

SECRETS = {
    "teacher's evidence": "СЕМИНАР-ЯКОВЛЕВОЙ-71",
    "teacher's remark": "ЗАМЕЧАНИЕ-ЯКОВЛЕВОЙ-72",
    "commission's answer": "ОТВЕТ-КОМИССИИ-73",
    "colleague's evidence": "СЕМИНАР-КОЛЛЕГИ-74",
    "teacher's file": "ФАЙЛ-ЯКОВЛЕВОЙ-75",
}
COMMISSION = {"named member", "administrator"}
ALLOWED = {
    "teacher's evidence": {"teacher", *COMMISSION},
    "teacher's remark": {"teacher", *COMMISSION},
    "commission's answer": {"teacher", *COMMISSION},
    "colleague's evidence": {"colleague", *COMMISSION},
    "teacher's file": {"teacher", *COMMISSION},
}
PEOPLE = ["teacher", "colleague", "curator", "deputy head", "named member", "administrator", "outsider"]


def readable(response):
    content = b"".join(response.streaming_content) if response.streaming else response.content
    if content.startswith(b"%PDF-"):
        return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)
    if content[:2] == b"PK":
        return archive_text(content)
    return content.decode("utf-8", errors="replace")


@pytest.fixture
def scene(school, other_school):
    users, staff = {}, {}

    def person(key, where, roles, card=True):
        user = UserFactory(last_name=key.replace(" ", "-"))
        MembershipFactory(user=user, school=where, roles=roles)
        users[key] = user
        if card:
            staff[key] = StaffMemberFactory(school=where, user=user, last_name=user.last_name)

    person("teacher", school, [T])
    person("colleague", school, [T])
    person("curator", school, [T, C])
    person("deputy head", school, [T, D])
    person("named member", school, [T])
    person("administrator", school, [A], card=False)
    person("outsider", other_school, list(Role.values))
    CommissionMemberFactory(school=school, staff=staff["named member"])

    today = datetime.date.today()
    this_quarter = quarter_start(today)
    last_quarter = quarter_start(this_quarter - datetime.timedelta(days=1))
    found = [
        evidence(staff["teacher"], this_quarter, label=SECRETS["teacher's evidence"]),
        evidence(staff["colleague"], this_quarter, label=SECRETS["colleague's evidence"]),
        evidence(staff["teacher"], last_quarter, label=SECRETS["teacher's evidence"]),
        evidence(staff["colleague"], last_quarter, label=SECRETS["colleague's evidence"]),
    ]
    with StubIndicator(evidence=found) as indicator:
        CriterionFactory(school=school, indicator_key=indicator.key, title="Семинары", points_per_unit=2)
        manual = CriterionFactory(school=school, title="Открытые занятия")
        approved = PeriodFactory(
            school=school, starts_on=last_quarter, remarks_until=today + datetime.timedelta(days=5)
        )
        entry = ManualEntryFactory(
            period=approved,
            criterion=manual,
            staff=staff["teacher"],
            link="",
            units=Decimal("1"),
            file=SimpleUploadedFile("scan.txt", SECRETS["teacher's file"].encode()),
        )
        services.period_compute(period=approved)
        old_sheet = Sheet.objects.get(period=approved, staff=staff["teacher"])
        old_remark = services.remark_file(sheet=old_sheet, author=staff["teacher"], text=SECRETS["teacher's remark"])
        services.remark_answer(remark=old_remark, answer=SECRETS["commission's answer"], by=users["administrator"])
        approve(approved, by=users["administrator"])

        period = PeriodFactory(school=school, starts_on=this_quarter)
        services.period_compute(period=period)
    sheet = Sheet.objects.get(period=period, staff=staff["teacher"])
    remark = services.remark_file(sheet=sheet, author=staff["teacher"], text=SECRETS["teacher's remark"])
    colleague_sheet = Sheet.objects.get(period=period, staff=staff["colleague"])
    pages = {
        "ratings:my": [reverse("ratings:my")],
        "ratings:periods": [reverse("ratings:periods")],
        "ratings:criteria": [reverse("ratings:criteria")],
        "ratings:criterion_new": [reverse("ratings:criterion_new")],
        "ratings:criterion_edit": [reverse("ratings:criterion_edit", args=[manual.pk])],
        "ratings:commission": [reverse("ratings:commission")],
        "ratings:period_new": [reverse("ratings:period_new")],
        "ratings:period": [reverse("ratings:period", args=[p.pk]) for p in (period, approved)],
        "ratings:period_reopen": [reverse("ratings:period_reopen", args=[approved.pk])],
        "ratings:manual_new": [reverse("ratings:manual_new", args=[period.pk])],
        "ratings:manual_file": [reverse("ratings:manual_file", args=[entry.pk])],
        "ratings:protocol_xlsx": [reverse("ratings:protocol_xlsx", args=[approved.pk])],
        "ratings:protocol_pdf": [reverse("ratings:protocol_pdf", args=[approved.pk])],
        "ratings:sheet": [reverse("ratings:sheet", args=[s.pk]) for s in (sheet, colleague_sheet, old_sheet)],
        "ratings:remark_new": [reverse("ratings:remark_new", args=[sheet.pk])],
        "ratings:remark_answer": [reverse("ratings:remark_answer", args=[r.pk]) for r in (remark, old_remark)],
        # Elsewhere: the dashboard's totals, the notifications.
        "dashboards:participation": [reverse("dashboards:participation")],
        "notifications:list": [reverse("notifications:list")],
    }
    own = {
        reverse("ratings:sheet", args=[sheet.pk]): "teacher",
        reverse("ratings:sheet", args=[old_sheet.pk]): "teacher",
        reverse("ratings:remark_new", args=[sheet.pk]): "teacher",
        reverse("ratings:manual_file", args=[entry.pk]): "teacher",
        reverse("ratings:sheet", args=[colleague_sheet.pk]): "colleague",
    }
    return {"users": users, "pages": pages, "own": own}


def test_every_get_page_of_the_rating_is_in_this_matrix(scene):
    routes = {name for name, (method, _kind, _who) in SCHOOL_ROUTES.items() if name.startswith("ratings:")}
    gets = {name for name in routes if SCHOOL_ROUTES[name][0] == "get"}
    assert gets <= set(scene["pages"])


@pytest.mark.parametrize("who", PEOPLE)
def test_sheets_remarks_and_evidence_are_seen_by_the_teacher_and_the_commission_only(scene, who):
    client = client_for(scene["users"][who])
    seen = set()
    for name, urls in scene["pages"].items():
        for url in urls:
            response = client.get(url)
            if who == "outsider" and any(char.isdigit() for char in url):
                assert response.status_code == 404, (name, url, response.status_code)
            owner = scene["own"].get(url)
            if owner is not None and who not in (owner, *COMMISSION):
                assert response.status_code in (403, 404), (who, url, response.status_code)
            if response.status_code == 200:
                body = readable(response)
                seen |= {key for key, secret in SECRETS.items() if secret in body}
    allowed = {key for key, people in ALLOWED.items() if who in people}
    assert seen <= allowed, f"{who} saw {sorted(seen - allowed)}"
    if who in COMMISSION:
        assert seen == allowed
    if who == "teacher":
        assert seen == allowed


def test_a_curator_or_deputy_head_off_the_commission_gets_403_on_the_commissions_pages(scene):
    for who in ("curator", "deputy head", "teacher"):
        client = client_for(scene["users"][who])
        for name in ("ratings:periods", "ratings:period", "ratings:protocol_pdf", "ratings:remark_answer"):
            for url in scene["pages"][name]:
                assert client.get(url).status_code == 403, (who, url)
