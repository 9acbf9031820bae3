import copy
import functools

from django import forms
from django.core.exceptions import ValidationError
from django.forms import widgets
from django.forms.forms import DeclarativeFieldsMetaclass
from django.forms.models import ModelFormMetaclass
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from apps.core.dates import add_years, school_today


def apply_validation_error(form, error: ValidationError, fields=None):
    """Show a service's ValidationError on the form, next to the fields it names.

    `fields` maps a model field's name to the form field that shows it, when they differ.
    """
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            field = (fields or {}).get(field, field)
            target = field if field in form.fields else None
            for item in errors:
                form.add_error(target, item)
    else:
        form.add_error(None, error)


class DateRangeValidator:
    """A date between `earliest` and `latest`, both included."""

    def __init__(self, earliest, latest):
        self.earliest, self.latest = earliest, latest

    def __call__(self, value):
        if value < self.earliest:
            raise ValidationError(
                _("The date cannot be earlier than %(date)s."),
                code="date_too_early",
                params={"date": self.earliest.strftime("%d.%m.%Y")},
            )
        if value > self.latest:
            raise ValidationError(
                _("The date cannot be later than %(date)s."),
                code="date_too_late",
                params={"date": self.latest.strftime("%d.%m.%Y")},
            )


def years_around(school, *, back, ahead):
    """(earliest, latest): `back` years before and `ahead` years after the school's today."""
    today = school_today(school)
    return add_years(today, -back), add_years(today, ahead)


def check_dates(school, dates, *, back, ahead):
    """The window of `limit_dates`, for a service: {name: ValidationError} of the
    `dates` (name → date, None skipped) outside it."""
    validator = DateRangeValidator(*years_around(school, back=back, ahead=ahead))
    errors = {}
    for name, value in dates.items():
        try:
            if value is not None:
                validator(value)
        except ValidationError as error:
            errors[name] = error
    return errors


def limit_dates(form, school, names, *, back, ahead):
    """Keep date fields within `back` years before and `ahead` years after the school's today
    (a service checks the same window with `check_dates`)."""
    earliest, latest = years_around(school, back=back, ahead=ahead)
    for name in names:
        field = form.fields[name]
        field.validators.append(DateRangeValidator(earliest, latest))
        field.widget.attrs.update(min=earliest.isoformat(), max=latest.isoformat())


# Copying a form's fields for each form made (what Django's BaseForm does with
# copy.deepcopy) goes through copy's general protocol for every field, widget and
# choice: some fifty calls a field, as many as drawing it. `LeanForm` copies the
# common fields the way their own __deepcopy__ does, with the shallow copies made
# directly; anything else goes to copy.deepcopy as before.


def _copied_as_dict(kind):
    """Whether copy.copy() of a `kind` is a new instance with its __dict__ copied
    (no __copy__, no reduce, state or slots of its own)."""
    return (
        kind.__new__ is object.__new__
        and getattr(kind, "__copy__", None) is None
        and kind.__reduce_ex__ is object.__reduce_ex__
        and kind.__reduce__ is object.__reduce__
        and kind.__getstate__ is object.__getstate__
        and getattr(kind, "__setstate__", None) is None
        and not any("__slots__" in vars(base) for base in kind.__mro__)
    )


_FIELD_COPIES = {
    forms.Field.__deepcopy__: "field",
    forms.ChoiceField.__deepcopy__: "choices",
    forms.ModelChoiceField.__deepcopy__: "queryset",
}
_WIDGET_COPIES = {widgets.Widget.__deepcopy__: "widget", widgets.ChoiceWidget.__deepcopy__: "choices"}


@functools.cache
def _field_copy(kind):
    how = _FIELD_COPIES.get(kind.__deepcopy__)
    return how if how and _copied_as_dict(kind) else None


@functools.cache
def _widget_copy(kind):
    how = _WIDGET_COPIES.get(kind.__deepcopy__)
    return how if how and _copied_as_dict(kind) else None


def _shallow(obj):
    new = object.__new__(type(obj))
    new.__dict__.update(obj.__dict__)
    return new


_ATOMS = (str, int, bool, type(None))


def _flat(choices):
    """Whether `choices` is a list of (value, label) pairs of plain values (no groups):
    its deep copy is a new list of the same pairs."""
    if type(choices) is not list:
        return False
    for choice in choices:
        if type(choice) is not tuple or len(choice) != 2:
            return False
        for part in choice:
            if type(part) not in _ATOMS and not isinstance(part, Promise):
                return False
    return True


def _copy_widget(widget, memo):
    """widget.__deepcopy__(memo) of Widget or ChoiceWidget."""
    found = memo.get(id(widget))
    if found is not None:
        return found
    how = _widget_copy(type(widget))
    if how is None:
        return copy.deepcopy(widget, memo)
    new = _shallow(widget)
    new.attrs = widget.attrs.copy()
    if how == "choices":
        if _flat(widget.__dict__.get("_choices")):
            # What the choices setter makes of a copy of pairs already normalised: equal pairs.
            new._choices = list(widget._choices)
        else:
            new.choices = copy.copy(widget.choices)
    memo[id(widget)] = new
    return new


def _copy_field(field, memo):
    """field.__deepcopy__(memo) of Field, ChoiceField or ModelChoiceField."""
    found = memo.get(id(field))
    if found is not None:
        return found
    how = _field_copy(type(field))
    if how is None:
        return copy.deepcopy(field, memo)
    new = _shallow(field)
    memo[id(field)] = new
    new.widget = _copy_widget(field.widget, memo)
    new.error_messages = field.error_messages.copy()
    new.validators = field.validators[:]
    if how == "choices":
        choices = field._choices
        new._choices = list(choices) if _flat(choices) else copy.deepcopy(choices, memo)
    elif how == "queryset" and field.queryset is not None:
        new.queryset = field.queryset.all()
    return new


class _Fields(dict):
    """A form class's fields, deep-copied field by field with `_copy_field`."""

    def __deepcopy__(self, memo):
        copied = {}
        memo[id(self)] = copied
        for name, field in self.items():
            copied[name] = _copy_field(field, memo)
        return copied


class LeanFieldsMetaclass(DeclarativeFieldsMetaclass):
    def __new__(mcs, name, bases, attrs):
        new_class = super().__new__(mcs, name, bases, attrs)
        new_class.base_fields = _Fields(new_class.base_fields)
        return new_class


class LeanForm(forms.Form, metaclass=LeanFieldsMetaclass):
    """A form whose fields are copied for each form made without copy's general
    protocol (the same copies: see `_copy_field`)."""


class LeanModelFormMetaclass(ModelFormMetaclass):
    def __new__(mcs, name, bases, attrs):
        new_class = super().__new__(mcs, name, bases, attrs)
        new_class.base_fields = _Fields(new_class.base_fields)
        return new_class


class LeanModelForm(forms.ModelForm, metaclass=LeanModelFormMetaclass):
    """A model form whose fields are copied as `LeanForm`'s are."""
