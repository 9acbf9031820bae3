"""Model choice fields that read their rows once.

A ModelChoiceField reads its queryset afresh (through a server-side cursor)
each time its widget renders, so a form offering the same staff as a lead, as
members and as experts read them three times per page. `share_choices` gives
such fields one list, read on first use; validation still asks each field's
queryset, as before.
"""

import functools

from django.forms.models import ModelChoiceIterator


class _Rows:
    """The queryset's rows, read on first use (or given as a list)."""

    def __init__(self, queryset, rows=None):
        self.queryset, self.rows = queryset, rows

    def get(self):
        if self.rows is None:
            self.rows = list(self.queryset)
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


def share_choices(queryset, *fields, rows=None):
    """Let model choice `fields` offer `queryset`'s rows, read once for all of
    them (or the already known `rows`: no query at all)."""
    shared = _Rows(queryset, rows)
    for field in fields:
        field.iterator = functools.partial(_SharedIterator, rows=shared)
        field.queryset = queryset  # validation; also hands the widget the new choices
