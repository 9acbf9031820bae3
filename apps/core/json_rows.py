"""Rows of a related table as JSON objects, for an array column of the main query.

A page that shows a few columns of a team's milestones or meetings reads them as
`ArraySubquery(... .values(row=JSONRow(pk="pk", title="title")))` rather than by a
prefetch, which costs a query (and its compile) of its own. Django's `JSONObject`
does the same but, on PostgreSQL, casts every key to text, building a new field
and a cast expression per key each time the query is compiled: for a page with
three such arrays that was most of its query's Python work. Here the keys are
plain SQL literals (checked to be identifiers, so they need no quoting).
"""

import re

from django.db.models import F, Func, JSONField

_KEY = re.compile(r"[a-z_][a-z0-9_]*")


class JSONRow(Func):
    """JSONB_BUILD_OBJECT('key', value, ...): `JSONRow(pk="pk", held_on="held_on")`."""

    function = "JSONB_BUILD_OBJECT"
    output_field = JSONField()

    def __init__(self, **fields):
        for key in fields:
            if not _KEY.fullmatch(key):
                raise ValueError(f"not a plain key for a JSON row: {key!r}")
        self.keys = tuple(fields)
        super().__init__(*(F(value) if isinstance(value, str) else value for value in fields.values()))

    def as_sql(self, compiler, connection, **extra_context):
        parts, params = [], []
        for key, expression in zip(self.keys, self.get_source_expressions(), strict=True):
            sql, values = compiler.compile(expression)
            parts.append(f"'{key}', {sql}")
            params.extend(values)
        return f"{self.function}({', '.join(parts)})", params
