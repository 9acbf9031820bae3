"""Letters the product sends: one template per letter, sent as text and HTML.

A letter's template extends `layout` and fills the blocks `subject`, `content` and
`footer` once. It is rendered three times, with `layout` set to the subject, text
and HTML layouts under templates/email/: the subject layout gives one line, the text
layout leaves the words as written (no escaping), the HTML one escapes them, turns
blank-line-separated paragraphs into <p> and inlines its CSS (mail clients drop
<style>). So the two parts cannot drift apart. Links are written with
`{% letter_link path label %}` (apps/core/templatetags/letters.py): on SITE_URL, a
button in HTML, "label: URL" in text.

Every letter says it was made by a machine (Auto-Submitted, RFC 3834, so that
autoresponders stay quiet) and carries a Message-ID on the site's own domain.
"""

import re
from dataclasses import dataclass
from email.header import Header
from email.message import Message
from email.utils import make_msgid
from urllib.parse import urlsplit

import css_inline
from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string

SUBJECT_LAYOUT = "email/layout_subject.txt"
TEXT_LAYOUT = "email/layout.txt"
HTML_LAYOUT = "email/layout.html"

_BLANK_LINES = re.compile(r"\n{3,}")


@dataclass(frozen=True)
class Letter:
    subject: str
    text: str
    html: str


def site_host():
    """The host of SITE_URL: the domain of the letters' Message-IDs."""
    return urlsplit(settings.SITE_URL).hostname or "localhost"


def site_absolute(url):
    """`url` on SITE_URL: a path gets the site's scheme and host; a full URL stays."""
    if not url:
        return ""
    if urlsplit(url).scheme:
        return url
    return settings.SITE_URL + ("" if url.startswith("/") else "/") + url


def one_line(text):
    """A header value on one line: runs of whitespace, line breaks too, become one space."""
    return " ".join(text.split())


def _tidy_text(text):
    lines = [line.rstrip() for line in text.strip().splitlines()]
    return _BLANK_LINES.sub("\n\n", "\n".join(lines)) + "\n"


def letter_render(template_name, context):
    """The subject, text and HTML of the letter `template_name` (see the module's docstring)."""

    def render(layout, html):
        return render_to_string(template_name, {**context, "layout": layout, "letter_html": html})

    subject = one_line(render(SUBJECT_LAYOUT, False))
    text = _tidy_text(render(TEXT_LAYOUT, False))
    html = css_inline.inline(render(HTML_LAYOUT, True))
    return Letter(subject=subject, text=text, html=html)


class _LetterMessage(EmailMultiAlternatives):
    """Django 5.2 encodes a non-ASCII subject without counting "Subject: ", so the
    header is folded before its first word and reads back with a leading space.
    The subject is encoded here knowing its header's name: it starts on the line."""

    def message(self):
        msg = super().message()
        del msg["Subject"]
        charset = "us-ascii" if self.subject.isascii() else "utf-8"
        # Message's own __setitem__: Django's refuses the folded, already safe value.
        Message.__setitem__(msg, "Subject", Header(self.subject, charset, header_name="Subject"))
        return msg


def letter_build(template_name, context, *, to, connection=None):
    """The letter to `to` (a list of addresses), multipart/alternative, ready to send()."""
    letter = letter_render(template_name, context)
    message = _LetterMessage(
        letter.subject,
        letter.text,
        None,
        to,
        connection=connection,
        headers={"Auto-Submitted": "auto-generated", "Message-ID": make_msgid(domain=site_host())},
    )
    message.attach_alternative(letter.html, "text/html")
    return message
