"""The rating's rules: the points rule, computing sheets traced to evidence, the periods'
boundaries, remarks until the commission's date, approval that locks (in the services and
in the database), reopening that is audited, and each notification exactly once."""

import datetime
from decimal import Decimal

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, transaction
from django.db.utils import DatabaseError

from apps.accounts.models import Role
from apps.accounts.tests.factories import MembershipFactory
from apps.audit.models import AuditEvent
from apps.notifications.models import Notification
from apps.ratings import services
from apps.ratings.access import is_commission
from apps.ratings.models import EvidenceItem, RatingPeriod, Remark, Sheet, SheetLine
from apps.ratings.points import line_points, number, rounded
from apps.ratings.selectors import commission_names, commission_of_school, protocol
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

pytestmark = pytest.mark.django_db


def _card(school, user=None, **fields):
    if user is None:
        user = MembershipFactory(school=school, roles=[Role.TEACHER]).user
    return StaffMemberFactory(school=school, user=user, **fields)


# The one rule --------------------------------------------------------------------------------


def test_points_are_units_times_points_per_unit_capped_and_rounded_once_half_up():
    assert line_points(units=Decimal("3"), points_per_unit=Decimal("2.5")) == Decimal("7.50")
    assert line_points(units=Decimal("3"), points_per_unit=Decimal("2.5"), cap=Decimal("6")) == Decimal("6.00")
    assert line_points(units=Decimal("0.33"), points_per_unit=Decimal("1.5")) == Decimal("0.50")  # 0.495 → 0.50
    assert line_points(units=Decimal("0"), points_per_unit=Decimal("4"), cap=Decimal("1")) == Decimal("0.00")
    assert rounded(Decimal("1.005")) == Decimal("1.01")
    assert [number(v) for v in ("12.00", "2.50", "0.75", "0")] == ["12", "2,5", "0,75", "0"]


# Computing ------------------------------------------------------------------------------------


def test_a_sheet_per_teacher_with_a_line_per_criterion_each_point_traced_to_its_evidence(school):
    anna, boris = _card(school, last_name="Андреева"), _card(school, last_name="Борисов")
    _card(school, last_name="Уволенная", is_active=False, left_on=datetime.date(2013, 1, 1))
    period = PeriodFactory(school=school)
    # Left on the period's first day: that day was at work (apps.core.tenure), so a sheet.
    stayed_a_day = _card(school, last_name="Ушла", is_active=False, left_on=period.starts_on)
    _card(school, last_name="Ушедшая", is_active=False, left_on=period.starts_on - datetime.timedelta(days=1))
    day = period.starts_on + datetime.timedelta(days=3)
    found = [evidence(anna, day), evidence(anna, day, label="Мастер-класс"), evidence(boris, day)]
    found.append(evidence(anna, period.starts_on - datetime.timedelta(days=1)))  # before the period
    with StubIndicator(evidence=found) as indicator:
        seminars = CriterionFactory(school=school, indicator_key=indicator.key, points_per_unit=3, cap=5)
        manual = CriterionFactory(school=school, title="Наставничество вне пар", points_per_unit=Decimal("1.5"))
        ManualEntryFactory(period=period, criterion=manual, staff=boris, units=Decimal("2"), note="Вела кружок")
        CriterionFactory(school=school, title="Отключённый", is_active=False)

        assert services.period_compute(period=period) == 3
    assert indicator.calls == [(school.pk, period.starts_on, period.ends_on)]
    sheets = {s.staff_id: s for s in Sheet.objects.filter(period=period)}
    assert set(sheets) == {anna.pk, boris.pk, stayed_a_day.pk}
    lines = {
        (line.sheet.staff_id, line.criterion.criterion_id): line for line in SheetLine.objects.filter(period=period)
    }
    assert len(lines) == 6
    assert (lines[anna.pk, seminars.pk].units, lines[anna.pk, seminars.pk].points) == (Decimal("2"), Decimal("5"))
    assert lines[boris.pk, seminars.pk].points == Decimal("3")
    assert lines[boris.pk, manual.pk].points == Decimal("3")
    assert lines[anna.pk, manual.pk].points == 0
    assert sheets[anna.pk].total == Decimal("5") and sheets[boris.pk].total == Decimal("6")
    traced = EvidenceItem.objects.filter(line=lines[anna.pk, seminars.pk]).order_by("label")
    assert [(e.label, e.on, e.url) for e in traced] == [
        ("Мастер-класс", day, "/events/1/"),
        ("Семинар «Смысловое чтение»", day, "/events/1/"),
    ]
    assert EvidenceItem.objects.get(line=lines[boris.pk, manual.pk]).label == "Вела кружок"


