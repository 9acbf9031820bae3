"""A list's page and its total from one query.

`Paginator.get_page` counts the rows in a query of its own, and an annotated
list's COUNT wraps the whole list's query: two compiled queries a page. A window
count reads the total with the page's rows.
"""

from django.core.paginator import Page, Paginator
from django.db.models import Count, Window

MAX_PAGE = 2**31


def page_with_count(rows, *, number, per_page):
    """Page `number` of the queryset `rows` and their total from one query (a window
    count), as `Paginator.get_page` gives it; a page out of range is left to it (the last page)."""
    paginator = Paginator(rows, per_page)
    try:
        number = int(number)
    except (TypeError, ValueError):
        number = 1
    if 1 <= number <= MAX_PAGE:  # beyond it no offset fits the database's bigint: past the end
        start = (number - 1) * per_page
        found = list(rows.annotate(total_count=Window(Count("*")))[start : start + per_page])
        if found or number == 1:
            paginator.count = found[0].total_count if found else 0
            return Page(found, number, paginator)
    return paginator.get_page(number)


def _total(row):
    return row["total_count"] if type(row) is dict else row.total_count


def prepared_page(query, *, number, per_page, shape=None, **values):
    """Page `number` of a prepared query (apps.core.prepared) whose rows carry
    `total_count` (`.annotate(total_count=Window(Count("*")))` in its builder, or a
    key of its `values()`), as `page_with_count` gives it: one query for a page in
    range, the last page for one beyond it."""
    try:
        number = int(number)
    except (TypeError, ValueError):
        number = 1
    # A page below the first is out of range too: the last page, as Paginator.get_page gives it
    # (and one whose offset no bigint holds is beyond the end).
    in_range = 1 <= number <= MAX_PAGE
    found = query.rows(shape=shape, limit=per_page, offset=(number - 1) * per_page, **values) if in_range else []
    if not found and number != 1:
        first = query.rows(shape=shape, limit=1, offset=0, **values)
        total = _total(first[0]) if first else 0
        number = max((total + per_page - 1) // per_page, 1)
        found = query.rows(shape=shape, limit=per_page, offset=(number - 1) * per_page, **values)
    paginator = Paginator(found, per_page)
    paginator.count = _total(found[0]) if found else 0
    return Page(found, number, paginator)


def prepared_page_among(query, *, number, per_page, paged, shape=None, **values):
    """Page `number` of one list of a prepared query that reads several lists at once, and all
    the query's rows: the query takes `start` and `end` and gives the paged list's rows (those
    `paged(row)` holds) between them by their `position` in that list, each with the list's
    `total_count`, and always the list's first row (for the total when the page is beyond the
    last). A page out of range is the last page, as `prepared_page` gives it."""
    try:
        number = int(number)
    except (TypeError, ValueError):
        number = 1
    number = number if 1 <= number <= MAX_PAGE else 0
    found, total, rows = _among(query, number, per_page, paged, shape, values)
    if not found and number != 1:
        number = max((total + per_page - 1) // per_page, 1)
        found, total, rows = _among(query, number, per_page, paged, shape, values)
    paginator = Paginator(found, per_page)
    paginator.count = total
    return Page(found, number, paginator), rows


def _among(query, number, per_page, paged, shape, values):
    start, end = (number - 1) * per_page, number * per_page
    rows = query.rows(shape=shape, start=start, end=end, **values)
    listed = [row for row in rows if paged(row)]
    total = listed[0].total_count if listed else 0
    return [row for row in listed if start < row.position <= end], total, rows
