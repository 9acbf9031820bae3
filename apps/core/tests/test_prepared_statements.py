"""Prepared queries as PostgreSQL server-side statements: prepared once per
connection, executed with each run's values, and plain SQL wherever that is
the safer or cheaper choice."""

import re

import pytest
from django.db import connection, transaction
from django.db.models import Count, IntegerField, Window
from django.db.models.lookups import IsNull
from django.test.utils import CaptureQueriesContext

from apps.accounts.tests.factories import SchoolFactory
from apps.core.paging import prepared_page
from apps.core.prepared import Param, execute_prepared, prepared_query
from apps.staff.models import StaffMember
from apps.staff.tests.factories import StaffMemberFactory
from apps.visits.models import LessonVisit
from apps.visits.tests.factories import LessonVisitFactory

pytestmark = pytest.mark.django_db


@prepared_query
def visits_of_school():
    return (
        LessonVisit.objects.filter(school_id=Param("school_id"))
        .select_related("observed", "school")
        .annotate(observer_count=Count("observer_links"))
        .order_by("pk")
    )


@prepared_query
def staff_of_school():
    return (
        StaffMember.objects.filter(school_id=Param("school_id"))
        .annotate(total_count=Window(Count("*")))
        .order_by("last_name", "pk")
    )


def _prepared_here():
    """The statements prepared on this connection: name -> its PREPARE text."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT name, statement FROM pg_prepared_statements")
        return dict(cursor.fetchall())


def _runs_of(name):
    """How many times this connection's statement `name` has been executed."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT generic_plans + custom_plans FROM pg_prepared_statements WHERE name = %s", [name])
        return cursor.fetchone()[0]


_LOGGED_EXECUTE = re.compile(r" /\* (EXECUTE cs_\d+.*) \*/$", re.DOTALL)


def _sent(captured):
    """What each query sent: a prepared run is logged as its plain SQL, then `/* EXECUTE … */`."""
    found = (_LOGGED_EXECUTE.search(q["sql"]) for q in captured.captured_queries)
    return [m.group(1) if m else q["sql"] for m, q in zip(found, captured.captured_queries, strict=True)]


def test_each_run_executes_the_statement_prepared_on_its_connection():
    school = SchoolFactory()
    visit = LessonVisitFactory(school=school, observers=[StaffMemberFactory(school=school)])
    with CaptureQueriesContext(connection) as captured:
        first = visits_of_school.rows(school_id=school.pk)
        second = visits_of_school.rows(school_id=school.pk)
    # The PREPARE is a protocol step, not one of the page's queries: both runs are one EXECUTE each.
    sent = _sent(captured)
    assert len(sent) == 2 and all(sql.startswith("EXECUTE cs_") for sql in sent)
    assert sent[0] == sent[1]
    name = sent[0].split()[1].split("(")[0]
    # The log reads as the plain SQL each EXECUTE stands for, with its values (what a test or
    # an EXPLAIN looks for), what was sent following as a comment.
    logged = captured.captured_queries[0]["sql"]
    assert logged.startswith('SELECT "visits_lessonvisit"."id"') and f'"school_id" = ({school.pk})' in logged
    assert logged.endswith(f"/* EXECUTE {name}({school.pk}) */")
    # the server ran the prepared statement: once more for a third run
    runs = _runs_of(name)
    visits_of_school.rows(school_id=school.pk)
    assert _runs_of(name) == runs + 1
    plain_sql, _ = visits_of_school.sql(school_id=school.pk)
    assert not plain_sql.startswith("EXECUTE")
    assert _prepared_here()[name].startswith(f"PREPARE {name} (bigint) AS SELECT")
    for found in (first, second):
        assert [v.pk for v in found] == [visit.pk]
        assert found[0].observed.last_name == visit.observed.last_name
        assert found[0].school.name == school.name
        assert found[0].observer_count == 1
        assert found[0].starts_at == LessonVisit.objects.get(pk=visit.pk).starts_at


