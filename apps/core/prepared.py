"""Querysets compiled once per process, run with new values.

Django builds and compiles a queryset in Python on every request: for the
annotated, joined lists of a board or a register that is 1,000–3,000 function
calls each, more than the page's rendering. A *prepared query* is a queryset
whose varying values are named markers (`Param("school_id")`) instead of
values. It is built and compiled the first time it runs in a process; later
runs reuse the compiled SQL and the compiler's column map, and only put the
values in place. What comes back is the same list of model instances (or
dicts, or values) the queryset would give, with its `select_related` objects,
annotations and `prefetch_related` lookups.

    @prepared_query
    def open_visits():
        return LessonVisit.objects.filter(school_id=Param("school_id"), observed_id=Param("staff_id"))

    visits = open_visits.rows(school_id=school.pk, staff_id=member.pk)

The rules that keep a cached compile right:
- every value that can differ between two runs is a `Param` (or `ParamList`
  with the `any` lookup for lists: `filter(pk__any=ParamList("ids"))`); values
  are passed as plain Python values (ints, strings, dates, aware datetimes,
  lists) that the database driver adapts;
- a constant left in the SQL may only be a number, a boolean, `None` or a code
  such as `"planned"` (lower-case ASCII): a date, a time zone's name, a
  translated label or a `timezone.now()` would be frozen at the first run, so
  the first compile refuses them (`PreparedQueryError`) and says which; and a
  key (a primary or foreign key: a school, a person) is never compared with a
  constant, since the first run's school would answer every later run;
- a shape that changes the SQL (an optional filter, a page's offset) is a
  keyword of the builder (`rows(shape={"subject": True}, ...)`), so each shape
  is compiled once; shapes are kept in a bounded cache.
The cache holds SQL and the compiler's structure, never rows: nothing a person
sees can come from another request.

Where database connections persist between requests (`CONN_MAX_AGE` other than
0 and the `PREPARED_STATEMENTS` setting on), a run also skips PostgreSQL's
planning: the first run of a compiled shape on a connection sends
`PREPARE cs_N (types) AS <its SQL>`, with the run's values as `$1..$n` (each
declared with the type its plain literal would have) and the compiled codes and
numbers written in, and every run sends `EXECUTE cs_N(%s, ...)` with the values.
After five runs PostgreSQL keeps a generic plan when it costs no more than the
custom ones. Which statements a connection holds is tracked per raw database
connection (a reconnect starts empty); a shape PostgreSQL cannot prepare (a
parameter whose type it cannot infer) runs as plain SQL from then on. Where
queries are logged (DEBUG, tests) an EXECUTE is logged as the plain SQL it
stands for, followed by `/* EXECUTE cs_N(...) */`. `execute_prepared(cursor,
sql, params)` gives a hand-written query the same. It needs session-level
connections: not a pooler that hands each transaction another server connection.
"""

import copy
import functools
import itertools
import logging
import operator
import re
import threading
from collections import OrderedDict
from datetime import date, datetime, time, timedelta
from decimal import Decimal

import psycopg2
from django.conf import settings
from django.db import DatabaseError, connections
from django.db.models import Expression, Field, ForeignObject, Lookup
from django.db.models.sql import Query
from psycopg2.extensions import adapt

__all__ = ["Param", "ParamList", "PreparedQueryError", "execute_named", "execute_prepared", "prepared_query"]

logger = logging.getLogger(__name__)

MAX_SHAPES = 512
_SAFE_TEXT = re.compile(r"^[a-z0-9_]*$")


class PreparedQueryError(Exception):
    """A prepared query that would freeze a varying value, or is run without one."""


class _Slot:
    """A named hole in a compiled query's parameters."""

    __slots__ = ("name",)

    def __init__(self, name):
        self.name = name

    def __repr__(self):
        return f"<{self.name}>"


