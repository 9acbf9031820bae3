"""Hand-written SQL that keeps the apps' own rules.

The dashboards aggregate in SQL over many schools at once. Where such a statement
needs a rule that an app states as a queryset method (a visit overdue, a group
that really worked), `condition_sql` turns that queryset's filter into SQL on the
statement's table alias, so the rule is written once, in the app.
"""

import re

from django.db import connection
from django.db.models.expressions import RawSQL

_PLACEHOLDER = re.compile(r"(?<!%)%s")


def sql_param(name):
    """The hand-written statement's named parameter `%(name)s`, as a value in a
    queryset filter (for instance the moment `now` the statement is run for)."""
    if not name.isidentifier():
        raise ValueError(f"not a parameter name: {name!r}")
    return RawSQL(f"%({name})s", ())  # nosec B611 # a placeholder named by the code, never a value


def condition_sql(queryset, *, alias, prefix):
    """The filter of `queryset` as SQL on the table alias `alias`, and its values as
    named parameters `prefix_0`, `prefix_1`... The filter may use only the model's
    own columns (and subqueries such as Exists), not joins."""
    query = queryset.query
    table = queryset.model._meta.db_table
    if set(query.alias_map) - {table}:
        raise ValueError(f"{queryset.model.__name__}: a condition for hand-written SQL cannot join other tables")
    where = query.where.relabeled_clone({table: alias})
    sql, values = where.as_sql(query.get_compiler(connection=connection), connection)
    names = iter(range(len(values)))
    sql = _PLACEHOLDER.sub(lambda _match: f"%({prefix}_{next(names)})s", sql)
    return sql, {f"{prefix}_{index}": value for index, value in enumerate(values)}
