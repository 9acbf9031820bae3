"""The stylesheet and icon sprite that bin/build-static.mjs generates (bin/setup.sh runs it).

Bootstrap cut down by PurgeCSS must keep every class the templates use, and the one
stylesheet a page waits for stays small enough for a phone's first paint; every
{% icon %} a template names is in the sprite.
"""

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib import messages
from django.contrib.messages.utils import get_level_tags
from django.contrib.staticfiles import finders
from django.template import Context, Template, TemplateSyntaxError
from django.templatetags.static import static

from conftest import client_for

BASE = Path(settings.BASE_DIR)
BUILD = Path(settings.BUILD_STATIC_DIR)
FULL_BOOTSTRAP = BASE / "node_modules" / "bootstrap" / "dist" / "css" / "bootstrap.min.css"
# What a page may make a phone download before it paints anything.
RENDER_BLOCKING_BUDGET = 60 * 1024

TEMPLATE_TAG = re.compile(r"\{%.*?%\}|\{\{.*?\}\}|\{#.*?#\}", re.S)
CLASS_SELECTOR = re.compile(r"\.(-?[_a-zA-Z][\w-]*)")


def built(name):
    path = BUILD / name
    if not path.exists():
        pytest.fail(f"{path} is missing: run bin/setup.sh (it runs bin/build-static.mjs)")
    return path.read_text(encoding="utf-8")


def css_classes(css):
    # Class selectors only: drop declaration blocks (a value like 0.5rem or a data: URL is no class).
    selectors = re.sub(r"\{[^{}]*\}", " ", css)
    return set(CLASS_SELECTOR.findall(selectors))


def template_files():
    yield from sorted((BASE / "templates").rglob("*.html"))
    yield from sorted((BASE / "apps").glob("*/templates/**/*.html"))


def template_class_tokens():
    """(template, class) for every word of every class="…" in the templates, the
    template tags taken out (the words between {% if %} and {% endif %} stay)."""
    for path in template_files():
        text = path.read_text(encoding="utf-8")
        for value in re.findall(r'\bclass="([^"]*)"', text):
            for token in TEMPLATE_TAG.sub(" ", value).split():
                yield path.relative_to(BASE), token
        # {% icon "x" class="…" %} and the like: classes passed to a tag.
        for value in re.findall(r'\bclass="([^"]*)"', "".join(re.findall(r"\{%.*?%\}", text, re.S))):
            for token in value.split():
                yield path.relative_to(BASE), token


def code_class_tokens():
    """Classes the apps' Python (widget attrs, crispy) and our JavaScript write."""
    python = re.compile(
        r"""["'](?:class|css_class)["']\s*:\s*["']([^"']*)["']|css_class\s*=\s*["']([^"']*)["']"""
        # Markup written in Python (the form fields of apps/core/templatetags/crispy_lean.py).
        r'|\bclass="([^"{]*)|_add_classes\(\w+,\s*"([^"]*)"'
    )
    for path in sorted((BASE / "apps").rglob("*.py")):
        if "tests" in path.parts or "migrations" in path.parts:
            continue
        for match in python.finditer(path.read_text(encoding="utf-8")):
            for token in "".join(group or "" for group in match.groups()).split():
                yield path.relative_to(BASE), token
    js = re.compile(r"""classList\.(?:add|remove|toggle)\(\s*["']([^"']+)["']|className\s*=\s*["']([^"']*)["']""")
    for path in sorted((BASE / "static" / "js").rglob("*.js")):
        for match in js.finditer(path.read_text(encoding="utf-8")):
            for token in (match.group(1) or match.group(2) or "").split():
                yield path.relative_to(BASE), token


def class_only_selectors(css):
    """Every selector of the stylesheet made of classes and combinators only (".btn",
    ".navbar-expand-xl .navbar-nav", ".list-group-item.active"), spaces normalised."""
    selectors = set()
    for group in re.findall(r"([^{}]+)\{[^{}]*\}", css):
        for selector in group.split(","):
            selector = re.sub(r"\s*([>+~])\s*", r"\1", " ".join(selector.split()))
            if selector and re.fullmatch(r"(\.-?[_a-zA-Z][\w-]*)+([ >+~](\.-?[_a-zA-Z][\w-]*)+)*", selector):
                selectors.add(selector)
    return selectors


