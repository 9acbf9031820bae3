from django.core.exceptions import ValidationError


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
