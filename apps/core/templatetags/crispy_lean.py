"""One form field as crispy-forms' bootstrap5 pack draws it, built in Python.

The pack's field.html includes a template for the help text, one for the
errors, one around them, and one per radio or checkbox choice: a form page
rendered a hundred templates for a dozen fields. Our forms use the plain
`|crispy` and `|as_crispy_field` filters, with no helper or layout, so the
field's markup is one of a few shapes, built here with the same elements,
classes, ids and aria attributes as the pack's (apps/core/tests/test_form_rendering.py
compares the two for each kind of widget, bound and with errors). Anything
else — a helper's horizontal layout, a multi-widget — is drawn
by the pack's own template, as before.
"""

import html
from functools import cache
from pathlib import Path

import crispy_bootstrap5
from crispy_forms.templatetags.crispy_forms_filters import as_crispy_field, optgroups
from django import forms, template
from django.conf import settings
from django.forms.models import ModelChoiceIteratorValue
from django.utils.formats import localize
from django.utils.functional import Promise
from django.utils.html import conditional_escape
from django.utils.safestring import mark_safe

from apps.core.form_rendering import bound_widget_html, has_special, html_attrs, printed, text

register = template.Library()

PACK_FIELD = Path(crispy_bootstrap5.__file__).parent / "templates" / "bootstrap5" / "field.html"

# Context values of helpers and layouts we do not use: any of them set, the pack draws the field.
_LAYOUT_KEYS = (
    "tag",
    "wrapper_class",
    "form_class",
    "label_class",
    "field_class",
    "help_text_inline",
    "error_text_inline",
    "inline_class",
    "flat_attrs",
    "bootstrap_checkbox_offsets",
)


@cache
def _pack_field_template(engine):
    return engine.from_string(PACK_FIELD.read_text())


def _unlocalized(value):
    """`{{ value|unlocalize }}`: text and whole numbers only escaped (what localize
    leaves of them), anything else through localize."""
    if isinstance(value, str | Promise | ModelChoiceIteratorValue) or type(value) is int:
        return text(value)
    return conditional_escape(str(localize(value, use_l10n=False)))


def _add_classes(widget, classes):
    """crispy's `{% crispy_field field 'class' '...' %}`: the widget's own class name, then the pack's classes."""
    name = widget.__class__.__name__.lower()
    css = widget.attrs.get("class", "")
    if css:
        if css.find(name) == -1:
            css += " " + name
    else:
        css = name
    present = css.split()
    for cls in classes.split():
        if cls not in present:
            css += " " + cls
            present.append(cls)
    widget.attrs["class"] = css


def _errors(field, errors, ident=None):
    """The field's errors; `ident`: its auto_id when the caller has it."""
    if not errors:
        return ""
    auto_id = printed(field.auto_id if ident is None else ident)
    items = "".join(
        f'<p id="error_{number}_{auto_id}"><strong>{printed(error)}</strong></p>'
        for number, error in enumerate(errors, start=1)
    )
    return f'\n<div id="{printed(getattr(errors, "field_id", ""))}_error" class="invalid-feedback">{items}</div>'


def _help(field, help_text=None, ident=None):
    """The field's help text; `help_text` and `ident` (its auto_id): the field's, when the caller has them."""
    if help_text is None:
        help_text, ident = field.help_text, field.auto_id
    if not help_text:
        return ""
    ident = f'id="{printed(ident)}_helptext" ' if ident else ""
    # Help texts are the code's own, shown unescaped as the crispy pack's |safe does.
    return f'\n<div {ident}class="form-text">{mark_safe(help_text)}</div>'  # nosec B308 B703


def _label(field, required, label, ident):
    """The field's <label> (a <legend> over a list of choices); `label` is the field's,
    `ident` its id_for_label."""
    fieldset = field.field.widget.use_fieldset
    tag = "legend" if fieldset else "label"
    target = f'for="{printed(ident)}" ' if ident else ""
    star = '<span class="asteriskField">*</span>' if required else ""
    classes = "form-label" + (" requiredField" if required else "") + (" fs-6" if fieldset else "")
    return f'<{tag} {target}class="{classes}">{printed(label)}{star}</{tag}>'


def _text(value):
    """A label or help text as its text: a lazy translation translated once, not at
    each test and print of it."""
    return str(value) if isinstance(value, Promise) else value


_KEY_TYPES = (ModelChoiceIteratorValue, int, str)