def test_computing_again_gives_the_same_sheets_and_picks_up_new_records(school):
    anna = _card(school)
    period = PeriodFactory(school=school)
    day = period.starts_on
    found = [evidence(anna, day)]
    with StubIndicator(evidence=found) as indicator:
        CriterionFactory(school=school, indicator_key=indicator.key, points_per_unit=2)
        services.period_compute(period=period)
        first = list(Sheet.objects.filter(period=period).values_list("pk", "staff_id", "total"))
        services.period_compute(period=period)
        assert list(Sheet.objects.filter(period=period).values_list("pk", "staff_id", "total")) == first
        assert SheetLine.objects.filter(period=period).count() == 1
        assert EvidenceItem.objects.filter(period=period).count() == 1
        indicator.evidence.append(evidence(anna, day, label="Ещё один семинар"))
        services.period_compute(period=period)
    assert Sheet.objects.get(period=period).total == Decimal("4")
    assert EvidenceItem.objects.filter(period=period).count() == 2


def test_computing_needs_criteria(school):
    with pytest.raises(ValidationError) as error:
        services.period_compute(period=PeriodFactory(school=school))
    assert error.value.code == "no_criteria"


# Periods ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "kind,starts_on,ends_on",
    [
        ("month", datetime.date(2026, 2, 1), datetime.date(2026, 2, 28)),
        ("quarter", datetime.date(2026, 10, 1), datetime.date(2026, 12, 31)),
        ("half_year", datetime.date(2026, 7, 1), datetime.date(2026, 12, 31)),
    ],
)
def test_a_period_runs_over_whole_calendar_months(school, kind, starts_on, ends_on):
    period = services.period_create(school=school, kind=kind, starts_on=starts_on, remarks_until=ends_on)
    assert (period.starts_on, period.ends_on, period.status) == (starts_on, ends_on, "open")


@pytest.mark.parametrize(
    "kind,starts_on",
    [
        ("month", datetime.date(2026, 2, 2)),
        ("quarter", datetime.date(2026, 2, 1)),
        ("half_year", datetime.date(2026, 4, 1)),
    ],
)
def test_a_period_with_other_boundaries_is_refused(school, kind, starts_on):
    with pytest.raises(ValidationError) as error:
        services.period_create(school=school, kind=kind, starts_on=starts_on, remarks_until=starts_on)
    assert "starts_on" in error.value.message_dict
    with pytest.raises(IntegrityError), transaction.atomic():
        PeriodFactory(school=school, kind=kind, starts_on=starts_on, ends_on=starts_on + datetime.timedelta(days=40))


def test_the_commissions_date_is_within_the_period_or_soon_after(school):
    start = datetime.date(2026, 10, 1)
    for remarks_until in (datetime.date(2026, 9, 30), datetime.date(2027, 6, 1)):
        with pytest.raises(ValidationError) as error:
            services.period_create(school=school, kind="quarter", starts_on=start, remarks_until=remarks_until)
        assert "remarks_until" in error.value.message_dict
    services.period_create(school=school, kind="quarter", starts_on=start, remarks_until=datetime.date(2027, 1, 15))
    with pytest.raises(ValidationError) as error:
        services.period_create(school=school, kind="quarter", starts_on=start, remarks_until=datetime.date(2027, 1, 15))
    assert "starts_on" in error.value.message_dict  # the same period twice