class Param(Expression):
    """A value given when the prepared query runs, not when it is built."""

    def __init__(self, name, output_field=None):
        super().__init__(output_field=output_field)
        self.name = name

    def __repr__(self):
        return f"Param({self.name!r})"

    def as_sql(self, compiler, connection):
        return "%s", [_Slot(self.name)]

    def resolve_expression(self, query=None, allow_joins=True, reuse=None, summarize=False, for_save=False):
        return self

    def get_group_by_cols(self):
        return []

    @property
    def identity(self):
        return (type(self), self.name)

    def __eq__(self, other):
        return isinstance(other, Param) and type(other) is type(self) and other.name == self.name

    def __hash__(self):
        return hash((type(self), self.name))


class ParamList(Param):
    """A list of values given at run time, for the `any` lookup (`= ANY(%s)`):
    one SQL text whatever the list's length, and an empty list matches nothing."""


@Field.register_lookup
class AnyOf(Lookup):
    """`field = ANY(array)`: the list form of a prepared query's filter."""

    lookup_name = "any"
    prepare_rhs = False

    def as_sql(self, compiler, connection):
        lhs, lhs_params = self.process_lhs(compiler, connection)
        rhs, rhs_params = self.process_rhs(compiler, connection)
        return f"{lhs} = ANY({rhs})", (*lhs_params, *rhs_params)


# Relations keep their own lookups (not inherited from Field): `school_id__any` too.
ForeignObject.register_lookup(AnyOf)


def _frozen_constant(value):
    """Whether a constant in compiled SQL is safe to keep for every later run."""
    if value is None or isinstance(value, bool | int | float):
        return True
    if isinstance(value, str):
        return bool(_SAFE_TEXT.match(value))
    if isinstance(value, list | tuple):
        return all(_frozen_constant(item) for item in value)
    return False


class _Compiled:
    __slots__ = ("compiler", "converters", "limited", "params", "queryset", "slots", "sql", "statement")

    def __init__(self, queryset, compiler, sql, params):
        self.queryset = queryset
        self.compiler = compiler
        self.sql = sql
        self.params = tuple(params)
        self.slots = {p.name for p in params if isinstance(p, _Slot)}
        # The columns' converters (dates, JSON, decimals...): found once per database,
        # not for every column at every run.
        self.converters = {}
        # The server-side statements of this shape, and of its LIMIT/OFFSET form (made at its first run).
        self.statement = _Statements(sql, self.params)
        self.limited = None


def _frozen_keys(query):
    """The lookups of `query` (its subqueries too) that compare a key (a primary or a
    foreign key) with a constant: a school's or a person's id written into cached SQL
    would show the first run's rows to every later one. Ids are always `Param`s."""
    found, seen = [], set()
    pending = [query.where, *query.annotations.values()]
    while pending:
        node = pending.pop()
        if node is None or id(node) in seen:
            continue
        seen.add(id(node))
        if isinstance(node, Query):
            pending.extend([node.where, *node.annotations.values()])
            continue
        if isinstance(node, Lookup) and node.rhs_is_direct_value():
            field = getattr(node.lhs, "target", None) or getattr(node.lhs, "output_field", None)
            if (getattr(field, "is_relation", False) or getattr(field, "primary_key", False)) and not isinstance(
                node.rhs, bool | type(None)
            ):
                found.append(f"{field} {node.lookup_name} {node.rhs!r}")
        if isinstance(node.__dict__.get("rhs"), Query):
            pending.append(node.rhs)
        if hasattr(node, "get_source_expressions"):
            pending.extend(node.get_source_expressions())
    return found


def _compile(builder, shape, name):
    queryset = builder(**shape)
    frozen = _frozen_keys(queryset.query)
    if frozen:
        raise PreparedQueryError(f"{name}: a key compared with a constant ({', '.join(frozen)}); make it a Param.")
    compiler = queryset.query.get_compiler(using=queryset.db)
    sql, params = compiler.as_sql()
    for value in params:
        if isinstance(value, _Slot):
            continue
        if isinstance(value, date | datetime | time | timedelta) or not _frozen_constant(value):
            raise PreparedQueryError(
                f"{name}: the constant {value!r} would be frozen at the first run; make it a Param."
            )
    return _Compiled(queryset, compiler, sql, params)


