"""Form fields drawn without a template per part (apps/core/form_rendering.py and
apps/core/templatetags/crispy_lean.py) give the markup the templates gave."""

import copy
import datetime
import re

import pytest
from django import forms
from django.conf import settings
from django.db.models import QuerySet
from django.forms.boundfield import BoundWidget
from django.forms.renderers import DjangoTemplates
from django.template import Context, engines
from django.urls import reverse, set_script_prefix
from django.utils import translation
from django.utils.functional import Promise
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy

from apps.core.form_rendering import WidgetRenderer, bound_widget_html
from apps.core.forms import LeanForm
from apps.core.links import fixed_link
from apps.core.templatetags import crispy_lean
from apps.core.templatetags.crispy_lean import PACK_FIELD
from apps.core.widgets import DateInput, TimeInput
from apps.network_events.forms import EventForm
from apps.partners.forms import ActivityForm
from apps.staff.models import StaffMember

DJANGO, OURS = DjangoTemplates(), WidgetRenderer()

CHOICES = [("", "—"), (1, 'Один & <два> "три"'), (2, 3.5), ("Группа", [(3, "x"), (4, datetime.date(2026, 1, 2))])]
WIDGETS = [
    forms.TextInput(attrs={"class": "form-control", "placeholder": 'a "q" <b>', "disabled": False, "maxlength": 30}),
    forms.NumberInput(attrs={"min": 1, "step": 0.5}),
    forms.EmailInput(),
    forms.DateInput(attrs={"type": "date"}),
    forms.TimeInput(attrs={"type": "time"}),
    forms.DateTimeInput(attrs={"type": "datetime-local"}),
    forms.PasswordInput(render_value=True),
    forms.HiddenInput(),
    forms.CheckboxInput(),
    forms.Textarea(attrs={"rows": 3}),
    forms.Select(choices=CHOICES),
    forms.SelectMultiple(choices=CHOICES),
    forms.NullBooleanSelect(),
    forms.RadioSelect(choices=CHOICES),
    forms.CheckboxSelectMultiple(choices=CHOICES),
]
VALUES = [
    None,
    "",
    "текст",
    'x"<y>&',
    0,
    1,
    3.5,
    True,
    False,
    [1, 2],
    ["3"],
    mark_safe("<b>"),
    datetime.date(2026, 5, 6),
]


@pytest.fixture(params=["ru", "en"])
def language(request):
    with translation.override(request.param):
        yield


@pytest.mark.parametrize("widget", WIDGETS, ids=lambda widget: type(widget).__name__)
def test_a_widget_is_drawn_as_djangos_templates_draw_it(widget, language):
    compared = 0
    for value in VALUES:
        try:
            expected = widget.render("name", value, attrs={"id": "id_name", "required": True}, renderer=DJANGO)
        except (TypeError, ValueError):
            continue
        assert widget.render("name", value, attrs={"id": "id_name", "required": True}, renderer=OURS) == expected
        compared += 1
    assert compared


@pytest.mark.parametrize("wrap_label", [False, True])
@pytest.mark.parametrize("widget_class", [forms.RadioSelect, forms.CheckboxSelectMultiple])
def test_one_radio_button_or_checkbox_is_drawn_as_djangos_templates_draw_it(widget_class, wrap_label, language):
    widget = widget_class(choices=CHOICES, attrs={"class": "form-check-input"})
    for value in (None, 1, [1, 2]):
        for _group, options, _index in widget.get_context("name", value, {"id": "id_name"})["widget"]["optgroups"]:
            for option in options:
                expected = BoundWidget(widget, option, DJANGO).tag(wrap_label=wrap_label)
                assert BoundWidget(widget, option, OURS).tag(wrap_label=wrap_label) == expected


def test_the_project_draws_widgets_with_its_renderer():
    assert settings.FORM_RENDERER == "apps.core.form_rendering.WidgetRenderer"


class _Stored:
    """A file already saved (what a FileField's initial value offers)."""

    url = "/media/scans/акт 1.pdf?a=1&b=<2>"
    name = "scans/акт <1>.pdf"

    def __str__(self):
        return self.name


