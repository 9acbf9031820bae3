"""Values for HTML attributes whose syntax the HTML standard fixes."""

import datetime

from django import template
from django.utils import timezone

register = template.Library()


@register.filter
def datetime_attr(value):
    """`<time datetime="{{ value|datetime_attr }}">`: a date as 2026-12-06, a moment as
    2026-12-06T10:40:02+04:00 in the current time zone (the one the text beside it
    is shown in), to the second: HTML allows at most three digits of a second's
    fraction, and Python's isoformat gives six."""
    if isinstance(value, datetime.datetime):
        if timezone.is_aware(value):
            value = timezone.localtime(value)
        return value.isoformat(timespec="seconds")
    if isinstance(value, datetime.date):
        return value.isoformat()
    return ""
