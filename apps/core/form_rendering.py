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

from django.forms.models import ModelChoiceIteratorValue
from django.forms.renderers import DjangoTemplates
from django.utils.formats import localize
from django.utils.functional import Promise
from django.utils.html import conditional_escape
from django.utils.safestring import SafeData, SafeString
from django.utils.timezone import template_localtime

_WIDGETS = "django/forms/widgets/"
_SELECT_OPTION = _WIDGETS + "select_option.html"


_SPECIAL = re.compile("[&<>\"']").search


def escaped(value):
    """`html.escape(value)` for a str: most labels and values have nothing to escape,
    and one scan finds that (html.escape makes five passes)."""
    return html.escape(value) if _SPECIAL(value) else value


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


class WidgetRenderer(DjangoTemplates):
    def render(self, template_name, context, request=None):
        build = _BUILDERS.get(template_name)
        if build is not None:
            html = build(context["widget"])
            if html is not None:
                return html.strip()
        return super().render(template_name, context, request=request)
