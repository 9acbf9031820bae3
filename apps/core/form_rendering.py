"""Django's form widgets rendered without a template per widget and per option.

Django renders every widget through its template (`text.html` includes
`input.html`, which includes `attrs.html`), and a select through one included
template per option: a form of a dozen fields with a staff select spent most of
its time in the template engine. `WidgetRenderer` (settings.FORM_RENDERER)
builds the markup of the common widgets (inputs, checkboxes, textareas,
selects, one radio button or checkbox of a list) in Python, character for
character what Django's templates give (apps/core/tests/test_form_rendering.py
compares them); every other template (forms, fields, radio and checkbox lists,
file inputs) goes to Django's renderer as before.
"""

import functools
import html
import re

from django.forms import widgets
from django.forms.boundfield import BoundField
from django.forms.models import ModelChoiceIteratorValue
from django.forms.renderers import DjangoTemplates
from django.utils.formats import localize
from django.utils.functional import Promise
from django.utils.html import conditional_escape
from django.utils.safestring import SafeData, SafeString
from django.utils.timezone import template_localtime

_WIDGETS = "django/forms/widgets/"
_SELECT_OPTION = _WIDGETS + "select_option.html"


has_special = re.compile("[&<>\"']").search


def escaped(value):
    """`html.escape(value)` for a str: most labels and values have nothing to escape,
    and one scan finds that (html.escape makes five passes)."""
    return html.escape(value) if has_special(value) else value


def printed(value):
    """`{{ value }}`: what the template engine prints (localised, escaped)."""
    if isinstance(value, Promise):
        # A translated label: localisation leaves it as it is, and it is printed as its text.
        value = str(value)
    if type(value) is str:  # the most common case, which localisation leaves as it is
        return SafeString(escaped(value))  # nosec B308 B703 - escaped right here
    value = localize(template_localtime(value))
    if not issubclass(type(value), str):
        value = str(value)
    return conditional_escape(value)


def text(value):
    """`{{ value }}` for a string (or a lazy one): escaped, unless marked safe; no
    localisation, so cheaper than `printed` in rows drawn in Python."""
    if isinstance(value, SafeData):
        return value
    return escaped(str(value))


def formatted(value):
    """`{{ value|stringformat:'s' }}`."""
    if type(value) is str:
        return SafeString(escaped(value))  # nosec B308 B703 - escaped right here
    if type(value) is ModelChoiceIteratorValue and type(value.value) is int:
        return str(value.value)  # a model choice's id: digits, nothing to escape
    if isinstance(value, tuple):
        value = str(value)
    text = str(value)
    return text if isinstance(value, SafeData) else conditional_escape(text)


@functools.lru_cache(maxsize=512)
def _attr_name(name):
    # Attribute names are few (class, id, required, selected, aria-...): printed once each.
    return printed(name)


def html_attrs(attrs):
    """django/forms/widgets/attrs.html."""
    parts = []
    for name, value in attrs.items():
        if value is False:
            continue
        shown = _attr_name(name) if type(name) is str else printed(name)
        if value is True:
            parts.append(" " + shown)
        elif type(value) is str:
            parts.append(f' {shown}="{escaped(value)}"')
        else:
            parts.append(f' {shown}="{formatted(value)}"')
    return "".join(parts)


def _input(widget):
    """django/forms/widgets/input.html (text, number, email, date, checkbox...)."""
    value = widget["value"]
    shown = f' value="{formatted(value)}"' if value is not None else ""
    attrs = html_attrs(widget["attrs"])
    return f'<input type="{printed(widget["type"])}" name="{printed(widget["name"])}"{shown}{attrs}>'


def _input_option(widget):
    """input_option.html: one radio button or checkbox of a list (`{{ radio.tag }}`)."""
    html = _input(widget)
    if widget.get("wrap_label"):
        ident = widget["attrs"].get("id")
        opening = f'<label for="{printed(ident)}">' if ident else "<label>"
        # The included input.html ends with a line break.
        html = f"{opening}{html}\n {printed(widget['label'])}</label>"
    return html


def _textarea(widget):
    value = widget["value"]
    text = printed(value) if value else ""
    return f'<textarea name="{printed(widget["name"])}"{html_attrs(widget["attrs"])}>\n{text}</textarea>'


# Option values printed as their text (`formatted` gives them so), and the attributes of a
# plain option: none, or selected.
_KEYS = (str, int, ModelChoiceIteratorValue)
_PLAIN_OPTION_ATTRS = ({}, {"selected": True})


def _select(widget):
    parts = [f'<select name="{printed(widget["name"])}"{html_attrs(widget["attrs"])}>']
    for group_name, group_choices, _index in widget["optgroups"]:
        if group_name:
            parts.append(f'\n  <optgroup label="{printed(group_name)}">')
        for option in group_choices:
            if option["template_name"] != _SELECT_OPTION:
                return None
            value, label, attrs = option["value"], option["label"], option["attrs"]
            # The usual option (a key, a text label, selected or not) written at once.
            shown = escaped(str(value)) if type(value) in _KEYS else formatted(value)
            attrs = (" selected" if attrs else "") if attrs in _PLAIN_OPTION_ATTRS else html_attrs(attrs)
            label = escaped(label) if type(label) is str else printed(label)
            parts.append(f'\n  <option value="{shown}"{attrs}>{label}</option>\n')
        if group_name:
            parts.append("\n  </optgroup>")
    parts.append("\n</select>")
    return "".join(parts)


