"""Mentoring in «Мои дела» (apps.core.todos): entries of the schedule of work to
mark as held (the curator's), development-route steps due (whoever answers for
them) and, for the administration, the groups waiting for activation."""

import datetime

from django.urls import reverse
from django.utils.translation import gettext as _

from apps.core.todos import TodoItem, TodoSource
from apps.core.typography import quoted
from apps.staff.selectors import own_card_subquery

from .models import MentorGroup
from .route_selectors import route_steps_overdue
from .selectors import curator_board, events_due

# Steps show from a week before they are due.
STEP_DAYS_AHEAD = 7


def _events_to_mark(scope):
    """Past entries still "planned". A lesson visit's entry follows its debrief, on the visit's page."""
    groups = curator_board(school=scope.school, user=scope.user)
    return events_due(school=scope.school, groups=groups, now=scope.now).filter(lesson_visit__isnull=True)


def _steps_due(scope):
    return route_steps_overdue(
        school=scope.school,
        on=scope.today + datetime.timedelta(days=STEP_DAYS_AHEAD + 1),
        responsible=own_card_subquery(school=scope.school, user=scope.user),
    )


def groups_awaiting_activation(*, school):
    """Groups of the school still forming: proposed by a curator or formed by the
    administration, they wait for an administrator or a deputy head to activate
    (or decline) them."""
    return (
        MentorGroup.objects.filter(school=school, status=MentorGroup.Status.FORMING)
        .select_related("curator")
        .order_by("created_at", "pk")
    )


def rows(scope):
    parts = [_events_to_mark(scope), _steps_due(scope)]
    if scope.can("mentoring.manage"):
        parts.append(groups_awaiting_activation(school=scope.school))
    return parts


def items(scope):
    found = [
        TodoItem(
            kind="event_held",
            title=_("Mark whether %(title)s was held") % {"title": quoted(event.title)},
            detail=str(event.group),
            url=reverse("mentoring:event_edit", args=[event.pk]),
            due=event.ends_at,
        )
        for event in _events_to_mark(scope)
    ]
    found += [
        TodoItem(
            kind="route_step",
            title=_("Development route step: %(step)s") % {"step": step.title},
            detail=step.route.teacher.short_name,
            url=reverse("mentoring:route_step_edit", args=[step.pk]),
            due=step.due_on,
        )
        for step in _steps_due(scope)
    ]
    if scope.can("mentoring.manage"):
        for group in groups_awaiting_activation(school=scope.school):
            title = (
                _("%(curator)s proposes %(group)s: activate or decline")
                if group.is_proposal
                else _("%(group)s waits for activation")
            ) % {"curator": group.curator.short_name, "group": group}
            found.append(
                TodoItem(
                    kind="group_activation",
                    title=title,
                    detail=group.observed_aspect,
                    url=reverse("mentoring:group_detail", args=[group.pk]),
                    for_administration=True,
                )
            )
    return found


SOURCE = TodoSource(rows=rows, items=items)
