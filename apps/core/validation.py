"""How long a text people type may be: declared once, as `max_length` on the model field.

A page holding a 5 MB "draft" is a page nobody can open on a school's phone. From the
field's `max_length` follow: a ModelForm's limit (a plain form asks `max_length_of`);
the services' check (`full_clean()`, or `text_lengths_check(instance)` before a write,
so an oversized text is a ValidationError, never a 500); and the database's, through
`bounded_texts`, a class decorator giving each TextField a named `TextLengthConstraint`.
See docs/security-and-privacy.md#text-limits.
"""

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.core.validators import MaxLengthValidator
from django.db import models
from django.db.backends.ddl_references import Statement
from django.db.models.functions import Length
from django.db.models.lookups import LessThanOrEqual


class TextLengthConstraint(models.CheckConstraint):
    """CHECK (LENGTH(field) <= max_length).

    `full_clean()` checks it in Python, as an error of the field, without asking
    the database. It is added so that rows already longer do not stop the
    migration (their text is the teachers' own, never cut): the CHECK goes in
    NOT VALID, which holds every row inserted or updated from then on, and is
    then validated; if old rows break it, it stays NOT VALID and PostgreSQL
    logs a warning naming it.
    """

    def __init__(self, *, field, max_length, name):
        self.field = field
        self.max_length = max_length
        super().__init__(
            condition=LessThanOrEqual(Length(field), max_length), name=name, violation_error_code="max_length"
        )

    def deconstruct(self):
        path, _args, _kwargs = super().deconstruct()
        return path, (), {"field": self.field, "max_length": self.max_length, "name": self.name}

    def validate(self, model, instance, exclude=None, using=None):
        if exclude and self.field in exclude:
            return
        value = getattr(instance, model._meta.get_field(self.field).attname)
        if isinstance(value, str):
            try:
                MaxLengthValidator(self.max_length)(value)
            except ValidationError as error:
                raise ValidationError({self.field: error.error_list}) from None

    def create_sql(self, model, schema_editor):
        added = super().create_sql(model, schema_editor)
        if schema_editor.connection.vendor != "postgresql":
            return added
        table = schema_editor.quote_name(model._meta.db_table)
        name = schema_editor.quote_name(self.name)
        warning = f"{self.name}: rows longer than {self.max_length} characters stay; the check holds for new writes"
        return Statement(
            "%(added)s NOT VALID; DO $$ BEGIN ALTER TABLE %(table)s VALIDATE CONSTRAINT %(name)s; "
            "EXCEPTION WHEN check_violation THEN RAISE WARNING %(warning)s; END $$",
            added=added,
            table=table,
            name=name,
            warning=schema_editor.quote_value(warning),
        )


def max_length_constraint_name(model, field_name):
    return f"{model._meta.app_label}_{model._meta.model_name}_{field_name}_max_length"


def bounded_texts(model):
    """Class decorator: a `TextLengthConstraint` for each TextField of `model`,
    from its max_length (which each must have)."""
    constraints = list(model._meta.constraints)
    names = {constraint.name for constraint in constraints}
    for field in model._meta.local_concrete_fields:
        if not isinstance(field, models.TextField):
            continue
        if not field.max_length:
            raise TypeError(f"{model._meta.label}.{field.name}: a TextField needs a max_length")
        name = max_length_constraint_name(model, field.name)
        if name not in names:
            constraints.append(TextLengthConstraint(field=field.name, max_length=field.max_length, name=name))
    model._meta.constraints = constraints
    # Migrations read the constraints of a model whose Meta declares some.
    model._meta.original_attrs["constraints"] = constraints
    return model


def max_length_of(model, name):
    """The max_length of a model's field, for a plain form's field of the same text."""
    return model._meta.get_field(name).max_length


def text_lengths_check(instance):
    """Raise ValidationError, by field, if a text of `instance` (any of its
    CharFields and TextFields) is longer than its field's max_length.

    For services that write texts without `full_clean()`: call it before saving.
    To check values about to go to `update_or_create` or `update`, pass an
    unsaved instance built from them.
    """
    errors = {}
    for field in instance._meta.concrete_fields:
        if not isinstance(field, models.CharField | models.TextField) or not field.max_length:
            continue
        value = getattr(instance, field.attname, None)
        if not isinstance(value, str):
            continue
        try:
            MaxLengthValidator(field.max_length)(value)
        except ValidationError as error:
            errors[field.name] = error.error_list
    if errors:
        raise ValidationError(errors)


def errors_on_fields(error: ValidationError, violation_fields) -> ValidationError:
    """`error` with each violated database constraint's error moved from the non-field
    errors onto the field `violation_fields` maps its `violation_error_code` to, so the
    form shows it next to what was typed. An error of no known code stays as it was."""
    if hasattr(error, "error_dict"):
        found = error.error_dict.items()
    elif any(item.code in violation_fields for item in error.error_list):
        found = [(NON_FIELD_ERRORS, error.error_list)]
    else:
        return error
    errors = {}
    for name, items in found:
        for item in items:
            target = violation_fields.get(item.code, name) if name == NON_FIELD_ERRORS else name
            errors.setdefault(target, []).append(item)
    return ValidationError(errors)


def full_clean_on_fields(instance, violation_fields, **kwargs):
    """`instance.full_clean(**kwargs)`, its constraints' errors on their fields (`errors_on_fields`)."""
    try:
        instance.full_clean(**kwargs)
    except ValidationError as error:
        raise errors_on_fields(error, violation_fields) from None