def test_the_cut_stylesheet_keeps_every_bootstrap_rule_the_templates_and_code_use():
    """A Bootstrap selector made only of classes that the templates, the apps' Python or
    our JavaScript write (".btn", ".card .card-header") is still in build/site.css."""
    used = list(template_class_tokens()) + list(code_class_tokens())
    tokens = {token for _path, token in used}
    full = class_only_selectors(FULL_BOOTSTRAP.read_text(encoding="utf-8"))
    needed = {selector for selector in full if set(CLASS_SELECTOR.findall(selector)) <= tokens}
    assert len(needed) > 200, "few Bootstrap selectors found in use: this test checks nothing"
    dropped = sorted(needed - class_only_selectors(built("site.css")))
    assert dropped == [], "PurgeCSS dropped rules in use (a safelist entry in bin/build-static.mjs?)"


def test_what_bootstrap_and_htmx_scripts_add_at_run_time_is_kept():
    kept = css_classes(built("site.css"))
    # The navbar folds with .collapse/.collapsing/.show, dropdowns open with .show,
    # alerts close with .fade; a dropdown in the navbar is placed by [data-bs-popper].
    run_time = ("show", "collapse", "collapsing", "fade", "is-invalid", "htmx-request", "htmx-indicator")
    assert [name for name in run_time if name not in kept] == []
    assert "[data-bs-popper]" in built("site.css")


@pytest.mark.parametrize("level", [messages.INFO, messages.SUCCESS, messages.WARNING, messages.ERROR])
def test_every_message_level_has_its_alert_colour(level):
    """base.html writes alert-{{ message.tags }}: a class no template spells out."""
    assert f"alert-{get_level_tags()[level]}" in css_classes(built("site.css"))


@pytest.mark.django_db
@pytest.mark.parametrize("who", [None, "teacher"])
def test_the_render_blocking_css_of_a_page_is_at_most_60_kib(who, request):
    client = client_for(request.getfixturevalue(who) if who else None)
    page = client.get("/" if who else "/accounts/login/").content.decode()
    head = page.split("</head>", 1)[0]
    links = re.findall(r'<link rel="stylesheet" href="([^"]+)"', head)
    assert links, "no stylesheet in the page's head"
    sizes = {}
    for href in links:
        found = finders.find(href.removeprefix(static("")))
        assert found, href
        sizes[href] = Path(found).stat().st_size
    assert sum(sizes.values()) <= RENDER_BLOCKING_BUDGET, sizes
    # No stylesheet waits on a font either: the icons are an SVG sprite now.
    assert "bootstrap-icons" not in page


def test_no_template_or_script_draws_an_icon_from_the_font():
    font_icon = re.compile(r"""<i\s[^>]*class="[^"]*\bbi\b|["']bi bi-|\bbi-[a-z0-9]""")
    found = [
        str(path.relative_to(BASE))
        for path in [*template_files(), *sorted((BASE / "static" / "js").rglob("*.js"))]
        if font_icon.search(path.read_text(encoding="utf-8"))
    ]
    assert found == []


def test_every_icon_a_template_names_is_in_the_sprite():
    sprite = built("icons.svg")
    symbols = set(re.findall(r'<symbol id="([^"]+)" viewBox="0 0 16 16">', sprite))
    named, not_literal = set(), []
    for path in template_files():
        text = path.read_text(encoding="utf-8")
        named.update(re.findall(r"""\{%\s*icon\s+["']([a-z0-9-]+)["']""", text))
        not_literal += [str(path.relative_to(BASE)) for _ in re.findall(r"""\{%\s*icon\s+(?!["'])""", text)]
    assert not_literal == [], "the build finds icon names in the templates: write them as literal strings"
    assert len(named) > 20, "few icons found: this test checks nothing"
    assert named - symbols == set()


def test_an_icon_is_the_sprite_symbol_hidden_from_screen_readers_unless_it_alone_speaks():
    html = Template('{% icon "pencil" %}|{% icon "check2-circle" class="text-success" label=text %}').render(
        Context({"text": 'отзыв "сдан"'})
    )
    decorative, speaking = html.split("|")
    assert decorative == (
        '<svg class="bi" width="1em" height="1em" fill="currentColor" aria-hidden="true">'
        f'<use href="{static("build/icons.svg")}#pencil"></use></svg>'
    )
    assert 'class="bi text-success"' in speaking
    assert 'role="img" aria-label="отзыв &quot;сдан&quot;"' in speaking
    assert "<title>отзыв &quot;сдан&quot;</title>" in speaking
    assert "aria-hidden" not in speaking


def test_an_icon_name_or_argument_that_cannot_be_right_is_refused():
    with pytest.raises(TemplateSyntaxError):
        Template('{% icon "Pencil<" %}').render(Context())
    with pytest.raises(TemplateSyntaxError):
        Template('{% icon "pencil" style="color:red" %}').render(Context())


def test_the_built_files_are_found_where_the_pages_point():
    assert finders.find("build/icons.svg")
    assert finders.find("build/site.css")
