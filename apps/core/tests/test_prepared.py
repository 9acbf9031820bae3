"""Prepared queries: compiled once, run with each call's values, and refusing
the constants that a cached compile would freeze."""

import datetime

import pytest
from django.db import connection
from django.db.models import Count, Exists, OuterRef, Q, Value, Window
from django.db.models.functions import Concat, TruncDate
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from apps.accounts.tests.factories import SchoolFactory
from apps.core.paging import page_with_count, prepared_page
from apps.core.prepared import Param, ParamList, PreparedQueryError, prepared_query
from apps.staff.models import StaffMember
from apps.staff.tests.factories import StaffMemberFactory
from apps.visits.models import LessonVisit
from apps.visits.tests.factories import LessonVisitFactory

pytestmark = pytest.mark.django_db


@prepared_query
def visits_of_school():
    return (
        LessonVisit.objects.filter(school_id=Param("school_id"))
        .select_related("observed")
        .annotate(observer_count=Count("observer_links"))
        .order_by("pk")
    )


@prepared_query
def staff_by_ids():
    return StaffMember.objects.filter(pk__any=ParamList("ids")).order_by("pk").values("pk", "last_name")


def test_each_run_gets_its_own_values_and_the_querysets_objects():
    one, two = SchoolFactory(), SchoolFactory()
    first = LessonVisitFactory(school=one)
    second = LessonVisitFactory(school=two, observers=[StaffMemberFactory(school=two), StaffMemberFactory(school=two)])

    assert [v.pk for v in visits_of_school.rows(school_id=one.pk)] == [first.pk]
    found = visits_of_school.rows(school_id=two.pk)
    assert [v.pk for v in found] == [second.pk]
    # select_related objects and annotations arrive as the queryset gives them
    with CaptureQueriesContext(connection) as captured:
        assert found[0].observed.last_name == second.observed.last_name
        assert found[0].observer_count == 2
    assert len(captured) == 0


def test_a_second_run_does_not_compile_again(monkeypatch):
    school = SchoolFactory()
    LessonVisitFactory(school=school)
    visits_of_school.rows(school_id=school.pk)
    from django.db.models.sql import compiler

    def refuse(*args, **kwargs):
        raise AssertionError("compiled again")

    monkeypatch.setattr(compiler.SQLCompiler, "as_sql", refuse)
    monkeypatch.setattr(compiler.SQLCompiler, "setup_query", refuse)
    # nor asks each column's field for its converters again
    monkeypatch.setattr(compiler.SQLCompiler, "get_converters", refuse)
    assert len(visits_of_school.rows(school_id=school.pk)) == 1


def test_a_list_of_any_length_and_an_empty_one():
    school = SchoolFactory()
    people = StaffMemberFactory.create_batch(3, school=school)
    assert [r["pk"] for r in staff_by_ids.rows(ids=[people[0].pk, people[2].pk])] == [people[0].pk, people[2].pk]
    assert staff_by_ids.rows(ids=[]) == []
    assert len(staff_by_ids.rows(ids=[p.pk for p in people])) == 3


def test_prefetches_run_for_each_run():
    @prepared_query
    def with_observers():
        return LessonVisit.objects.filter(pk=Param("pk")).prefetch_related("observer_links")

    visit = LessonVisitFactory()
    with CaptureQueriesContext(connection) as captured:
        found = with_observers.rows(pk=visit.pk)
        assert len(found[0].observer_links.all()) == 1
    assert len(captured) == 2


def test_shapes_are_compiled_apart():
    @prepared_query
    def named(*, by_name=False):
        rows = StaffMember.objects.filter(school_id=Param("school_id")).order_by("pk")
        return rows.filter(last_name=Param("name")) if by_name else rows

    school = SchoolFactory()
    anna = StaffMemberFactory(school=school, last_name="Иванова")
    StaffMemberFactory(school=school, last_name="Петрова")
    assert len(named.rows(school_id=school.pk)) == 2
    assert [p.pk for p in named.rows(shape={"by_name": True}, school_id=school.pk, name="Иванова")] == [anna.pk]


def test_a_run_with_a_missing_or_unknown_value_is_refused():
    with pytest.raises(PreparedQueryError, match="school_id"):
        visits_of_school.rows()
    with pytest.raises(PreparedQueryError, match="other"):
        visits_of_school.rows(school_id=1, other=2)


@pytest.mark.parametrize(
    "frozen",
    [
        lambda: LessonVisit.objects.filter(starts_at__lt=timezone.now()),
        lambda: LessonVisit.objects.filter(starts_at__date=datetime.date(2026, 9, 1)),
        lambda: LessonVisit.objects.annotate(day=TruncDate("starts_at", tzinfo=datetime.UTC)),
        lambda: StaffMember.objects.annotate(label=Concat("last_name", Value(" (учитель)"))),
        lambda: StaffMember.objects.filter(Q(last_name="Иванова")),
    ],
    ids=["now", "a date", "a time zone", "a label", "a name"],
)
def test_constants_that_would_freeze_are_refused_at_the_first_run(frozen):
    query = prepared_query(frozen)
    with pytest.raises(PreparedQueryError, match="would be frozen"):
        query.rows()


