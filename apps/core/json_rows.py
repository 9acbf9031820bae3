"""Rows of a related table as JSON objects, for an array column of the main query.

A page that shows a few columns of a team's milestones or meetings reads them as
`ArraySubquery(... .values(row=JSONRow(pk="pk", title="title")))` rather than by a
prefetch, which costs a query (and its compile) of its own. Django's `JSONObject`
does the same but, on PostgreSQL, casts every key to text, building a new field
and a cast expression per key each time the query is compiled: for a page with
three such arrays that was most of its query's Python work. Here the keys are
plain SQL literals (checked to be identifiers, so they need no quoting).
"""

import datetime
import re

from django.db.models import F, Func, JSONField, QuerySet

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


def row_columns(model, only=None):
    """A model's columns (attnames) in its field order, as `from_db` and `row_objects` take them."""
    return tuple(f.attname for f in model._meta.concrete_fields if only is None or f.attname in only)


def _parsers(model, names):
    """JSON has no date or time type: dates and moments come back as ISO text (moments
    in UTC, the connection's zone), read back here as the database adapter would."""
    parsers = {}
    for field in model._meta.concrete_fields:
        if field.attname not in names:
            continue
        kind = field.get_internal_type()
        if kind == "DateTimeField":
            parsers[field.attname] = lambda text: datetime.datetime.fromisoformat(text).astimezone(datetime.UTC)
        elif kind == "DateField":
            parsers[field.attname] = datetime.date.fromisoformat
    return parsers


_PARSERS = {}


def row_objects(model, rows, *, names, prefix="", using="default"):
    """Model objects of `rows` (dicts read through a `JSONRow` of `names`, each key
    with `prefix`), with only those columns loaded."""
    key = (model, names)
    parsers = _PARSERS.get(key)
    if parsers is None:
        parsers = _PARSERS[key] = _parsers(model, names)
    objects = []
    for row in rows:
        values = [row[prefix + name] for name in names]
        if parsers:
            values = [
                parsers[name](value) if value is not None and name in parsers else value
                for name, value in zip(names, values, strict=True)
            ]
        objects.append(model.from_db(using, names, values))
    return objects


class LoadedRows(QuerySet):
    """Rows already read with their owner (not a query), as a prefetch leaves them:
    iterated, counted and tested without a query. A query built on them
    (`.filter()`, `.values()`, a related manager's `.set()`...) is the relation's
    own query, as after a prefetch."""

    def _chain(self):
        owner, relation = self._loaded_for
        cache = owner.__dict__["_prefetched_objects_cache"]
        loaded = cache.pop(relation)
        try:
            query = getattr(owner, relation).get_queryset()
        finally:
            cache[relation] = loaded
        return query._chain()


def set_prefetched(instance, relation, model, objects, *, using="default"):
    """`instance.<relation>.all()` answers `objects` without a query, as after a prefetch."""
    found = LoadedRows(model=model, using=using)
    found._result_cache, found._prefetch_done = list(objects), True
    found._loaded_for = (instance, relation)
    instance.__dict__.setdefault("_prefetched_objects_cache", {})[relation] = found