# Remarks ----------------------------------------------------------------------------------------


def test_a_teacher_files_a_remark_on_their_own_sheet_until_the_commissions_date(school):
    anna, boris = _card(school), _card(school)
    period = computed_period(school, [anna, boris])
    sheet = Sheet.objects.get(period=period, staff=anna)
    with pytest.raises(ValidationError):
        services.remark_file(sheet=sheet, author=boris, text="Чужой лист")
    with pytest.raises(ValidationError) as error:
        services.remark_file(sheet=sheet, author=anna, text="   ")
    assert "text" in error.value.message_dict
    last_day = datetime.datetime.combine(period.remarks_until, datetime.time(23, 0), tzinfo=school.tzinfo)
    with time_machine.travel(last_day, tick=False):
        services.remark_file(sheet=sheet, author=anna, text="Не учтён семинар")
    late = last_day + datetime.timedelta(hours=2)
    with time_machine.travel(late, tick=False), pytest.raises(ValidationError) as error:
        services.remark_file(sheet=sheet, author=anna, text="Опоздала")
    assert error.value.code == "too_late"
    assert Remark.objects.filter(sheet=sheet).count() == 1


# Approval, the lock and reopening -------------------------------------------------------------------


def test_approval_needs_computed_sheets_and_every_remark_answered(school, administrator):
    anna = _card(school)
    period = PeriodFactory(school=school)
    CriterionFactory(school=school)
    with pytest.raises(ValidationError) as error:
        approve(period, by=administrator)
    assert error.value.code == "not_computed"
    services.period_compute(period=period)
    remark = services.remark_file(sheet=Sheet.objects.get(period=period, staff=anna), author=anna, text="Вопрос")
    with pytest.raises(ValidationError) as error:
        approve(period, by=administrator)
    assert error.value.code == "remarks_unanswered"
    services.remark_answer(remark=remark, answer="Учтено", by=administrator)
    approve(period, by=administrator)
    period.refresh_from_db()
    assert period.is_approved and period.approved_by == administrator
    assert AuditEvent.objects.filter(action="rating_period_approved", target_id=str(period.pk)).count() == 1


def test_the_commission_s_date_moves_later_or_earlier_but_never_into_the_past(school, administrator):
    period = computed_period(school, [_card(school)])
    told = period.remarks_until
    later_on = on_commission_day(period) - datetime.timedelta(days=5)  # five days before the date
    today = told - datetime.timedelta(days=5)
    with pytest.raises(ValidationError) as error:
        services.period_remarks_until_set(period=period, remarks_until=today - datetime.timedelta(days=1), now=later_on)
    assert "remarks_until" in error.value.message_dict
    period.refresh_from_db()
    assert period.remarks_until == told
    # Earlier, to today: allowed (remarks are still taken today), and so is later.
    services.period_remarks_until_set(period=period, remarks_until=today, now=later_on)
    services.period_remarks_until_set(period=period, remarks_until=told, now=later_on)
    period.refresh_from_db()
    assert period.remarks_until == told


def test_the_commission_approves_on_its_date_not_before_while_teachers_may_still_file_remarks(school, administrator):
    anna = _card(school)
    period = computed_period(school, [anna])
    day_before = on_commission_day(period, hour=23) - datetime.timedelta(days=1)
    with pytest.raises(ValidationError) as error:
        services.period_approve(period=period, by=administrator, now=day_before)
    assert error.value.code == "remarks_open"
    period.refresh_from_db()
    assert not period.is_approved
    # The school's zone decides the day: 00:30 on the date there is still the day before in UTC.
    early = datetime.datetime.combine(period.remarks_until, datetime.time(0, 30), tzinfo=school.tzinfo)
    services.period_approve(period=period, by=administrator, now=early)
    period.refresh_from_db()
    assert period.is_approved and period.approved_at == early


