from django.core.exceptions import ValidationError
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
