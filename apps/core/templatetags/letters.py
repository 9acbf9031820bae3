"""Tags of the letters' templates (apps/core/mail.py): one template, text and HTML."""

import re

from django import template
from django.utils.html import format_html
from django.utils.safestring import mark_safe

from apps.core.mail import site_absolute

register = template.Library()

_PARAGRAPH_BREAK = re.compile(r"\n\s*\n")


@register.simple_tag(takes_context=True)
def letter_link(context, url, label):
    """A link on SITE_URL: a button in the HTML part, "label: URL" in the text part."""
    absolute = site_absolute(url)
    if context.get("letter_html"):
        return format_html('<a class="button" href="{}">{}</a>', absolute, label)
    return f"{label}: {absolute}"


class ParagraphsNode(template.Node):
    def __init__(self, nodelist):
        self.nodelist = nodelist

    def render(self, context):
        # The content is rendered (and escaped) already: only its blank lines are read.
        rendered = self.nodelist.render(context)
        paragraphs = [p.strip() for p in _PARAGRAPH_BREAK.split(rendered) if p.strip()]
        html = "".join("<p>{}</p>".format("<br>".join(line.strip() for line in p.splitlines())) for p in paragraphs)
        return mark_safe(html)  # nosec B308 B703 # the template's own escaped output, cut into paragraphs


@register.tag
def letter_paragraphs(parser, token):
    """{% letter_paragraphs %}…{% endletter_paragraphs %}: the text's paragraphs as <p>."""
    nodelist = parser.parse(("endletter_paragraphs",))
    parser.delete_first_token()
    return ParagraphsNode(nodelist)