def test_an_approved_period_refuses_every_change_in_the_services(school, administrator):
    anna = _card(school)
    criterion = CriterionFactory(school=school)
    period = computed_period(school, [anna], criterion=criterion)
    sheet = Sheet.objects.get(period=period, staff=anna)
    remark = services.remark_file(sheet=sheet, author=anna, text="Вопрос")
    services.remark_answer(remark=remark, answer="Учтено", by=administrator)
    approve(period, by=administrator)
    entry = period.manual_entries.get()
    attempts = [
        lambda: services.period_compute(period=period),
        lambda: approve(period, by=administrator),
        lambda: services.remark_file(sheet=sheet, author=anna, text="Ещё"),
        lambda: services.remark_answer(remark=remark, answer="Иначе", by=administrator),
        lambda: services.manual_entry_add(
            period=period, criterion=criterion, staff=anna, units=1, on=period.starts_on, note="x", link="https://a.b"
        ),
        lambda: services.manual_entry_delete(entry=entry),
        lambda: services.period_remarks_until_set(period=period, remarks_until=period.ends_on),
    ]
    for attempt in attempts:
        with pytest.raises(ValidationError):
            attempt()


def test_the_database_refuses_new_numbers_in_an_approved_period_but_lets_the_name_sweep_through(school, administrator):
    anna = _card(school, last_name="Андреева")
    period = computed_period(school, [anna])
    approve(period, by=administrator)
    line = SheetLine.objects.get(period=period)
    for statement in (
        lambda: SheetLine.objects.filter(pk=line.pk).update(points=Decimal("99")),
        lambda: Sheet.objects.filter(period=period).update(total=Decimal("99")),
        lambda: EvidenceItem.objects.filter(period=period).delete(),
        lambda: RatingPeriod.objects.filter(pk=period.pk).delete(),
        lambda: RatingPeriod.objects.filter(pk=period.pk).update(ends_on=period.ends_on + datetime.timedelta(days=1)),
    ):
        with pytest.raises(DatabaseError, match="approved"), transaction.atomic():
            statement()
    # The erasure's name sweep rewrites texts only: that passes.
    Sheet.objects.filter(period=period).update(staff_name="[удалено 1]")
    EvidenceItem.objects.filter(period=period).update(label="[удалено 1]")
    assert Sheet.objects.get(period=period).staff_name == "[удалено 1]"


def test_approval_copies_what_the_protocol_prints_so_later_edits_never_change_it(school, administrator):
    anna = _card(school, last_name="Андреева", first_name="Анна", patronymic="Петровна")
    member = CommissionMemberFactory(school=school, staff=_card(school, last_name="Членова", first_name="Ольга"))
    criterion = CriterionFactory(school=school, title="Семинары", points_per_unit=2)
    period = computed_period(school, [anna], criterion=criterion)
    approve(period, by=administrator)
    before = protocol(period=RatingPeriod.objects.get(pk=period.pk))

    services.criterion_save(school=school, criterion=criterion, title="Семинары (новое)", points_per_unit=10)
    anna.last_name = "Замужняя"
    anna.save()
    member.staff.last_name = "Другая"
    member.staff.save()
    after = protocol(period=RatingPeriod.objects.get(pk=period.pk))
    assert [c.title for c in after.criteria] == ["Семинары"]
    assert [(r.name, r.points, r.total) for r in after.rows] == [(r.name, r.points, r.total) for r in before.rows]
    assert after.rows[0].name == "Андреева Анна Петровна"
    assert "Членова Ольга Ивановна" in after.commission
    assert after.period.school_name == school.name


