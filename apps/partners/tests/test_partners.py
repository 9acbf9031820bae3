"""Social partners: directions, stages and their history, agreements and their
expiry, joint activities and their products, the registry's filters and query
counts, exports, and bad input in forms."""

import datetime
import io

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils.text import Truncator
from openpyxl import load_workbook

from apps.partners import selectors, services
from apps.partners.models import (
    Agreement,
    JointActivity,
    PartnerContact,
    PartnerDirection,
    PartnerOrganisation,
    Stage,
)
from apps.partners.tests.factories import (
    AgreementFactory,
    JointActivityFactory,
    PartnerContactFactory,
    PartnerDirectionFactory,
    PartnerOrganisationFactory,
)
from apps.staff.tests.factories import StaffMemberFactory
from conftest import client_for

TODAY = datetime.date(2026, 3, 2)
DAY = datetime.timedelta(days=1)


@pytest.fixture(autouse=True)
def _frozen():
    with time_machine.travel(datetime.datetime(2026, 3, 2, 9, 0, tzinfo=datetime.UTC), tick=False):
        yield


@pytest.fixture(autouse=True)
def _english_messages(settings):
    """These tests read the English source of messages (the Russian is in the .po)."""
    settings.LANGUAGE_CODE = "en"


def _pdf(name="scan.pdf"):
    return SimpleUploadedFile(name, b"%PDF-1.4 agreement", content_type="application/pdf")


# Directions


def test_default_directions_are_created_once(school):
    services.directions_ensure_defaults(school=school)
    services.directions_ensure_defaults(school=school)
    assert sorted(PartnerDirection.objects.for_school(school).values_list("name", flat=True)) == sorted(
        PartnerDirection.DEFAULTS
    )


def test_a_school_with_its_own_directions_gets_no_defaults(school):
    PartnerDirectionFactory(school=school, name="экологическое")
    services.directions_ensure_defaults(school=school)
    assert list(PartnerDirection.objects.for_school(school).values_list("name", flat=True)) == ["экологическое"]


def test_manager_adds_a_direction_on_the_overview(school, deputy_head):
    response = client_for(deputy_head).post(reverse("partners:directions"), {"name": "экологическое"})
    assert response.status_code == 302
    assert PartnerDirection.objects.for_school(school).filter(name="экологическое").exists()


# Partners and stages


def test_partner_is_created_with_its_first_stage_in_the_history(school, deputy_head):
    partner = services.partner_create(
        school=school,
        name="Детский сад №382",
        kind=PartnerOrganisation.Kind.KINDERGARTEN,
        stage=Stage.JOINT_ACTIVITY,
        stage_since=datetime.date(2024, 9, 1),
        created_by=deputy_head,
    )
    change = partner.stage_changes.get()
    assert (change.stage, change.changed_on, change.changed_by) == (
        Stage.JOINT_ACTIVITY,
        datetime.date(2024, 9, 1),
        deputy_head,
    )


def test_partner_of_another_schools_direction_is_refused(school, other_school):
    with pytest.raises(ValidationError) as caught:
        services.partner_create(
            school=school, name="Клуб", kind="other", direction=PartnerDirectionFactory(school=other_school)
        )
    assert "direction" in caught.value.message_dict
    assert not PartnerOrganisation.objects.exists()


def test_stage_moves_are_kept_in_order(school, deputy_head):
    partner = PartnerOrganisationFactory(school=school)
    services.partner_stage_change(partner=partner, stage=Stage.JOINT_ACTIVITY, changed_on=TODAY - 30 * DAY)
    services.partner_stage_change(partner=partner, stage=Stage.PARTNERSHIP, changed_by=deputy_head)
    partner.refresh_from_db()
    assert partner.stage == Stage.PARTNERSHIP
    assert [c.stage for c in partner.stage_changes.all()] == [
        Stage.PARTNERSHIP,
        Stage.JOINT_ACTIVITY,
        Stage.COMMON_GOALS,
    ]
    assert partner.stage_changes.first().changed_on == TODAY


@pytest.mark.parametrize("changed_on", [TODAY + DAY, datetime.date(2025, 8, 1)])
def test_stage_move_in_the_future_or_before_the_previous_is_refused(school, changed_on):
    partner = PartnerOrganisationFactory(school=school)  # its first stage is of 01.09.2025
    with pytest.raises(ValidationError):
        services.partner_stage_change(partner=partner, stage=Stage.JOINT_ACTIVITY, changed_on=changed_on)
    partner.refresh_from_db()
    assert partner.stage == Stage.COMMON_GOALS
    assert partner.stage_changes.count() == 1


