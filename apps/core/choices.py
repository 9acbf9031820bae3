"""Model choice fields that read their rows once.

A ModelChoiceField reads its queryset afresh (through a server-side cursor)
each time its widget renders, so a form offering the same staff as a lead, as
members and as experts read them three times per page. `share_choices` gives
such fields one list, read on first use; validation still asks each field's
queryset, as before.

A page with several row forms (three roles to assign, two activities to add, a
row being edited) offers the same choices in each; Django also renders a
template per option. `offer_loaded` gives such a field rows loaded once (lazily,
by a callable), and with `rendered` (a dict shared by the page's forms) renders
the options once for each selection: the other rows copy them into their own
<select>.
"""

import functools
from html import escape as escape_text

from django.forms.models import (
    ModelChoiceField,
    ModelChoiceIterator,
    ModelChoiceIteratorValue,
    ModelMultipleChoiceField,
)
from django.forms.renderers import get_default_renderer
from django.forms.widgets import Select
from django.utils.html import escape
from django.utils.safestring import SafeData, mark_safe
from django.utils.translation import get_language

from .form_rendering import WidgetRenderer, formatted, printed


class _Rows:
    """The queryset's rows, read on first use (or given as a list, or by `load()` on first use)."""

    def __init__(self, queryset, rows=None, load=None):
        self.queryset, self.rows, self.load = queryset, rows, load

    def get(self):
        if self.rows is None:
            self.rows = list(self.queryset) if self.load is None else self.load()
        return self.rows


class _SharedIterator(ModelChoiceIterator):
    def __init__(self, field, rows):
        super().__init__(field)
        self.rows = rows

    def __iter__(self):
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        for obj in self.rows.get():
            yield self.choice(obj)

    def __len__(self):
        return len(self.rows.get()) + (self.field.empty_label is not None)

    def __bool__(self):
        return self.field.empty_label is not None or bool(self.rows.get())


def share_choices(queryset, *fields, rows=None, load=None):
    """Let model choice `fields` offer `queryset`'s rows, read once for all of
    them (or the already known `rows`: no query at all; or the list `load()`
    returns when first offered, e.g. from a prepared query)."""
    shared = _Rows(queryset, rows, load)
    for field in fields:
        field.iterator = functools.partial(_SharedIterator, rows=shared)
        field.queryset = queryset  # validation; also hands the widget the new choices


_DJANGOS_OWN = {
    "prepare_value": (ModelChoiceField.prepare_value, ModelMultipleChoiceField.prepare_value),
    "label_from_instance": (ModelChoiceField.label_from_instance,),
}


def _plain_choices(field):
    """Whether the field's choices are Django's own: the object's pk and its str()."""
    kind = type(field)
    return field.to_field_name is None and all(getattr(kind, name) in own for name, own in _DJANGOS_OWN.items())


class LoadedChoiceIterator(ModelChoiceIterator):
    """A ModelChoiceIterator over already loaded objects (`load()` gives the list)."""

    def __init__(self, field, *, load):
        super().__init__(field)
        self.load = load

    def __iter__(self):
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        if _plain_choices(self.field):
            # What `choice` gives for a field that keeps Django's own value and label.
            for obj in self.load():
                yield ModelChoiceIteratorValue(obj.pk, obj), str(obj)
            return
        for obj in self.load():
            yield self.choice(obj)

    def __len__(self):
        return len(self.load()) + (1 if self.field.empty_label is not None else 0)

    def __bool__(self):
        return self.field.empty_label is not None or bool(self.load())


def offer_loaded(field, queryset, load, *, rendered=None):
    """Validate `field` against `queryset`, but offer the objects `load()` returns
    (the same rows, loaded once per page: e.g. a `functools.cached_property`).
    `rendered`: a dict kept by the page for this field in all its forms."""
    field.queryset = queryset

    def iterator(field):
        return LoadedChoiceIterator(field, load=load)

    field.iterator = iterator
    field.widget.choices = field.choices
    if rendered is not None:
        share_options(field, rendered)


def share_options(field, rendered):
    """Render the options of `field`'s <select> once per selection for all the
    forms that pass the same dict `rendered` (their fields offer the same choices)."""
    field.widget.render = functools.partial(_render_shared, field.widget, rendered, getattr(field, "empty_label", None))


def _no_options(*args, **kwargs):
    return []