def _flat_options(field, errors):
    """The options of `_choices` for choices without groups, each written at once
    (the attributes other than the id and `checked` are the same for every option:
    drawn once); None for grouped choices or when an option's attributes are not
    the plain kind."""
    widget = field.field.widget
    numbered = widget.add_id_index and type(widget).id_for_label is forms.RadioSelect.id_for_label
    if not widget.option_inherits_attrs or not numbered:
        return None
    ident = widget.attrs.get("id") or field.auto_id
    base = widget.build_attrs(widget.attrs, field.build_widget_attrs({"id": ident} if ident else {}))
    base_id = base.get("id")
    checked = widget.checked_attribute
    if base_id is None or checked != {"checked": True} or "checked" in base:
        return None
    keys = list(base)
    at = keys.index("id")
    before = html_attrs({key: base[key] for key in keys[:at]})
    after = html_attrs({key: base[key] for key in keys[at + 1 :]})
    values = widget.format_value(field.value())
    invalid = " is-invalid" if errors else ""
    opening = (
        f'<div class="form-check"><input type="{printed(widget.input_type)}" class="form-check-input{invalid}"'
        f'  name="{printed(field.html_name)}" value="'
    )
    shown_id = printed(base_id)
    label_for = f'<label for="{shown_id}_'
    multiple = widget.allow_multiple_selected
    parts, has_selected = [], False
    for index, (value, label) in enumerate(widget.choices):
        if type(label) is not str and isinstance(label, list | tuple):
            return None
        if value is None:
            value = ""
        key = str(value)
        selected = (not has_selected or multiple) and key in values
        has_selected |= selected
        # A key (a model choice's, a number, a plain text) prints as its text, escaped:
        # what _unlocalized gives it.
        # (`escaped` inlined: a call less per option.)
        shown = (html.escape(key) if has_special(key) else key) if type(value) in _KEY_TYPES else _unlocalized(value)
        label = (html.escape(label) if has_special(label) else label) if type(label) is str else _unlocalized(label)
        parts.append(
            f'{opening}{shown}" {before} id="{shown_id}_{index}"{after}'
            f'{" checked" if selected else ""}>{label_for}{index}" class="form-check-label">{label}</label>'
        )
    if errors and parts:
        parts[-1] += _errors(field, errors)
    return "</div>".join(parts) + "</div>" if parts else ""


def _choices(field, errors):
    """The pack's radio_checkbox_select.html: one checkbox or radio button per choice;
    plain lists written at once (`_flat_options`), the rest through crispy's optgroups."""
    flat = _flat_options(field, errors)
    if flat is not None:
        return f"<div >{flat}</div>{_help(field)}"
    invalid = " is-invalid" if errors else ""
    name = printed(field.html_name)
    groups = optgroups(field)
    parts = ["<div >"]
    for group_number, (group, options, _index) in enumerate(groups, start=1):
        if group:
            parts.append(f"<strong>{printed(group)}</strong>")
        for option_number, option in enumerate(options, start=1):
            last = errors and option_number == len(options) and group_number == len(groups)
            parts.append(
                f'<div class="form-check"><input type="{printed(option["type"])}" class="form-check-input{invalid}"'
                f'  name="{name}" value="{_unlocalized(option["value"])}" {html_attrs(option["attrs"])}>'
                f'<label for="{printed(option["attrs"].get("id", ""))}" class="form-check-label">'
                f"{_unlocalized(option['label'])}</label>{_errors(field, errors) if last else ''}</div>"
            )
    parts.append("</div>")
    parts.append(_help(field))
    return "".join(parts)


def _file(field, errors):
    """The pack's layout/field_file.html: the current file with its «clear» box, then
    the input, its errors and help text inside its own <div>."""
    disabled = " disabled" if field.field.disabled else ""
    parts = []
    for sub in field.subwidgets:
        data = sub.data
        if data.get("is_initial"):
            value = field.value()
            clear = ""
            if not data["required"]:
                box = printed(data["checkbox_id"])
                clear = (
                    '<span class="align-self-center ml-2"><span class="form-check">'
                    f'<input type="checkbox" name="{printed(data["checkbox_name"])}" id="{box}"'
                    f' class="form-check-input"{disabled} >'
                    f'<label class="form-check-label mb-0" for="{box}">{printed(data["clear_checkbox_label"])}</label>'
                    "</span></span>"
                )
            parts.append(
                f'<div class="input-group mb-2"><span class="input-group-text">{printed(data["initial_text"])}</span>'
                '<div class="form-control d-flex h-auto"><span class="text-break flex-grow-1">'
                f'<a href="{printed(value.url)}">{printed(value.name)}</a></span>{clear}</div></div>'
            )
        attrs = data["attrs"]
        css = attrs.get("class")
        others = {name: value for name, value in attrs.items() if name != "class"}
        invalid = ' class="is-invalid"' if errors else ""
        parts.append(
            f"<div{invalid}>"
            f'<input type="{printed(data["type"])}" name="{printed(data["name"])}"'
            f' class="form-control{" " + printed(css) if css else ""}{" is-invalid" if errors else ""}"'
            f"{disabled}{html_attrs(others)}>{_errors(field, errors)}{_help(field)}</div>"
        )
    return "".join(parts)