def test_stage_is_changed_through_the_partner_page(school, deputy_head):
    partner = PartnerOrganisationFactory(school=school)
    response = client_for(deputy_head).post(
        reverse("partners:stage_change", args=[partner.pk]), {"stage": "partnership", "changed_on": "2026-02-20"}
    )
    assert response.status_code == 302
    partner.refresh_from_db()
    assert partner.stage == Stage.PARTNERSHIP


def test_partner_form_refuses_a_name_already_in_the_registry(school, deputy_head):
    PartnerOrganisationFactory(school=school, name="Кванториум")
    response = client_for(deputy_head).post(
        reverse("partners:partner_create"), {"name": "кванториум", "kind": "education", "stage": "common_goals"}
    )
    assert response.status_code == 200
    assert "already in the registry" in response.content.decode()
    assert PartnerOrganisation.objects.count() == 1


# Contacts


@pytest.mark.parametrize("phone", ["+7 (846) 123-45-67", "8 917 123 45 67", "89171234567", "+7-917-123-45-67", ""])
def test_russian_phone_formats_are_accepted(school, phone):
    contact = services.contact_create(partner=PartnerOrganisationFactory(school=school), name="Иванова", phone=phone)
    assert contact.pk


@pytest.mark.parametrize(
    "field,data",
    [
        ("phone", {"phone": "123-45"}),
        ("phone", {"phone": "+1 (846) 123-45-67"}),
        ("phone", {"phone": "8 917 123 45 6x"}),
        ("email", {"email": "ivanova@"}),
    ],
)
def test_malformed_contact_is_refused_and_nothing_saved(school, deputy_head, field, data):
    partner = PartnerOrganisationFactory(school=school)
    response = client_for(deputy_head).post(
        reverse("partners:contact_add", args=[partner.pk]), {"name": "Иванова Анна", "role": "методист", **data}
    )
    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert not PartnerContact.objects.exists()


def test_contact_people_are_shown_to_members_of_the_school(school, teacher):
    partner = PartnerOrganisationFactory(school=school)
    PartnerContactFactory(partner=partner, name="Смирнова Ирина", phone="+7 (846) 555-12-34")
    content = client_for(teacher).get(reverse("partners:partner_detail", args=[partner.pk])).content.decode()
    assert "Смирнова Ирина" in content and "555-12-34" in content


def test_teacher_of_other_school_gets_404_on_partner_page(school, outsider):
    partner = PartnerOrganisationFactory(school=school)
    assert client_for(outsider).get(reverse("partners:partner_detail", args=[partner.pk])).status_code == 404


# Agreements


def test_database_refuses_an_agreement_ending_before_it_is_signed(school):
    partner = PartnerOrganisationFactory(school=school)
    with pytest.raises(IntegrityError), transaction.atomic():
        Agreement.objects.create(
            partner=partner, number="1", signed_on=TODAY, valid_until=TODAY - DAY, subject="О сотрудничестве"
        )


def test_agreement_with_its_scan_is_recorded(school, deputy_head):
    partner = PartnerOrganisationFactory(school=school)
    response = client_for(deputy_head).post(
        reverse("partners:agreement_add", args=[partner.pk]),
        {
            "number": "12/СП",
            "signed_on": "2026-01-10",
            "valid_until": "2027-01-09",
            "subject": "Сотрудничество",
            "scan": _pdf(),
        },
    )
    assert response.status_code == 302
    agreement = Agreement.objects.get()
    assert agreement.scan.name.endswith(".pdf")
    download = client_for(deputy_head).get(reverse("partners:agreement_scan", args=[agreement.pk]))
    assert download.status_code == 200
    assert b"".join(download.streaming_content).startswith(b"%PDF")


