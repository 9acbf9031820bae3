from django import template

from apps.ratings.points import number

register = template.Library()


@register.filter
def points(value):
    """A stored number of the rating as the protocol writes it (apps.ratings.points.number)."""
    return "" if value is None else number(value)
