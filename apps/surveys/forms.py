from django import forms
from django.utils.translation import gettext_lazy as _

from apps.core.dates import school_today
from apps.core.widgets import DateInput
from apps.staff.models import StaffMember

from .disclosure import min_respondents_for
from .models import SurveyAnswer, SurveyRound, SurveyTie

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

    def __init__(self, *args, survey_round, colleagues, **kwargs):
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
        return [self[kind] for kind in SurveyTie.Kind.values]

    def readiness_fields(self):
        return [self[item] for item in SurveyAnswer.READINESS_ITEMS]

    def choices(self):
        return {kind: list(self.cleaned_data.get(kind) or []) for kind in SurveyTie.Kind.values}

    def readiness(self):
        return {item: self.cleaned_data[item] for item in SurveyAnswer.READINESS_ITEMS}
