"""Parts of every page drawn once per process rather than on every request.

The frame of templates/base.html (head, navbar, footer, scripts) is mostly the
same for everyone: the menu a role sees, in one language, with one item lit. Drawn
from the template on each page it cost some 7,000 Python calls, more than half of a
small page. `{% shared_part "base_parts.html#menu" can=can place=place %}` renders
the partial once per language and values, then hands the same string to everyone
who gives equal values.

The values are the part's whole context: only what many people share (roles, a
flag, which section is lit), never the person's own data (a name, a count, a
school, a CSRF token): those stay in the page's template, drawn per request.
"""

import functools
from typing import NamedTuple

from django import template
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.template.loader import get_template
from django.utils import translation
from django.utils.autoreload import file_changed
from django.utils.translation import gettext

register = template.Library()


@functools.lru_cache(maxsize=256)
def _rendered(name, language, values):
    # A template's output is already safe (escaped as it was drawn).
    return get_template(name).render(dict(values))


@register.simple_tag
def shared_part(name, **values):
    """Partial `name` rendered with `values` alone (each hashable, the same for many
    people), in the current language; once per process for each such combination."""
    return _rendered(name, translation.get_language(), tuple(sorted(values.items())))


@functools.lru_cache(maxsize=16)
def _frame_words(language):
    return {
        "my_todos": gettext("My to-dos"),
        "notifications": gettext("Notifications"),
        "switch_school": gettext("Switch school"),
        "log_out": gettext("Log out"),
        "footer": gettext("teachers of a school working together"),
    }


@register.simple_tag
def frame_word(key):
    """A fixed word that base.html writes among the person's own parts (a count, a
    name, a CSRF token), translated once per process and language: `{% frame_word "log_out" %}`.
    A tag rather than a context variable, which would hide a page's own of that name."""
    return _frame_words(translation.get_language())[key]


@receiver(setting_changed)
def _forget_on_setting(**kwargs):
    # Tests change static storage, languages or templates' settings: draw again.
    _rendered.cache_clear()
    _frame_words.cache_clear()


@receiver(file_changed)
def _forget_on_edit(**kwargs):
    # runserver reloads an edited template without restarting the process.
    _rendered.cache_clear()


class NavPlace(NamedTuple):
    """Where a page sits, as the navbar lights its items: the route's app and, for the
    routes the menu names alone, the route's name (any other page: "")."""

    app: str
    url: str


# The route names templates/base_parts.html#menu compares `place.url` with.
NAV_ROUTE_NAMES = frozenset({"home", "board"})


@register.filter
def nav_place(resolver_match):
    if resolver_match is None:
        return NavPlace("", "")
    url = resolver_match.url_name
    return NavPlace(resolver_match.app_name, url if url in NAV_ROUTE_NAMES else "")