class PreparedQuery:
    def __init__(self, builder):
        self.builder = builder
        self.name = f"{builder.__module__}.{builder.__qualname__}"
        self._shapes = OrderedDict()
        self._lock = threading.Lock()
        self.__doc__ = builder.__doc__

    def _compiled(self, shape):
        key = tuple(sorted(shape.items()))
        found = self._shapes.get(key)
        if found is None:
            found = _compile(self.builder, shape, self.name)
            with self._lock:
                self._shapes[key] = found
                while len(self._shapes) > MAX_SHAPES:
                    self._shapes.popitem(last=False)
        return found

    def sql(self, *, shape=None, **values):
        """The SQL and parameters this run would execute (for tests and EXPLAIN)."""
        compiled = self._compiled(shape or {})
        return compiled.sql, self._bind(compiled, values)

    def _bind(self, compiled, values):
        missing = compiled.slots - values.keys()
        extra = values.keys() - compiled.slots
        if missing or extra:
            raise PreparedQueryError(f"{self.name}: values missing {sorted(missing)}, not in the query {sorted(extra)}")
        return tuple(values[p.name] if isinstance(p, _Slot) else p for p in compiled.params)

    def rows(self, *, shape=None, limit=None, offset=0, **values):
        """Run the query with these values: the list the queryset would give. `limit`
        and `offset` page an unsliced query in SQL (as its slice would) without a
        compile per page."""
        compiled = self._compiled(shape or {})
        params = self._bind(compiled, values)
        sql = compiled.sql
        statement = compiled.statement
        if limit is not None:
            query = compiled.queryset.query
            if query.is_sliced or query.select_for_update:
                raise PreparedQueryError(f"{self.name}: a sliced or locking query takes no limit")
            sql, params = f"{sql} LIMIT %s OFFSET %s", (*params, limit, offset)
            if compiled.limited is None:
                compiled.limited = _Statements(sql, (*compiled.params, *_PAGE))
            statement = compiled.limited
        db = compiled.queryset.db
        wrapper = connections[db]
        prepared = _statement_sql(wrapper, statement, params)
        if prepared is None:
            return _run(compiled, db, sql, params)
        logged = len(wrapper.queries_log) if wrapper.queries_logged else None
        try:
            found = _run(compiled, db, prepared[0].execute, prepared[1])
        except DatabaseError as error:
            if not _stale(wrapper, prepared[0], error):
                raise
            return _run(compiled, db, sql, params)
        if logged is not None:
            _log_plain(wrapper, logged, sql, params)
        return found

    def first(self, *, shape=None, **values):
        found = self.rows(shape=shape, **values)
        return found[0] if found else None


def _run(compiled, db, sql, params):
    """The rows of `compiled` run as `sql` with `params` on the database `db`."""
    queryset = _fresh(compiled.queryset)
    compiler = copy.copy(compiled.compiler)
    compiler.connection = connections[db]
    compiler.using = db

    def as_sql(with_limits=True, with_col_aliases=False):
        return sql, params

    compiler.as_sql = as_sql
    compiler.get_converters = functools.partial(_converters, compiled.converters, db, compiler.get_converters)
    # The chained query hands this run's compiler to the queryset's iterable;
    # the query is private to this call and never chained further.
    queryset._query.get_compiler = lambda using=None, connection=None, elide_empty=True: compiler
    return list(queryset)


def _fresh(queryset):
    """An unevaluated copy of the compiled (never evaluated) `queryset` for one run, on a
    shallow copy of its query: the iterables only read the query (what it selects, its
    joins' models), so its WHERE tree and joins need no deep clone (`_chain()`)."""
    fresh = object.__new__(type(queryset))
    fresh.__dict__.update(queryset.__dict__)
    fresh._query = copy.copy(queryset.query)
    fresh._result_cache = None
    fresh._prefetch_done = False
    return fresh