@pytest.mark.parametrize(
    "case,field",
    [
        ("ends_before_signed", "valid_until"),
        ("ends_on_the_day_signed", "valid_until"),
        ("not_a_document", "scan"),
        ("renamed_program", "scan"),
    ],
)
def test_bad_agreement_is_refused_and_nothing_saved(school, deputy_head, case, field):
    partner = PartnerOrganisationFactory(school=school)
    data = {"number": "12/СП", "signed_on": "2026-01-10", "valid_until": "2027-01-09", "subject": "Сотрудничество"}
    if case == "ends_before_signed":
        data["valid_until"] = "2026-01-09"
    elif case == "ends_on_the_day_signed":
        data["valid_until"] = "2026-01-10"
    elif case == "not_a_document":
        data["scan"] = SimpleUploadedFile("setup.exe", b"MZ\x90\x00program")
    elif case == "renamed_program":
        data["scan"] = SimpleUploadedFile("scan.pdf", b"MZ\x90\x00program")
    response = client_for(deputy_head).post(reverse("partners:agreement_add", args=[partner.pk]), data)
    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert not Agreement.objects.exists()


def test_service_refuses_an_agreement_ending_before_it_is_signed(school):
    with pytest.raises(ValidationError) as caught:
        services.agreement_create(
            partner=PartnerOrganisationFactory(school=school),
            number="1",
            signed_on=TODAY,
            valid_until=TODAY - DAY,
            subject="О сотрудничестве",
        )
    assert "valid_until" in caught.value.message_dict


def test_agreements_expiring_within_60_days_and_not_renewed(school, other_school):
    soon = AgreementFactory(partner=PartnerOrganisationFactory(school=school), valid_until=TODAY + 60 * DAY)
    AgreementFactory(partner=PartnerOrganisationFactory(school=school), valid_until=TODAY + 61 * DAY)
    AgreementFactory(partner=PartnerOrganisationFactory(school=school), valid_until=TODAY - DAY)
    renewed = PartnerOrganisationFactory(school=school)
    AgreementFactory(partner=renewed, valid_until=TODAY + 10 * DAY)
    AgreementFactory(partner=renewed, valid_until=TODAY + 400 * DAY)
    AgreementFactory(partner=PartnerOrganisationFactory(school=school, is_active=False), valid_until=TODAY + 5 * DAY)
    theirs = AgreementFactory(partner=PartnerOrganisationFactory(school=other_school), valid_until=TODAY + DAY)
    assert list(selectors.agreements_expiring(on=TODAY)) == [theirs, soon]
    assert list(selectors.agreements_expiring(on=TODAY, school=school)) == [soon]
    assert list(selectors.agreements_expiring(on=TODAY, days=30, school=school)) == []


def test_expiring_list_page_shows_the_agreement(school, administrator):
    AgreementFactory(
        partner=PartnerOrganisationFactory(school=school, name="Поликлиника №28"), valid_until=TODAY + 20 * DAY
    )
    response = client_for(administrator).get(reverse("partners:agreements_expiring"))
    assert "Поликлиника №28" in response.content.decode()


# The registry


@pytest.fixture
def registry(school):
    """Partners with every agreement status, of two directions and kinds."""
    social, sport = (
        PartnerDirectionFactory(school=school, name="социальное"),
        PartnerDirectionFactory(school=school, name="спорт"),
    )
    rows = {
        "active": PartnerOrganisationFactory(school=school, name="Библиотека", direction=social),
        "expiring": PartnerOrganisationFactory(school=school, name="Поликлиника", direction=sport, kind="medical"),
        "expired": PartnerOrganisationFactory(school=school, name="Спортшкола", direction=sport, kind="sports"),
        "none": PartnerOrganisationFactory(
            school=school, name="Воинская часть", direction=social, kind="military", stage=Stage.PARTNERSHIP
        ),
    }
    AgreementFactory(partner=rows["active"], valid_until=TODAY + 300 * DAY)
    AgreementFactory(partner=rows["expiring"], valid_until=TODAY + 30 * DAY)
    AgreementFactory(partner=rows["expired"], valid_until=TODAY - DAY)
    return rows


@pytest.mark.parametrize("status", ["active", "expiring", "expired", "none"])
def test_registry_filters_by_agreement_status_computed_in_sql(school, registry, status):
    assert list(selectors.partner_list(school=school, on=TODAY, agreement=status)) == [registry[status]]


def test_registry_filters_by_direction_kind_stage_and_search(school, teacher, registry):
    client = client_for(teacher)
    sport = PartnerDirection.objects.get(name="спорт")

    def names(**query):
        response = client.get(reverse("partners:registry"), query)
        return [p.name for p in response.context["page"].object_list]

    assert names(direction=sport.pk) == ["Поликлиника", "Спортшкола"]
    assert names(kind="military") == ["Воинская часть"]
    assert names(stage="partnership") == ["Воинская часть"]
    assert names(agreement="expiring") == ["Поликлиника"]
    assert names(q="библ") == ["Библиотека"]


