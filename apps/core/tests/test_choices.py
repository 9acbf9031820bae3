import functools

import pytest
from django import forms
from django.contrib.auth.models import Group
from django.db import connection
from django.test.utils import CaptureQueriesContext

from apps.core.choices import offer_loaded, share_marked_options, share_options

pytestmark = pytest.mark.django_db


class RowForm(forms.Form):
    one = forms.ModelChoiceField(queryset=Group.objects.none(), required=False)
    many = forms.ModelMultipleChoiceField(queryset=Group.objects.none(), required=False)
    kind = forms.ChoiceField(choices=[("", "---"), ("a", "A"), ("b", "B & <b>")])


def _plain(prefix, **kwargs):
    form = RowForm(prefix=prefix, **kwargs)
    form.fields["one"].queryset = form.fields["many"].queryset = Group.objects.order_by("name")
    return form


class Page:
    """What a page keeps for all its row forms: the rows loaded once, the options rendered once."""

    def __init__(self):
        self.rendered = {"one": {}, "many": {}, "kind": {}}

    @functools.cached_property
    def groups(self):
        return list(Group.objects.order_by("name"))

    def form(self, prefix, **kwargs):
        form = RowForm(prefix=prefix, **kwargs)
        for name in ("one", "many"):
            offer_loaded(form.fields[name], Group.objects.all(), lambda: self.groups, rendered=self.rendered[name])
        share_options(form.fields["kind"], self.rendered["kind"])
        return form


def _markup(form):
    return "".join(str(form[name]) for name in ("one", "many", "kind"))


def test_rows_render_as_plain_model_choice_fields_in_one_query():
    groups = [Group.objects.create(name=name) for name in ("Б", "А", "<В>")]
    initials = [
        {},
        {},
        {"one": groups[0].pk, "many": [groups[1], groups[2]], "kind": "b"},
        {"one": groups[0].pk, "many": [groups[1], groups[2]], "kind": "b"},
        {"kind": "a"},
    ]
    expected = [_markup(_plain(f"row-{i}", initial=initial)) for i, initial in enumerate(initials)]
    page = Page()
    with CaptureQueriesContext(connection) as queries:
        shown = [_markup(page.form(f"row-{i}", initial=initial)) for i, initial in enumerate(initials)]
    assert shown == expected
    assert len(queries) == 1
    assert 'name="row-3-many"' in shown[3] and 'id="id_row-3-many"' in shown[3]


def test_a_sent_row_is_still_checked_against_the_queryset():
    kept, other = Group.objects.create(name="А"), Group.objects.create(name="Б")
    page = Page()
    form = page.form("row-0", data={"row-0-one": str(other.pk), "row-0-kind": "a"})
    form.fields["one"].queryset = Group.objects.filter(pk=kept.pk)
    assert not form.is_valid() and "one" in form.errors
    form = page.form("row-1", data={"row-1-one": str(kept.pk), "row-1-many": [str(other.pk)], "row-1-kind": "a"})
    assert form.is_valid(), form.errors
    assert form.cleaned_data["one"] == kept and list(form.cleaned_data["many"]) == [other]


class PeopleForm(forms.Form):
    """Several selects of the same people (a group's curator and members)."""

    lead = forms.ModelChoiceField(queryset=Group.objects.order_by("name"))
    first = forms.ModelChoiceField(queryset=Group.objects.order_by("name"))
    second = forms.ModelChoiceField(queryset=Group.objects.order_by("name"), required=False)
    kind = forms.ChoiceField(choices=[("", "---"), ("a", "A"), ("b", "B & <b>")], required=False)


def _people_markup(form):
    return "".join(str(form[name]) for name in ("lead", "first", "second", "kind"))


@pytest.mark.parametrize(
    "kwargs",
    [
        {},
        {"initial": {"lead": "FIRST", "first": "SECOND", "kind": "b"}},
        {"initial": {"lead": "FIRST", "second": "FIRST"}},
        {"data": {"lead": "FIRST", "first": "999999", "second": "", "kind": "zz"}},
        {"data": {"lead": "<x>", "first": "SECOND"}},
    ],
)
def test_options_drawn_once_mark_each_selects_own_choice(kwargs):
    groups = [Group.objects.create(name=name) for name in ("Б", "А", '<В> & "Г"')]

    def resolved(values):
        names = {"FIRST": str(groups[0].pk), "SECOND": str(groups[2].pk)}
        return {key: names.get(value, value) for key, value in values.items()}

    kwargs = {key: resolved(value) for key, value in kwargs.items()}
    expected = _people_markup(PeopleForm(**kwargs))
    form = PeopleForm(**kwargs)
    share_marked_options([form.fields[name] for name in ("lead", "first", "second", "kind")])
    assert _people_markup(form) == expected
    assert _people_markup(form) == expected  # and again, from the options already drawn