class EveryKindForm(forms.Form):
    """A field of each kind our forms use."""

    text = forms.CharField(max_length=5, help_text="Как в приказе <b>")
    optional = forms.CharField(required=False, label="Примечание")
    number = forms.IntegerField(min_value=1)
    email = forms.EmailField(help_text="Рабочий адрес")
    day = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}))
    time = forms.TimeField(widget=forms.TimeInput(attrs={"type": "time", "class": "own"}))
    notes = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), help_text="Факты, а не оценки")
    pick = forms.ChoiceField(choices=[("", "—"), ("a", "A & B"), ("b", "B")])
    many = forms.MultipleChoiceField(choices=[("a", "A"), ("b", "B")], help_text="Несколько")
    agree = forms.BooleanField(help_text="Согласие")
    flag = forms.BooleanField(required=False)
    radio = forms.ChoiceField(widget=forms.RadioSelect, choices=[("1", "Один"), ("2", "Два")], help_text="Один ответ")
    boxes = forms.MultipleChoiceField(widget=forms.CheckboxSelectMultiple, choices=[("1", 1), ("2", "Два")])
    ticked = forms.MultipleChoiceField(
        widget=forms.CheckboxSelectMultiple(attrs={"class": "own", "data-x": 'a "b"'}),
        choices=[(1, "A & B"), (2, "<Два>"), (3, 3.5)],
        initial=[1, 3],
        required=False,
    )
    empty = forms.ChoiceField(widget=forms.RadioSelect, choices=[], required=False)
    grouped = forms.ChoiceField(
        widget=forms.RadioSelect, choices=[("Г", [("1", "Один")]), ("Д", [("2", "Два"), ("3", "Три")])]
    )
    hidden = forms.CharField(widget=forms.HiddenInput, required=False)
    unlabelled = forms.CharField(label="", required=False)
    upload = forms.FileField(required=False)
    # A file already there: its link and (unless required) the box that clears it.
    current = forms.FileField(required=False, initial=_Stored(), help_text="PDF <до 20 МБ>")
    replaced = forms.FileField(initial=_Stored(), widget=forms.ClearableFileInput(attrs={"accept": ".pdf,.docx"}))
    plain_file = forms.FileField(widget=forms.FileInput(attrs={"class": "own"}), help_text="Скан")
    locked = forms.FileField(required=False, initial=_Stored(), disabled=True)
    # Selects and inputs written without Django's widget pass (form_rendering.bound_widget_html).
    grouped_pick = forms.ChoiceField(
        choices=[("", "—"), ("Группа <1>", [("1", "Один"), ("2", "<Два>")]), (3, 3.5)], initial="2"
    )
    numbers = forms.TypedChoiceField(choices=[(1, "Один"), (2, "Два")], coerce=int, initial=2)
    yes_no = forms.NullBooleanField(help_text="Да или нет")
    locked_text = forms.CharField(disabled=True, initial='x "y"', required=False)
    described = forms.CharField(widget=forms.TextInput(attrs={"aria-describedby": "own"}), help_text="Своё")
    picker_day = forms.DateField(widget=DateInput(), initial=datetime.date(2026, 5, 6))
    picker_time = forms.TimeField(widget=TimeInput(), required=False)
    long_text = forms.CharField(widget=forms.Textarea, initial="a\n<b>", max_length=10)


BAD_DATA = {
    "text": "слишком длинно",
    "grouped_pick": "9",
    "numbers": "2",
    "long_text": "слишком длинный текст",
    "picker_day": "2026-13-01",
    "number": "0",
    "email": "нет",
    "flag": "on",
    "radio": "9",
    "boxes": ["1"],
    "ticked": ["2", "3"],
}


def _normalised(html):
    """Whitespace between and inside tags does not change the page."""
    html = re.sub(r"\s+", " ", str(html))
    return re.sub(r"\s*(<|>)\s*", r"\1", html).strip()


def _field(data, name):
    form = EveryKindForm(data)
    if data is not None:
        form.is_valid()
    return form[name]


@pytest.mark.parametrize("data", [None, BAD_DATA], ids=["blank", "with-errors"])
@pytest.mark.parametrize("name", list(EveryKindForm.base_fields))
def test_a_field_is_drawn_as_the_crispy_pack_draws_it(name, data, language, monkeypatch):
    pack = engines["django"].engine.from_string(PACK_FIELD.read_text())
    monkeypatch.setattr(crispy_lean, "_pack_field_template", None)  # every field drawn in Python
    context = {"form_show_errors": True, "form_show_labels": True, "label_class": "", "field_class": ""}
    expected = pack.render(Context({"field": _field(data, name), **context}))
    ours = engines["django"].from_string("{% load crispy_forms_tags %}{{ field|as_crispy_field }}")
    assert _normalised(ours.render({"field": _field(data, name)})) == _normalised(expected)