def test_former_partners_are_hidden_unless_asked_for(school, teacher):
    PartnerOrganisationFactory(school=school, name="Клуб «Пехотинец»", is_active=False)
    client = client_for(teacher)
    assert not client.get(reverse("partners:registry")).context["page"].object_list
    assert len(client.get(reverse("partners:registry"), {"active": "all"}).context["page"].object_list) == 1


def _queries(client, url):
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured)


def _grow(school, count):
    direction = PartnerDirectionFactory(school=school)
    for _i in range(count):
        partner = PartnerOrganisationFactory(school=school, direction=direction)
        PartnerContactFactory(partner=partner)
        AgreementFactory(partner=partner)
        JointActivityFactory(school=school, partners=[partner], teachers=[StaffMemberFactory(school=school)])


def test_registry_runs_the_same_number_of_queries_for_2_and_30_partners(school, teacher):
    client = client_for(teacher)
    _grow(school, 2)
    few = _queries(client, reverse("partners:registry"))
    _grow(school, 28)
    assert _queries(client, reverse("partners:registry")) == few


def test_partner_page_runs_the_same_number_of_queries_for_2_and_20_of_everything(school, teacher):
    partner = PartnerOrganisationFactory(school=school)
    client = client_for(teacher)

    def grow(count):
        for _i in range(count):
            PartnerContactFactory(partner=partner)
            AgreementFactory(partner=partner, scan=_pdf())
            services.partner_stage_change(
                partner=partner, stage=Stage.PARTNERSHIP if partner.stage != Stage.PARTNERSHIP else Stage.JOINT_ACTIVITY
            )
            JointActivityFactory(
                school=school,
                partners=[partner, PartnerOrganisationFactory(school=school)],
                teachers=[StaffMemberFactory(school=school), StaffMemberFactory(school=school)],
            )

    grow(2)
    few = _queries(client, reverse("partners:partner_detail", args=[partner.pk]))
    grow(18)
    assert _queries(client, reverse("partners:partner_detail", args=[partner.pk])) == few


# Joint activities


def test_activity_with_two_partners_shows_on_both_timelines(school, deputy_head):
    library, kvantorium = PartnerOrganisationFactory(school=school), PartnerOrganisationFactory(school=school)
    responsible = StaffMemberFactory(school=school)
    activity = services.activity_create(
        school=school,
        partners=[library, kvantorium],
        teachers=[responsible],
        title="Неделя технического творчества",
        starts_on=TODAY,
        ends_on=TODAY + 4 * DAY,
        kind=JointActivity.Kind.DESIGN,
        mechanism=JointActivity.Mechanism.CROSS_SUBJECT_PROJECT,
        product_text="Программа недели",
        responsible=responsible,
        status=JointActivity.Status.PLANNED,
    )
    assert activity.product_kind == JointActivity.PRODUCTS[JointActivity.Kind.DESIGN]
    for partner in (library, kvantorium):
        page = client_for(deputy_head).get(reverse("partners:partner_detail", args=[partner.pk]))
        assert "Неделя технического творчества" in page.content.decode()


@pytest.mark.parametrize(
    "case,field",
    [
        ("other_school_partner", "partners"),
        ("no_partner", "partners"),
        ("ends_before", "ends_on"),
        ("other_school_teacher", "responsible"),
    ],
)
def test_bad_activity_is_refused_and_nothing_saved(school, other_school, case, field):
    partners = [PartnerOrganisationFactory(school=school)]
    responsible = StaffMemberFactory(school=school)
    extra = {}
    if case == "other_school_partner":
        partners = [PartnerOrganisationFactory(school=other_school)]
    elif case == "no_partner":
        partners = []
    elif case == "ends_before":
        extra["ends_on"] = TODAY - DAY
    elif case == "other_school_teacher":
        responsible = StaffMemberFactory(school=other_school)
    with pytest.raises(ValidationError) as caught:
        services.activity_create(
            school=school,
            partners=partners,
            title="Акция",
            starts_on=TODAY,
            kind="support",
            responsible=responsible,
            **extra,
        )
    assert field in caught.value.message_dict
    assert not JointActivity.objects.exists()


