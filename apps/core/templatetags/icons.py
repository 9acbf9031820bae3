"""{% icon "name" %}: a Bootstrap icon from the SVG sprite that bin/build-static.mjs
writes (static/build/icons.svg, one <symbol> per icon the templates name).

A built-in tag (TEMPLATES' "builtins"), so templates need no {% load %}. Names are
literal strings: the build collects them from the templates to make the sprite.

    {% icon "pencil" %}                          decorative: hidden from screen readers
    {% icon "check-square" class="text-success" %}
    {% icon "check2-circle" label=_("feedback submitted") %}   the icon alone says it
"""

import functools
import re

from django import template
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.templatetags.static import static
from django.utils.html import format_html

register = template.Library()

SPRITE = "build/icons.svg"
_NAME = re.compile(r"[a-z0-9]+(-[a-z0-9]+)*")


@functools.cache
def _sprite():
    """The sprite's address, looked up in the static files' manifest once per process
    (every page draws a dozen icons)."""
    return static(SPRITE)


@receiver(setting_changed)
def _forget_sprite(*, setting, **kwargs):
    if setting in ("STATIC_URL", "STORAGES"):
        _sprite.cache_clear()
        _decorative.cache_clear()


@register.simple_tag
def icon(name, *, label="", **attrs):
    if label:
        return _svg(name, label, attrs)
    return _decorative(name, **attrs)


@functools.lru_cache(maxsize=512)
def _decorative(name, **attrs):
    """An icon without a label: the same markup wherever a template draws it (names and
    classes are literals), made once per process; the navbar alone draws three a page."""
    return _svg(name, "", attrs)


def _svg(name, label, attrs):
    if not _NAME.fullmatch(name):
        raise template.TemplateSyntaxError(f"icon: {name!r} is not a Bootstrap icon name")
    unknown = set(attrs) - {"class"}
    if unknown:
        raise template.TemplateSyntaxError(f"icon: unknown argument(s) {', '.join(sorted(unknown))}")
    css_class = " ".join(["bi", *attrs.get("class", "").split()])
    href = f"{_sprite()}#{name}"
    if label:
        # Meaning carried by the icon alone: read out as an image with its name,
        # the <title> is also its tooltip.
        return format_html(
            '<svg class="{}" width="1em" height="1em" fill="currentColor" role="img" aria-label="{}">'
            '<title>{}</title><use href="{}"></use></svg>',
            css_class,
            label,
            label,
            href,
        )
    return format_html(
        '<svg class="{}" width="1em" height="1em" fill="currentColor" aria-hidden="true"><use href="{}"></use></svg>',
        css_class,
        href,
    )
