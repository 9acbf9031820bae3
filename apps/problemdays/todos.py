"""Problem-theme days in «Мои дела» (apps.core.todos): one's duties of the days
coming within two weeks, an activity to run or a preparation role to take."""

import datetime

from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext as _

from apps.core.todos import TodoItem, TodoSource
from apps.core.typography import quoted

from .selectors import my_duty_querysets

# Duties show from two weeks before the day.
DUTY_DAYS_AHEAD = 14


def _duties(scope):
    until = scope.today + datetime.timedelta(days=DUTY_DAYS_AHEAD)
    activities, roles = my_duty_querysets(school=scope.school, user=scope.user, today=scope.today)
    return activities.filter(day__date__lte=until), roles.filter(
        Q(when__date__lte=until) | Q(when__isnull=True, day__date__lte=until)
    )


def rows(scope):
    return list(_duties(scope))


def items(scope):
    activities, roles = _duties(scope)
    found = [
        TodoItem(
            kind="problem_day_activity",
            title=_("Problem-theme day: you run %(title)s") % {"title": quoted(activity.title)},
            detail=str(activity.day),
            url=reverse("problemdays:day_detail", args=[activity.day_id]),
            due=activity.starts_at,
        )
        for activity in activities
    ]
    found += [
        TodoItem(
            kind="problem_day_role",
            title=_("Problem-theme day: %(role)s") % {"role": role.get_kind_display()},
            detail=str(role.day),
            url=reverse("problemdays:day_detail", args=[role.day_id]),
            due=role.when or role.day.date,
        )
        for role in roles
    ]
    return found


SOURCE = TodoSource(rows=rows, items=items)
