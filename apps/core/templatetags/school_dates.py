"""`short_date`: the day without its year while it is in the current academic year,
with it otherwise (apps.core.dates.short_date), for every page that shows short dates;
`academic_year`: a year as its academic year, "2025/2026"."""

from django import template

from apps.core import dates

register = template.Library()


@register.filter(expects_localtime=True)
def short_date(value, fmt="d.m"):
    """`{{ visit.starts_at|short_date:"D d.m H:i" }}`: `fmt` is a Django date format
    holding "d.m", which gets the year when the day is outside the current academic year."""
    try:
        return dates.short_date(value, fmt)
    except AttributeError:  # not a date (an empty value of a template, say), as Django's `date` filter
        return ""


@register.filter
def academic_year(value):
    """`{{ programme.year|academic_year }}`: "2025/2026" (apps.core.dates.academic_year_span)."""
    try:
        return dates.academic_year_span(int(value))
    except (TypeError, ValueError):
        return ""
