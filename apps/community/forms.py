import functools

from django import forms
from django.core.exceptions import ValidationError
from django.forms.models import ModelChoiceIterator
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from apps.core.choices import translated_labels
from apps.core.forms import LeanForm
from apps.core.tenancy import Circle
from apps.core.validation import max_length_of
from apps.mentoring.models import ProblemTag
from apps.staff.models import Subject

from . import selectors
from .models import GRADES, Answer, Material, MaterialComment, MaterialVersion, Question
from .services import circles_open_to

# Big radio buttons, as the feedback form's format (templates/community/_radios.html).
BIG_RADIOS = forms.RadioSelect(attrs={"class": "btn-check"})


def _textarea(rows, model, name):
    return forms.Textarea(attrs={"rows": rows, "maxlength": max_length_of(model, name)})


def circle_choices(*, school, staff):
    """The circles this person may choose, as the services check them."""
    labels = translated_labels(Circle)
    return [(circle, labels[circle]) for circle in circles_open_to(school=school, author=staff)]


class _RowChoices(ModelChoiceIterator):
    """A model choice field's choices from {pk, name} rows loaded once by `load()`: the
    field's values and labels (a subject's or a tag's name) without a model object each."""

    def __init__(self, field, *, load):
        super().__init__(field)
        self.load = load

    def __iter__(self):
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        for row in self.load():
            yield row["pk"], row["name"]

    def __len__(self):
        return len(self.load()) + (self.field.empty_label is not None)

    def __bool__(self):
        return self.field.empty_label is not None or bool(self.load())


class _SharedFields(LeanForm):
    """The circle, subject and problem tags of a material or a question, from the school's lists."""

    def setup_shared(self, *, school, staff, drafts=True):
        choices = circle_choices(school=school, staff=staff)
        if not drafts:
            choices = [c for c in choices if c[0] != Circle.DRAFT]
        self.fields["circle"].choices = choices
        self._school_id, self._tag_rows = school.pk, None
        # Offered from prepared queries of plain values (read once when the form is drawn); a form
        # sent back is checked against the school's querysets, built only for it.
        subjects = functools.partial(selectors.subject_names, school_id=school.pk)
        for name, load in (("subject", subjects), ("tags", self._tags)):
            field = self.fields[name]
            field.iterator = functools.partial(_RowChoices, load=functools.cache(load))
            if self.is_bound:
                field.queryset = (Subject if name == "subject" else ProblemTag).objects.filter(school=school)
            field.widget.choices = field.choices

    def _tags(self):
        if self._tag_rows is None:
            self._tag_rows = selectors.tag_names(school_id=self._school_id)
        return self._tag_rows

    @property
    def has_tags(self):
        """Whether the school has problem tags to offer (the rows the field offers, read once)."""
        return bool(self._tags())


@functools.cache
def _kinds(language):
    """The kinds of a material, their labels translated once per language."""
    return [(value, str(label)) for value, label in Material.Kind.choices]


class MaterialForm(_SharedFields):
    title = forms.CharField(label=_("Title"), max_length=max_length_of(Material, "title"))
    kind = forms.ChoiceField(label=_("Kind"), choices=Material.Kind.choices, widget=BIG_RADIOS)
    circle = forms.ChoiceField(label=_("Who sees it"), choices=Circle.choices, widget=BIG_RADIOS)
    topic = forms.CharField(label=_("Topic"), max_length=max_length_of(Material, "topic"), required=False)
    subject = forms.ModelChoiceField(label=_("Subject"), queryset=Subject.objects.none(), required=False)
    grades = forms.TypedMultipleChoiceField(
        label=_("Grades"),
        choices=[(g, str(g)) for g in GRADES],
        coerce=int,
        widget=forms.CheckboxSelectMultiple,
    )
    tags = forms.ModelMultipleChoiceField(
        label=_("Problem tags"),
        queryset=ProblemTag.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    description = forms.CharField(
        label=_("Description"),
        required=False,
        widget=_textarea(6, Material, "description"),
        max_length=max_length_of(Material, "description"),
        help_text=_("What the material is for, how you used it and what you would like colleagues to look at."),
    )

    def __init__(self, *args, school, staff, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = _kinds(get_language())
        self.setup_shared(school=school, staff=staff)


class MaterialCreateForm(MaterialForm):
    file = forms.FileField(label=_("File"), required=False)
    link = forms.URLField(
        label=_("Or a link"),
        required=False,
        max_length=max_length_of(MaterialVersion, "link"),
        help_text=_("A video is shared as a link."),
    )

    def clean(self):
        data = super().clean()
        if not data.get("file") and not data.get("link") and not self.has_error("link"):
            raise ValidationError({"link": _("Attach a file or give a link.")})
        return data


class VersionForm(forms.Form):
    change_note = forms.CharField(
        label=_("What changed"),
        widget=_textarea(3, MaterialVersion, "change_note"),
        max_length=max_length_of(MaterialVersion, "change_note"),
        help_text=_("For example: the reflection stage rewritten after colleagues' comments."),
    )
    file = forms.FileField(label=_("File"), required=False)
    link = forms.URLField(label=_("Or a link"), required=False, max_length=max_length_of(MaterialVersion, "link"))

    def clean(self):
        data = super().clean()
        if not data.get("file") and not data.get("link") and not self.has_error("link"):
            raise ValidationError({"link": _("Attach a file or give a link.")})
        return data


class CommentForm(forms.Form):
    text = forms.CharField(
        label=_("Comment"),
        widget=_textarea(4, MaterialComment, "text"),
        max_length=max_length_of(MaterialComment, "text"),
        help_text=_("Describe what you saw in the material and what you would try: describe, don't grade."),
    )
    parent = forms.IntegerField(required=False, widget=forms.HiddenInput, min_value=1, max_value=2**62)


class QuestionForm(_SharedFields):
    title = forms.CharField(label=_("Question"), max_length=max_length_of(Question, "title"))
    circle = forms.ChoiceField(label=_("Who sees it"), choices=Circle.choices, widget=BIG_RADIOS)
    body = forms.CharField(
        label=_("Details"),
        required=False,
        widget=_textarea(6, Question, "body"),
        max_length=max_length_of(Question, "body"),
        help_text=_("The class, what you tried and what happened."),
    )
    subject = forms.ModelChoiceField(label=_("Subject"), queryset=Subject.objects.none(), required=False)
    tags = forms.ModelMultipleChoiceField(
        label=_("Problem tags"),
        queryset=ProblemTag.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, school, staff, **kwargs):
        super().__init__(*args, **kwargs)
        self.setup_shared(school=school, staff=staff, drafts=False)


class AnswerForm(forms.Form):
    text = forms.CharField(
        label=_("Answer"),
        widget=_textarea(5, Answer, "text"),
        max_length=max_length_of(Answer, "text"),
        help_text=_("What you did in a similar case and what came of it: describe, don't grade."),
    )
