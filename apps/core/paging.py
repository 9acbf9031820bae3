"""A list's page and its total from one query.

`Paginator.get_page` counts the rows in a query of its own, and an annotated
list's COUNT wraps the whole list's query: two compiled queries a page. A window
count reads the total with the page's rows.
"""

from django.core.paginator import Page, Paginator
from django.db.models import Count, Window


def page_with_count(rows, *, number, per_page):
    """Page `number` of the queryset `rows` and their total from one query (a window
    count), as `Paginator.get_page` gives it; a page out of range is left to it (the last page)."""
    paginator = Paginator(rows, per_page)
    try:
        number = int(number)
    except (TypeError, ValueError):
        number = 1
    if number >= 1:
        start = (number - 1) * per_page
        found = list(rows.annotate(total_count=Window(Count("*")))[start : start + per_page])
        if found or number == 1:
            paginator.count = found[0].total_count if found else 0
            return Page(found, number, paginator)
    return paginator.get_page(number)
