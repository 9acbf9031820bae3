"""The list of leaves beside the tree, written in Python: a template included for
each of forty leaves was most of the tree page's rendering. Every value is
escaped here, as the template escaped it."""

from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from apps.core.links import row_link

_detail = row_link("recognition:detail")


def leaf_items_html(leaves):
    """`<li>` items of the leaves: the people, what for, when, from whom, what it is about."""
    detail = _detail.pattern()
    more = escape(_("more"))
    items = []
    for leaf in leaves:
        names = escape(leaf.names)
        link = f' · <span class="text-break">{escape(leaf.link_title)}</span>' if leaf.link_title else ""
        author = escape(_("from %(author)s") % {"author": leaf.author})
        items.append(
            f'<li class="bg-body-tertiary rounded p-2 mb-2" data-leaf-item="{leaf.pk}">'
            f'<div class="fw-semibold text-break">{names}</div>'
            f'<div class="text-break">{escape(leaf.text)}</div>'
            f'<div class="small text-body-secondary">{leaf.day:%d.%m.%Y} · {author}{link} · '
            f'<a href="{detail.format(pk=leaf.pk)}">{more}'
            f'<span class="visually-hidden">: {names}</span></a></div></li>\n'
        )
    return mark_safe("".join(items))  # nosec B308 B703 - every value escaped above
