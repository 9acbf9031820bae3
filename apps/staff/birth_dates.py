"""The one rule for a birth date on a staff card: the card form, the services and the
registry import all ask it, so a date refused on one path is refused on every path.

A birth date is optional personal data. It is plausible when the person is of
working age on the school's today (18 to 100) and was at least 16 when they began
teaching: a mistyped year (2985, or the year teaching began) is caught here.
"""

import datetime

from django.utils.translation import gettext as _

from apps.core.dates import add_years

from .models import TEACHING_FROM_AGE, WORKING_AGE


def birth_date_error(birth_date, *, today: datetime.date, teaching_since=None) -> str | None:
    """Why `birth_date` cannot be on a card today, or None when it can (or is empty)."""
    if birth_date is None:
        return None
    youngest, oldest = WORKING_AGE
    if birth_date > today:
        return _("The date of birth is in the future.")
    if birth_date > add_years(today, -youngest):
        return _("The person would be younger than %(years)s: check the year of birth.") % {"years": youngest}
    if birth_date < add_years(today, -oldest):
        return _("The person would be older than %(years)s: check the year of birth.") % {"years": oldest}
    if teaching_since is not None and teaching_since < add_years(birth_date, TEACHING_FROM_AGE):
        return _("Teaching would have begun before the age of %(years)s: check both dates.") % {
            "years": TEACHING_FROM_AGE
        }
    return None
