"""Who was there when: a card at the school (`hired_on` … `left_on`) or a member of a
team (`joined_on` … `left_on`). The leaving day is the last day there, as the day of
dismissal is the last working day under the Labour Code and a team's member leaves on
the day they are freed. So a span meets the days `start`..`end` when it began by `end`
and had not ended before `start`. One rule for querysets and for raw SQL, asked by the
staff registry, the dashboards, the yearly report and the rating's sheets alike.
"""

from django.db.models import Q


def present_during(start, end, *, since="hired_on", until="left_on") -> Q:
    """Rows there on at least one day of `start`..`end` (dates, or `Param`s, or `F`s)."""
    return Q(**{f"{since}__lte": end}) & (Q(**{f"{until}__isnull": True}) | Q(**{f"{until}__gte": start}))


def present_on(day, *, since="hired_on", until="left_on") -> Q:
    return present_during(day, day, since=since, until=until)


def present_during_sql(alias, *, start="%(start)s", end="%(end)s", since="hired_on", until="left_on") -> str:
    """The same rule as SQL for `alias`'s row; `start` and `end` are SQL expressions
    (placeholders by default). Built from constants only, never from input."""
    return f"{alias}.{since} <= {end} AND ({alias}.{until} IS NULL OR {alias}.{until} >= {start})"
