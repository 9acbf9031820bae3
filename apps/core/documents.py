"""The school's documents (the rating's protocol, the yearly report): files that leave
the app in the school's format, a Russian school's document, so in Russian whatever
the reader's interface or the site's default, and PDFs rendered on the server by
WeasyPrint.

A PDF fetches nothing: no URL is followed (styles are inline or templates, fonts come
from the system's DejaVu for Cyrillic), so a name typed into the app cannot make the
server request a page or read a file.
"""

from django.template.loader import render_to_string
from django.utils import translation
from weasyprint import CSS, HTML, URLFetcher

# The language of the school's documents.
DOCUMENT_LANGUAGE = "ru"


def in_school_format():
    """The language the school's documents are written in, as a context manager."""
    return translation.override(DOCUMENT_LANGUAGE)


def _no_fetching():
    # Every protocol refused: not http(s), not file, not data.
    return URLFetcher(allowed_protocols=())


def render_pdf(template_name, context, *, stylesheet_template=None) -> bytes:
    """The PDF of `template_name` with `context`, in the school's format."""
    with in_school_format():
        html = render_to_string(template_name, context)
        style = render_to_string(stylesheet_template) if stylesheet_template else None
    fetcher = _no_fetching()
    stylesheets = [CSS(string=style, url_fetcher=fetcher)] if style is not None else []
    return HTML(string=html, url_fetcher=fetcher).write_pdf(stylesheets=stylesheets)