@pytest.mark.parametrize("data", [None, BAD_DATA], ids=["blank", "with-errors"])
@pytest.mark.parametrize("name", list(EveryKindForm.base_fields))
def test_a_lean_field_is_what_as_crispy_field_gives(name, data, language):
    crispy = engines["django"].from_string("{% load crispy_forms_tags %}{{ field|as_crispy_field }}")
    lean = engines["django"].from_string("{% load crispy_lean %}{{ field|as_lean_field }}")
    assert lean.render({"field": _field(data, name)}) == crispy.render({"field": _field(data, name)})


def test_a_whole_form_is_drawn_as_the_crispy_pack_draws_it(language):
    pack_field = engines["django"].engine.from_string(PACK_FIELD.read_text())
    context = {"form_show_errors": True, "form_show_labels": True, "label_class": "", "field_class": ""}
    form = EveryKindForm(BAD_DATA)
    form.is_valid()
    expected = "".join(pack_field.render(Context({"field": field, **context})) for field in form)
    form = EveryKindForm(BAD_DATA)
    form.is_valid()
    ours = engines["django"].from_string("{% load crispy_forms_tags %}{{ form|crispy }}").render({"form": form})
    assert _normalised(ours) == _normalised(expected)


# The widgets bound_widget_html writes itself (the rest: None, drawn by Django).
DIRECT = {
    "text",
    "optional",
    "number",
    "email",
    "day",
    "time",
    "notes",
    "pick",
    "many",
    "unlabelled",
    "hidden",
    "grouped_pick",
    "numbers",
    "yes_no",
    "locked_text",
    "described",
    "picker_day",
    "picker_time",
    "long_text",
}


@pytest.mark.parametrize("data", [None, BAD_DATA], ids=["blank", "with-errors"])
@pytest.mark.parametrize("name", list(EveryKindForm.base_fields))
def test_a_widget_written_directly_is_what_the_bound_field_renders(name, data, language):
    field = _field(data, name)
    drawn = bound_widget_html(field, field.errors)
    if name not in DIRECT:
        assert drawn is None
        return
    assert drawn == str(_field(data, name))


def test_a_widget_of_its_own_kind_or_a_localised_field_is_left_to_django():
    class Own(forms.Select):
        def get_context(self, name, value, attrs):
            return super().get_context(name, value, attrs)

    class Form(forms.Form):
        own = forms.ChoiceField(widget=Own, choices=[("a", "A")])
        local = forms.DecimalField(localize=True)
        twice = forms.CharField(show_hidden_initial=True)

    form = Form()
    assert [bound_widget_html(form[name], []) for name in ("own", "local", "twice")] == [None, None, None]


def _crispy(form):
    return engines["django"].from_string("{% load crispy_forms_tags %}{{ form|crispy }}").render({"form": form})


def test_a_field_with_errors_keeps_its_label_error_and_help_text_for_screen_readers():
    form = EveryKindForm(BAD_DATA)
    assert not form.is_valid()
    html = _normalised(_crispy(form))
    # A text input: its label, the red frame, the error and the help text it points to.
    assert (
        '<label for="id_text" class="form-label requiredField">Text<span class="asteriskField">*</span></label>' in html
    )
    assert re.search(
        r'<input type="text" name="text" value="слишком длинно"[^>]* class="textinput form-control is-invalid"', html
    )
    assert 'aria-invalid="true" aria-describedby="id_text_helptext id_text_error" id="id_text"' in html
    assert '<div id="id_text_error" class="invalid-feedback"><p id="error_1_id_text"><strong>' in html
    assert '<div id="id_text_helptext" class="form-text">Как в приказе<b></div>' in html
    # A select, a textarea, a checkbox.
    assert re.search(r'<select name="pick" class="select form-select is-invalid" required aria-invalid="true"', html)
    assert '<div id="id_pick_error" class="invalid-feedback">' in html
    assert re.search(
        r'<textarea name="notes"[^>]*class="textarea form-control is-invalid"'
        r'[^>]*aria-describedby="id_notes_helptext id_notes_error"',
        html,
    )
    assert re.search(
        r'<div id="div_id_agree" class="form-check">'
        r'<input type="checkbox" name="agree" class="checkboxinput form-check-input is-invalid"',
        html,
    )
    assert '<label for="id_agree" class="form-check-label requiredField">' in html
    # A list of radio buttons: a fieldset described by its help text and error, the error under the last choice.
    assert (
        '<fieldset aria-describedby="id_radio_helptext id_radio_error">'
        '<legend class="form-label requiredField fs-6">Radio' in html
    )
    assert (
        'class="form-check-input is-invalid" name="radio" value="2" id="id_radio_1" required aria-invalid="true">'
        in html
    )
    assert (
        '<label for="id_radio_1" class="form-check-label">Два</label><div id="id_radio_error" class="invalid-feedback">'
        in html
    )
    assert '<div id="id_radio_helptext" class="form-text">Один ответ</div></fieldset>' in html
    # A valid field is not marked.
    assert 'class="textinput form-control" id="id_optional"' in html