def test_codes_and_numbers_may_stay_in_the_sql():
    @prepared_query
    def held():
        return LessonVisit.objects.filter(school_id=Param("school_id"), status=LessonVisit.Status.HELD)[:5]

    visit = LessonVisitFactory()
    assert [v.pk for v in held.rows(school_id=visit.school_id)] == [visit.pk]


@prepared_query
def counted_staff():
    return (
        StaffMember.objects.filter(school_id=Param("school_id"))
        .annotate(total_count=Window(Count("*")))
        .order_by("last_name", "pk")
    )


def test_a_page_of_a_prepared_query_and_its_total_from_one_query():
    school = SchoolFactory()
    people = sorted(StaffMemberFactory.create_batch(5, school=school), key=lambda p: (p.last_name, p.pk))
    with CaptureQueriesContext(connection) as captured:
        page = prepared_page(counted_staff, number="2", per_page=2, school_id=school.pk)
    assert len(captured) == 1
    assert [p.pk for p in page.object_list] == [p.pk for p in people[2:4]]
    assert (page.number, page.paginator.count, page.paginator.num_pages) == (2, 5, 3)
    # beyond the end, or nonsense: the last page, or the first, as Paginator.get_page does
    assert prepared_page(counted_staff, number=9, per_page=2, school_id=school.pk).number == 3
    assert prepared_page(counted_staff, number="0", per_page=2, school_id=school.pk).number == 3
    assert prepared_page(counted_staff, number=-4, per_page=2, school_id=school.pk).number == 3
    assert prepared_page(counted_staff, number=10**30, per_page=2, school_id=school.pk).number == 3
    assert [p.pk for p in prepared_page(counted_staff, number="x", per_page=2, school_id=school.pk)] == [
        p.pk for p in people[:2]
    ]
    assert prepared_page(counted_staff, number=1, per_page=2, school_id=SchoolFactory().pk).paginator.count == 0


def test_a_sliced_query_takes_no_limit():
    with pytest.raises(PreparedQueryError, match="no limit"):
        prepared_query(lambda: StaffMember.objects.filter(pk=Param("pk"))[:3]).rows(pk=1, limit=2)


@pytest.mark.parametrize(
    "frozen",
    [
        lambda school: StaffMember.objects.filter(school=school),
        lambda school: StaffMember.objects.filter(school_id=school.pk),
        lambda school: StaffMember.objects.filter(pk__in=[1, 2]),
        lambda school: LessonVisit.objects.filter(
            Exists(StaffMember.objects.filter(pk=OuterRef("observed"), school=school))
        ),
        lambda school: LessonVisit.objects.annotate(
            n=Count("observer_links", filter=Q(observer_links__staff__school=school))
        ),
    ],
    ids=["a school", "a school's id", "ids", "in a subquery", "in an annotation"],
)
def test_a_key_compared_with_a_constant_is_refused(frozen):
    """The tenancy hole a cached compile could open: the first run's school in every later run."""
    school = SchoolFactory()
    query = prepared_query(lambda: frozen(school))
    with pytest.raises(PreparedQueryError, match="key compared with a constant"):
        query.rows()


def test_a_list_of_keys_of_a_relation():
    @prepared_query
    def of_schools():
        return (
            StaffMember.objects.filter(school_id__any=ParamList("schools")).order_by("pk").values_list("pk", flat=True)
        )

    one, two, three = SchoolFactory(), SchoolFactory(), SchoolFactory()
    a, b = StaffMemberFactory(school=one), StaffMemberFactory(school=two)
    StaffMemberFactory(school=three)
    assert of_schools.rows(schools=[one.pk, two.pk]) == [a.pk, b.pk]
    assert of_schools.rows(schools=[]) == []


def test_each_run_converts_its_columns_as_the_queryset_does():
    # A JSON column comes back as text and is parsed by its field's converter,
    # which a run finds once and reuses, not per column each time.
    from apps.core.json_rows import JSONRow

    @prepared_query
    def with_a_json_column():
        return StaffMember.objects.filter(pk=Param("pk")).annotate(row=JSONRow(name="last_name")).values("row")

    first, second = StaffMemberFactory(last_name="Иванова"), StaffMemberFactory(last_name="Петрова")
    assert with_a_json_column.rows(pk=first.pk) == [{"row": {"name": "Иванова"}}]
    assert with_a_json_column.rows(pk=second.pk) == [{"row": {"name": "Петрова"}}]


def test_a_page_number_no_offset_holds_gives_the_last_page_of_a_plain_list_too():
    school = SchoolFactory()
    StaffMemberFactory.create_batch(3, school=school)
    rows = StaffMember.objects.filter(school=school).order_by("pk")
    page = page_with_count(rows, number="99999999999999999999", per_page=2)
    assert (page.number, len(page.object_list), page.paginator.count) == (2, 1, 3)
