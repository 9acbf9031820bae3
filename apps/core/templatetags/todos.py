"""Filters for «Мои дела» items (apps.core.todos)."""

import datetime

from django import template

register = template.Library()


@register.filter
def todo_overdue(item, now):
    return item.is_overdue(now)


@register.filter
def todo_has_time(item):
    """A deadline with an hour (a debrief's 48 hours), not only a day."""
    return isinstance(item.due, datetime.datetime)