def _field(field):
    widget = field.field.widget
    errors = field.errors
    required = field.field.required
    css = field.css_classes()
    extra = f" {printed(css)}" if css else ""
    ident = field.auto_id
    auto_id = printed(ident)
    label, help_text = _text(field.label), _text(field.help_text)
    if isinstance(widget, forms.CheckboxInput):
        _add_classes(widget, "form-check-input is-invalid" if errors else "form-check-input")
        star = '<span class="asteriskField">*</span>' if required else ""
        marked = " requiredField" if required else ""
        return (
            f'<div class="mb-3"><div id="div_{auto_id}" class="form-check{extra}">{field}'
            f'<label for="{printed(field.id_for_label)}" class="form-check-label{marked}">'
            f"{printed(label)}{star}</label>{_errors(field, errors, ident)}{_help(field, help_text, ident)}</div></div>"
        )
    parts = [f'<div id="div_{auto_id}" class="mb-3{extra}">']
    fieldset = widget.use_fieldset and label
    if label:
        if widget.use_fieldset:
            described = field.aria_describedby
            parts.append(f'<fieldset aria-describedby="{printed(described)}">' if described else "<fieldset>")
        # BoundField.id_for_label, with the auto_id at hand.
        parts.append(_label(field, required, label, widget.id_for_label(widget.attrs.get("id") or ident)))
    if isinstance(widget, forms.RadioSelect):  # CheckboxSelectMultiple is one too
        parts.append(_choices(field, errors))
    elif isinstance(widget, forms.FileInput):  # ClearableFileInput is one too
        parts.append(_file(field, errors))
    else:
        if isinstance(widget, forms.Select):
            _add_classes(widget, "form-select is-invalid" if errors else "form-select")
        else:
            _add_classes(widget, "form-control is-invalid" if errors else "form-control")
        drawn = bound_widget_html(field, errors)
        parts.append(str(field) if drawn is None else drawn)
        parts.append(_errors(field, errors, ident))
        parts.append(_help(field, help_text, ident))
    if fieldset:
        parts.append("</fieldset>")
    parts.append("</div>")
    return "".join(parts)


def _plain_context(context):
    """Whether the context asks for the pack's plain field (no helper, no layout)."""
    if not context.get("form_show_labels") or not context.get("form_show_errors"):
        return False
    if any(context.get(key) for key in _LAYOUT_KEYS):
        return False
    return not getattr(settings, "CRISPY_CLASS_CONVERTERS", None)


def _plain_widget(field):
    widget = field.field.widget
    return not isinstance(widget, forms.MultiWidget) and not hasattr(widget, "widget")


@register.simple_tag(takes_context=True)
def crispy_lean_field(context):
    """The `field` of the context, drawn as the bootstrap5 pack's field.html draws it."""
    return _drawn(context, context["field"], _plain_context(context))


def _drawn(context, field, plain_context):
    if field.is_hidden:
        return str(field)
    if not (plain_context and _plain_widget(field)):
        return _pack_field_template(context.template.engine).render(context)
    return mark_safe(_field(field))  # nosec B308 B703 - every value in it escaped by _field


@register.simple_tag(takes_context=True)
def crispy_lean_fields(context):
    """Every field of the context's `form` as `crispy_lean_field` draws it (the pack's
    uni_form.html loop, without a template tag per field)."""
    parts = []
    plain_context = _plain_context(context)  # the same for every field of the form
    for field in context["form"]:
        with context.push(field=field):
            parts.append(_drawn(context, field, plain_context))
    return mark_safe("\n".join(parts))  # nosec B308 B703 - each part escaped by crispy_lean_field


@register.filter
def as_lean_field(field):
    """`field|as_crispy_field` without the template pass around each field (its context,
    the pack's field.html and this module's tag in it): a form of a dozen fields paid
    that a dozen times. A form with a crispy helper, or a field this module does not
    draw, goes through crispy's filter as before."""
    if getattr(field.form, "helper", None) is None and _plain_widget(field) and _lean_context_plain():
        # The pack's field.html (ours: templates/bootstrap5/field.html) ends with a line break.
        drawn = str(field) if field.is_hidden else _field(field)
        return mark_safe(f"{drawn}\n")  # nosec B308 B703 - escaped by _field and the widget
    return as_crispy_field(field)


# What crispy's `as_crispy_field` puts in the context of a field without a helper.
_LEAN_CONTEXT = {"form_show_errors": True, "form_show_labels": True, "label_class": "", "field_class": ""}


def _lean_context_plain():
    """`_plain_context(_LEAN_CONTEXT)`: its labels and errors shown, no layout keys set;
    only the settings can change the answer."""
    return not getattr(settings, "CRISPY_CLASS_CONVERTERS", None)