def test_database_refuses_a_period_ending_before_it_starts(school):
    with pytest.raises(IntegrityError), transaction.atomic():
        JointActivity.objects.create(
            school=school,
            title="Акция",
            starts_on=TODAY,
            ends_on=TODAY - DAY,
            kind="support",
            responsible=StaffMemberFactory(school=school),
        )


def test_teacher_logs_an_activity_they_are_responsible_for(school, teacher):
    card = StaffMemberFactory(school=school, user=teacher)
    somebody = StaffMemberFactory(school=school)
    partner = PartnerOrganisationFactory(school=school)
    client = client_for(teacher)
    data = {
        "title": "Акция «Читаем вместе»",
        "partners": [partner.pk],
        "starts_on": "2026-02-20",
        "kind": "implementation",
        "mechanism": "campaign",
        "product_text": "Буккроссинг",
        "students_count": "30",
        "parents_count": "5",
        "status": "held",
    }
    refused = client.post(reverse("partners:activity_create", args=[partner.pk]), {**data, "responsible": somebody.pk})
    assert "responsible" in refused.context["form"].errors
    assert not JointActivity.objects.exists()
    response = client.post(reverse("partners:activity_create", args=[partner.pk]), {**data, "responsible": card.pk})
    assert response.status_code == 302
    activity = JointActivity.objects.get()
    assert activity.responsible == card
    mine = client.get(reverse("partners:my_activities")).context["page"].object_list
    assert list(mine) == [activity]


def test_teacher_without_a_staff_card_cannot_log_an_activity(school, teacher):
    partner = PartnerOrganisationFactory(school=school)
    assert client_for(teacher).get(reverse("partners:activity_create", args=[partner.pk])).status_code == 403


def test_teacher_cannot_edit_an_activity_of_somebody_else(school, teacher):
    StaffMemberFactory(school=school, user=teacher)
    activity = JointActivityFactory(school=school)
    assert client_for(teacher).get(reverse("partners:activity_edit", args=[activity.pk])).status_code == 403


def test_product_that_is_not_an_allowed_file_is_refused(school, deputy_head):
    partner = PartnerOrganisationFactory(school=school)
    response = client_for(deputy_head).post(
        reverse("partners:activity_create", args=[partner.pk]),
        {
            "title": "Акция",
            "partners": [partner.pk],
            "starts_on": "2026-02-20",
            "kind": "support",
            "responsible": StaffMemberFactory(school=school).pk,
            "students_count": "0",
            "parents_count": "0",
            "status": "held",
            "product_file": SimpleUploadedFile("virus.exe", b"MZ\x90\x00"),
        },
    )
    assert "product_file" in response.context["form"].errors
    assert not JointActivity.objects.exists()


# Directions overview


def test_directions_overview_counts_partners_and_the_years_activities(school):
    social, sport = (
        PartnerDirectionFactory(school=school, name="социальное"),
        PartnerDirectionFactory(school=school, name="спорт"),
    )
    library, kindergarten = (PartnerOrganisationFactory(school=school, direction=social) for _i in range(2))
    PartnerOrganisationFactory(school=school, direction=social, is_active=False)
    polyclinic = PartnerOrganisationFactory(school=school, direction=sport)
    loose = PartnerOrganisationFactory(school=school, direction=None)
    JointActivityFactory(school=school, partners=[library, kindergarten], starts_on=datetime.date(2025, 10, 1))
    JointActivityFactory(school=school, partners=[library, polyclinic], starts_on=datetime.date(2026, 2, 1))
    JointActivityFactory(school=school, partners=[library], starts_on=datetime.date(2025, 8, 31))  # last year
    JointActivityFactory(school=school, partners=[polyclinic], status=JointActivity.Status.CANCELLED, starts_on=TODAY)
    JointActivityFactory(school=school, partners=[loose], starts_on=TODAY)
    with CaptureQueriesContext(connection) as captured:
        rows = selectors.directions_overview(school=school, year=2025)
    assert len(captured) == 2
    assert [(r.name, r.partners, r.activities) for r in rows] == [("социальное", 2, 2), ("спорт", 1, 1), ("", 1, 1)]


# Exports


def _sheet(response):
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    return list(load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))


