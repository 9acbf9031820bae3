"""The associations in «Мои дела» (apps.core.todos): one's open decisions due within
a week or overdue, and, for the head, held meetings whose minutes are still to write."""

from django.urls import reverse
from django.utils.translation import gettext as _

from apps.core.todos import TodoItem, TodoSource
from apps.core.typography import quoted

from .selectors import my_meetings_without_minutes, my_open_decisions


def rows(scope):
    return [
        my_open_decisions(school=scope.school, user=scope.user, today=scope.today),
        my_meetings_without_minutes(school=scope.school, user=scope.user),
    ]


def items(scope):
    found = [
        TodoItem(
            kind="association_decision",
            title=_("Decision of the association: %(text)s") % {"text": quoted(decision.text[:80])},
            detail=str(decision.meeting.plan.association),
            url=reverse("associations:meeting_detail", args=[decision.meeting_id]),
            due=decision.due_on,
        )
        for decision in my_open_decisions(school=scope.school, user=scope.user, today=scope.today)
    ]
    found += [
        TodoItem(
            kind="association_minutes",
            title=_("Write the short minutes of %(meeting)s") % {"meeting": meeting},
            detail=str(meeting.plan.association),
            url=reverse("associations:minutes", args=[meeting.pk]),
            due=meeting.held_on,
        )
        for meeting in my_meetings_without_minutes(school=scope.school, user=scope.user)
    ]
    return found


SOURCE = TodoSource(rows=rows, items=items)
