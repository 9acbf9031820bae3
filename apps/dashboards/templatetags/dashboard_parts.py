"""The dashboards' tabs and filters box, written once in Python: every dashboard shows them, and as
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


@register.simple_tag(takes_context=True)
def dashboard_filters(context):
    """The filters box over a dashboard (its form's `filter_rows`), as the fields of a
    GET form: a select's options come ready from the form, an input shows what was typed."""
    form, request = context["form"], context["request"]
    period, year_label = context.get("period"), context.get("year_label")
    heading = text(_("Filters"))
    if period:
        heading += f": {text(period.label)}"
    elif year_label:
        heading += f": {text(year_label)}"
    parts = [
        f'<details class="mb-3 d-print-none"{" open" if form.errors or request.GET else ""}'
        ' data-testid="dashboard-filters-box">\n'
        f'<summary class="small text-body-secondary">{heading}</summary>\n'
        '<form method="get" class="row g-2 align-items-end mt-1" data-testid="dashboard-filters" novalidate>\n  '
    ]
    errors = form.non_field_errors()
    if errors:
        joined = " ".join(text(error) for error in errors)
        parts.append(f'<div class="col-12"><div class="alert alert-danger py-2 mb-0">{joined}</div></div>')
    for field, options in form.filter_rows():
        field_id, name = text(field.id_for_label), text(field.html_name)
        invalid = " is-invalid" if field.errors else ""
        parts.append(
            '\n  <div class="col-6 col-md-auto">\n'
            f'    <label class="form-label small mb-1" for="{field_id}">{text(field.label)}</label>\n    '
        )
        if options is not None:
            empty = ""
            if not field.field.required and field.name != "year":
                everyone = _("all schools") if field.name == "school" else _("all")
                empty = f'<option value="">{text(everyone)}</option>'
            parts.append(
                f'<select name="{name}" id="{field_id}" class="form-select form-select-sm{invalid}">\n'
                f"      {empty}\n      {options}\n    </select>\n    "
            )
        else:
            widget = field.field.widget
            value = field.value()
            kind = "date" if widget.input_type == "date" or widget.attrs.get("type") == "date" else "number"
            numeric = ' inputmode="numeric"' if widget.input_type == "number" else ""
            parts.append(
                f'<input name="{name}" id="{field_id}" value="{text("" if value is None else value)}"'
                f' class="form-control form-control-sm{invalid}" type="{kind}"{numeric}>\n    '
            )
        parts.extend(f'<div class="invalid-feedback d-block">{text(error)}</div>' for error in field.errors)
        parts.append("\n  </div>\n  ")
    parts.append(
        '\n  <div class="col-6 col-md-auto"><button class="btn btn-sm btn-primary w-100" type="submit"'
        f' data-testid="filters-apply">{text(_("Show"))}</button></div>\n</form>\n</details>'
    )
    return safe("".join(parts))