def test_a_link_reversed_once_is_what_reverse_gives_and_follows_the_script_prefix():
    assert fixed_link("mentoring:board") == reverse("mentoring:board")
    try:
        set_script_prefix("/school/")
        assert fixed_link("mentoring:board") == reverse("mentoring:board") == "/school/mentoring/board/"
    finally:
        set_script_prefix("/")


class LeanEveryKindForm(LeanForm, EveryKindForm):
    """EveryKindForm, its fields copied by LeanForm; with a model choice and a multi-value field too."""

    person = forms.ModelChoiceField(queryset=StaffMember.objects.order_by("last_name"), required=False)
    people = forms.ModelMultipleChoiceField(queryset=StaffMember.objects.none(), required=False)
    lazy_pick = forms.ChoiceField(choices=[("a", gettext_lazy("Kind")), ("b", "B")], required=False)
    when = forms.SplitDateTimeField(required=False)


def _assert_copied_alike(ours, djangos, original, path, tops):
    """`ours` and `djangos` (two copies of `original`) share with it the same values,
    and hold equal fresh copies of the rest. `tops`: the copied fields (ours, Django's,
    the original), which a copy may point back to."""
    assert type(ours) is type(djangos), path
    for our_top, djangos_top, original_top in [tops]:
        if djangos is djangos_top and path.count(".") > 0:
            assert ours is our_top, path
            return
        if djangos is original_top:
            assert ours is original_top, path
            return
    if isinstance(djangos, list | tuple) and djangos is not original:
        # A tuple is never changed in place: which one is held does not matter, what it holds does.
        assert isinstance(djangos, tuple) or ours is not original, path
        assert len(ours) == len(djangos) == len(original), path
        for index, (mine, theirs, was) in enumerate(zip(ours, djangos, original, strict=True)):
            _assert_copied_alike(mine, theirs, was, f"{path}[{index}]", tops)
        return
    if not hasattr(djangos, "__dict__") or isinstance(djangos, QuerySet | str | Promise):
        if djangos is original:
            assert ours is original, path
        elif isinstance(djangos, QuerySet):
            assert ours is not original and ours.model is djangos.model, path
            assert ours.query.where.children == djangos.query.where.children, path
        else:
            assert ours is not original and ours == djangos, path
        return
    if djangos is original:
        assert ours is original, path
        return
    assert ours is not original, path
    assert ours.__dict__.keys() == djangos.__dict__.keys(), path
    for key, value in djangos.__dict__.items():
        _assert_copied_alike(ours.__dict__[key], value, original.__dict__[key], f"{path}.{key}", tops)


def test_a_lean_form_copies_its_fields_as_django_does():
    base = LeanEveryKindForm.base_fields
    djangos = copy.deepcopy(dict(base))
    ours = copy.deepcopy(base)
    assert type(ours) is dict and list(ours) == list(djangos)
    for name, field in base.items():
        _assert_copied_alike(ours[name], djangos[name], field, name, (ours[name], djangos[name], field))
    # A field changed in one form is not changed in the next one's.
    form = LeanEveryKindForm()
    form.fields["pick"].widget.attrs["class"] = "changed"
    form.fields["pick"].choices = [("z", "Z")]
    form.fields["text"].validators.append(lambda value: None)
    again = LeanEveryKindForm()
    assert "class" not in again.fields["pick"].widget.attrs
    assert again.fields["pick"].choices == base["pick"].choices
    assert again.fields["text"].validators == base["text"].validators


def test_a_lean_form_is_drawn_as_a_plain_one(language):
    lean, plain = LeanEveryKindForm(BAD_DATA), EveryKindForm(BAD_DATA)
    assert not lean.is_valid() and not plain.is_valid()
    field = engines["django"].from_string("{% load crispy_lean %}{{ field|as_lean_field }}")
    for name in EveryKindForm.base_fields:
        assert field.render({"field": lean[name]}) == field.render({"field": plain[name]}), name


@pytest.mark.parametrize("form_class", [ActivityForm, EventForm])
def test_a_lean_model_form_copies_its_fields_as_django_does(form_class):
    base = form_class.base_fields
    djangos = copy.deepcopy(dict(base))
    ours = copy.deepcopy(base)
    assert type(ours) is dict and list(ours) == list(djangos)
    for name, field in base.items():
        _assert_copied_alike(ours[name], djangos[name], field, name, (ours[name], djangos[name], field))
