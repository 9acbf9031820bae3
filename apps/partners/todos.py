"""Social partners in «Мои дела» (apps.core.todos): for whoever manages the
partnerships, the agreements that run out soon and that nothing renews."""

from django.urls import reverse
from django.utils.translation import gettext as _

from apps.core.todos import TodoItem, TodoSource

from .selectors import agreements_expiring


def _expiring(scope):
    return agreements_expiring(on=scope.today, school=scope.school)


def rows(scope):
    return [_expiring(scope)] if scope.can("partners.manage") else []


def items(scope):
    if not scope.can("partners.manage"):
        return []
    return [
        TodoItem(
            kind="agreement",
            title=_("The agreement with %(partner)s runs out") % {"partner": agreement.partner},
            url=reverse("partners:partner_detail", args=[agreement.partner_id]),
            due=agreement.valid_until,
            for_administration=True,
        )
        for agreement in _expiring(scope)
    ]


SOURCE = TodoSource(rows=rows, items=items)