_BUILDERS = {
    **{
        _WIDGETS + name + ".html": _input
        for name in (
            "input",
            "text",
            "number",
            "email",
            "url",
            "search",
            "tel",
            "password",
            "hidden",
            "date",
            "datetime",
            "time",
            "color",
            "checkbox",
        )
    },
    _WIDGETS + "input_option.html": _input_option,
    _WIDGETS + "radio_option.html": _input_option,
    _WIDGETS + "checkbox_option.html": _input_option,
    _WIDGETS + "textarea.html": _textarea,
    _WIDGETS + "select.html": _select,
}
_KIND_BUILDERS = {"input": _input, "textarea": _textarea, "select": _select}
_SELECTED = {"selected": True}


def _select_options(widget, values):
    """The options `_select` writes for the optgroups Django's ChoiceWidget makes of
    `widget.choices` (the same selection rule), without a dict per option."""
    parts = []
    has_selected = False
    multiple = widget.allow_multiple_selected
    for option_value, option_label in widget.choices:
        if option_value is None:
            option_value = ""
        if type(option_label) is str and type(option_value) in _KEYS:
            # The usual option (a key and a text label), written at once: what the loop
            # below writes for it, the escaping inlined.
            key = str(option_value)
            selected = (not has_selected or multiple) and key in values
            has_selected |= selected
            shown = html.escape(key) if has_special(key) else key
            label = html.escape(option_label) if has_special(option_label) else option_label
            parts.append(f'\n  <option value="{shown}"{" selected" if selected else ""}>{label}</option>\n')
            continue
        if isinstance(option_label, list | tuple):
            group_name, choices = option_value, option_label
        else:
            group_name, choices = None, ((option_value, option_label),)
        if group_name:
            parts.append(f'\n  <optgroup label="{printed(group_name)}">')
        for value, label in choices:
            selected = (not has_selected or multiple) and str(value) in values
            has_selected |= selected
            shown = escaped(str(value)) if type(value) in _KEYS else formatted(value)
            label = escaped(label) if type(label) is str else printed(label)
            parts.append(f'\n  <option value="{shown}"{" selected" if selected else ""}>{label}</option>\n')
        if group_name:
            parts.append("\n  </optgroup>")
    return "".join(parts)


@functools.cache
def _direct_kind(kind):
    """How a widget class is drawn by `bound_widget_html`: "input", "textarea",
    "select", or None when the class changes anything of Django's way there (its
    context, its rendering, its options)."""
    if kind.render is not widgets.Widget.render or kind._render is not widgets.Widget._render:
        return None
    if kind.build_attrs is not widgets.Widget.build_attrs:
        return None
    if issubclass(kind, widgets.Select) and not issubclass(kind, widgets.RadioSelect):
        plain = (
            kind.get_context is widgets.Select.get_context
            and kind.optgroups is widgets.ChoiceWidget.optgroups
            and kind.create_option is widgets.ChoiceWidget.create_option
        )
        return "select" if plain else None
    if issubclass(kind, widgets.Input) and not issubclass(kind, widgets.CheckboxInput | widgets.FileInput):
        return "input" if kind.get_context is widgets.Input.get_context else None
    if issubclass(kind, widgets.Textarea):
        return "textarea" if kind.get_context is widgets.Widget.get_context else None
    return None


def bound_widget_html(bound, errors):
    """`str(bound)` (BoundField.as_widget: the field's own widget with the attributes
    the field adds) for a plain input, textarea or select, written at once: the
    same attributes in the same order, the value formatted by the widget, a
    select's options straight from its choices (`_select_options`) instead of a
    dict and a template lookup per option. `errors` are the field's (`bound.errors`).
    None for anything else (a widget of its own kind, a hidden initial, a
    localised field, another renderer): the caller draws it as Django does."""
    field = bound.field
    widget = field.widget
    kind = _direct_kind(type(widget))
    form = bound.form
    if (
        kind is None
        or type(bound) is not BoundField
        or field.show_hidden_initial
        or field.localize
        or "render" in widget.__dict__
        or _BUILDERS.get(widget.template_name) is not _KIND_BUILDERS[kind]
        or not isinstance(form.renderer, WidgetRenderer)
    ):
        return None
    if kind == "select" and (
        widget.option_template_name != _SELECT_OPTION
        or widget.option_inherits_attrs
        or widget.checked_attribute != _SELECTED
    ):
        return None
    # BoundField.build_widget_attrs, then as_widget's id.
    auto_id = bound.auto_id
    hidden = widget.is_hidden
    own = widget.attrs
    attrs = {}
    if widget.use_required_attribute(bound.initial) and field.required and form.use_required_attribute:
        attrs["required"] = True
    if field.disabled:
        attrs["disabled"] = True
    if not hidden and errors:
        attrs["aria-invalid"] = "true"
    if not widget.use_fieldset and not own.get("aria-describedby") and auto_id and not hidden:
        described = []
        if bound.help_text:
            described.append(f"{auto_id}_helptext")
        if errors:
            described.append(f"{auto_id}_error")
        if described:
            attrs["aria-describedby"] = " ".join(described)
    if auto_id and "id" not in own:
        attrs["id"] = auto_id
    value = widget.format_value(bound.value())
    attrs = {**own, **attrs}
    name = bound.html_name
    if kind == "input":
        html = _input({"type": widget.input_type, "name": name, "value": value, "attrs": attrs})
    elif kind == "textarea":
        html = _textarea({"name": name, "value": value, "attrs": attrs})
    else:
        if widget.allow_multiple_selected:
            attrs["multiple"] = True
        html = f'<select name="{printed(name)}"{html_attrs(attrs)}>{_select_options(widget, value)}\n</select>'
    return SafeString(html.strip())  # nosec B308 B703 - every value escaped by the builders


class WidgetRenderer(DjangoTemplates):
    def render(self, template_name, context, request=None):
        build = _BUILDERS.get(template_name)
        if build is not None:
            html = build(context["widget"])
            if html is not None:
                return html.strip()
        return super().render(template_name, context, request=request)