def test_two_schools_through_one_statement_see_only_their_own_rows():
    one, two = SchoolFactory(), SchoolFactory()
    ones = StaffMemberFactory.create_batch(2, school=one)
    twos = StaffMemberFactory.create_batch(3, school=two)
    staff_of_school.rows(school_id=one.pk)  # prepared by now, whichever test ran first
    with CaptureQueriesContext(connection) as captured:
        for_one = staff_of_school.rows(school_id=one.pk)
        for_two = staff_of_school.rows(school_id=two.pk)
    run_one, run_two = _sent(captured)
    assert run_one.startswith("EXECUTE") and run_one.split("(")[0] == run_two.split("(")[0]
    assert sorted(p.pk for p in for_one) == sorted(p.pk for p in ones)
    assert sorted(p.pk for p in for_two) == sorted(p.pk for p in twos)
    assert {p.total_count for p in for_one} == {2} and {p.total_count for p in for_two} == {3}


def test_a_page_is_its_own_statement():
    school = SchoolFactory()
    people = sorted(StaffMemberFactory.create_batch(5, school=school), key=lambda p: (p.last_name, p.pk))
    staff_of_school.rows(school_id=school.pk)
    with CaptureQueriesContext(connection) as captured:
        page = prepared_page(staff_of_school, number=2, per_page=2, school_id=school.pk)
        whole = staff_of_school.rows(school_id=school.pk)
    paged, unpaged = _sent(captured)
    assert paged.startswith("EXECUTE") and unpaged.startswith("EXECUTE")
    assert paged.split("(")[0] != unpaged.split("(")[0]
    assert [p.pk for p in page.object_list] == [p.pk for p in people[2:4]]
    assert page.paginator.count == 5 and len(whole) == 5


@pytest.mark.django_db(transaction=True)
def test_a_new_connection_prepares_again():
    school = SchoolFactory()
    visit = LessonVisitFactory(school=school)
    visits_of_school.rows(school_id=school.pk)
    # A reconnect (CONN_MAX_AGE, a failed health check, an error) brings a session without the statement.
    connection.close()
    with CaptureQueriesContext(connection) as captured:
        found = visits_of_school.rows(school_id=school.pk)
    assert [v.pk for v in found] == [visit.pk]
    name = _sent(captured)[0].split()[1].split("(")[0]
    assert _sent(captured)[0].startswith("EXECUTE") and name in _prepared_here()


@pytest.mark.django_db(transaction=True)
def test_a_statement_the_session_lost_is_prepared_again():
    school = SchoolFactory()
    visit = LessonVisitFactory(school=school)
    visits_of_school.rows(school_id=school.pk)
    # Something reset the session behind the connection's back (a pooler's DISCARD ALL).
    with connection.connection.cursor() as raw:
        raw.execute("DEALLOCATE ALL")
    with CaptureQueriesContext(connection) as captured:
        # Outside a transaction the failed EXECUTE costs the run nothing: it reruns plain...
        assert [v.pk for v in visits_of_school.rows(school_id=school.pk)] == [visit.pk]
        # ...and the next run prepares the statement again.
        assert [v.pk for v in visits_of_school.rows(school_id=school.pk)] == [visit.pk]
    failed, plain, again = _sent(captured)
    assert failed.startswith("EXECUTE") and not plain.startswith("EXECUTE") and again.startswith("EXECUTE")
    with CaptureQueriesContext(connection) as captured, connection.cursor() as cursor:
        execute_prepared(cursor, "SELECT %s::int", [1])
        connection.connection.cursor().execute("DEALLOCATE ALL")
        execute_prepared(cursor, "SELECT %s::int", [2])
        assert cursor.fetchone() == (2,)


@pytest.mark.parametrize("how", ["connections closed after each request", "setting off"])
def test_plain_sql_where_statements_would_not_pay(how, monkeypatch, settings):
    if how == "setting off":
        settings.PREPARED_STATEMENTS = False
    else:
        monkeypatch.setitem(connection.settings_dict, "CONN_MAX_AGE", 0)
    school = SchoolFactory()
    visit = LessonVisitFactory(school=school)
    with CaptureQueriesContext(connection) as captured:
        assert [v.pk for v in visits_of_school.rows(school_id=school.pk)] == [visit.pk]
        with connection.cursor() as cursor:
            execute_prepared(cursor, "SELECT %s::int + 1", [41])
            assert cursor.fetchone() == (42,)
    assert not any(sql.startswith("EXECUTE") for sql in _sent(captured))


