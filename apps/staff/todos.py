"""The staff registry in «Мои дела» (apps.core.todos): for whoever follows
attestations, how many categories run out within the attestation window."""

from django.db.models import Count, Min
from django.urls import reverse
from django.utils.translation import gettext as _

from apps.core.todos import TodoItem, TodoSource, one_row

from .selectors import staff_attestations_due


def rows(scope):
    if not scope.can("staff.view_attestations"):
        return []
    return [one_row(staff_attestations_due(school=scope.school, on=scope.today))]


def items(scope):
    if not scope.can("staff.view_attestations"):
        return []
    due = (
        staff_attestations_due(school=scope.school, on=scope.today)
        .order_by()
        .aggregate(count=Count("pk"), first=Min("category_valid_until"))
    )
    if not due["count"]:
        return []
    return [
        TodoItem(
            kind="attestations",
            title=_("Attestations due: categories run out within 6 months"),
            url=reverse("staff:attestations_due"),
            due=due["first"],
            count=due["count"],
            for_administration=True,
        )
    ]


SOURCE = TodoSource(rows=rows, items=items)
