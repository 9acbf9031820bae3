"""Programmes of help in «Мои дела» (apps.core.todos): the milestones one answers
for, due within two weeks or overdue; for who manages the programmes, the year's
joint review when it is due (one item a programme)."""

import datetime

from django.urls import reverse
from django.utils.translation import gettext as _

from apps.core.todos import TodoItem, TodoSource

from .selectors import milestones_open_for, reviews_due

# Milestones show from two weeks before they are due.
MILESTONE_DAYS_AHEAD = 14


def _milestones(scope):
    return milestones_open_for(
        user=scope.user, school=scope.school, until=scope.today + datetime.timedelta(days=MILESTONE_DAYS_AHEAD)
    )


def _reviews(scope):
    return reviews_due(school=scope.school, today=scope.today)


def rows(scope):
    found = [_milestones(scope)]
    if scope.can("help_programmes.manage"):
        found.append(_reviews(scope))
    return found


def items(scope):
    found = [
        TodoItem(
            kind="help_milestone",
            title=_("Programme of help, milestone: %(milestone)s") % {"milestone": milestone.title},
            detail=milestone.programme.title,
            url=reverse("help_programmes:detail", args=[milestone.programme_id]),
            due=milestone.due_on,
        )
        for milestone in _milestones(scope)
    ]
    if scope.can("help_programmes.manage"):
        found += [
            TodoItem(
                kind="help_review",
                title=_("Review the year together: %(programme)s") % {"programme": programme.title},
                detail=f"{programme.leader_school.short_name} → {programme.supported_school.short_name}",
                url=reverse("help_programmes:review", args=[programme.pk]),
                due=None,
                for_administration=True,
            )
            for programme in _reviews(scope)
        ]
    return found


SOURCE = TodoSource(rows=rows, items=items)