def test_reopening_needs_a_reason_and_writes_the_audit_trail(school, administrator):
    period = computed_period(school, [_card(school)])
    approve(period, by=administrator)
    with pytest.raises(ValidationError) as error:
        services.period_reopen(period=period, reason="  ")
    assert "reason" in error.value.message_dict
    services.period_reopen(period=period, reason="Не учтены итоги сетевого семинара")
    period.refresh_from_db()
    assert period.status == "open" and period.approved_at is None
    event = AuditEvent.objects.get(action="rating_period_reopened", target_id=str(period.pk))
    assert event.changes["reason"] == "Не учтены итоги сетевого семинара"
    assert event.changes["status"] == ["approved", "open"]
    services.period_compute(period=period)  # open again: the sheets can be recomputed
    with pytest.raises(ValidationError) as error:
        services.period_reopen(period=period, reason="Снова")
    assert error.value.code == "not_approved"


# Notifications: each exactly once ---------------------------------------------------------------------


def test_each_notification_is_sent_exactly_once(school, administrator):
    anna, boris = _card(school), _card(school)
    member = CommissionMemberFactory(school=school, staff=_card(school))
    period = computed_period(school, [anna, boris])
    services.period_compute(period=period)

    def sent(kind, user=None):
        rows = Notification.objects.filter(kind=kind)
        return rows.filter(user=user).count() if user else rows.count()

    assert sent("rating_sheet_ready", anna.user) == 1 and sent("rating_sheet_ready", boris.user) == 1
    remark = services.remark_file(sheet=Sheet.objects.get(period=period, staff=anna), author=anna, text="Вопрос")
    assert sent("rating_remark_filed", administrator) == 1 and sent("rating_remark_filed", member.staff.user) == 1
    assert sent("rating_remark_filed", boris.user) == 0
    services.remark_answer(remark=remark, answer="Учтено", by=administrator)
    services.remark_answer(remark=remark, answer="Учтено, исправлено", by=administrator)
    assert sent("rating_remark_answered") == 1 and sent("rating_remark_answered", anna.user) == 1
    approve(period, by=administrator)

    def approve_again():
        services.period_approve(period=period, by=administrator, now=on_commission_day(period, hour=15))

    with pytest.raises(ValidationError):
        approve_again()
    # Each person with a sheet (anna, boris and the commission's member), once an approval:
    # reopened and approved again, the numbers may have changed, so each is told again.
    assert sent("rating_period_approved") == Sheet.objects.filter(period=period).count() == 3
    services.period_reopen(period=period, reason="Проверка")
    approve_again()
    assert sent("rating_period_approved") == 6 and sent("rating_period_approved", anna.user) == 2


# Criteria and the commission ----------------------------------------------------------------------------


def test_a_member_who_left_the_school_is_off_the_commission_everywhere(school, administrator):
    anna = _card(school)
    stays = CommissionMemberFactory(school=school, staff=_card(school, last_name="Остаётся"))
    leaves = CommissionMemberFactory(school=school, staff=_card(school, last_name="Уходит"))
    leaves.staff.is_active, leaves.staff.left_on = False, datetime.date(2026, 9, 1)
    leaves.staff.save()
    period = computed_period(school, [anna])
    services.remark_file(sheet=Sheet.objects.get(period=period, staff=anna), author=anna, text="Вопрос")
    told = set(Notification.objects.filter(kind="rating_remark_filed").values_list("user_id", flat=True))
    assert told == {administrator.pk, stays.staff.user_id}
    names = commission_names(school=school)
    assert any(name.startswith("Остаётся") for name in names) and not any(n.startswith("Уходит") for n in names)
    page = commission_of_school(school=school)
    assert ([m.pk for m in page["members"]], [m.pk for m in page["departed"]]) == ([stays.pk], [leaves.pk])

    class Request:
        def __init__(self, card):
            self.school, self.staff = school, card
            self.membership = card.user.memberships.get(school=school)

    assert is_commission(Request(stays.staff)) and not is_commission(Request(leaves.staff))


