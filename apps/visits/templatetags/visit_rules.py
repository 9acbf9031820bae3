"""The visits' own rules, for templates (the same as their queryset methods)."""

from django import template

register = template.Library()


@register.filter
def overdue_at(visit, now):
    """{% if visit|overdue_at:now %}: LessonVisit.is_overdue."""
    return visit.is_overdue(now)
