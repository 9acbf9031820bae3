"""Quotes around titles come from one helper: a title with quotes of its own is
never wrapped into «…«…»»."""

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.template import Context, Template

from apps.core.typography import quoted

ROOT = Path(settings.BASE_DIR)


@pytest.mark.parametrize(
    "text,expected",
    [
        ("Мы помним", "«Мы помним»"),
        ("Классный час «Книга или ролик?»", "«Классный час „Книга или ролик?“»"),
        ("«Книга или ролик?»", "«Книга или ролик?»"),
        ("«Вода» и «Лес»", "«„Вода“ и „Лес“»"),
        ('МБОУ "СОШ № 1"', "«МБОУ „СОШ № 1“»"),
        ("  ", ""),
    ],
)
def test_quoted(text, expected):
    assert quoted(text) == expected


def test_the_filter_quotes_and_escapes():
    template = Template("{% load typography %}{{ title|quoted }}")
    assert template.render(Context({"title": "Клуб «Пехотинец» <b>"})) == "«Клуб „Пехотинец“ &lt;b&gt;»"


def test_no_template_or_message_quotes_a_value_by_hand():
    """«{{ x }}» and «%(x)s» double the quotes of a title that has its own: use |quoted or quoted()."""
    by_hand = re.compile(r"«\{\{|«%\(")
    sources = [*ROOT.joinpath("templates").rglob("*.html"), *ROOT.joinpath("apps").rglob("*.py")]
    found = [
        str(path.relative_to(ROOT))
        for path in sources
        if "tests" not in path.parts and "migrations" not in path.parts and by_hand.search(path.read_text())
    ]
    assert found == [], found
