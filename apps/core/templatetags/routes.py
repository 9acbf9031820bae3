"""`{% url_once 'name' %}`: `{% url 'name' %}` for routes without arguments, reversed
once per process (apps.core.links.fixed_link) rather than on every page."""

from django import template

from apps.core.links import fixed_link

register = template.Library()


@register.simple_tag
def url_once(name):
    return fixed_link(name)