def test_registry_export_has_the_filtered_partners_and_keeps_formulas_as_text(school, deputy_head, registry):
    PartnerOrganisationFactory(school=school, name='=HYPERLINK("x")')
    rows = _sheet(client_for(deputy_head).get(reverse("partners:registry_export"), {"agreement": "expiring"}))
    assert rows[0][0] == "Name"
    assert [r[0] for r in rows[1:]] == ["Поликлиника"]
    assert rows[1][2] == "спорт"
    assert rows[1][5] == datetime.datetime(2026, 4, 1)
    everything = _sheet(client_for(deputy_head).get(reverse("partners:registry_export")))
    workbook = load_workbook(io.BytesIO(client_for(deputy_head).get(reverse("partners:registry_export")).content))
    assert any(r[0] == '=HYPERLINK("x")' for r in everything)
    assert all(cell.data_type == "s" for cell in workbook.active["A"][1:])


def test_activity_export_has_the_periods_activities_with_products(school, deputy_head):
    partner = PartnerOrganisationFactory(school=school, name="Кванториум")
    JointActivityFactory(
        school=school,
        partners=[partner],
        title="Хакатон",
        starts_on=datetime.date(2026, 1, 20),
        product_link="https://example.ru/hack",
    )
    JointActivityFactory(school=school, partners=[partner], title="Прошлогодний", starts_on=datetime.date(2025, 1, 20))
    rows = _sheet(
        client_for(deputy_head).get(reverse("partners:activity_export"), {"start": "2025-09-01", "end": "2026-08-31"})
    )
    assert [r[2] for r in rows[1:]] == ["Хакатон"]
    assert rows[1][3] == "Кванториум"
    assert rows[1][5] == str(JointActivity.PRODUCTS[JointActivity.Kind.IMPLEMENTATION])
    assert rows[1][8] == "https://example.ru/hack"


# What the pages read and link


def _captured(client, url):
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return [q["sql"] for q in captured], response.content.decode()


def test_activity_form_reads_the_staff_once_for_responsible_and_teachers(school, deputy_head):
    partner = PartnerOrganisationFactory(school=school)
    StaffMemberFactory.create_batch(3, school=school)
    queries, _page = _captured(client_for(deputy_head), reverse("partners:activity_create", args=[partner.pk]))
    offered = [sql for sql in queries if 'ORDER BY "staff_staffmember"."last_name" ASC' in sql]
    assert len(offered) == 1
    # Only the columns of the names they are offered by.
    assert '"staff_staffmember"."email"' not in offered[0]


def test_partner_page_does_not_read_the_partners_of_its_timeline(school, teacher):
    partner = PartnerOrganisationFactory(school=school)
    JointActivityFactory(school=school, partners=[partner, PartnerOrganisationFactory(school=school)])
    queries, page = _captured(client_for(teacher), reverse("partners:partner_detail", args=[partner.pk]))
    # the teachers' names come with the timeline (an array column), not in a prefetch of their own
    assert not any("_prefetch_related_val_jointactivity_id" in sql for sql in queries)
    assert "Библиотечный урок" in page


def test_activity_cards_link_to_partners_and_let_only_managers_and_the_responsible_edit(
    school, teacher, curator, deputy_head
):
    mine = StaffMemberFactory(school=school, user=teacher)
    StaffMemberFactory(school=school, user=curator)
    library = PartnerOrganisationFactory(school=school, name="Библиотека")
    activity = JointActivityFactory(school=school, partners=[library], responsible=mine, teachers=[mine])
    edit = f'href="{reverse("partners:activity_edit", args=[activity.pk])}"'
    _queries, page = _captured(client_for(teacher), reverse("partners:my_activities"))
    assert edit in page
    assert f'<a href="{reverse("partners:partner_detail", args=[library.pk])}">Библиотека</a>' in page
    assert mine.full_name in page
    url = reverse("partners:activity_list") + "?start=2025-09-01&end=2026-08-31"
    assert edit not in _captured(client_for(curator), url)[1]
    assert edit in _captured(client_for(deputy_head), url)[1]


def test_registry_rows_link_to_the_partner_with_its_badge_and_count(school, teacher):
    partner = PartnerOrganisationFactory(school=school, name="Кванториум")
    JointActivityFactory(school=school, partners=[partner])
    JointActivityFactory(school=school, partners=[partner])
    _queries, page = _captured(client_for(teacher), reverse("partners:registry"))
    assert f'href="{reverse("partners:partner_detail", args=[partner.pk])}"' in page
    assert '<span class="badge text-bg-light border">no agreement</span>' in page
    assert "2 joint activities" in page


