"""Markup written in Python for the dashboards' bulk (chart marks, table rows): one
string per block instead of template nodes per cell. Values are escaped exactly as
the template's autoescape would; numbers are written unlocalized (the pages' whole
numbers and SVG coordinates read the same either way)."""

import functools

from django.conf import settings
from django.template.defaultfilters import floatformat
from django.utils.formats import localize
from django.utils.safestring import mark_safe
from django.utils.translation import get_language

# What html.escape (and so Django's escape) replaces, in one pass over the text.
_ESCAPES = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#x27;"})


def text(value):
    """`value` escaped as `{{ value }}` would be (a safe string as it is)."""
    if type(value) is int:
        return str(value)
    if hasattr(value, "__html__"):
        return value.__html__()
    return str(value).translate(_ESCAPES)


def safe(markup):
    """Mark a block built only from literal markup, numbers and `text()` values."""
    return mark_safe(markup)  # nosec B308 B703 - every value in it went through text() or is a number


def number(value):
    """A number as `{{ value }}` writes it on the page (a decimal comma in Russian).
    A whole number without thousands' grouping is its digits, as localize gives it."""
    if type(value) is int and not settings.USE_THOUSAND_SEPARATOR:
        return str(value)
    return localize(value)


def decimal(value, places):
    """`{{ value|floatformat:places }}`: the filter builds and rounds Decimals at every
    call (some thirty calls); a page's shares repeat, so each value is worked out once
    per format and language."""
    return _floatformat(type(value), value, places, get_language())


@functools.lru_cache(maxsize=4096)
def _floatformat(kind, value, places, language):
    return floatformat(value, places)
