"""Task teams in «Мои дела» (apps.core.todos): the milestones of one's open teams
that are due within a week or overdue."""

import datetime

from django.urls import reverse
from django.utils.translation import gettext as _

from apps.core.todos import TodoItem, TodoSource

from .selectors import milestones_overdue

# Milestones show from a week before they are due.
MILESTONE_DAYS_AHEAD = 7


def _milestones(scope):
    # "Overdue before `on`": a week ahead includes those due within it.
    on = scope.today + datetime.timedelta(days=MILESTONE_DAYS_AHEAD + 1)
    return (
        milestones_overdue(on=on)
        .filter(team__school=scope.school)
        .filter(team__members__staff__user=scope.user, team__members__left_on__isnull=True)
        .distinct()
    )


def rows(scope):
    return [_milestones(scope)]


def items(scope):
    return [
        TodoItem(
            kind="milestone",
            title=_("Team milestone: %(milestone)s") % {"milestone": milestone.title},
            detail=str(milestone.team),
            url=reverse("teams:team_detail", args=[milestone.team_id]),
            due=milestone.due_on,
        )
        for milestone in _milestones(scope)
    ]


SOURCE = TodoSource(rows=rows, items=items)