def _converters(cache, db, find, expressions):
    """The compiler's `get_converters(expressions)`, kept per database and columns
    (the compiled query's own expressions, alive as long as it is)."""
    key = (db, *map(id, expressions))
    found = cache.get(key)
    if found is None:
        found = cache[key] = find(expressions)
    return found


def prepared_query(builder):
    """Decorate a function that returns a queryset built with `Param` markers."""
    return PreparedQuery(builder)


# Server-side prepared statements ------------------------------------------------------------

_names = itertools.count(1)
# Statements PostgreSQL refused to prepare (a parameter whose type it cannot infer): run plain.
_unpreparable = set()
_PLACEHOLDER = re.compile(r"%[%s]")
_UNMATCHED = object()
_RUN_VALUE = _Slot("value")
_PAGE = (_Slot("limit"), _Slot("offset"))
MAX_SIGNATURES = 8

# Each value's type declared in the PREPARE as the plain SQL's literal of it would have it (the
# driver writes `7`, `true`, `'2026-09-01'::date`, `ARRAY[1,2]`): a statement's parameter typed
# from its context instead could differ from the plain run (a date column against a moment,
# a bare value in the select list). A text or NULL is an untyped literal in plain SQL, so it is
# left to the context there too.
_DECLARED = {
    bool: "boolean",
    int: "bigint",
    str: "unknown",
    type(None): "unknown",
    date: "date",
    datetime: "timestamptz",  # a naive one is told apart in `_signature`
    Decimal: "numeric",
    float: "numeric",
    time: "time",
    timedelta: "interval",
    list: "list",  # by its items, in `_signature`
}
_EXACT = frozenset({None, "timestamptz", "list"})


def _signature(params):
    """The declared types of `params`, or None when one has a type not declared."""
    signature = tuple(map(_DECLARED.get, map(type, params)))
    if _EXACT.isdisjoint(signature):
        return signature
    exact = list(signature)
    for index, kind in enumerate(signature):
        value = params[index]
        if kind == "timestamptz":
            if value.tzinfo is None:
                exact[index] = "timestamp"
        elif kind == "list":
            items = set(map(type, value))
            exact[index] = (
                "unknown" if not items else "bigint[]" if items == {int} else "text[]" if items == {str} else None
            )
        elif kind is None and not isinstance(value, datetime | list):
            # A subclass (a model's choices are str or int enums) is adapted as its base type.
            for base in (bool, int, str, Decimal, float, date, time, timedelta):
                if isinstance(value, base):
                    exact[index] = _DECLARED[type(value)] = _DECLARED[base]
                    break
    return None if None in exact else tuple(exact)


class _Statement:
    __slots__ = ("execute", "name", "prepare")

    def __init__(self, numbered, signature):
        self.name = name = f"cs_{next(_names)}"
        types = f" ({', '.join(signature)})" if signature else ""
        self.prepare = f"PREPARE {name}{types} AS {numbered}"
        self.execute = f"EXECUTE {name}({', '.join(['%s'] * len(signature))})" if signature else f"EXECUTE {name}"


