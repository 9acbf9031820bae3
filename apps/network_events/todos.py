"""Network events in «Мои дела» (apps.core.todos): the events one is registered
for within a week, the events one organised whose attendance is not marked, and
invitations to open events one has not answered."""

from django.urls import reverse
from django.utils.translation import gettext as _

from apps.core.todos import TodoItem, TodoSource
from apps.core.typography import quoted

from .selectors import todo_querysets


def _querysets(scope):
    return todo_querysets(school=scope.school, user=scope.user, now=scope.now)


def rows(scope):
    return list(_querysets(scope))


def items(scope):
    soon, unmarked, invitations = _querysets(scope)
    found = [
        TodoItem(
            kind="event_registered",
            title=_("%(kind)s %(title)s: you are registered")
            % {"kind": r.event.get_kind_display(), "title": quoted(r.event.title)},
            detail=r.event.place or r.event.online_link,
            url=reverse("network_events:detail", args=[r.event_id]),
            due=r.event.starts_at,
        )
        for r in soon
    ]
    found += [
        TodoItem(
            kind="event_attendance",
            title=_("Mark who came to %(title)s") % {"title": quoted(event.title)},
            url=reverse("network_events:attendance", args=[event.pk]),
            due=event.ends_at,
        )
        for event in unmarked
    ]
    found += [
        TodoItem(
            kind="event_invitation",
            title=_("You are invited: %(kind)s %(title)s")
            % {"kind": event.get_kind_display(), "title": quoted(event.title)},
            url=reverse("network_events:detail", args=[event.pk]),
            due=event.starts_at,
        )
        for event in invitations
    ]
    return found


SOURCE = TodoSource(rows=rows, items=items)