def test_a_parameter_of_no_inferable_type_runs_plain_inside_a_transaction():
    @prepared_query
    def unless_marked():
        # `$2 IS NULL` with a NULL: PostgreSQL cannot infer that parameter's type, so cannot prepare it.
        return StaffMember.objects.filter(
            IsNull(Param("mark", output_field=IntegerField()), True), school_id=Param("school_id")
        )

    school = SchoolFactory()
    person = StaffMemberFactory(school=school)
    with transaction.atomic():
        with CaptureQueriesContext(connection) as captured:
            first = unless_marked.rows(school_id=school.pk, mark=None)
            second = unless_marked.rows(school_id=school.pk, mark=None)
            # the transaction goes on: the failed PREPARE was undone in its savepoint
            assert StaffMember.objects.filter(pk=person.pk).exists()
            assert unless_marked.rows(school_id=school.pk, mark=5) == []
        sent = _sent(captured)
        assert not sent[0].startswith("EXECUTE") and not sent[1].startswith("EXECUTE")
        assert sent[3].startswith("EXECUTE")
    assert [p.pk for p in first] == [person.pk] and [p.pk for p in second] == [person.pk]


def test_a_value_keeps_the_type_the_plain_sql_gives_it():
    @prepared_query
    def marked():
        # A bare parameter in the select list would be text if PostgreSQL inferred it.
        return StaffMember.objects.filter(school_id=Param("school_id")).annotate(
            mark=Param("mark", output_field=IntegerField())
        )

    person = StaffMemberFactory()
    for mark in (7, 8):
        with CaptureQueriesContext(connection) as captured:
            found = marked.rows(school_id=person.school_id, mark=mark)
        assert _sent(captured)[0].startswith("EXECUTE")
        assert [(p.pk, p.mark) for p in found] == [(person.pk, mark)]


def test_a_literal_percent_survives_the_statement():
    @prepared_query
    def named_like():
        # Django escapes a `contains` pattern in SQL with literal % (written %% for the driver).
        return StaffMember.objects.filter(school_id=Param("school_id"), last_name__contains=Param("part")).order_by(
            "pk"
        )

    school = SchoolFactory()
    percent = StaffMemberFactory(school=school, last_name="Сто%ва")
    plain = StaffMemberFactory(school=school, last_name="Стова")
    for _ in range(2):
        with CaptureQueriesContext(connection) as captured:
            assert [p.pk for p in named_like.rows(school_id=school.pk, part="%")] == [percent.pk]
            assert [p.pk for p in named_like.rows(school_id=school.pk, part="ва")] == [percent.pk, plain.pk]
        assert _sent(captured)[0].startswith("EXECUTE")


def test_a_hand_written_query_is_prepared_once_per_text():
    sql = "SELECT %s::text LIKE 'a%%', %s::int * 2"
    with CaptureQueriesContext(connection) as captured, connection.cursor() as cursor:
        execute_prepared(cursor, sql, ["abc", 2])
        assert cursor.fetchone() == (True, 4)
        execute_prepared(cursor, sql, ("xyz", 5))
        assert cursor.fetchone() == (False, 10)
        execute_prepared(cursor, "SELECT %s::int", [3])
        assert cursor.fetchone() == (3,)
    same, again, other = _sent(captured)
    assert same.startswith("EXECUTE cs_") and same.split("(")[0] == again.split("(")[0]
    assert other.startswith("EXECUTE cs_") and other.split("(")[0] != same.split("(")[0]


def test_a_code_stays_written_in_the_statement():
    @prepared_query
    def held_of_school():
        # A generic plan knows `status = 'held'` as the custom plan does (a partial index's predicate).
        return LessonVisit.objects.filter(school_id=Param("school_id"), status=LessonVisit.Status.HELD).order_by("pk")

    visit = LessonVisitFactory(status=LessonVisit.Status.HELD)
    LessonVisitFactory(school=visit.school, status=LessonVisit.Status.PLANNED)
    with CaptureQueriesContext(connection) as captured:
        assert [v.pk for v in held_of_school.rows(school_id=visit.school_id)] == [visit.pk]
    name = _sent(captured)[0].split("(")[0].split()[1]
    assert _sent(captured)[0] == f"EXECUTE {name}({visit.school_id})"
    statement = _prepared_here()[name]
    assert "\"status\" = 'held'" in statement and "$2" not in statement