class _Statements:
    """One SQL text as named server-side statements, one for each set of its values' types.

    `template` holds, for each of the SQL's placeholders, a `_Slot` (a value given at each
    run: a statement's parameter) or a constant of the compiled query (a code, a number),
    which is written into the statement as the plain SQL's literal of it: a generic plan
    then knows it as the custom plan does (a partial index on `status = 'planned'`)."""

    __slots__ = ("by_signature", "numbered", "pick")

    def __init__(self, sql, template):
        self.by_signature = {}
        positions = [index for index, item in enumerate(template) if isinstance(item, _Slot)]
        if len(positions) == len(template):
            self.pick = None  # every value is a parameter
        elif len(positions) == 1:
            self.pick = lambda params, index=positions[0]: (params[index],)
        else:
            self.pick = operator.itemgetter(*positions) if positions else lambda params: ()
        items, numbers = iter(template), itertools.count(1)

        def placeholder(match):
            if match.group() == "%%":  # Django's SQL for the driver writes a literal % as %%
                return "%"
            item = next(items, _UNMATCHED)
            if item is _UNMATCHED:
                raise ValueError
            return f"${next(numbers)}" if isinstance(item, _Slot) else adapt(item).getquoted().decode()

        try:
            numbered = _PLACEHOLDER.sub(placeholder, sql)
        except ValueError:
            numbered = None
        # Placeholders other than those (never in Django's SQL): the text stays plain.
        self.numbered = numbered if next(items, _UNMATCHED) is _UNMATCHED else None

    def get(self, params):
        """The statement for these run values (those of the `_Slot`s), or None."""
        if self.numbered is None:
            return None
        signature = _signature(params)
        if signature is None:
            return None
        found = self.by_signature.get(signature)
        if found is None:
            if len(self.by_signature) >= MAX_SIGNATURES:
                return None
            found = self.by_signature.setdefault(signature, _Statement(self.numbered, signature))
        return found


def _statement_sql(wrapper, statements, params):
    """The statement (its `execute`) and its values to send for `statements` with the SQL's
    `params` on the connection `wrapper`, preparing it there first if it is not yet; None
    when the plain SQL should run."""
    if not settings.PREPARED_STATEMENTS or wrapper.vendor != "postgresql":
        return None
    if wrapper.settings_dict["CONN_MAX_AGE"] == 0:  # closed after the request: a PREPARE only costs
        return None
    if statements.pick is not None:
        params = statements.pick(params)
    statement = statements.get(params)
    if statement is None or statement.name in _unpreparable:
        return None
    raw = wrapper.connection
    if raw is None or (wrapper.health_check_enabled and not wrapper.health_check_done):
        # What the wrapper's cursor() does first: a failed health check reconnects here, before a PREPARE.
        wrapper.close_if_health_check_failed()
        wrapper.ensure_connection()
        raw = wrapper.connection
    # The names prepared on this raw connection; a reconnect brings another one, which starts empty.
    # (The old connection object is held until then, so `is` cannot match a new one at its address.)
    try:
        holder, prepared = wrapper._prepared_statements
    except AttributeError:
        holder = None
    if holder is not raw:
        holder, prepared = wrapper._prepared_statements = (raw, set())
    if statement.name not in prepared:
        if not _prepare(wrapper, raw, statement):
            return None
        prepared.add(statement.name)
    return statement, params


def _prepare(wrapper, raw, statement):
    """PREPARE `statement` on `raw`; False if it was not (run the plain SQL)."""
    if wrapper.needs_rollback or raw.info.transaction_status == psycopg2.extensions.TRANSACTION_STATUS_INERROR:
        return False  # the plain SQL raises what the broken transaction should
    # Inside a transaction a failed PREPARE would abort it: try it in a savepoint.
    in_transaction = not raw.autocommit
    name = statement.name
    try:
        with raw.cursor() as cursor:
            if in_transaction:
                cursor.execute(f"SAVEPOINT {name}")
            cursor.execute(statement.prepare)
            if in_transaction:
                cursor.execute(f"RELEASE SAVEPOINT {name}")
    except psycopg2.Error as error:
        code = error.pgcode or ""
        cleanup = f"ROLLBACK TO SAVEPOINT {name}; RELEASE SAVEPOINT {name}" if in_transaction else ""
        if code == "42P05":  # a statement of that name already there, not ours to trust: drop it, retry later
            cleanup += f"; DEALLOCATE {name}" if cleanup else f"DEALLOCATE {name}"
        elif code.startswith("42"):  # a statement PostgreSQL cannot prepare (a parameter of no type)
            _unpreparable.add(name)
            logger.debug("%s runs as plain SQL: %s", name, str(error).strip())
        if cleanup:
            try:
                with raw.cursor() as cursor:
                    cursor.execute(cleanup)
            except psycopg2.Error:
                pass  # a lost connection: the plain SQL raises it as Django's error
        return False
    return True


