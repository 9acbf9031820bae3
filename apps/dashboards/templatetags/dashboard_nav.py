"""The dashboards' tabs, written once in Python: every dashboard shows them, and as
a template they cost a `{% url %}` and a condition per tab."""

import functools

from django import template
from django.urls import get_script_prefix, reverse
from django.utils.translation import gettext_lazy as _

from apps.core.links import row_link
from apps.core.templatetags.icons import icon
from apps.dashboards.markup import safe, text

register = template.Library()

# (url name, label, the capability that shows the tab or None for every member)
TABS = (
    ("categories", _("Categories"), "dashboards_view_school"),
    ("participation", _("Participation"), "dashboards_view_school"),
    ("timeliness", _("Debrief timeliness"), "dashboards_view_timeliness"),
    ("collaboration", _("Collaboration network"), "dashboards_view_school"),
    ("annual_report", _("Yearly report"), "dashboards_view_school"),
    ("my_participation", _("My participation"), None),
)


@functools.lru_cache(maxsize=64)
def _link(name, prefix):
    return reverse(f"dashboards:{name}")


@register.simple_tag(takes_context=True)
def dashboard_nav(context):
    request, can = context["request"], context["can"]
    current = request.resolver_match.url_name
    prefix = get_script_prefix()
    items = []
    for name, label, capability in TABS:
        if capability is None or can[capability]:
            active = " active" if name == current else ""
            items.append(
                f'<li class="nav-item"><a class="nav-link text-nowrap{active}" href="{_link(name, prefix)}">'
                f"{text(label)}</a></li>"
            )
    if can["dashboards_view_school"]:
        network_link = row_link("dashboards:network", "network_id")
        for network in context["coordinated_networks"]():
            items.append(
                f'<li class="nav-item"><a class="nav-link text-nowrap" href="{network_link(network_id=network.pk)}">'
                f"{icon('diagram-3')} {text(network.name)}</a></li>"
            )
    return safe(
        '<ul class="nav nav-pills flex-nowrap overflow-auto mb-3 small" data-testid="dashboard-nav">\n  '
        + "\n  ".join(items)
        + "\n</ul>"
    )
