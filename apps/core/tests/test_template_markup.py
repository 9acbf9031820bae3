"""The markup templates write where HTML fixes the syntax: `<time datetime>`, htmx attributes."""

import datetime
import re
import zoneinfo
from pathlib import Path

from django.conf import settings
from django.utils import timezone

from apps.core.templatetags.html_values import datetime_attr

SAMARA = zoneinfo.ZoneInfo("Europe/Samara")
# HTML's "valid date string" and "valid global date and time string" (at most three
# digits of a second's fraction; we write none).
VALID_DATETIME = re.compile(r"^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?(Z|[+-]\d{2}:\d{2}))?$")


def test_a_moment_is_written_to_the_second_in_the_current_time_zone():
    moment = datetime.datetime(2026, 12, 6, 6, 40, 2, 453420, tzinfo=datetime.UTC)
    with timezone.override(SAMARA):
        value = datetime_attr(moment)
    assert value == "2026-12-06T10:40:02+04:00"
    assert VALID_DATETIME.match(value)


def test_a_date_is_written_as_a_date_and_anything_else_as_nothing():
    assert datetime_attr(datetime.date(2026, 2, 28)) == "2026-02-28"
    assert datetime_attr(None) == ""
    assert datetime_attr("") == ""


def test_every_time_element_of_the_templates_goes_through_the_filter():
    """A `datetime` attribute written any other way (`|date:'c'` gives microseconds)
    fails here before it reaches a page."""
    written = []
    for path in sorted(Path(settings.BASE_DIR, "templates").rglob("*.html")):
        for value in re.findall(r'<time\b[^>]*\bdatetime="([^"]*)"', path.read_text(encoding="utf-8")):
            written.append((path.name, value))
    # Rows written in Python (apps/*/selectors.py, markup.py) fill the attribute
    # from a value the same filter made.
    for path in sorted(Path(settings.BASE_DIR, "apps").rglob("*.py")):
        if "tests" in path.parts:
            continue
        source = path.read_text(encoding="utf-8")
        for value in re.findall(r'<time\b[^>]*\bdatetime="([^"]*)"', source):
            written.append((path.name, value if "datetime_attr(" in source else "without datetime_attr"))
    assert written, "no <time datetime> in the templates: this test checks nothing"
    wrong = [
        (name, value)
        for name, value in written
        if not re.fullmatch(r"\{\{ [\w.]+\|datetime_attr \}\}|\{[\w.]+\}", value)
    ]
    assert wrong == []


def test_htmx_attributes_are_data_attributes():
    """HTML allows no `hx-*` attribute; htmx reads the same ones as `data-hx-*`."""
    bare = re.compile(r"(?<![\w-])hx-[a-z-]+=")
    found = [
        (str(path.relative_to(settings.BASE_DIR)), match)
        for root in ("templates", "static/js")
        for path in sorted(Path(settings.BASE_DIR, root).rglob("*.*"))
        if path.suffix in {".html", ".js"}
        for match in bare.findall(path.read_text(encoding="utf-8"))
    ]
    assert found == []
    assert any(
        "data-hx-post=" in path.read_text(encoding="utf-8")
        for path in Path(settings.BASE_DIR, "templates").rglob("*.html")
    ), "no htmx attribute in the templates: this test checks nothing"