def _render_shared(widget, rendered, empty_label, name, value, attrs=None, renderer=None):
    """The <select> with its own name, id and classes around options rendered once
    per selection. The options' markup depends only on the choices and the
    selection (a select's options carry no name or id)."""
    widget.optgroups = _no_options
    try:
        shell = widget._render(widget.template_name, widget.get_context(name, value, attrs), renderer)
    finally:
        del widget.optgroups
    key = (empty_label, tuple(widget.format_value(value)))
    if key not in rendered:
        full = _flat_select(widget, shell, value, renderer) or type(widget).render(widget, name, value, attrs, renderer)
        start = 0
        limit = min(len(shell), len(full))
        while start < limit and shell[start] == full[start]:
            start += 1
        end = 0
        while end < limit - start and shell[-1 - end] == full[-1 - end]:
            end += 1
        tail = shell[len(shell) - end :]
        rendered[key] = (full[start : len(full) - end], tail)
        if shell[:start] + rendered[key][0] + tail == full:
            return full
        rendered[key] = None
        return full
    if rendered[key] is None or not shell.endswith(rendered[key][1]):
        return type(widget).render(widget, name, value, attrs, renderer)
    options, tail = rendered[key]
    return mark_safe(shell[: len(shell) - len(tail)] + options + tail)  # nosec B308 B703 - pieces of the widget's own escaped output


_SELECT_END = "\n</select>"


def _flat_select(widget, shell, value, renderer):
    """The select `widget` draws for `value`, made from its `shell` (the select
    without options) and its choices, as WidgetRenderer draws Django's optgroups
    for a single select of flat choices (one selected, no option attributes); or
    None for anything else, which Django draws."""
    if (
        type(widget) is not Select
        or widget.allow_multiple_selected
        or widget.option_inherits_attrs
        or widget.template_name != Select.template_name
        or widget.option_template_name != Select.option_template_name
        or not isinstance(renderer or get_default_renderer(), WidgetRenderer)
        or not shell.endswith(_SELECT_END)
    ):
        return None
    values = widget.format_value(value)
    parts = [shell[: -len(_SELECT_END)]]
    has_selected = False
    for option_value, option_label in widget.choices:
        if isinstance(option_label, list | tuple):
            return None  # an optgroup
        if option_value is None:
            option_value = ""
        text = str(option_value)
        selected = not has_selected and text in values
        has_selected |= selected
        # `formatted(option_value)`, without its detour through conditional_escape for a plain value.
        shown = (
            formatted(option_value)
            if isinstance(option_value, SafeData) or hasattr(text, "__html__")
            else escape_text(text)
        )
        parts.append(f'\n  <option value="{shown}"{" selected" if selected else ""}>{printed(option_label)}</option>\n')
    parts.append(_SELECT_END)
    return mark_safe("".join(parts))  # nosec B308 B703 - the widget's escaped shell, values and labels escaped here


def share_marked_options(fields):
    """Render the options of single <select>s offering the same choices (the same
    rows, labels and empty label: e.g. a group's curator and members) once for all
    of them; each select then marks its own selection in that markup."""
    rendered = {}
    for field in fields:
        if not field.widget.allow_multiple_selected:
            field.widget.render = functools.partial(
                _render_marked, field.widget, rendered, getattr(field, "empty_label", None)
            )


def _render_marked(widget, rendered, empty_label, name, value, attrs=None, renderer=None):
    """The select drawn with the empty choice selected (options rendered once), then
    that mark moved to the option of `value`, as Django would have put it."""
    values = widget.format_value(value)
    if len(values) != 1:
        return type(widget).render(widget, name, value, attrs, renderer)
    html = _render_shared(widget, rendered, empty_label, name, None, attrs, renderer)
    chosen = values[0]
    if chosen == "":
        return html
    empty, option = '<option value="">', f'<option value="{escape(chosen)}">'
    if html.count('<option value="" selected>') != 1 or html.count(option) > 1:
        return type(widget).render(widget, name, value, attrs, renderer)
    html = html.replace('<option value="" selected>', empty).replace(option, option[:-1] + " selected>")
    return mark_safe(html)  # nosec B308 B703 - the widget's own escaped output, a value escaped here


def choice_labels(model, field_name):
    """A model field's choices as {value: label}, each label translated once: a
    model's get_FOO_display hashes every lazy label of the field at each call (a
    few hundred translations on a list page showing three such fields a row)."""
    return {value: str(label) for value, label in model._meta.get_field(field_name).flatchoices}


def translated_labels(choices):
    """{value: label} of an enumeration's choices (`Model.Kind`) in the active language:
    translated once per language and process, not once per row that shows one."""
    return _translated_labels(choices, get_language())


@functools.cache
def _translated_labels(choices, language):
    return {value: str(label) for value, label in choices.choices}
