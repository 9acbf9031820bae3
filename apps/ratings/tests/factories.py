import datetime
from decimal import Decimal

import factory
from django.utils import timezone

from apps.accounts.tests.factories import SchoolFactory
from apps.core.indicators import INDICATORS, Evidence, Indicator, register_indicator
from apps.ratings import services
from apps.ratings.models import CommissionMember, Criterion, ManualEntry, RatingPeriod, period_end
from apps.staff.tests.factories import StaffMemberFactory


def quarter_start(day):
    return datetime.date(day.year, (day.month - 1) // 3 * 3 + 1, 1)


class CriterionFactory(factory.django.DjangoModelFactory):
    """A manual criterion unless `indicator_key` is given."""

    class Meta:
        model = Criterion

    school = factory.SubFactory(SchoolFactory)
    indicator_key = ""
    title = factory.Sequence(lambda n: f"Критерий {n}: методическая работа")
    points_per_unit = Decimal("2")
    cap = None
    position = factory.Sequence(lambda n: n)


class PeriodFactory(factory.django.DjangoModelFactory):
    """This quarter, open, remarks until ten days after it."""

    class Meta:
        model = RatingPeriod

    school = factory.SubFactory(SchoolFactory)
    kind = RatingPeriod.Kind.QUARTER
    starts_on = factory.LazyFunction(lambda: quarter_start(timezone.localdate()))
    ends_on = factory.LazyAttribute(lambda o: period_end(o.kind, o.starts_on))
    remarks_until = factory.LazyAttribute(lambda o: o.ends_on + datetime.timedelta(days=10))


class CommissionMemberFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CommissionMember

    school = factory.SubFactory(SchoolFactory)
    staff = factory.LazyAttribute(lambda o: StaffMemberFactory(school=o.school))


class ManualEntryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ManualEntry

    period = factory.SubFactory(PeriodFactory)
    school = factory.LazyAttribute(lambda o: o.period.school)
    criterion = factory.LazyAttribute(lambda o: CriterionFactory(school=o.school))
    staff = factory.LazyAttribute(lambda o: StaffMemberFactory(school=o.school))
    units = Decimal("1")
    on = factory.LazyAttribute(lambda o: o.period.starts_on)
    note = "Провела открытое занятие для коллег"
    link = "https://example.org/evidence"


def computed_period(school, people, *, units=Decimal("1"), criterion=None, **period_fields):
    """An open period of `school` with one manual entry for each of `people`, computed."""
    period = PeriodFactory(school=school, **period_fields)
    criterion = criterion or CriterionFactory(school=school)
    for person in people:
        ManualEntryFactory(period=period, criterion=criterion, staff=person, units=units)
    services.period_compute(period=period)
    period.refresh_from_db()
    return period


def on_commission_day(period, hour=12):
    """A moment of the period's commission's date in the school's zone: approval opens then."""
    return datetime.datetime.combine(period.remarks_until, datetime.time(hour), tzinfo=period.school.tzinfo)


def approve(period, *, by):
    """The commission approves on its date (the service refuses earlier)."""
    return services.period_approve(period=period, by=by, now=on_commission_day(period))


class StubIndicator:
    """An indicator of the catalogue for a test: it finds the items of `evidence` dated
    within the period asked for, and records each call; registered on enter, removed on exit."""

    def __init__(self, key="test.seminars_led", evidence=(), reads=frozenset({"network_events.Event.organiser"})):
        self.key, self.evidence, self.reads = key, list(evidence), reads
        self.calls = []

    def compute(self, *, school_id, start, end):
        self.calls.append((school_id, start, end))
        return [item for item in self.evidence if start <= item.on <= end]

    def __enter__(self):
        register_indicator(
            Indicator(
                key=self.key, label="Проведённые семинары", unit="семинар", reads=self.reads, compute=self.compute
            )
        )
        return self

    def __exit__(self, *exc):
        INDICATORS._entries.pop(self.key, None)


def evidence(staff, on, units="1", label="Семинар «Смысловое чтение»", url="/events/1/"):
    return Evidence(staff_id=staff.pk, units=Decimal(units), label=label, on=on, url=url)