def test_directions_page_makes_the_usual_directions_on_a_managers_first_visit_only(school, teacher, deputy_head):
    url = reverse("partners:directions")
    _captured(client_for(teacher), url)
    assert not PartnerDirection.objects.filter(school=school).exists()
    _queries, page = _captured(client_for(deputy_head), url)
    assert PartnerDirection.objects.filter(school=school).count() == len(PartnerDirection.DEFAULTS)
    assert all(name in page for name in PartnerDirection.DEFAULTS)
    queries, _page = _captured(client_for(deputy_head), url)
    assert not any(sql.startswith('SELECT 1 AS "a" FROM "partners_partnerdirection"') for sql in queries)


def test_expiring_agreements_and_directions_link_where_reverse_would(school, deputy_head):
    direction = PartnerDirectionFactory(school=school)
    partner = PartnerOrganisationFactory(school=school, direction=direction)
    AgreementFactory(partner=partner, valid_until=TODAY + 10 * DAY, subject="Совместные " * 20)
    _queries, page = _captured(client_for(deputy_head), reverse("partners:agreements_expiring"))
    assert f'href="{reverse("partners:partner_detail", args=[partner.pk])}"' in page
    assert f"valid until {(TODAY + 10 * DAY):%d.%m.%Y}" in page
    assert Truncator("Совместные " * 20).chars(80) in page
    _queries, page = _captured(client_for(deputy_head), reverse("partners:directions"))
    assert f'href="{reverse("partners:registry")}?direction={direction.pk}"' in page
    assert f'href="{reverse("partners:direction_rename", args=[direction.pk])}"' in page


def test_activity_cards_name_the_teachers_in_full_in_the_staff_lists_order(school, teacher):
    late = StaffMemberFactory(school=school, last_name="Яковлева", first_name="Анна", patronymic="Петровна")
    early = StaffMemberFactory(school=school, last_name="Белов", first_name="Иван", patronymic="")
    partner = PartnerOrganisationFactory(school=school)
    JointActivityFactory(school=school, partners=[partner], teachers=[late, early])
    rows = selectors.activity_cards(
        selectors.activity_list(school=school), user=teacher, can_manage=False, with_partners=True
    )
    assert [row.teacher_names for row in rows] == ["Белов Иван, Яковлева Анна Петровна"]
    timeline = selectors.partner_detail_queryset(school=school).get(pk=partner.pk).activities.all()
    assert [", ".join(a.teacher_full_names) for a in timeline] == ["Белов Иван, Яковлева Анна Петровна"]


def test_a_teacher_who_took_part_and_left_stays_ticked_on_the_activity_form(school, deputy_head):
    """The form's ticks come with the activity's own query: a teacher who has left
    since is still offered, and ticked, with the partner chosen then."""
    former = StaffMemberFactory(school=school, last_name="Уволенная", is_active=False, left_on=TODAY)
    partner = PartnerOrganisationFactory(school=school)
    activity = JointActivityFactory(school=school, partners=[partner], teachers=[former])
    form = client_for(deputy_head).get(reverse("partners:activity_edit", args=[activity.pk])).context["form"]
    assert former in form.fields["teachers"].queryset
    assert form["teachers"].value() == [former.pk]
    assert form["partners"].value() == [partner.pk]


def test_the_partner_page_reads_its_lists_with_the_partner(school, deputy_head):
    """Contacts, agreements and the stage history come as columns of the partner's
    own query; the page shows them as before."""
    partner = PartnerOrganisationFactory(school=school)
    PartnerContactFactory(partner=partner, name="Ирина Петрова")
    AgreementFactory(partner=partner, number="17/2", valid_until=TODAY + 400 * DAY)
    services.partner_stage_change(partner=partner, stage=Stage.PARTNERSHIP, changed_by=deputy_head)
    client = client_for(deputy_head)
    client.get(reverse("partners:partner_detail", args=[partner.pk]))
    with CaptureQueriesContext(connection) as captured:
        page = client.get(reverse("partners:partner_detail", args=[partner.pk])).content.decode()
    assert "Ирина Петрова" in page
    assert "№ 17/2" in page
    assert deputy_head.get_full_name() in page
    alone = ('SELECT "partners_partnercontact"', 'SELECT "partners_agreement"', 'SELECT "partners_stagechange"')
    read_alone = [query["sql"] for query in captured.captured_queries if query["sql"].startswith(alone)]
    assert read_alone == []