@functools.lru_cache(maxsize=MAX_SHAPES)
def _raw_statements(sql, param_count):
    return _Statements(sql, (_RUN_VALUE,) * param_count)


def execute_prepared(cursor, sql, params=()):
    """`cursor.execute(sql, params)` for a hand-written query run on every request (Django's
    SQL: `%s` placeholders, `%%` for a literal %): as a server-side prepared statement,
    named once per SQL text, where prepared queries use them; the plain SQL otherwise."""
    params = tuple(params or ())
    prepared = _statement_sql(cursor.db, _raw_statements(sql, len(params)), params)
    if prepared is None:
        cursor.execute(sql, params)
        return
    wrapper = cursor.db
    logged = len(wrapper.queries_log) if wrapper.queries_logged else None
    try:
        cursor.execute(prepared[0].execute, prepared[1])
    except DatabaseError as error:
        if not _stale(wrapper, prepared[0], error):
            raise
        cursor.execute(sql, params)
        return
    if logged is not None:
        _log_plain(wrapper, logged, sql, params)


_NAMED = re.compile(r"%%|%\((\w+)\)s")


def execute_named(cursor, sql, params):
    """`cursor.execute(sql, params)` of a query with named parameters (`%(name)s`; names
    the SQL does not use are ignored), run as a prepared statement (`execute_prepared`):
    the dashboards' figures join a dozen tables, and PostgreSQL planned them (5–8 ms) on
    every request, longer than they ran."""
    positional_sql, names = _positional(sql)
    execute_prepared(cursor, positional_sql, [params[name] for name in names])


@functools.lru_cache(maxsize=256)
def _positional(sql):
    """The SQL with `%s` for its named parameters, and their names in order: the same few
    texts run on every request, each of them with a hundred placeholders."""
    names = []

    def positional(match):
        if match.group(1) is None:
            return "%%"
        names.append(match.group(1))
        return "%s"

    return _NAMED.sub(positional, sql), tuple(names)


def _log_plain(wrapper, logged, sql, params):
    """Where queries are logged (DEBUG, tests' CaptureQueriesContext), the log's entry at
    `logged` (the EXECUTE) reads as the plain SQL it stands for, with its values, followed by
    what was sent as a comment (`… /* EXECUTE cs_N(…) */`): what a reader of the log, a test
    looking for a table, or an EXPLAIN needs. Only the log is changed, never what is sent."""
    log = wrapper.queries_log
    if logged < len(log) and len(log) != log.maxlen:
        with wrapper.connection.cursor() as raw:
            plain = raw.mogrify(sql, params).decode(errors="replace")
        entry = log[logged]
        sent = entry["sql"].replace("*/", "* /")
        entry["sql"] = f"{plain} /* {sent} */"


# A session's statement gone (a reset by something else: DISCARD ALL) or made stale (a migration
# changed a column it returns): forgotten on the connection, prepared again at its next run.
_STALE = frozenset({"26000", "0A000"})


def _stale(wrapper, statement, error):
    """Whether the EXECUTE of `statement` failed with `error` because the session's statement
    is gone or stale; if so it is forgotten, and True when the plain SQL may run at once
    (outside a transaction, which the failure did not abort)."""
    if getattr(error.__cause__, "pgcode", None) not in _STALE:
        return False
    _holder, prepared = getattr(wrapper, "_prepared_statements", (None, set()))
    prepared.discard(statement.name)
    if not wrapper.get_autocommit():
        return False
    try:
        with wrapper.connection.cursor() as cursor:
            cursor.execute(f"DEALLOCATE {statement.name}")
    except psycopg2.Error:
        pass  # it was gone
    return True
