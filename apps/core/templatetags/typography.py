from django import template

from apps.core.typography import quoted as _quoted

register = template.Library()


@register.filter
def quoted(value):
    """{{ activity.title|quoted }}: the title in «», inner quotes as „“ (see apps.core.typography)."""
    return _quoted(value)
