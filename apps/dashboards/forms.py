"""The filters every dashboard shares: academic year or a span of dates, subject
association, and (for coordinators) schools of the network; `read_filters` binds
a page's filter form to its query string."""

import datetime

from django import forms
from django.utils.translation import gettext_lazy as _

from apps.core.dates import academic_year_labels, academic_year_of, school_today
from apps.core.forms import LeanForm
from apps.core.prepared import Param, prepared_query
from apps.core.widgets import DateInput
from apps.staff.models import SubjectAssociation

from .markup import safe, text
from .periods import EARLIEST_YEAR, Period, academic_year

SELECTED = " selected"

# The longest span of dates a page reports on.
MAX_PERIOD_DAYS = 3 * 366


def read_filters(request, form_class, **kwargs):
    """The page's filter form, bound to the query string when there is one."""
    school = getattr(request, "school", None)
    today = kwargs.pop("today", None) or school_today(school)
    data = request.GET if request.GET else None
    form = form_class(data, school=school, today=today, **kwargs)
    form.is_valid()
    return form


@prepared_query
def _school_associations():
    return SubjectAssociation.objects.for_school(Param("school_id")).order_by("name")


class DashboardFilterForm(LeanForm):
    """GET filters. An invalid value is shown as a form error next to what was typed,
    and the page falls back to the current academic year."""

    year = forms.TypedChoiceField(label=_("Academic year"), coerce=int, required=False)
    date_from = forms.DateField(label=_("or from"), required=False, widget=DateInput())
    date_to = forms.DateField(label=_("to"), required=False, widget=DateInput())

    def __init__(self, data=None, *, school, today, associations=None, **kwargs):
        super().__init__(data, **kwargs)
        self.today = today
        self.current_year = academic_year_of(today)
        years = range(self.current_year, EARLIEST_YEAR - 1, -1)
        self.fields["year"].choices = list(zip(years, academic_year_labels(years), strict=True))
        # Loaded once as a list: the page reuses it for names (one query, not three).
        if associations is None and school is not None:
            associations = _school_associations.rows(school_id=school.pk)
        self.associations = {association.pk: association for association in associations or []}
        if associations is not None:
            # Declared here: the class's `association` is the chosen value.
            self.fields["association"] = forms.TypedChoiceField(
                label=_("Subject association"),
                coerce=int,
                required=False,
                empty_value=None,
                choices=[("", "")] + [(a.pk, a.name) for a in self.associations.values()],
            )

    def clean(self):
        data = super().clean()
        start, end = data.get("date_from"), data.get("date_to")
        if bool(start) != bool(end) and not self.has_error("date_from") and not self.has_error("date_to"):
            self.add_error("date_to" if start else "date_from", _("Give both dates of the period, or neither."))
        elif start and end:
            if end < start:
                self.add_error("date_to", _("The period ends before it starts."))
            elif (end - start).days >= MAX_PERIOD_DAYS:
                self.add_error("date_to", _("Choose a period of at most three years."))
            elif start.year < EARLIEST_YEAR or end.year > self.today.year + 1:
                self.add_error(
                    "date_from", _("Choose dates between %(first)s and next year.") % {"first": EARLIEST_YEAR}
                )
        return data

    def _value(self, name, default=None):
        if not self.is_bound or not self.is_valid():
            return default
        return self.cleaned_data.get(name) or default

    @property
    def year_value(self) -> int:
        return self._value("year", self.current_year)

    @property
    def period(self) -> Period:
        start, end = self._value("date_from"), self._value("date_to")
        if start and end:
            return Period(start, end, f"{start:%d.%m.%Y} – {end:%d.%m.%Y}")
        return academic_year(self.year_value)

    @property
    def association(self):
        return self.associations.get(self._value("association"))

    def filter_rows(self):
        """(bound field, options) for the filters box: a select's options' markup
        without the empty choice, None for an input.
        Worked out here once, not per option in the template."""
        rows = []
        for field in self:
            options = None
            if field.field.widget.input_type == "select":
                current = str(field.value())
                options = safe(
                    "".join(
                        f'<option value="{text(value)}"{SELECTED if str(value) == current else ""}>'
                        f"{text(label)}</option>"
                        for value, label in field.field.choices
                        if value != ""
                    )
                )
            rows.append((field, options))
        return rows

    def query_string(self):
        """The filters as typed, for links to exports and other pages."""
        if not self.is_bound:
            return ""
        return self.data.urlencode() if hasattr(self.data, "urlencode") else ""


class CategoryFilterForm(DashboardFilterForm):
    """The categories page: years shown, and the day of each year the categories are
    counted on (1 September by default)."""

    ref_day = forms.IntegerField(label=_("Reference day"), min_value=1, max_value=31, required=False)
    ref_month = forms.TypedChoiceField(
        label=_("month"),
        coerce=int,
        required=False,
        choices=[
            (1, _("January")),
            (2, _("February")),
            (3, _("March")),
            (4, _("April")),
            (5, _("May")),
            (6, _("June")),
            (7, _("July")),
            (8, _("August")),
            (9, _("September")),
            (10, _("October")),
            (11, _("November")),
            (12, _("December")),
        ],
    )
    first_year = forms.IntegerField(label=_("Years from"), min_value=EARLIEST_YEAR, required=False)
    last_year = forms.IntegerField(label=_("to"), min_value=EARLIEST_YEAR, required=False)

    def clean(self):
        data = super().clean()
        day, month = data.get("ref_day") or 1, data.get("ref_month") or 9
        try:
            datetime.date(2001, month, day)  # a day that exists in every year
        except ValueError:
            self.add_error("ref_day", _("Choose a day that exists in every year."))
        first, last = data.get("first_year"), data.get("last_year")
        if first and last and last < first:
            self.add_error("last_year", _("The last year is before the first."))
        elif (first or self.current_year) > self.today.year + 1 or (last or 0) > self.today.year + 1:
            self.add_error("last_year", _("Choose years up to next year."))
        elif first and last and last - first > 30:
            self.add_error("last_year", _("Choose at most 30 years."))
        return data

    @property
    def reference(self):
        return self._value("ref_month", 9), self._value("ref_day", 1)

    def years(self, *, default_first):
        # By default up to the last reference day that has come (never a future one).
        month, day = self.reference
        latest = self.today.year if datetime.date(self.today.year, month, day) <= self.today else self.today.year - 1
        last = self._value("last_year", latest)
        first = self._value("first_year", max(default_first, last - 30))
        return range(first, last + 1)
