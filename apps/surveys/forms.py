from django import forms
from django.utils.safestring import SafeString
from django.utils.translation import gettext_lazy as _

from apps.core.choices import share_choices
from apps.core.dates import school_today
from apps.core.form_rendering import printed
from apps.core.widgets import DateInput
from apps.staff.models import StaffMember

from .disclosure import min_respondents_for
from .models import SurveyAnswer, SurveyRound, SurveyTie

# One colleague's box of a question (templates/surveys/answer_form.html).
_OPTION = (
    '      <label class="list-group-item d-flex align-items-center gap-3 py-3">\n'
    '        <input class="form-check-input m-0 flex-shrink-0 survey-check" type="checkbox" name="{name}" '
    'value="{value}"{checked}>\n'
    "        <span>{label}</span>\n"
    "      </label>"
)
# One button of a readiness item's scale.
_SCALE_OPTION = (
    '          <input type="radio" class="btn-check" name="{html_name}" id="{name}-{value}" value="{value}"{checked}>\n'
    '          <label class="btn btn-outline-primary py-2" for="{name}-{value}">{label}</label>'
)
SCALE = [(value, str(value)) for value in range(1, 6)]


class SurveyRoundForm(forms.ModelForm):
    staff = forms.ModelMultipleChoiceField(
        label=_("Staff included"),
        queryset=StaffMember.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Everyone working at the school is included unless unticked."),
    )

    class Meta:
        model = SurveyRound
        fields = ["name", "opens_on", "closes_on", "max_choices", "min_respondents"]
        widgets = {"opens_on": DateInput(), "closes_on": DateInput()}

    def __init__(self, *args, school, **kwargs):
        super().__init__(*args, **kwargs)
        self.today = school_today(school)
        people = StaffMember.objects.for_school(school).filter(is_active=True).order_by("last_name", "first_name")
        self.fields["staff"].queryset = people
        self.fields["staff"].initial = [p.pk for p in people]
        # Everyone is included by default: half of them, and never fewer than 5.
        self.fields["min_respondents"].initial = min_respondents_for(len(self.fields["staff"].initial))

    def clean(self):
        cleaned = super().clean()
        opens_on, closes_on = cleaned.get("opens_on"), cleaned.get("closes_on")
        if opens_on and closes_on and closes_on < opens_on:
            self.add_error("closes_on", _("The survey closes on or after the day it opens."))
        elif closes_on and closes_on < self.today:
            self.add_error("closes_on", _("The closing day has passed: nobody could answer."))
        staff, minimum = cleaned.get("staff"), cleaned.get("min_respondents")
        if staff is not None and minimum is not None:
            least = min_respondents_for(len(staff))
            if minimum < least:
                self.add_error(
                    "min_respondents",
                    _("At least half of the staff included must answer: at least %(count)s.") % {"count": least},
                )
            elif len(staff) < minimum:
                message = _("Include at least %(count)s people: results need that many answers.")
                self.add_error("staff", message % {"count": minimum})
        return cleaned


class SurveyAnswerForm(forms.Form):
    """Three questions, each a choice of colleagues (participants other than
    oneself, at most `max_choices`), and the readiness items on a 1–5 scale."""

    def __init__(self, *args, survey_round, colleagues, colleague_rows=None, **kwargs):
        """`colleague_rows`: the colleagues already read, offered by the three questions (no query)."""
        super().__init__(*args, **kwargs)
        self.survey_round = survey_round
        for kind, label in SurveyTie.Kind.choices:
            self.fields[kind] = forms.ModelMultipleChoiceField(
                label=label,
                queryset=colleagues,
                required=False,
                widget=forms.CheckboxSelectMultiple,
                error_messages={"invalid_choice": _("Choose among the colleagues of this survey, not yourself.")},
            )
        share_choices(colleagues, *(self.fields[kind] for kind in SurveyTie.Kind.values), rows=colleague_rows)
        for item, label in SurveyAnswer.READINESS_ITEMS.items():
            self.fields[item] = forms.TypedChoiceField(label=label, choices=SCALE, coerce=int, widget=forms.RadioSelect)

    def _clean_choice(self, kind):
        chosen = self.cleaned_data.get(kind)
        if chosen is not None and len(chosen) > self.survey_round.max_choices:
            raise forms.ValidationError(
                _("Choose at most %(count)s colleagues.") % {"count": self.survey_round.max_choices}
            )
        return chosen

    def clean(self):
        cleaned = super().clean()
        for kind in SurveyTie.Kind.values:
            if kind in cleaned:
                try:
                    self._clean_choice(kind)
                except forms.ValidationError as error:
                    self.add_error(kind, error)
        return cleaned

    def questions(self):
        """The three questions, each with its colleagues' boxes drawn here (`options`): a
        template pass per box, three times the staff, was most of the page's work."""
        found = []
        for kind in SurveyTie.Kind.values:
            bound = self[kind]
            field = bound.field
            chosen = set(field.widget.format_value(bound.value()))
            name = printed(bound.html_name)
            rows = []
            for value, label in field.choices:
                value = str(value)
                checked = " checked" if value in chosen else ""
                rows.append(_OPTION.format(name=name, value=printed(value), checked=checked, label=printed(label)))
            bound.options = SafeString("\n".join(rows))  # nosec B308 B703 - every part escaped above
            found.append(bound)
        return found

    def readiness_fields(self):
        """The readiness items, each with its 1–5 buttons drawn here (`options`)."""
        found = []
        for item in SurveyAnswer.READINESS_ITEMS:
            bound = self[item]
            chosen = set(bound.field.widget.format_value(bound.value()))
            name, html_name = printed(bound.name), printed(bound.html_name)
            rows = []
            for value, label in bound.field.choices:
                value = str(value)
                checked = " checked" if value in chosen else ""
                rows.append(
                    _SCALE_OPTION.format(
                        name=name, html_name=html_name, value=printed(value), checked=checked, label=printed(label)
                    )
                )
            bound.options = SafeString("\n".join(rows))  # nosec B308 B703 - every part escaped above
            found.append(bound)
        return found

    def choices(self):
        return {kind: list(self.cleaned_data.get(kind) or []) for kind in SurveyTie.Kind.values}

    def readiness(self):
        return {item: self.cleaned_data[item] for item in SurveyAnswer.READINESS_ITEMS}