def test_a_criterion_of_another_school_is_never_changed(school, other_school):
    theirs = CriterionFactory(school=other_school, title="Их критерий")
    with pytest.raises(PermissionDenied):
        services.criterion_save(school=school, criterion=theirs, title="Наш", points_per_unit=1)
    theirs.refresh_from_db()
    assert theirs.title == "Их критерий"


def test_a_criterion_names_an_indicator_of_the_catalogue_or_none(school):
    with pytest.raises(ValidationError) as error:
        services.criterion_save(school=school, indicator_key="no.such", title="", points_per_unit=1)
    assert "indicator_key" in error.value.message_dict
    with StubIndicator() as indicator:
        criterion = services.criterion_save(school=school, indicator_key=indicator.key, title="", points_per_unit=1)
        assert criterion.title == "Проведённые семинары"
        with pytest.raises(ValidationError) as error:
            services.criterion_save(school=school, indicator_key=indicator.key, title="Другое", points_per_unit=1)
        assert "indicator_key" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        services.criterion_save(school=school, title="Ноль", points_per_unit=0)
    assert error.value.message_dict


def test_the_commission_names_people_of_the_school_only(school, other_school):
    with pytest.raises(ValidationError):
        services.commission_member_add(school=school, staff=StaffMemberFactory(school=other_school))
    person = StaffMemberFactory(school=school)
    services.commission_member_add(school=school, staff=person)
    with pytest.raises(ValidationError) as error:
        services.commission_member_add(school=school, staff=person)
    assert "staff" in error.value.message_dict


def test_a_manual_entry_needs_a_note_and_evidence_within_the_period(school):
    anna = _card(school)
    period = PeriodFactory(school=school)
    criterion = CriterionFactory(school=school)
    base = {"period": period, "criterion": criterion, "staff": anna, "units": 1, "on": period.starts_on}
    for changes, field in (
        ({"note": " ", "link": "https://a.b"}, "note"),
        ({"note": "Кружок"}, "link"),
        ({"note": "Кружок", "link": "https://a.b", "on": period.ends_on + datetime.timedelta(days=1)}, "on"),
    ):
        with pytest.raises(ValidationError) as error:
            services.manual_entry_add(**{**base, **changes})
        assert field in error.value.message_dict
    with StubIndicator() as indicator:
        catalogue = CriterionFactory(school=school, indicator_key=indicator.key)
        with pytest.raises(ValidationError) as error:
            services.manual_entry_add(**{**base, "criterion": catalogue, "note": "x", "link": "https://a.b"})
        assert "criterion" in error.value.message_dict


def test_the_manual_entry_service_holds_every_rule_of_its_form(school):
    """The form offers active manual criteria, the people at work during the period and
    checks the upload; the service refuses the rest whoever calls it."""
    anna = _card(school)
    period = PeriodFactory(school=school)
    base = {"period": period, "criterion": CriterionFactory(school=school), "staff": anna, "units": 1}
    base.update(on=period.starts_on, note="Открытое занятие", link="https://school.example.org/protocol-3")
    gone = _card(school, is_active=False, left_on=period.starts_on - datetime.timedelta(days=1))
    for changes, field in (
        ({"criterion": CriterionFactory(school=school, is_active=False)}, "criterion"),
        ({"staff": gone}, "staff"),
        ({"link": "", "file": SimpleUploadedFile("script.exe", b"MZ\x90\x00")}, "file"),
        ({"link": "", "file": SimpleUploadedFile("scan.pdf", b"not a pdf at all")}, "file"),
    ):
        with pytest.raises(ValidationError) as error:
            services.manual_entry_add(**{**base, **changes})
        assert field in error.value.message_dict, changes
    assert not period.manual_entries.exists()
    # Left during the period: the sheet is there, so is the entry.
    left = _card(school, is_active=False, left_on=period.starts_on + datetime.timedelta(days=5))
    services.manual_entry_add(**{**base, "staff": left})
    assert period.manual_entries.get().staff == left
